package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.vhdx.layout.BatLayout;
import io.github.vhd4j.internal.vhdx.layout.Le;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A BAT left in the file: lookups go through a direct-mapped cache of pages (by default 128 pages
 * of 4,096 entries, 4 MiB at most whatever the table's size; a 64 TiB disk of 1 MiB blocks has a
 * 512 MiB table), bulk walks read the file in chunks of their own ({@link BatCursor}).
 *
 * <p>A hit is one acquire load of an immutable page and no lock or allocation. A miss reads the
 * page under its slot's lock, so that threads missing on one page read it once. Entries never
 * change after the open, so a page, once read, is right for as long as it is cached.
 */
final class PagedBatEntries extends BatEntries {
  /** Default log2 of the entries per page: 4,096 entries, 32 KiB. */
  static final int PAGE_SHIFT = 12;
  /** Default number of cached pages. */
  static final int SLOTS = 128;

  /** One cached page: entries {@code index << pageShift} onwards. */
  private static final class Page {
    final long index;
    final long[] entries;

    Page(long index, long[] entries) {
      this.index = index;
      this.entries = entries;
    }
  }

  private final Storage storage;
  private final long offset;
  private final int pageShift;
  private final int slotMask;
  private final AtomicReferenceArray<Page> slots;
  private final Object[] locks;

  private PagedBatEntries(Storage storage, long offset, long count, int pageShift, int slots) {
    super(count);
    this.storage = storage;
    this.offset = offset;
    this.pageShift = pageShift;
    this.slotMask = slots - 1;
    this.slots = new AtomicReferenceArray<>(slots);
    this.locks = new Object[slots];
    for (int i = 0; i < slots; i++) {
      locks[i] = new Object();
    }
  }

  /**
   * Opens a table with a cache of {@code slots} pages of {@code 2^pageShift} entries.
   *
   * @param storage what structures are read through
   * @param offset the file offset of entry 0
   * @param count the entries
   * @param pageShift log2 of the entries per page, 0 to 13 (a page of at most 64 KiB)
   * @param slots the pages cached, a power of two
   * @return the table
   */
  static PagedBatEntries of(Storage storage, long offset, long count, int pageShift, int slots) {
    if (pageShift < 0 || pageShift > 13 || slots <= 0 || Integer.bitCount(slots) != 1) {
      throw new IllegalArgumentException("page shift " + pageShift + ", slots " + slots);
    }
    return new PagedBatEntries(storage, offset, count, pageShift, slots);
  }

  /**
   * Returns the most bytes of entries the cache can hold.
   *
   * @return slots times the page size
   */
  long cacheCapacity() {
    return (long) slots.length() * BatLayout.ENTRY_SIZE << pageShift;
  }

  /**
   * Returns the bytes of entries cached now.
   *
   * @return the sum of the cached pages' sizes
   */
  long cachedBytes() {
    long n = 0;
    for (int i = 0; i < slots.length(); i++) {
      Page p = slots.get(i);
      n += p == null ? 0 : (long) BatLayout.ENTRY_SIZE * p.entries.length;
    }
    return n;
  }

  @Override
  long get(long index) throws IOException {
    long page = index >>> pageShift;
    Page p = slots.get((int) page & slotMask);
    if (p == null || p.index != page) {
      p = load(page);
    }
    return p.entries[(int) (index & ((1 << pageShift) - 1))];
  }

  /** Returns page {@code index}, reading it into its slot unless another thread just did. */
  private Page load(long index) throws IOException {
    int slot = (int) index & slotMask;
    synchronized (locks[slot]) {
      Page p = slots.get(slot);
      if (p != null && p.index == index) {
        return p;
      }
      long first = index << pageShift;
      int n = (int) Math.min(1L << pageShift, count - first);
      long[] entries = new long[n];
      read(first, n, entries, Le.allocate(n * BatLayout.ENTRY_SIZE));
      p = new Page(index, entries);
      slots.set(slot, p);
      return p;
    }
  }

  @Override
  void read(long from, int n, long[] dst, ByteBuffer scratch) throws IOException {
    storage.read(offset + from * BatLayout.ENTRY_SIZE, scratch, 0, n * BatLayout.ENTRY_SIZE);
    decode(scratch, n, dst);
  }
}
