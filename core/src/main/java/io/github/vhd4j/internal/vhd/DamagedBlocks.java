package io.github.vhd4j.internal.vhd;

import io.github.vhd4j.internal.Sectors;
import io.github.vhd4j.internal.vhd.layout.TableLayout;
import java.util.List;

/**
 * The blocks of a layer that lenient mode opened but cannot read, and why. A block outside the
 * file or over metadata is recognised from its table entry when it is read; only the blocks that
 * overlap another block are stored, since that takes the whole table to find. So the verdicts
 * cost what the overlaps cost, not a byte per block of the header's claim.
 */
final class DamagedBlocks {
  /** The block ends past the data area (a truncated image). */
  static final byte OUTSIDE_FILE = 1;
  /** The block covers the header, the table, a locator or another metadata region. */
  static final byte IN_METADATA = 2;
  /** The block overlaps another block. */
  static final byte OVERLAP = 3;

  /** Blocks of the disk; entries past them are never read, so never damaged. */
  private final long blocks;
  private final long stride;
  private final long dataEnd;
  private final long[][] regions;
  private final BlockSet overlapping;

  /**
   * Describes a layer's damaged blocks.
   *
   * @param blocks the blocks the disk's size needs
   * @param stride bitmap and data bytes of a block
   * @param dataEnd where blocks must end
   * @param regions the metadata regions as {@code [start, end)} pairs
   * @param overlapping the blocks (below {@code blocks}) that overlap another block
   */
  DamagedBlocks(long blocks, long stride, long dataEnd, List<long[]> regions, BlockSet overlapping) {
    this.blocks = blocks;
    this.stride = stride;
    this.dataEnd = dataEnd;
    this.regions = regions.toArray(new long[0][]);
    this.overlapping = overlapping;
  }

  /**
   * Tells why a block cannot be read, in the validator's order: outside the file, then over
   * metadata, then overlapping.
   *
   * @param block the block
   * @param entry its table entry
   * @return 0 when the block is readable, else {@link #OUTSIDE_FILE}, {@link #IN_METADATA} or
   *     {@link #OVERLAP}
   */
  byte reason(int block, int entry) {
    if (block >= blocks || entry == Layer.UNALLOCATED) {
      return 0;
    }
    long start = TableLayout.blockOffset(entry);
    long end = start + stride;
    if (end > dataEnd) {
      return OUTSIDE_FILE;
    }
    for (long[] r : regions) {
      if (Sectors.overlaps(start, end, r[0], r[1])) {
        return IN_METADATA;
      }
    }
    return overlapping.contains(block) ? OVERLAP : 0;
  }
}
