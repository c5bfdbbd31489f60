package io.github.vhd4j.internal.vhd.layout;

import io.github.vhd4j.internal.Sectors;
import io.github.vhd4j.internal.Site;

/**
 * The block allocation table (VHD specification, "Block Allocation Table and Data Blocks"): one
 * big-endian unsigned 32-bit sector number per block, all ones for a block not stored, padded with
 * unused entries to a whole sector.
 */
public final class TableLayout {
  /** An entry's size. */
  public static final int ENTRY_SIZE = 4;
  /** The value of an entry whose block is not stored. */
  public static final int UNUSED = 0xFFFFFFFF;
  /** The structure's name in problems. */
  public static final String STRUCTURE = "bat";
  /** The most entries this library accepts (a 1 GiB table). */
  public static final long MAX_ENTRIES = 1L << 28;

  /** The name in problems of the table as a whole. */
  public static final String ENTRIES = "entries";
  /** The name in problems of the unused entries that pad the table to a whole sector. */
  public static final String PADDING = "padding";

  private TableLayout() {}

  /**
   * The site of an entry, for problems about one block.
   *
   * @param tableOffset the table's file offset
   * @param index the entry's index
   * @return for example {@code bat, entry[3]} at the entry's file offset
   */
  public static Site entry(long tableOffset, long index) {
    return new Site(STRUCTURE, "entry[" + index + "]", entryOffset(tableOffset, index));
  }

  /**
   * The table's stored size, padded to a whole sector.
   *
   * @param entries the number of entries
   * @return bytes the table occupies in the file
   */
  public static long paddedBytes(long entries) {
    return Sectors.roundUp(entries * ENTRY_SIZE);
  }

  /**
   * The file offset of an entry.
   *
   * @param tableOffset the table's file offset
   * @param index the entry's index
   * @return its file offset
   */
  public static long entryOffset(long tableOffset, long index) {
    return tableOffset + index * ENTRY_SIZE;
  }

  /**
   * The file offset an entry points to (the block's sector bitmap).
   *
   * @param entry the entry as stored, not {@link #UNUSED}
   * @return its byte offset
   */
  public static long blockOffset(int entry) {
    return (entry & 0xFFFFFFFFL) * Sectors.SIZE;
  }
}
