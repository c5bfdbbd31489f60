package io.github.vhd4j.internal.vhdx.layout;

import io.github.vhd4j.internal.Site;

/**
 * The block allocation table (MS-VHDX 2.5): little-endian 64-bit entries; after every chunk ratio
 * payload entries comes the sector bitmap entry of that chunk, in fixed, dynamic and differencing
 * files alike. An entry is a state (bits 0-2), reserved bits (3-19) and a file offset in MiB (bits
 * 20-63).
 */
public final class BatLayout {
  /** The structure's name in problems. */
  public static final String STRUCTURE = "BAT";
  /** An entry's size. */
  public static final int ENTRY_SIZE = 8;
  /** Bits 0-2: the state. */
  public static final long STATE_MASK = 0x7;
  /** Bits 3-19: reserved, zero. */
  public static final long RESERVED_MASK = 0xFFFF8L;
  /** Bits 20-63: the file offset in MiB, kept in place as a byte offset. */
  public static final long OFFSET_MASK = 0xFFFFFFFFFFF00000L;
  /** 1 MiB: the unit of file offsets and alignment of every block. */
  public static final long MIB = 1L << 20;
  /** Sectors one sector bitmap block describes: 2^23 bits in 1 MiB. */
  public static final long CHUNK_SECTORS = 1L << 23;
  /** A sector bitmap block's size. */
  public static final long BITMAP_BLOCK = 1L << 20;

  /** Payload state 0: not present; a differencing disk reads its parent here. */
  public static final int PAYLOAD_NOT_PRESENT = 0;
  /** Payload state 1: undefined content; reads zeros here. */
  public static final int PAYLOAD_UNDEFINED = 1;
  /** Payload state 2: zeros. */
  public static final int PAYLOAD_ZERO = 2;
  /** Payload state 3: unmapped (trimmed); reads zeros here. */
  public static final int PAYLOAD_UNMAPPED = 3;
  /** Payload state 6: every sector stored in this file. */
  public static final int PAYLOAD_FULLY_PRESENT = 6;
  /** Payload state 7: sectors stored here where the chunk's bitmap says so (differencing only). */
  public static final int PAYLOAD_PARTIALLY_PRESENT = 7;
  /** Bitmap state 0: no bitmap block. */
  public static final int BITMAP_NOT_PRESENT = 0;
  /** Bitmap state 6: the bitmap block is stored. */
  public static final int BITMAP_PRESENT = 6;

  private BatLayout() {}

  /**
   * The state of an entry.
   *
   * @param entry the entry
   * @return bits 0-2
   */
  public static int state(long entry) {
    return (int) (entry & STATE_MASK);
  }

  /**
   * The file offset of an entry's block.
   *
   * @param entry the entry
   * @return FileOffsetMB times 1 MiB
   */
  public static long fileOffset(long entry) {
    return entry & OFFSET_MASK;
  }

  /**
   * Builds an entry (test builders use this).
   *
   * @param state the state
   * @param fileOffset a 1 MiB-aligned file offset, or 0
   * @return the entry
   */
  public static long entry(int state, long fileOffset) {
    return (fileOffset & OFFSET_MASK) | (state & STATE_MASK);
  }

  /**
   * The chunk ratio: payload blocks per sector bitmap block (MS-VHDX 2.5).
   *
   * @param logicalSectorSize 512 or 4096
   * @param blockSize a power of two from 1 MiB to 256 MiB
   * @return 2^23 times the sector size divided by the block size
   */
  public static long chunkRatio(long logicalSectorSize, long blockSize) {
    return CHUNK_SECTORS * logicalSectorSize / blockSize;
  }

  /**
   * The number of payload blocks.
   *
   * @param virtualSize the disk's size, at most 64 TiB
   * @param blockSize the block size
   * @return the disk's size divided by the block size, rounded up
   */
  public static long payloadBlocks(long virtualSize, long blockSize) {
    return (virtualSize + blockSize - 1) / blockSize;
  }

  /**
   * The number of entries the table must hold (MS-VHDX 2.5): every chunk's bitmap entry in a
   * differencing disk; every bitmap entry but the last chunk's in any other.
   *
   * @param payloadBlocks the payload blocks, at least 1
   * @param chunkRatio the chunk ratio
   * @param differencing whether the disk has a parent
   * @return the entries
   */
  public static long entries(long payloadBlocks, long chunkRatio, boolean differencing) {
    if (differencing) {
      long chunks = (payloadBlocks + chunkRatio - 1) / chunkRatio;
      return chunks * (chunkRatio + 1);
    }
    return payloadBlocks + (payloadBlocks - 1) / chunkRatio;
  }

  /**
   * The entry of payload block {@code block}: bitmap entries interleave after every chunk.
   *
   * @param block the payload block
   * @param chunkRatio the chunk ratio
   * @return the entry's index
   */
  public static long payloadIndex(long block, long chunkRatio) {
    return block + block / chunkRatio;
  }

  /**
   * The entry of chunk {@code chunk}'s sector bitmap block.
   *
   * @param chunk the chunk
   * @param chunkRatio the chunk ratio
   * @return the entry's index
   */
  public static long bitmapIndex(long chunk, long chunkRatio) {
    return chunk * (chunkRatio + 1) + chunkRatio;
  }

  /**
   * Tells whether an entry index is a chunk's bitmap entry.
   *
   * @param index the entry's index
   * @param chunkRatio the chunk ratio
   * @return true for every {@code chunkRatio + 1}th entry
   */
  public static boolean isBitmapIndex(long index, long chunkRatio) {
    return index % (chunkRatio + 1) == chunkRatio;
  }

  /**
   * The byte, within its chunk's bitmap block, of a payload block's first sector. Blocks hold at
   * least 256 sectors, so this is always a whole byte.
   *
   * @param block the payload block
   * @param chunkRatio the chunk ratio
   * @param sectorsPerBlock the block size divided by the logical sector size
   * @return the byte offset within the bitmap block
   */
  public static long bitmapByte(long block, long chunkRatio, long sectorsPerBlock) {
    return (block % chunkRatio) * sectorsPerBlock / 8;
  }

  /**
   * The bit of a sector within its bitmap byte: least significant first (MS-VHDX 2.4).
   *
   * @param sector the sector's number within its block
   * @return the mask
   */
  public static int mask(int sector) {
    return 1 << (sector & 7);
  }

  /**
   * Where entry {@code index} is placed in problems.
   *
   * @param tableOffset the BAT region's file offset
   * @param index the entry's index
   * @return the site
   */
  public static Site entry(long tableOffset, long index) {
    return new Site(STRUCTURE, "entry[" + index + "]", tableOffset + index * ENTRY_SIZE);
  }
}
