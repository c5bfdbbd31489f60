package io.github.vhd4j.internal.vhd.layout;

import io.github.vhd4j.internal.Sectors;

/**
 * The sector bitmap before each stored block's data (VHD specification, "Block Allocation Table
 * and Data Blocks"): one bit per sector of the block, the first sector in the most significant bit
 * of the first byte, padded to a whole sector.
 */
public final class BitmapLayout {
  /** The structure's name in problems. */
  public static final String STRUCTURE = "bitmap";

  private BitmapLayout() {}

  /**
   * The bitmap's stored size for a block size.
   *
   * @param blockSize bytes of data per block
   * @return bytes of bitmap before each block's data, a whole number of sectors
   */
  public static long bytes(long blockSize) {
    return Sectors.roundUp(Sectors.ceilDiv(blockSize / Sectors.SIZE, 8));
  }

  /**
   * The index of the bitmap byte that holds a sector's bit.
   *
   * @param sector the sector's index within the block
   * @return the byte's index in the bitmap
   */
  public static int byteIndex(long sector) {
    return (int) (sector >>> 3);
  }

  /**
   * The mask of a sector's bit within its byte.
   *
   * @param sector the sector's index within the block
   * @return a one-bit mask
   */
  public static int mask(long sector) {
    return 0x80 >>> (int) (sector & 7);
  }
}
