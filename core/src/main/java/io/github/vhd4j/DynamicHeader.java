package io.github.vhd4j;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The 1024-byte dynamic disk header of dynamic and differencing disks, found at the footer's data
 * offset. Unsigned 32-bit fields are widened to {@code long}.
 *
 * @param offset absolute file offset of the header
 * @param dataOffset offset 8; unused, all ones (-1)
 * @param tableOffset offset 16; absolute offset of the block allocation table
 * @param headerVersion offset 24; 0x00010000
 * @param maxTableEntries offset 28; number of entries in the block allocation table
 * @param blockSize offset 32; bytes of data per block, a power of two
 * @param checksum offset 36
 * @param parentUuid offset 40; the parent's footer UUID (differencing disks)
 * @param parentTimestamp offset 56; the parent's modification time, seconds since 2000-01-01 UTC
 * @param parentName offset 64; the parent's file name, UTF-16BE, up to 256 characters
 * @param parentLocators offset 576; the eight locator entries, in on-disk order
 */
public record DynamicHeader(
    long offset,
    long dataOffset,
    long tableOffset,
    long headerVersion,
    long maxTableEntries,
    long blockSize,
    long checksum,
    UUID parentUuid,
    long parentTimestamp,
    String parentName,
    List<ParentLocator> parentLocators) {

  /**
   * Creates a header, copying the locator list.
   *
   * @param offset absolute file offset of the header
   * @param dataOffset offset 8
   * @param tableOffset offset 16
   * @param headerVersion offset 24
   * @param maxTableEntries offset 28
   * @param blockSize offset 32
   * @param checksum offset 36
   * @param parentUuid offset 40
   * @param parentTimestamp offset 56
   * @param parentName offset 64
   * @param parentLocators offset 576, in on-disk order
   */
  public DynamicHeader {
    Objects.requireNonNull(parentUuid, "parentUuid");
    Objects.requireNonNull(parentName, "parentName");
    parentLocators = List.copyOf(parentLocators);
  }

  /**
   * Returns the size of each block's sector bitmap: one bit per sector, padded to whole sectors.
   *
   * @return bytes of bitmap stored before each block's data
   */
  public long bitmapSize() {
    long bytes = (blockSize / Vhd.SECTOR_SIZE + 7) / 8;
    return (bytes + Vhd.SECTOR_SIZE - 1) / Vhd.SECTOR_SIZE * Vhd.SECTOR_SIZE;
  }
}
