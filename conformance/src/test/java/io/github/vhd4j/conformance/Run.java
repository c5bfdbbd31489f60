package io.github.vhd4j.conformance;

import io.github.vhd4j.Extent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One run of an allocation map in the form both sides can produce: guest start and length, whether
 * the bytes are stored (data) or read as zeros, and for data the file offset (else -1).
 */
record Run(long start, long length, boolean data, long offset) {

  long end() {
    return start + length;
  }

  /** Runs of {@code qemu-img map --output=json}, merged. */
  static List<Run> fromQemu(List<Map<String, Object>> entries) {
    List<Run> runs = new ArrayList<>();
    for (Map<String, Object> e : entries) {
      boolean data = Boolean.TRUE.equals(e.get("data"));
      Object off = e.get("offset");
      runs.add(new Run((Long) e.get("start"), (Long) e.get("length"), data,
          data && off != null ? (Long) off : -1));
    }
    return merge(runs);
  }

  /** Runs of vhd4j's map, merged the same way. */
  static List<Run> fromExtents(List<Extent> extents) {
    List<Run> runs = new ArrayList<>();
    for (Extent e : extents) {
      runs.add(new Run(e.start(), e.length(), e.data(), e.data() ? e.fileOffset() : -1));
    }
    return merge(runs);
  }

  /**
   * Merges neighbours of the same kind; data runs only when their file offsets are contiguous too
   * (the rule both qemu-img map and vhd4j apply, repeated here so either side's splitting of one
   * contiguous range into several answers does not count as a difference).
   */
  static List<Run> merge(List<Run> in) {
    List<Run> out = new ArrayList<>();
    for (Run r : in) {
      if (r.length == 0) {
        continue;
      }
      if (!out.isEmpty()) {
        Run last = out.get(out.size() - 1);
        boolean touching = last.end() == r.start && last.data == r.data
            && (!r.data || (last.offset >= 0 && last.offset + last.length == r.offset));
        if (touching) {
          out.set(out.size() - 1, new Run(last.start, last.length + r.length, r.data, last.offset));
          continue;
        }
      }
      out.add(r);
    }
    return out;
  }

  /** The data runs only. */
  static List<Run> data(List<Run> runs) {
    return runs.stream().filter(Run::data).toList();
  }

  /**
   * The guest range covered by data, as one run starting at offset 0 (fixed images: qemu-img
   * splits them at holes of the host file, which vhd4j cannot and need not see).
   */
  static List<Run> covered(List<Run> runs) {
    long n = 0;
    for (Run r : runs) {
      if (r.data) {
        n += r.length;
      }
    }
    return n == 0 ? List.of() : List.of(new Run(0, n, true, 0));
  }

  @Override
  public String toString() {
    return data ? "[" + start + "+" + length + " @" + offset + "]" : "[" + start + "+" + length + " zero]";
  }
}
