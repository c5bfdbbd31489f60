package io.github.vhd4j.internal.vhd;

import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.vhd.layout.TableLayout;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** A table held in an {@code int[]}: read once at open, in chunks, and kept in step with the file. */
final class HeapBlockTable extends BlockTable {
  private static final VarHandle ENTRY = MethodHandles.arrayElementVarHandle(int[].class);
  /** What a run of unallocated entries looks like, for {@link Arrays#mismatch}. */
  private static final int[] UNALLOCATED_RUN = unallocatedRun();

  private final int[] entries;

  private HeapBlockTable(Storage storage, long offset, int[] entries) {
    super(storage, offset, entries.length);
    this.entries = entries;
  }

  private static int[] unallocatedRun() {
    int[] run = new int[4096];
    Arrays.fill(run, Layer.UNALLOCATED);
    return run;
  }

  /**
   * Reads a table into memory, {@link #CHUNK} entries at a time (the read buffer is a fraction of
   * the table, not a second copy of it).
   *
   * @param storage the image file
   * @param offset the file offset of entry 0
   * @param length the number of entries
   * @return the table
   * @throws IOException if the file cannot be read
   */
  static HeapBlockTable read(Storage storage, long offset, int length) throws IOException {
    int[] entries = new int[length];
    ByteBuffer b = ByteBuffer.allocate(TableLayout.ENTRY_SIZE * Math.min(CHUNK, Math.max(length, 1)));
    for (int i = 0; i < length; ) {
      int n = Math.min(CHUNK, length - i);
      storage.read(TableLayout.entryOffset(offset, i), b, 0, TableLayout.ENTRY_SIZE * n);
      b.asIntBuffer().get(entries, i, n);
      i += n;
    }
    return new HeapBlockTable(storage, offset, entries);
  }

  @Override
  int get(int block) {
    return entries[block];
  }

  @Override
  int getAcquire(int block) {
    return (int) ENTRY.getAcquire(entries, block);
  }

  @Override
  void set(int block, int entry) throws IOException {
    writeEntry(block, entry);
    ENTRY.setRelease(entries, block, entry);
  }

  @Override
  Scan scan() {
    return new Scan() {
      @Override
      int next(int from, int to) {
        for (int i = from; i < to; ) {
          int n = Math.min(to - i, UNALLOCATED_RUN.length);
          int at = Arrays.mismatch(entries, i, i + n, UNALLOCATED_RUN, 0, n);
          if (at >= 0) {
            return i + at;
          }
          i += n;
        }
        return to;
      }

      @Override
      int entry(int block) {
        return entries[block];
      }
    };
  }
}
