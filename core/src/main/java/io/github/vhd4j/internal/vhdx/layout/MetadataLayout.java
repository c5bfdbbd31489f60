package io.github.vhd4j.internal.vhdx.layout;

import io.github.vhd4j.internal.Field;
import java.nio.charset.StandardCharsets;

/**
 * The metadata region (MS-VHDX 2.6): a 64 KiB table at the region's start (a 32-byte header and
 * 32-byte entries), and the items it points to anywhere else in the region. No checksum.
 */
public final class MetadataLayout {
  /** The table's size. */
  public static final int TABLE_SIZE = 64 * 1024;
  /** The structure's name in problems. */
  public static final String STRUCTURE = "metadata table";
  /** Table header: signature, ASCII {@code metadata}. */
  public static final Field SIGNATURE = new Field("signature", 0, 8);
  /** Table header: reserved, zero. */
  public static final Field RESERVED = new Field("reserved", 8, 2);
  /** Table header: entries, at most {@link #MAX_ENTRIES}. */
  public static final Field ENTRY_COUNT = new Field("entryCount", 10, 2);
  /** Table header: reserved, zero. */
  public static final Field RESERVED2 = new Field("reserved2", 12, 20);
  /** The table header's size: entries start here. */
  public static final int HEADER_SIZE = 32;
  /** An entry's size. */
  public static final int ENTRY_SIZE = 32;
  /** The most entries that fit. */
  public static final int MAX_ENTRIES = (TABLE_SIZE - HEADER_SIZE) / ENTRY_SIZE;
  /** The most user entries allowed (MS-VHDX 2.6.1.2). */
  public static final int MAX_USER_ENTRIES = 1024;
  /** The most system entries Windows accepts. */
  public static final int MAX_SYSTEM_ENTRIES = 1023;
  /** The longest item allowed. */
  public static final long MAX_ITEM_LENGTH = 1L << 20;
  /** The longest metadata region this library reads (Windows' cap). */
  public static final long MAX_REGION_LENGTH = 128L << 20;
  /** Entry: the item's GUID. */
  public static final Field ITEM_ID = new Field("itemId", 0, 16);
  /** Entry: the item's offset from the region's start; at least 64 KiB, or 0 for an empty item. */
  public static final Field OFFSET = new Field("offset", 16, 4);
  /** Entry: the item's length, at most 1 MiB. */
  public static final Field LENGTH = new Field("length", 20, 4);
  /** Entry: bit 0 IsUser, bit 1 IsVirtualDisk, bit 2 IsRequired, the rest reserved. */
  public static final Field FLAGS = new Field("flags", 24, 4);
  /** Entry: reserved, zero. */
  public static final Field ENTRY_RESERVED = new Field("reserved2", 28, 4);
  /** Flag: a user item. */
  public static final long IS_USER = 1;
  /** Flag: the item describes the virtual disk and is copied to children. */
  public static final long IS_VIRTUAL_DISK = 2;
  /** Flag: a reader that does not know the item must refuse the file. */
  public static final long IS_REQUIRED = 4;
  /** The defined flag bits. */
  public static final long KNOWN_FLAGS = IS_USER | IS_VIRTUAL_DISK | IS_REQUIRED;

  /** File Parameters item: block size in bytes. */
  public static final Field BLOCK_SIZE = new Field("blockSize", 0, 4);
  /** File Parameters item: bit 0 LeaveBlockAllocated, bit 1 HasParent, the rest reserved. */
  public static final Field FILE_FLAGS = new Field("flags", 4, 4);
  /** File Parameters flag: the blocks stay allocated (a fixed disk). */
  public static final long LEAVE_BLOCK_ALLOCATED = 1;
  /** File Parameters flag: a differencing disk. */
  public static final long HAS_PARENT = 2;
  /** File Parameters item length. */
  public static final int FILE_PARAMETERS_LENGTH = 8;
  /** Virtual Disk Size item: the size in bytes. */
  public static final Field VIRTUAL_DISK_SIZE = new Field("virtualDiskSize", 0, 8);
  /** Virtual Disk Size item length. */
  public static final int VIRTUAL_DISK_SIZE_LENGTH = 8;
  /** Virtual Disk ID item: a GUID. */
  public static final Field VIRTUAL_DISK_ID = new Field("virtualDiskId", 0, 16);
  /** Virtual Disk ID item length. */
  public static final int VIRTUAL_DISK_ID_LENGTH = 16;
  /** Sector size items: 512 or 4096. */
  public static final Field SECTOR_SIZE = new Field("sectorSize", 0, 4);
  /** Sector size item length. */
  public static final int SECTOR_SIZE_LENGTH = 4;
  /** The largest virtual disk: 64 TiB (MS-VHDX 2.6.2.2). */
  public static final long MAX_VIRTUAL_SIZE = 1L << 46;
  /** The smallest block (MS-VHDX 2.6.2.1). */
  public static final long MIN_BLOCK_SIZE = 1L << 20;
  /** The largest block (MS-VHDX 2.6.2.1). */
  public static final long MAX_BLOCK_SIZE = 256L << 20;
  /** The signature's bytes. */
  public static final byte[] SIGNATURE_BYTES = "metadata".getBytes(StandardCharsets.US_ASCII);

  private MetadataLayout() {}

  /**
   * The index in the table of entry {@code i}.
   *
   * @param i the entry
   * @return its byte index from the table's start
   */
  public static int entryIndex(int i) {
    return HEADER_SIZE + i * ENTRY_SIZE;
  }
}
