package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.internal.vhdx.layout.BatLayout;

/**
 * The numbers a VHDX table is laid out by, from validated metadata (MS-VHDX 2.5): all counts in
 * 64 bits, from a virtual size of at most 64 TiB and a block size of at least 1 MiB, so the number
 * of blocks fits an {@code int}.
 *
 * @param virtualSize the Virtual Disk Size item, 1 byte to 64 TiB
 * @param blockSize the File Parameters block size, a power of two from 1 MiB to 256 MiB
 * @param logicalSectorSize 512 or 4096
 * @param differencing File Parameters' HasParent
 */
public record VhdxGeometry(long virtualSize, long blockSize, int logicalSectorSize, boolean differencing) {

  /**
   * Payload blocks per chunk.
   *
   * @return the chunk ratio
   */
  public long chunkRatio() {
    return BatLayout.chunkRatio(logicalSectorSize, blockSize);
  }

  /**
   * The number of payload blocks.
   *
   * @return the virtual size divided by the block size, rounded up
   */
  public long payloadBlocks() {
    return BatLayout.payloadBlocks(virtualSize, blockSize);
  }

  /**
   * The number of chunks (sector bitmap blocks a differencing disk may need).
   *
   * @return the payload blocks divided by the chunk ratio, rounded up
   */
  public long chunks() {
    return (payloadBlocks() + chunkRatio() - 1) / chunkRatio();
  }

  /**
   * The number of entries the table must hold.
   *
   * @return the entry count
   */
  public long entries() {
    return BatLayout.entries(payloadBlocks(), chunkRatio(), differencing);
  }

  /**
   * Sectors per payload block.
   *
   * @return the block size divided by the logical sector size
   */
  public long sectorsPerBlock() {
    return blockSize / logicalSectorSize;
  }
}
