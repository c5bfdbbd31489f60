package io.github.vhd4j.internal.vhdx;

import org.jspecify.annotations.Nullable;

/**
 * A set of file MiBs (MiB {@code m} is bytes {@code [m * 1 MiB, (m + 1) * 1 MiB)}): every VHDX
 * object lies on whole MiBs (MS-VHDX 2.1), so claiming a block's MiBs finds any overlap with
 * another block. Bits live in pages of 2^16 (8 KiB, 64 GiB of file) made when first touched, so a
 * sparse 64 TiB file whose few blocks lie far apart costs a few pages, and the page directory is
 * bounded by the capacity, at most {@link BatTable#MAX_FILE_END} bytes of file.
 */
final class FileMibs {
  private static final int PAGE_SHIFT = 16;
  private static final int WORDS_PER_PAGE = (1 << PAGE_SHIFT) >>> 6;

  private final long capacity;
  private final long[] @Nullable [] pages;
  private boolean empty = true;

  /**
   * Makes an empty set of MiBs below {@code capacity}.
   *
   * @param capacity the number of MiBs, at most {@link BatTable#MAX_FILE_END} in MiBs
   */
  FileMibs(long capacity) {
    if (capacity < 0 || capacity > BatTable.MAX_FILE_END >>> 20) {
      throw new IllegalArgumentException("capacity " + capacity);
    }
    this.capacity = capacity;
    this.pages = new long[(int) ((capacity + (1L << PAGE_SHIFT) - 1) >>> PAGE_SHIFT)][];
  }

  /**
   * Returns the number of MiBs the set can hold.
   *
   * @return the capacity
   */
  long capacity() {
    return capacity;
  }

  /**
   * Tells whether no MiB was ever added.
   *
   * @return true when empty
   */
  boolean isEmpty() {
    return empty;
  }

  /**
   * Adds MiBs {@code [from, to)}; those already present are added to {@code shared} too.
   *
   * @param from the first MiB
   * @param to the end, at most the capacity
   * @param shared where MiBs claimed twice go
   * @return true when some MiB was already present
   */
  boolean claim(long from, long to, FileMibs shared) {
    boolean again = false;
    for (long w = from >>> 6; w <= (to - 1) >>> 6 && from < to; w++) {
      long mask = mask(w, from, to);
      long[] page = make(w);
      int k = (int) (w & (WORDS_PER_PAGE - 1));
      long twice = page[k] & mask;
      if (twice != 0) {
        again = true;
        shared.make(w)[k] |= twice;
        shared.empty = false;
      }
      page[k] |= mask;
    }
    if (from < to) {
      empty = false;
    }
    return again;
  }

  /**
   * Tells whether any MiB of {@code [from, to)} is present.
   *
   * @param from the first MiB
   * @param to the end, at most the capacity
   * @return true when one is
   */
  boolean any(long from, long to) {
    for (long w = from >>> 6; w <= (to - 1) >>> 6 && from < to; w++) {
      long[] page = page(w);
      if (page != null && (page[(int) (w & (WORDS_PER_PAGE - 1))] & mask(w, from, to)) != 0) {
        return true;
      }
    }
    return false;
  }

  /** The bits of word {@code w} that fall in {@code [from, to)}. */
  private static long mask(long w, long from, long to) {
    long lo = Math.max(from, w << 6) - (w << 6);
    long hi = Math.min(to, (w + 1) << 6) - (w << 6);
    long upper = hi == 64 ? -1L : (1L << hi) - 1;
    return upper & (-1L << lo);
  }

  private long @Nullable [] page(long word) {
    return pages[(int) (word / WORDS_PER_PAGE)];
  }

  private long[] make(long word) {
    int i = (int) (word / WORDS_PER_PAGE);
    long[] p = pages[i];
    if (p == null) {
      p = new long[WORDS_PER_PAGE];
      pages[i] = p;
    }
    return p;
  }
}
