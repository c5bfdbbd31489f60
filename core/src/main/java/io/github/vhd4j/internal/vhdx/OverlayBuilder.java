package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.vhdx.layout.LogLayout;
import java.util.Arrays;

/**
 * Collects the replayed entries' descriptors in order and resolves them into a {@link
 * ReplayedStorage}: where several descriptors write the same place, the later one wins (MS-VHDX
 * 2.3.3 applies them in order). A page survives unless a later zero descriptor covers it; zeroed
 * ranges are merged, and a surviving page overrides them.
 *
 * <p>The caller sizes it from the entries' counts, which the scan has bounded, so every array is
 * allocated once at its final size. Resolution sorts and sweeps: O(n log n) in the descriptors.
 */
final class OverlayBuilder implements DescriptorSink {
  private static final int PAGE_SHIFT = Integer.numberOfTrailingZeros(LogLayout.SECTOR);
  /** Bits of a sort key that hold a descriptor's number; the rest hold its target's page number. */
  private static final int INDEX_BITS = 21;
  /** The most descriptors one replay may hold, so that a number fits in {@link #INDEX_BITS}. */
  static final int MAX_DESCRIPTORS = 1 << 20;

  private final long[] dataTarget;
  private final long[] dataSource;
  private final long[] dataLeading;
  private final int[] dataTrailing;
  private final int[] dataOrder;
  private final long[] zeroStart;
  private final long[] zeroEnd;
  private final int[] zeroOrder;
  private int data;
  private int zeros;
  private int order;

  /**
   * Prepares for exactly the descriptors of the entries to replay.
   *
   * @param dataDescriptors their data descriptors
   * @param zeroDescriptors their zero descriptors
   * @throws IllegalArgumentException if together they exceed {@link #MAX_DESCRIPTORS}
   */
  OverlayBuilder(int dataDescriptors, int zeroDescriptors) {
    if ((long) dataDescriptors + zeroDescriptors > MAX_DESCRIPTORS) {
      throw new IllegalArgumentException(dataDescriptors + " + " + zeroDescriptors + " descriptors");
    }
    dataTarget = new long[dataDescriptors];
    dataSource = new long[dataDescriptors];
    dataLeading = new long[dataDescriptors];
    dataTrailing = new int[dataDescriptors];
    dataOrder = new int[dataDescriptors];
    zeroStart = new long[zeroDescriptors];
    zeroEnd = new long[zeroDescriptors];
    zeroOrder = new int[zeroDescriptors];
  }

  @Override
  public void zero(long fileOffset, long length) {
    zeroStart[zeros] = fileOffset;
    zeroEnd[zeros] = fileOffset + length;
    zeroOrder[zeros++] = order++;
  }

  @Override
  public void data(long fileOffset, long sourceFileOffset, long leading, long trailing) {
    dataTarget[data] = fileOffset;
    dataSource[data] = sourceFileOffset;
    dataLeading[data] = leading;
    dataTrailing[data] = (int) trailing;
    dataOrder[data++] = order++;
  }

  /**
   * Resolves what was collected.
   *
   * @param base the file
   * @param size the replayed length: at least the head's LastFileOffset and every write's end
   * @return the overlay
   * @throws IllegalStateException if fewer descriptors arrived than were announced
   */
  ReplayedStorage build(Storage base, long size) {
    if (data != dataTarget.length || zeros != zeroStart.length) {
      throw new IllegalStateException(data + " data and " + zeros + " zero descriptors, expected "
          + dataTarget.length + " and " + zeroStart.length);
    }
    int[] zeroByStart = sortedByTarget(zeroStart);
    int[] pages = latestPages(zeroByStart);
    long[] target = new long[pages.length];
    long[] source = new long[pages.length];
    long[] leading = new long[pages.length];
    int[] trailing = new int[pages.length];
    for (int i = 0; i < pages.length; i++) {
      target[i] = dataTarget[pages[i]];
      source[i] = dataSource[pages[i]];
      leading[i] = dataLeading[pages[i]];
      trailing[i] = dataTrailing[pages[i]];
    }
    long[][] merged = mergeZeros(zeroByStart);
    return new ReplayedStorage(base, size, target, source, leading, trailing, merged[0], merged[1]);
  }

