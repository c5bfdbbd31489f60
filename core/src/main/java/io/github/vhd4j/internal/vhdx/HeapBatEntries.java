package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.vhdx.layout.BatLayout;
import io.github.vhd4j.internal.vhdx.layout.Le;
import java.io.IOException;
import java.nio.ByteBuffer;

/** A BAT small enough to hold whole: at most {@link #MAX_ENTRIES} entries, 8 MiB. */
final class HeapBatEntries extends BatEntries {
  /** The most entries held on the heap: 2^20 (a 4 TiB disk of 4 MiB blocks, say). */
  static final long MAX_ENTRIES = 1L << 20;

  private final long[] entries;

  private HeapBatEntries(long[] entries) {
    super(entries.length);
    this.entries = entries;
  }

  /**
   * Reads a table whole.
   *
   * @param storage what structures are read through
   * @param offset the BAT region's file offset
   * @param count the entries, at most the caller's heap limit (which must fit an array)
   * @return the entries
   * @throws IOException if the file cannot be read
   */
  static HeapBatEntries read(Storage storage, long offset, long count) throws IOException {
    long[] entries = new long[Math.toIntExact(count)];
    int chunk = (int) Math.min(count, BatCursor.CHUNK);
    ByteBuffer b = Le.allocate(chunk * BatLayout.ENTRY_SIZE);
    long[] part = new long[chunk];
    for (int from = 0; from < entries.length; from += chunk) {
      int n = Math.min(chunk, entries.length - from);
      storage.read(offset + (long) from * BatLayout.ENTRY_SIZE, b, 0, n * BatLayout.ENTRY_SIZE);
      decode(b, n, part);
      System.arraycopy(part, 0, entries, from, n);
    }
    return new HeapBatEntries(entries);
  }

  @Override
  long get(long index) {
    return entries[(int) index];
  }

  @Override
  void read(long from, int n, long[] dst, ByteBuffer scratch) {
    System.arraycopy(entries, (int) from, dst, 0, n);
  }
}
