package io.github.vhd4j.internal;

import io.github.vhd4j.internal.storage.Storage;
import java.io.IOException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * One parsed, validated, immutable file of a chain as the format-neutral read engine, extent
 * mapper and chain code see it, whatever its format. A format supplies the block resolver: for a
 * virtual block, whether it reads zeros, falls through to the parent, or lies at a file offset,
 * and for a block whose sectors are split between this file and the parent, where its sector
 * bitmap lies and in which bit order.
 *
 * <p>Resolutions are encoded in a {@code long} so that the hot read path allocates nothing:
 * {@link #ZERO}, {@link #PARENT}, or a non-negative file offset of the block's first byte, with
 * {@link #PARTIAL} set when the sector bitmap decides per sector.
 */
public abstract class ImageLayer {
  /** The block reads as zeros. */
  public static final long ZERO = -1;
  /** The block reads the parent at the same virtual offset. */
  public static final long PARENT = -2;
  /** Set on a file offset: the sector bitmap says which sectors are here and which in the parent. */
  public static final long PARTIAL = 1L << 62;

  /** The file. */
  public final Storage storage;
  /** The file's name for messages. */
  public final String resource;
  /** The file's path, or null for a caller's channel or buffer. */
  public final @Nullable Path path;
  /** The virtual disk's size in bytes. */
  public final long virtualSize;
  /** True when virtual offsets are file offsets (a fixed VHD): no blocks at all. */
  public final boolean flat;
  /** True when some blocks may read from a parent. */
  public final boolean differencing;
  /** The block size; 0 for a flat layer. */
  public final long blockSize;
  /** log2 of {@link #blockSize}. */
  public final int blockShift;
  /** log2 of the sector size the sector bitmaps count in (512 or 4096). */
  public final int sectorShift;

  /**
   * Sets the shared description.
   *
   * @param storage the file
   * @param resource its name
   * @param path its path, or null
   * @param virtualSize the disk's size
   * @param flat true for a layer without blocks
   * @param differencing true when blocks may fall through to a parent
   * @param blockSize a power of two, or 0 for a flat layer
   * @param sectorSize the sector size of the bitmaps, a power of two
   */
  protected ImageLayer(Storage storage, String resource, @Nullable Path path, long virtualSize, boolean flat,
      boolean differencing, long blockSize, int sectorSize) {
    this.storage = storage;
    this.resource = resource;
    this.path = path;
    this.virtualSize = virtualSize;
    this.flat = flat;
    this.differencing = differencing;
    this.blockSize = blockSize;
    this.blockShift = blockSize == 0 ? 0 : Long.numberOfTrailingZeros(blockSize);
    this.sectorShift = Integer.numberOfTrailingZeros(sectorSize);
  }

  /**
   * Resolves a block. Throws for a block lenient mode kept although it cannot be read.
   *
   * @param block the block, below the number of blocks of the disk
   * @return {@link #ZERO}, {@link #PARENT}, or the file offset of the block's first byte,
   *     possibly with {@link #PARTIAL}
   * @throws IOException if the table cannot be read or the block is damaged
   */
  public abstract long locate(int block) throws IOException;

  /**
   * Returns where a partial block's sector bitmap starts: the byte holding the bit of the block's
   * first sector (blocks hold a multiple of eight sectors).
   *
   * @param block the block
   * @param located what {@link #locate} returned for it, with {@link #PARTIAL}
   * @return the bitmap's file offset
   * @throws IOException if the table cannot be read
   */
  public abstract long bitmapOffset(int block, long located) throws IOException;

  /**
   * The bit of a sector within its bitmap byte.
   *
   * @param sector the sector's number within its block
   * @return the mask
   */
  public abstract int mask(int sector);

  /**
   * Starts a bulk walk over the blocks for maps and checks. A walk keeps its own buffer: one per
   * thread and walk.
   *
   * @return the walk
   */
  public abstract Scan scan();

  /**
   * Tells whether sector {@code sector} of a block is marked in bitmap byte {@code b}.
   *
   * @param b the bitmap byte
   * @param sector the sector within its block
   * @return true when the sector is stored in this file
   */
  public final boolean bit(int b, int sector) {
    return (b & mask(sector)) != 0;
  }

  /** What a flat layer has no use for; blocks exist only for layers that have them. */
  final int blocks() {
    return flat ? 0 : (int) ((virtualSize + blockSize - 1) >>> blockShift);
  }

  /**
   * A forward walk over a layer's blocks that skips runs of blocks resolving to the layer's
   * default (zeros, or the parent for a differencing layer) at table speed. Not thread-safe.
   */
  public abstract static class Scan {
    /**
     * Finds the first block in {@code [from, to)} that does not resolve to {@link #empty()}.
     *
     * @param from the first block to look at
     * @param to the end, at most the number of blocks
     * @return the block, or {@code to}
     * @throws IOException if the table cannot be read
     */
    public abstract int next(int from, int to) throws IOException;

    /**
     * Resolves a block as {@link ImageLayer#locate} does; cheapest for a block {@link #next}
     * just returned.
     *
     * @param block the block
     * @return the resolution
     * @throws IOException if the table cannot be read or the block is damaged
     */
    public abstract long locate(int block) throws IOException;

    /**
     * What the blocks {@link #next} skips resolve to.
     *
     * @return {@link #ZERO} or {@link #PARENT}
     */
    public abstract long empty();
  }
}
