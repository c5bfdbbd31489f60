package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.internal.vhdx.layout.BatLayout;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The raw 64-bit entries of a BAT region (MS-VHDX 2.5), in file order, as stored after any log
 * replay: held on the heap, or read from the file page by page. Entries never change once the
 * table is open (VHDX is read here, never written), so any copy of them stays right.
 */
abstract class BatEntries {
  /** The number of entries the geometry needs; those past it are never read (MS-VHDX 2.5). */
  final long count;

  /**
   * Sets the count.
   *
   * @param count the entries
   */
  BatEntries(long count) {
    this.count = count;
  }

  /**
   * Returns entry {@code index}. Safe from many threads; allocates nothing once the entry's page is
   * cached.
   *
   * @param index below {@link #count}
   * @return the entry
   * @throws IOException if the file cannot be read
   */
  abstract long get(long index) throws IOException;

  /**
   * Copies entries {@code [from, from + n)} into {@code dst}, bypassing any cache: bulk walks read
   * the table once and must not evict what lookups use.
   *
   * @param from the first entry
   * @param n the entries, with {@code from + n <= count}
   * @param dst where they go, from index 0
   * @param scratch a little-endian buffer of at least {@code 8 * n} bytes the copy may use
   * @throws IOException if the file cannot be read
   */
  abstract void read(long from, int n, long[] dst, ByteBuffer scratch) throws IOException;

  /**
   * Decodes {@code n} little-endian entries from a buffer.
   *
   * @param src the bytes, from index 0
   * @param n the entries
   * @param dst where they go, from index 0
   */
  static void decode(ByteBuffer src, int n, long[] dst) {
    for (int k = 0; k < n; k++) {
      dst[k] = src.getLong(k * BatLayout.ENTRY_SIZE);
    }
  }
}
