package io.github.vhd4j.internal.vhd.layout;

import io.github.vhd4j.DynamicHeader;
import io.github.vhd4j.ParentLocator;
import io.github.vhd4j.internal.Field;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The dynamic disk header (VHD specification, "Dynamic Disk Header Format"): 1,024 bytes at the
 * footer's data offset in dynamic and differencing images. The parent locator entries it holds
 * are described by {@link LocatorLayout}.
 */
public final class DynamicHeaderLayout {
  /** The header's size. */
  public static final int SIZE = 1024;
  /** The structure's name in problems. */
  public static final String STRUCTURE = "header";
  /** The cookie's value. */
  public static final byte[] COOKIE_VALUE = "cxsparse".getBytes(StandardCharsets.US_ASCII);
  /** The header version this library reads and writes, 1.0. */
  public static final long VERSION_1_0 = 0x00010000L;
  /** The unused data offset, all ones. */
  public static final long NO_DATA_OFFSET = -1L;
  /** Number of parent locator entries. */
  public static final int LOCATOR_COUNT = 8;

  /** "cxsparse". */
  public static final Field COOKIE = new Field("cookie", 0, 8);
  /** Unused; all ones. */
  public static final Field DATA_OFFSET = new Field("dataOffset", 8, 8);
  /** Absolute offset of the block allocation table. */
  public static final Field TABLE_OFFSET = new Field("tableOffset", 16, 8);
  /** Header version. */
  public static final Field HEADER_VERSION = new Field("headerVersion", 24, 4);
  /** Entries in the block allocation table. */
  public static final Field MAX_TABLE_ENTRIES = new Field("maxTableEntries", 28, 4);
  /** Bytes of data per block, without the bitmap. */
  public static final Field BLOCK_SIZE = new Field("blockSize", 32, 4);
  /** Checksum. */
  public static final Field CHECKSUM = new Field("checksum", 36, 4);
  /** The parent's unique id. */
  public static final Field PARENT_UUID = new Field("parentUuid", 40, 16);
  /** The parent's modification time, seconds since 2000-01-01 UTC. */
  public static final Field PARENT_TIMESTAMP = new Field("parentTimestamp", 56, 4);
  /** Reserved (named as problems name it, like {@link #RESERVED_2}). */
  public static final Field RESERVED_1 = new Field("reserved", 60, 4);
  /** The parent's file name, UTF-16BE, NUL-terminated. */
  public static final Field PARENT_NAME = new Field("parentName", 64, 512);
  /** The eight parent locator entries. */
  public static final Field PARENT_LOCATORS =
      new Field("parentLocators", 576, LOCATOR_COUNT * LocatorLayout.SIZE);
  /** Reserved to the end. */
  public static final Field RESERVED_2 = new Field("reserved", 768, 256);

  private DynamicHeaderLayout() {}

  /**
   * The offset of locator entry {@code i} in the header.
   *
   * @param i 0 to 7
   * @return its offset from the start of the header
   */
  public static int locatorOffset(int i) {
    return PARENT_LOCATORS.offset() + i * LocatorLayout.SIZE;
  }

  /**
   * The structure's name in problems for locator entry {@code i}.
   *
   * @param i 0 to 7
   * @return for example {@code "parentLocator[3]"}
   */
  public static String locatorStructure(int i) {
    return "parentLocator[" + i + "]";
  }

  /**
   * Computes a header's checksum.
   *
   * @param b the header from index 0 (1,024 bytes)
   * @return the checksum as an unsigned 32-bit value
   */
  public static long checksum(ByteBuffer b) {
    return Checksum.compute(b, SIZE, CHECKSUM);
  }

  /**
   * Stores a header's checksum after its other fields changed.
   *
   * @param b the header from index 0
   * @return b
   */
  public static ByteBuffer seal(ByteBuffer b) {
    CHECKSUM.putU32(b, checksum(b));
    return b;
  }

  /**
   * Decodes the parent name: UTF-16, NUL-terminated (blktap 0.1 wrote it little-endian).
   *
   * @param b the header from index 0
   * @param littleEndian true for blktap 0.1's host-order name
   * @return the name, malformed units replaced by U+FFFD
   */
  public static String parentName(ByteBuffer b, boolean littleEndian) {
    int end = PARENT_NAME.offset();
    while (end < PARENT_NAME.end() && (b.get(end) != 0 || b.get(end + 1) != 0)) {
      end += 2;
    }
    byte[] raw = new byte[end - PARENT_NAME.offset()];
    b.get(PARENT_NAME.offset(), raw);
    return new String(raw, littleEndian ? StandardCharsets.UTF_16LE : StandardCharsets.UTF_16BE);
  }

  /**
   * Decodes a header whose parent name and locators the caller decoded and validated.
   *
   * @param b the header from index 0
   * @param offset the header's file offset
   * @param parentName the decoded parent name
   * @param locators the eight decoded entries
   * @return the header as stored
   */
  public static DynamicHeader decode(ByteBuffer b, long offset, String parentName, List<ParentLocator> locators) {
    return new DynamicHeader(offset, DATA_OFFSET.u64(b), TABLE_OFFSET.u64(b), HEADER_VERSION.u32(b),
        MAX_TABLE_ENTRIES.u32(b), BLOCK_SIZE.u32(b), CHECKSUM.u32(b), PARENT_UUID.uuid(b), PARENT_TIMESTAMP.u32(b),
        parentName, locators);
  }

  /**
   * Encodes a header with its locator entries (not their data); the checksum is computed, not
   * taken from the record. A parent name longer than the field is cut at the field's end.
   *
   * @param h the header
   * @return a new 1,024-byte buffer
   */
  public static ByteBuffer encode(DynamicHeader h) {
    ByteBuffer b = ByteBuffer.allocate(SIZE);
    COOKIE.putBytes(b, COOKIE_VALUE);
    DATA_OFFSET.putU64(b, h.dataOffset());
    TABLE_OFFSET.putU64(b, h.tableOffset());
    HEADER_VERSION.putU32(b, h.headerVersion());
    MAX_TABLE_ENTRIES.putU32(b, h.maxTableEntries());
    BLOCK_SIZE.putU32(b, h.blockSize());
    PARENT_UUID.putUuid(b, h.parentUuid());
    PARENT_TIMESTAMP.putU32(b, h.parentTimestamp());
    PARENT_NAME.putBytes(b, h.parentName().getBytes(StandardCharsets.UTF_16BE));
    for (ParentLocator l : h.parentLocators()) {
      LocatorLayout.encode(b, l.index(), l.platformCode(), l.dataSpace(), l.dataLength(), l.dataOffset());
    }
    return seal(b);
  }
}