  /**
   * The descriptors sorted by target, and among equal targets by number (that is, by order), as
   * indexes: each key packs the target's page number above the descriptor's number.
   */
  private static int[] sortedByTarget(long[] targets) {
    long[] keys = new long[targets.length];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = (targets[i] >>> PAGE_SHIFT) << INDEX_BITS | i;
    }
    Arrays.sort(keys);
    int[] out = new int[keys.length];
    for (int i = 0; i < keys.length; i++) {
      out[i] = (int) (keys[i] & ((1L << INDEX_BITS) - 1));
    }
    return out;
  }

  /**
   * The data descriptors that decide their page, ascending by target: the last one per target,
   * unless a later zero descriptor covers it. The sweep keeps the zero ranges that have started in
   * a heap by order; ranges that ended are dropped when they reach the top, so the top is the
   * latest range covering the current target.
   */
  private int[] latestPages(int[] zeroByStart) {
    int[] byTarget = sortedByTarget(dataTarget);
    int[] heap = new int[zeroByStart.length];
    int heapSize = 0;
    int nextZero = 0;
    int[] out = new int[byTarget.length];
    int kept = 0;
    for (int i = 0; i < byTarget.length; i++) {
      int d = byTarget[i];
      if (i + 1 < byTarget.length && dataTarget[byTarget[i + 1]] == dataTarget[d]) {
        continue;
      }
      long t = dataTarget[d];
      while (nextZero < zeroByStart.length && zeroStart[zeroByStart[nextZero]] <= t) {
        heapSize = push(heap, heapSize, zeroByStart[nextZero++]);
      }
      while (heapSize > 0 && zeroEnd[heap[0]] <= t) {
        heapSize = pop(heap, heapSize);
      }
      if (heapSize == 0 || zeroOrder[heap[0]] < dataOrder[d]) {
        out[kept++] = d;
      }
    }
    return Arrays.copyOf(out, kept);
  }

  private int push(int[] heap, int size, int z) {
    int i = size;
    heap[i] = z;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (zeroOrder[heap[parent]] >= zeroOrder[heap[i]]) {
        break;
      }
      swap(heap, i, parent);
      i = parent;
    }
    return size + 1;
  }

  private int pop(int[] heap, int size) {
    int last = size - 1;
    heap[0] = heap[last];
    int i = 0;
    while (true) {
      int l = 2 * i + 1;
      int r = l + 1;
      int top = i;
      if (l < last && zeroOrder[heap[l]] > zeroOrder[heap[top]]) {
        top = l;
      }
      if (r < last && zeroOrder[heap[r]] > zeroOrder[heap[top]]) {
        top = r;
      }
      if (top == i) {
        return last;
      }
      swap(heap, i, top);
      i = top;
    }
  }

  private static void swap(int[] a, int i, int j) {
    int t = a[i];
    a[i] = a[j];
    a[j] = t;
  }

  /** The union of the zeroed ranges as disjoint, ascending {starts, ends}; empty ranges dropped. */
  private long[][] mergeZeros(int[] byStart) {
    long[] starts = new long[byStart.length];
    long[] ends = new long[byStart.length];
    int n = 0;
    for (int z : byStart) {
      long s = zeroStart[z];
      long e = zeroEnd[z];
      if (s == e) {
        continue;
      }
      if (n > 0 && s <= ends[n - 1]) {
        ends[n - 1] = Math.max(ends[n - 1], e);
      } else {
        starts[n] = s;
        ends[n++] = e;
      }
    }
    return new long[][] {Arrays.copyOf(starts, n), Arrays.copyOf(ends, n)};
  }
}
