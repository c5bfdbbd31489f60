package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.internal.vhdx.layout.BatLayout;
import io.github.vhd4j.internal.vhdx.layout.Le;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A forward reader of BAT entries for one thread's bulk walk (validation, maps): it reads
 * {@link #CHUNK} entries at a time into buffers of its own, never through the lookup cache.
 */
final class BatCursor {
  /** Entries per read: 8,192, 64 KiB. */
  static final int CHUNK = 8192;

  private final BatEntries entries;
  private final long[] values;
  private final ByteBuffer scratch;
  private long from;
  private long to;

  /**
   * Starts a walk.
   *
   * @param entries the table
   */
  BatCursor(BatEntries entries) {
    this.entries = entries;
    int n = (int) Math.min(CHUNK, Math.max(1, entries.count));
    this.values = new long[n];
    this.scratch = Le.allocate(n * BatLayout.ENTRY_SIZE);
  }

  /**
   * Returns entry {@code index}, reading the entries from it up to {@code end} (at most a chunk) if
   * it is not among those last read.
   *
   * @param index below the table's count
   * @param end where the walk will stop, for reading no more than it needs
   * @return the entry
   * @throws IOException if the file cannot be read
   */
  long get(long index, long end) throws IOException {
    if (index < from || index >= to) {
      fill(index, end);
    }
    return values[(int) (index - from)];
  }

  /**
   * Reads the chunk starting at {@code start}; the entries are then {@link #at}{@code (start + k)}.
   *
   * @param start the first entry
   * @return the entries read, at least 1 while {@code start} is below the count
   * @throws IOException if the file cannot be read
   */
  int fill(long start) throws IOException {
    return fill(start, entries.count);
  }

  /**
   * Returns an entry of the chunk last read.
   *
   * @param k its position in the chunk
   * @return the entry
   */
  long at(int k) {
    return values[k];
  }

  private int fill(long start, long end) throws IOException {
    int n = (int) Math.min(values.length, Math.min(Math.max(end, start + 1), entries.count) - start);
    // Invalid until the read succeeds: a failed read must not leave old entries under new indexes.
    from = 0;
    to = 0;
    entries.read(start, n, values, scratch);
    from = start;
    to = start + n;
    return n;
  }
}
