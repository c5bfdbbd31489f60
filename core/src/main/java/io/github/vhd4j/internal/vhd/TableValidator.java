package io.github.vhd4j.internal.vhd;

import static io.github.vhd4j.internal.Fmt.hex32;

import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.internal.Problems;
import io.github.vhd4j.internal.Sectors;
import io.github.vhd4j.internal.Site;
import io.github.vhd4j.internal.vhd.layout.TableLayout;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Validates every entry of a block allocation table in memory bounded whatever the table's size:
 * each block inside the file, clear of metadata, and no two blocks overlapping. Problems past the
 * per-code cap cost only a counter, so a hostile table of millions of bad entries stays cheap.
 *
 * <p>The first pass walks the table in index order (a scan skips unallocated runs at memory
 * speed) and checks each block against the file and the metadata. Overlaps need the blocks in
 * file order: when the table lists them in file order, as writers that append blocks do, the
 * first pass also sweeps them, in O(1) memory. Otherwise window passes follow: the file's offset
 * range is cut, by a histogram the first pass made, into windows holding at most
 * {@link #WINDOW} block starts, and each pass collects one window's starts, sorts them and
 * continues the sweep. A window whose starts crowd into too small a range to fit (a hostile table
 * pointing many entries at one place) is taken in several passes, each keeping the smallest
 * starts not yet swept, so memory stays bounded there too.
 *
 * <p>Overlap problems come after every other problem of the table, in file order, as a sort of
 * all blocks would give them.
 */
final class TableValidator {
  /** Block starts sorted per window pass: 2^19, 4 MiB of keys (twice that while selecting). */
  static final int WINDOW = 1 << 19;
  /** The histogram of block starts has 2^12 buckets: 16 KiB. */
  private static final int BUCKET_BITS = 12;
  private static final long SECTOR = Sectors.SIZE;

  private final BlockTable table;
  private final Problems p;
  private final long tableOffset;
  /** The table as a whole, where problems about all its blocks point. */
  private final Site tableSite;
  private final long stride;
  /** Blocks the disk's size needs; verdicts are kept for these only. */
  private final long needed;
  private final long dataEnd;
  private final List<long[]> regions;
  private final int window;

  private TableValidator(BlockTable table, Problems p, long tableOffset, long stride, long needed, long dataEnd,
      List<long[]> regions, int window) {
    this.table = table;
    this.p = p;
    this.tableOffset = tableOffset;
    this.tableSite = new Site(TableLayout.STRUCTURE, TableLayout.ENTRIES, tableOffset);
    this.stride = stride;
    this.needed = needed;
    this.dataEnd = dataEnd;
    this.regions = regions;
    this.window = window;
  }

  /**
   * Validates a table; problems go to {@code p}.
   *
   * @param table the table
   * @param p where problems go
   * @param stride a block's bitmap and data bytes
   * @param needed the blocks the disk's size needs
   * @param dataEnd where blocks must end
   * @param regions the metadata regions as {@code [start, end)} pairs
   * @return the blocks lenient mode cannot read, or null when every block is readable
   * @throws IOException if the file cannot be read
   */
  static @Nullable DamagedBlocks validate(BlockTable table, Problems p, long stride, long needed, long dataEnd,
      List<long[]> regions) throws IOException {
    return validate(table, p, stride, needed, dataEnd, regions, WINDOW);
  }

  /**
   * As {@link #validate(BlockTable, Problems, long, long, long, List)}, with at most
   * {@code window} block starts sorted per window pass (tests lower it to exercise the passes).
   *
   * @param table the table
   * @param p where problems go
   * @param stride a block's bitmap and data bytes
   * @param needed the blocks the disk's size needs
   * @param dataEnd where blocks must end
   * @param regions the metadata regions
   * @param window block starts per window pass, at least 1
   * @return the damaged blocks, or null
   * @throws IOException if the file cannot be read
   */
  static @Nullable DamagedBlocks validate(BlockTable table, Problems p, long stride, long needed, long dataEnd,
      List<long[]> regions, int window) throws IOException {
    if (window < 1) {
      throw new IllegalArgumentException("window " + window);
    }
    return new TableValidator(table, p, table.offset, stride, needed, dataEnd, regions, window).run();
  }

  private @Nullable DamagedBlocks run() throws IOException {
    int n = table.length();
    BlockTable.Scan scan = table.scan();
    int shift = Math.max(0, 64 - Long.numberOfLeadingZeros(Math.max(1, dataEnd - 1)) - BUCKET_BITS);
    int[] histogram = new int[1 << BUCKET_BITS];
    long starts = 0;
    boolean anyBad = false;
    boolean extraReported = false;
    boolean ordered = true;
    long lastSector = 0;
    Sweep sweep = new Sweep();
    for (int i = scan.next(0, n); i < n; i = scan.next(i + 1, n)) {
      long sector = scan.entry(i) & 0xFFFFFFFFL;
      long start = sector * SECTOR;
      long end = start + stride;
      if (i >= needed && !extraReported) {
        extraReported = true;
        p.warning(ProblemCode.BAT_EXTRA_ENTRY_ALLOCATED, TableLayout.entry(tableOffset, i),
            hex32(Layer.UNALLOCATED), hex32(sector), "entries beyond the disk's last block are never read");
      }
      if (end > dataEnd) {
        if (p.admit(ProblemCode.BAT_ENTRY_OUTSIDE_FILE, Severity.ERROR)) {
          p.addAdmitted(p.make(Severity.ERROR, ProblemCode.BAT_ENTRY_OUTSIDE_FILE, TableLayout.entry(tableOffset, i),
              "a block ending by " + dataEnd, "sector " + sector + " (block at " + start + ".." + end + ")",
              "the block lies outside the file (truncated image?)"), true);
        }
        anyBad |= i < needed;
        continue;
      }
      // Indexed, not for-each: an iterator per entry is 32 bytes per table entry of garbage.
      for (int ri = 0; ri < regions.size(); ri++) {
        long[] r = regions.get(ri);
        if (Sectors.overlaps(start, end, r[0], r[1])) {
          if (p.admit(ProblemCode.BAT_ENTRY_IN_METADATA, Severity.ERROR)) {
            p.addAdmitted(p.make(Severity.ERROR, ProblemCode.BAT_ENTRY_IN_METADATA, TableLayout.entry(tableOffset, i),
                "a block clear of [" + r[0] + ", " + r[1] + ")", "sector " + sector + " (block at " + start + ")",
                "the block overlaps metadata"), true);
          }
          anyBad |= i < needed;
          break;
        }
      }
      starts++;
      histogram[(int) (start >>> shift)]++;
      if (ordered) {
        if (sector < lastSector) {
          ordered = false;
        } else {
          lastSector = sector;
          sweep.add(start, i);
        }
      }
    }
    if (!ordered) {
      sweep = new Sweep();
      windows(scan, histogram, shift, starts, sweep);
    }
    sweep.report();
    if (!ordered) {
      p.info(ProblemCode.BAT_BLOCKS_UNORDERED, tableSite,
          "blocks are stored in a different order than the table lists them (legal)");
    }
    if (sweep.gaps > 0) {
      p.info(ProblemCode.BAT_BLOCK_GAPS, tableSite,
          sweep.gaps + " gap(s) totalling " + sweep.gapBytes + " bytes between stored blocks (legal)");
    }
    BlockSet overlapping = sweep.bad.build();
    return anyBad || !overlapping.isEmpty() ? new DamagedBlocks(needed, stride, dataEnd, regions, overlapping) : null;
  }

  /**
   * Sweeps the blocks inside the file in file order, window by window. A block's key is its
   * unsigned sector in the high half and its index in the low half, flipped in the sign bit so
   * that signed order is file order (ties in table order, as one sort of all blocks would give).
   */
  private void windows(BlockTable.Scan scan, int[] histogram, int shift, long starts, Sweep sweep)
      throws IOException {
    int n = table.length();
    long[] keys = new long[(int) Math.max(2, Math.min(starts, 2L * window))];
    boolean swept = false;
    long after = 0;
    for (int lo = 0; lo < histogram.length; ) {
      if (histogram[lo] == 0) {
        lo++;
        continue;
      }
      int hi = lo + 1;
      long sum = histogram[lo];
      while (hi < histogram.length && sum + histogram[hi] <= window) {
        sum += histogram[hi++];
      }
      long low = (long) lo << shift;
      long high = (long) hi << shift;
      boolean more = true;
      while (more) {
        more = false;
        int count = 0;
        long cutoff = Long.MAX_VALUE;
        for (int i = scan.next(0, n); i < n; i = scan.next(i + 1, n)) {
          long sector = scan.entry(i) & 0xFFFFFFFFL;
          long start = sector * SECTOR;
          if (start < low || start >= high || start + stride > dataEnd) {
            continue;
          }
          long key = (sector << 32 | i) ^ Long.MIN_VALUE;
          if (swept && key <= after || key > cutoff) {
            continue;
          }
          if (count == keys.length) {
            // More starts than fit: keep the smaller half, and take the rest in another pass.
            Arrays.sort(keys, 0, count);
            count = keys.length / 2;
            cutoff = keys[count - 1];
            more = true;
            if (key > cutoff) {
              continue;
            }
          }
          keys[count++] = key;
        }
        Arrays.sort(keys, 0, count);
        for (int k = 0; k < count; k++) {
          long key = keys[k] ^ Long.MIN_VALUE;
          sweep.add((key >>> 32) * SECTOR, (int) key);
        }
        if (count > 0) {
          after = keys[count - 1];
          swept = true;
        }
      }
      lo = hi;
    }
  }

  /**
   * The sweep over blocks in file order: the block reaching furthest so far, the gaps between
   * blocks, and the overlaps, whose problems are held back (the first {@link Problems#MAX_PER_CODE}
   * and a count) until the table's other problems are recorded.
   */
  private final class Sweep {
    long maxEnd = Long.MIN_VALUE;
    int maxOwner = -1;
    int gaps;
    long gapBytes;
    int overlaps;
    final int[] blocks = new int[Problems.MAX_PER_CODE];
    final int[] owners = new int[Problems.MAX_PER_CODE];
    final long[] at = new long[Problems.MAX_PER_CODE];
    final BlockSet.Builder bad = new BlockSet.Builder((int) needed);

    void add(long start, int i) {
      if (maxOwner >= 0 && start < maxEnd) {
        if (overlaps < blocks.length) {
          blocks[overlaps] = i;
          owners[overlaps] = maxOwner;
          at[overlaps] = start;
        }
        overlaps++;
        mark(i);
        mark(maxOwner);
      } else if (maxOwner >= 0 && start > maxEnd) {
        gaps++;
        gapBytes += start - maxEnd;
      }
      if (start + stride > maxEnd) {
        maxEnd = start + stride;
        maxOwner = i;
      }
    }

    private void mark(int block) {
      if (block < needed) {
        bad.add(block);
      }
    }

    void report() {
      int listed = Math.min(overlaps, blocks.length);
      for (int k = 0; k < listed; k++) {
        int i = blocks[k];
        if (p.admit(ProblemCode.BAT_ENTRY_OVERLAP, Severity.ERROR)) {
          p.addAdmitted(p.make(Severity.ERROR, ProblemCode.BAT_ENTRY_OVERLAP, TableLayout.entry(tableOffset, i),
              "a block clear of block " + owners[k], "block at " + at[k],
              "blocks " + owners[k] + " and " + i + " overlap"), true);
        }
      }
      p.admitAll(ProblemCode.BAT_ENTRY_OVERLAP, Severity.ERROR, overlaps - listed);
    }
  }
}
