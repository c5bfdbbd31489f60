package io.github.vhd4j.internal.vhd;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * An immutable set of block numbers below a bound, held as a sorted array while it is small and
 * as a bitmap of the bound once the array would be larger, so it never costs more than one bit
 * per block of the disk (and usually four bytes per member).
 */
final class BlockSet {
  private static final BlockSet EMPTY = new BlockSet(new int[0], null);

  private final int[] sorted;
  private final long @Nullable [] bits;

  private BlockSet(int[] sorted, long @Nullable [] bits) {
    this.sorted = sorted;
    this.bits = bits;
  }

  /**
   * Tells whether a block is in the set.
   *
   * @param block the block
   * @return true when it is
   */
  boolean contains(int block) {
    long[] b = bits;
    if (b != null) {
      return block >= 0 && (block >>> 6) < b.length && (b[block >>> 6] & (1L << block)) != 0;
    }
    return Arrays.binarySearch(sorted, block) >= 0;
  }

  /**
   * Tells whether the set has no member.
   *
   * @return true when empty
   */
  boolean isEmpty() {
    return bits == null && sorted.length == 0;
  }

  /** Collects members in any order, with repeats. */
  static final class Builder {
    private final int bound;
    private int[] members = new int[16];
    private int size;
    private long @Nullable [] bits;

    /**
     * Starts a set of blocks below {@code bound}.
     *
     * @param bound the number of blocks
     */
    Builder(int bound) {
      this.bound = bound;
    }

    /**
     * Adds a block.
     *
     * @param block a block below the bound
     */
    void add(int block) {
      long[] b = bits;
      if (b != null) {
        b[block >>> 6] |= 1L << block;
        return;
      }
      if (size > 0 && members[size - 1] == block) {
        return;
      }
      if (size == members.length) {
        if (size >= bound / 32) {
          // The array would pass the bitmap's size (a bit per block, an int per member).
          toBits();
          add(block);
          return;
        }
        members = Arrays.copyOf(members, Math.min(2 * size, Math.max(16, bound / 32)));
      }
      members[size++] = block;
    }

    private void toBits() {
      long[] b = new long[(bound + 63) >>> 6];
      for (int i = 0; i < size; i++) {
        b[members[i] >>> 6] |= 1L << members[i];
      }
      bits = b;
      members = new int[0];
      size = 0;
    }

    /**
     * Returns the set.
     *
     * @return the members added
     */
    BlockSet build() {
      if (bits != null) {
        return new BlockSet(new int[0], bits);
      }
      if (size == 0) {
        return EMPTY;
      }
      int[] m = Arrays.copyOf(members, size);
      Arrays.sort(m);
      int n = 1;
      for (int i = 1; i < m.length; i++) {
        if (m[i] != m[n - 1]) {
          m[n++] = m[i];
        }
      }
      return new BlockSet(Arrays.copyOf(m, n), null);
    }
  }
}
