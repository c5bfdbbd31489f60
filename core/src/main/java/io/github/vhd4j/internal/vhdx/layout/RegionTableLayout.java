package io.github.vhd4j.internal.vhdx.layout;

import io.github.vhd4j.internal.Field;
import io.github.vhd4j.internal.Place;
import io.github.vhd4j.internal.Site;
import java.nio.charset.StandardCharsets;

/**
 * A region table (MS-VHDX 2.2.3): 64 KiB, two copies at 192 KiB and 256 KiB; a 16-byte header
 * followed by 32-byte entries.
 */
public final class RegionTableLayout {
  /** The bytes that are checksummed and read. */
  public static final int SIZE = 64 * 1024;
  private static final long[] OFFSETS = {192 * 1024, 256 * 1024};
  /** Signature, ASCII {@code regi}. */
  public static final Field SIGNATURE = new Field("signature", 0, 4);
  /** CRC-32C of the 64 KiB table with this field zero. */
  public static final Field CHECKSUM = new Field("checksum", 4, 4);
  /** Entries that follow, at most {@link #MAX_ENTRIES}. */
  public static final Field ENTRY_COUNT = new Field("entryCount", 8, 4);
  /** Reserved, zero. */
  public static final Field RESERVED = new Field("reserved", 12, 4);
  /** The header's size: entries start here. */
  public static final int HEADER_SIZE = 16;
  /** An entry's size. */
  public static final int ENTRY_SIZE = 32;
  /** The most entries the table holds: (64 KiB - 16) / 32. */
  public static final int MAX_ENTRIES = (SIZE - HEADER_SIZE) / ENTRY_SIZE;
  /** Entry: the region's GUID. */
  public static final Field GUID = new Field("guid", 0, 16);
  /** Entry: the region's file offset, a multiple of 1 MiB. */
  public static final Field FILE_OFFSET = new Field("fileOffset", 16, 8);
  /** Entry: the region's length, a multiple of 1 MiB. */
  public static final Field LENGTH = new Field("length", 24, 4);
  /** Entry: bit 0 IsRequired; the other bits reserved. */
  public static final Field REQUIRED = new Field("required", 28, 4);
  /** The IsRequired bit. */
  public static final long REQUIRED_BIT = 1;
  /** The signature's bytes. */
  public static final byte[] SIGNATURE_BYTES = "regi".getBytes(StandardCharsets.US_ASCII);

  private RegionTableLayout() {}

  /**
   * The file offset of a copy.
   *
   * @param copy 1 or 2
   * @return 192 KiB or 256 KiB
   */
  public static long offset(int copy) {
    return OFFSETS[copy - 1];
  }

  /**
   * Where a copy's header problems are placed.
   *
   * @param copy 1 or 2
   * @return the copy's place
   */
  public static Place place(int copy) {
    return new Place("region table " + copy, offset(copy));
  }

  /**
   * The index in the table of entry {@code i}.
   *
   * @param i the entry
   * @return its byte index from the table's start
   */
  public static int entryIndex(int i) {
    return HEADER_SIZE + i * ENTRY_SIZE;
  }

  /**
   * Where a field of entry {@code i} is placed in problems.
   *
   * @param copy 1 or 2
   * @param i the entry
   * @param field an entry field
   * @return the site
   */
  public static Site entry(int copy, int i, Field field) {
    return new Site("region table " + copy, "entry[" + i + "]." + field.name(),
        offset(copy) + entryIndex(i) + field.offset());
  }
}
