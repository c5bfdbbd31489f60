package io.github.vhd4j.internal.vhd;

import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.vhd.layout.TableLayout;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The block allocation table of a dynamic or differencing layer: per block, the sector where its
 * bitmap starts, or {@link Layer#UNALLOCATED}.
 *
 * <p>A table of at most {@link #HEAP_ENTRIES} entries (a 2040 GiB disk of 2 MiB blocks has
 * 1,044,480) is read at open into an {@code int[]}, so that a lookup on the read path is an array
 * index. A larger one (up to {@link io.github.vhd4j.Vhd#MAX_TABLE_ENTRIES}, a 1 GiB table: a
 * 100 GiB disk of 512-byte blocks has 209,715,200 entries) stays in the file: lookups go through
 * a bounded page cache and bulk walks read the file in chunks, so memory does not grow with the
 * table.
 *
 * <p>Entries change only through {@link #set}: the file first, then the entry becomes visible to
 * lookups with release semantics. Readers racing with {@code set} see the old entry or the new
 * one, never a stale one after {@code set} returned.
 */
abstract class BlockTable {
  /**
   * Largest table kept in memory: 2^20 entries, 4 MiB. The system property
   * {@code vhd4j.tableHeapEntries} can only lower it (0 pages every table), so that the tests can
   * run every image through the paged table.
   */
  static final int HEAP_ENTRIES = heapEntries();

  /** Entries read at a time by bulk walks and by the heap table's load: 256 KiB. */
  static final int CHUNK = 1 << 16;

  final Storage storage;
  /** File offset of entry 0 (header field table offset, offset 16 of the dynamic header). */
  final long offset;
  /** Entries (header field max table entries, offset 28). */
  final int length;

  BlockTable(Storage storage, long offset, int length) {
    this.storage = storage;
    this.offset = offset;
    this.length = length;
  }

  /** Reads {@code vhd4j.tableHeapEntries}; a missing or malformed value means 2^20. */
  private static int heapEntries() {
    int limit = 1 << 20;
    return Math.max(0, Math.min(limit, Integer.getInteger("vhd4j.tableHeapEntries", limit)));
  }

  /**
   * Opens the table of a layer: read into memory when small, left in the file otherwise. The
   * caller has checked that the table lies in the file.
   *
   * @param storage the image file
   * @param offset the file offset of entry 0
   * @param entries the number of entries
   * @return the table
   * @throws IOException if the file cannot be read
   */
  static BlockTable open(Storage storage, long offset, int entries) throws IOException {
    return entries <= HEAP_ENTRIES ? HeapBlockTable.read(storage, offset, entries)
        : PagedBlockTable.of(storage, offset, entries);
  }

  /**
   * Returns the number of entries.
   *
   * @return the length
   */
  final int length() {
    return length;
  }

  /**
   * Returns a block's entry. Without a lock shared with {@link #set}, the entry may be one a
   * concurrent {@code set} is replacing.
   *
   * @param block the block, below {@link #length()}
   * @return the entry
   * @throws IOException if the file cannot be read
   */
  abstract int get(int block) throws IOException;

  /**
   * Returns a block's entry with acquire semantics: once a {@link #set} has published it, this
   * sees it.
   *
   * @param block the block
   * @return the entry
   * @throws IOException if the file cannot be read
   */
  abstract int getAcquire(int block) throws IOException;

  /**
   * Writes a block's entry to the file, then publishes it to lookups with release semantics. The
   * caller orders this with its forces (the entry is the writer's commit point).
   *
   * @param block the block
   * @param entry the new entry
   * @throws IOException if the file cannot be written (lookups keep the old entry)
   */
  abstract void set(int block, int entry) throws IOException;

  /**
   * Starts a bulk walk over the entries. A walk holds its own buffer: one per thread and walk.
   *
   * @return the walk
   */
  abstract Scan scan();

  /** Writes one entry into the file. */
  final void writeEntry(int block, int entry) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(TableLayout.ENTRY_SIZE).putInt(0, entry);
    storage.write(TableLayout.entryOffset(offset, block), b, 0, TableLayout.ENTRY_SIZE);
  }

  /**
   * A forward walk over a table for bulk work (maps, checks, maintenance): finds the next
   * allocated entry at memory speed, so a mostly unallocated table of millions of entries costs
   * one comparison per machine word, not a branch per entry. Not thread-safe.
   */
  abstract static class Scan {
    /**
     * Finds the first allocated block in {@code [from, to)}.
     *
     * @param from the first block to look at
     * @param to the end, at most the table's length
     * @return the block, or {@code to} when every block of the range is unallocated
     * @throws IOException if the file cannot be read
     */
    abstract int next(int from, int to) throws IOException;

    /**
     * Returns a block's entry; cheapest for a block {@link #next} just returned.
     *
     * @param block the block
     * @return the entry
     * @throws IOException if the file cannot be read
     */
    abstract int entry(int block) throws IOException;
  }
}
