package io.github.vhd4j.internal.vhd;

import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.vhd.layout.TableLayout;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A table left in the file: lookups go through a direct-mapped cache of pages (by default 256
 * pages of 4,096 entries, 4 MiB at most, whatever the table's size), bulk walks read the file in
 * chunks of their own.
 *
 * <p>A hit is two acquire loads and no lock. A miss loads the page under its slot's lock, and
 * {@link #set} writes the file and updates a cached page under the same lock, so a page read from
 * the file while an entry changes can never be published with the old entry after {@code set}
 * returned: the load happens wholly before the set (which then updates the loaded page) or wholly
 * after it (and reads the new entry from the file). A stale {@link Layer#UNALLOCATED} would make
 * the writer allocate a block twice.
 */
final class PagedBlockTable extends BlockTable {
  private static final VarHandle ENTRY = MethodHandles.arrayElementVarHandle(int[].class);
  /** All-ones bytes: a run of unallocated entries, for {@link Arrays#mismatch}. */
  private static final byte[] UNALLOCATED_RUN = unallocatedRun();

  /** One cached page: the entries {@code index << pageShift} onwards. */
  private static final class Page {
    final int index;
    final int[] entries;

    Page(int index, int[] entries) {
      this.index = index;
      this.entries = entries;
    }
  }

  private final int pageShift;
  private final int slotMask;
  private final AtomicReferenceArray<Page> slots;
  private final Object[] locks;

  private PagedBlockTable(Storage storage, long offset, int length, int pageShift, int slots) {
    super(storage, offset, length);
    this.pageShift = pageShift;
    this.slotMask = slots - 1;
    this.slots = new AtomicReferenceArray<>(slots);
    this.locks = new Object[slots];
    for (int i = 0; i < slots; i++) {
      locks[i] = new Object();
    }
  }

  private static byte[] unallocatedRun() {
    byte[] run = new byte[16 << 10];
    Arrays.fill(run, (byte) 0xFF);
    return run;
  }

  /**
   * Opens a table with the default cache: 256 pages of 4,096 entries.
   *
   * @param storage the image file
   * @param offset the file offset of entry 0
   * @param length the number of entries
   * @return the table
   */
  static PagedBlockTable of(Storage storage, long offset, int length) {
    return of(storage, offset, length, 12, 256);
  }

  /**
   * Opens a table with a cache of {@code slots} pages of {@code 2^pageShift} entries.
   *
   * @param storage the image file
   * @param offset the file offset of entry 0
   * @param length the number of entries
   * @param pageShift log2 of the entries per page, 0 to 16
   * @param slots the pages cached, a power of two
   * @return the table
   */
  static PagedBlockTable of(Storage storage, long offset, int length, int pageShift, int slots) {
    if (pageShift < 0 || pageShift > 16 || slots <= 0 || Integer.bitCount(slots) != 1) {
      throw new IllegalArgumentException("page shift " + pageShift + ", slots " + slots);
    }
    return new PagedBlockTable(storage, offset, length, pageShift, slots);
  }

  @Override
  int get(int block) throws IOException {
    int index = block >>> pageShift;
    Page p = slots.get(index & slotMask);
    if (p == null || p.index != index) {
      p = load(index);
    }
    return (int) ENTRY.getAcquire(p.entries, block & ((1 << pageShift) - 1));
  }

  @Override
  int getAcquire(int block) throws IOException {
    return get(block);
  }

  /** Returns page {@code index}, reading it into its slot unless another thread just did. */
  private Page load(int index) throws IOException {
    int slot = index & slotMask;
    synchronized (locks[slot]) {
      Page p = slots.get(slot);
      if (p != null && p.index == index) {
        return p;
      }
      int first = index << pageShift;
      int n = Math.min(1 << pageShift, length - first);
      ByteBuffer b = ByteBuffer.allocate(TableLayout.ENTRY_SIZE * n);
      storage.read(TableLayout.entryOffset(offset, first), b, 0, TableLayout.ENTRY_SIZE * n);
      int[] entries = new int[n];
      b.asIntBuffer().get(entries);
      p = new Page(index, entries);
      slots.set(slot, p);
      return p;
    }
  }

  @Override
  void set(int block, int entry) throws IOException {
    int index = block >>> pageShift;
    int slot = index & slotMask;
    synchronized (locks[slot]) {
      writeEntry(block, entry);
      Page p = slots.get(slot);
      if (p != null && p.index == index) {
        ENTRY.setRelease(p.entries, block & ((1 << pageShift) - 1), entry);
      }
    }
  }

  @Override
  Scan scan() {
    return new FileScan();
  }

  /**
   * A walk that reads the table from the file, not through the cache: the file is what
   * {@link #set} changes first, and a walk over millions of entries would only evict the pages
   * the read path needs. Each read covers at most {@link #CHUNK} entries and no more than the
   * range asked for, so a walk over a few blocks reads a few entries.
   */
  private final class FileScan extends Scan {
    private byte[] buf = new byte[0];
    private ByteBuffer view = ByteBuffer.wrap(buf);
    private int from;
    private int to;

    @Override
    int next(int start, int end) throws IOException {
      for (int i = start; i < end; ) {
        if (i < from || i >= to) {
          fill(i, end);
        }
        int stop = Math.min(end, to);
        int at = firstAllocatedByte(TableLayout.ENTRY_SIZE * (i - from), TableLayout.ENTRY_SIZE * (stop - from));
        if (at >= 0) {
          return from + at / TableLayout.ENTRY_SIZE;
        }
        i = stop;
      }
      return end;
    }

    @Override
    int entry(int block) throws IOException {
      if (block < from || block >= to) {
        fill(block, Math.min(length, block + 1024));
      }
      return view.getInt(TableLayout.ENTRY_SIZE * (block - from));
    }

    /** Reads entries {@code [start, min(end, start + CHUNK))}. */
    private void fill(int start, int end) throws IOException {
      int n = Math.min(CHUNK, Math.min(end, length) - start);
      if (buf.length < TableLayout.ENTRY_SIZE * n) {
        // Doubling, so that a walk of growing ranges reallocates a few times, not per range.
        int entries = Math.max(n, Math.min(CHUNK, 2 * (buf.length / TableLayout.ENTRY_SIZE)));
        buf = new byte[TableLayout.ENTRY_SIZE * entries];
        view = ByteBuffer.wrap(buf);
      }
      // Invalid until the read succeeds: a failed read must not leave old bytes under new indexes.
      from = 0;
      to = 0;
      storage.read(TableLayout.entryOffset(offset, start), view, 0, TableLayout.ENTRY_SIZE * n);
      from = start;
      to = start + n;
    }

    /** Index of the first byte in {@code buf[start, end)} that is not 0xFF, or -1. */
    private int firstAllocatedByte(int start, int end) {
      for (int i = start; i < end; ) {
        int n = Math.min(end - i, UNALLOCATED_RUN.length);
        int at = Arrays.mismatch(buf, i, i + n, UNALLOCATED_RUN, 0, n);
        if (at >= 0) {
          return i + at;
        }
        i += n;
      }
      return -1;
    }
  }
}
