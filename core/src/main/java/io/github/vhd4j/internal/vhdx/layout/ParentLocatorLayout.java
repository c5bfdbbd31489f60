package io.github.vhd4j.internal.vhdx.layout;

import io.github.vhd4j.internal.Field;

/**
 * The Parent Locator metadata item (MS-VHDX 2.6.2.6): a 20-byte header, then key-value entries of
 * 12 bytes whose UTF-16LE strings lie elsewhere in the item.
 */
public final class ParentLocatorLayout {
  /** The structure's name in problems. */
  public static final String STRUCTURE = "parent locator";
  /** Header: the locator type GUID. */
  public static final Field LOCATOR_TYPE = new Field("locatorType", 0, 16);
  /** Header: reserved, zero. */
  public static final Field RESERVED = new Field("reserved", 16, 2);
  /** Header: key-value entries that follow. */
  public static final Field KEY_VALUE_COUNT = new Field("keyValueCount", 18, 2);
  /** The header's size: entries start here. */
  public static final int HEADER_SIZE = 20;
  /** An entry's size. */
  public static final int ENTRY_SIZE = 12;
  /** The most entries Windows accepts. */
  public static final int MAX_ENTRIES = 256;
  /** Entry: the key's offset from the item's start. */
  public static final Field KEY_OFFSET = new Field("keyOffset", 0, 4);
  /** Entry: the value's offset from the item's start. */
  public static final Field VALUE_OFFSET = new Field("valueOffset", 4, 4);
  /** Entry: the key's length in bytes. */
  public static final Field KEY_LENGTH = new Field("keyLength", 8, 2);
  /** Entry: the value's length in bytes. */
  public static final Field VALUE_LENGTH = new Field("valueLength", 10, 2);
  /** Key: the parent's DataWriteGuid when the child was made. */
  public static final String PARENT_LINKAGE = "parent_linkage";
  /** Key: a second accepted parent DataWriteGuid. */
  public static final String PARENT_LINKAGE2 = "parent_linkage2";
  /** Key: the parent's path relative to the child's directory. */
  public static final String RELATIVE_PATH = "relative_path";
  /** Key: the parent's path on a volume named by GUID. */
  public static final String VOLUME_PATH = "volume_path";
  /** Key: the parent's absolute Windows path. */
  public static final String ABSOLUTE_WIN32_PATH = "absolute_win32_path";

  private ParentLocatorLayout() {}

  /**
   * The index in the item of entry {@code i}.
   *
   * @param i the entry
   * @return its byte index from the item's start
   */
  public static int entryIndex(int i) {
    return HEADER_SIZE + i * ENTRY_SIZE;
  }
}
