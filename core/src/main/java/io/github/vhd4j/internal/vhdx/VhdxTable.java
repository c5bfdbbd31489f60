package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.internal.ImageLayer;
import java.io.IOException;

/**
 * The block resolver of a VHDX file: its validated BAT (MS-VHDX 2.5), answering for each payload
 * block what {@link ImageLayer#locate} answers, and where a partial block's bitmap lies.
 */
public abstract class VhdxTable {
  /** The numbers the table is laid out by. */
  protected final VhdxGeometry geometry;

  /**
   * Sets the geometry.
   *
   * @param geometry the table's geometry
   */
  protected VhdxTable(VhdxGeometry geometry) {
    this.geometry = geometry;
  }

  /**
   * Returns the geometry.
   *
   * @return the numbers the table is laid out by
   */
  public final VhdxGeometry geometry() {
    return geometry;
  }

  /**
   * Returns payload block {@code block}'s entry as stored (after any log replay).
   *
   * @param block below the number of payload blocks
   * @return the 64-bit entry
   * @throws IOException if the table cannot be read
   */
  public abstract long payloadEntry(int block) throws IOException;

  /**
   * Returns chunk {@code chunk}'s sector bitmap entry as stored, or 0 when the table has no entry
   * for it (the last chunk of a disk without a parent).
   *
   * @param chunk below the number of chunks
   * @return the 64-bit entry
   * @throws IOException if the table cannot be read
   */
  public abstract long bitmapEntry(int chunk) throws IOException;

  /**
   * Resolves a payload block as {@link ImageLayer#locate} specifies: only NOT_PRESENT falls
   * through to a parent; UNDEFINED, ZERO and UNMAPPED read zeros; FULLY_PRESENT is data;
   * PARTIALLY_PRESENT is data with {@link ImageLayer#PARTIAL}. Throws for a block lenient mode
   * kept although it cannot be read.
   *
   * @param block the block
   * @return the resolution
   * @throws IOException if the table cannot be read or the block is damaged
   */
  public abstract long locate(int block) throws IOException;

  /**
   * Returns a partial block's bitmap position: the file offset of the byte holding the bit of
   * its first sector.
   *
   * @param block the block
   * @return the file offset
   * @throws IOException if the table cannot be read
   */
  public abstract long bitmapOffset(int block) throws IOException;

  /**
   * Starts a bulk walk for maps and checks.
   *
   * @param empty what blocks the walk may skip resolve to ({@link ImageLayer#PARENT} for a
   *     differencing disk, else {@link ImageLayer#ZERO})
   * @return the walk
   */
  public abstract ImageLayer.Scan scan(long empty);
}
