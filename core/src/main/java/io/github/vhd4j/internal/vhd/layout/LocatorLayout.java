package io.github.vhd4j.internal.vhd.layout;

import io.github.vhd4j.ParentLocator;
import io.github.vhd4j.internal.Field;
import java.nio.ByteBuffer;

/**
 * A parent locator entry (VHD specification, "Parent Locator Entries"): 24 bytes, eight of them in
 * the dynamic header from {@link DynamicHeaderLayout#PARENT_LOCATORS}. The offsets here are from
 * the entry's start; {@link DynamicHeaderLayout#locatorOffset(int)} places an entry in the header.
 */
public final class LocatorLayout {
  /** An entry's size. */
  public static final int SIZE = 24;

  /** Platform code, for example "W2ku". */
  public static final Field PLATFORM_CODE = new Field("platformCode", 0, 4);
  /** Space reserved for the locator data: sectors per the specification, bytes as Windows writes. */
  public static final Field DATA_SPACE = new Field("dataSpace", 4, 4);
  /** Length of the locator data in bytes. */
  public static final Field DATA_LENGTH = new Field("dataLength", 8, 4);
  /** Reserved. */
  public static final Field RESERVED = new Field("reserved", 12, 4);
  /** Absolute file offset of the locator data. */
  public static final Field DATA_OFFSET = new Field("dataOffset", 16, 8);
  /** The name in problems of the locator data, which lies where {@link #DATA_OFFSET} points. */
  public static final String DATA = "data";

  private LocatorLayout() {}

  /**
   * Decodes entry {@code i} of a header as stored, without its data.
   *
   * @param header the dynamic header from index 0
   * @param i 0 to 7
   * @return the entry with a null path
   */
  public static ParentLocator decode(ByteBuffer header, int i) {
    ByteBuffer e = entry(header, i);
    return new ParentLocator(i, PLATFORM_CODE.u32(e), DATA_SPACE.u32(e), DATA_LENGTH.u32(e), DATA_OFFSET.u64(e),
        null);
  }

  /**
   * Encodes entry {@code i} into a header (its checksum is not updated).
   *
   * @param header the dynamic header from index 0
   * @param i 0 to 7
   * @param platformCode the platform code
   * @param dataSpace the reserved space as stored
   * @param dataLength the data's length in bytes
   * @param dataOffset the data's absolute offset
   */
  public static void encode(ByteBuffer header, int i, long platformCode, long dataSpace, long dataLength,
      long dataOffset) {
    ByteBuffer e = entry(header, i);
    PLATFORM_CODE.putU32(e, platformCode);
    DATA_SPACE.putU32(e, dataSpace);
    DATA_LENGTH.putU32(e, dataLength);
    RESERVED.putU32(e, 0);
    DATA_OFFSET.putU64(e, dataOffset);
  }

  /**
   * A view of entry {@code i} of a header, indexed from the entry's start.
   *
   * @param header the dynamic header from index 0
   * @param i 0 to 7
   * @return a 24-byte big-endian view sharing the header's bytes
   */
  public static ByteBuffer entry(ByteBuffer header, int i) {
    return header.slice(DynamicHeaderLayout.locatorOffset(i), SIZE);
  }
}
