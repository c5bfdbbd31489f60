package io.github.vhd4j;

/**
 * Cylinder/head/sector geometry (footer offset 56: cylinders u16, heads u8, sectors per track u8).
 *
 * @param cylinders 0 to 65535
 * @param heads 0 to 255 (the specification's algorithm never exceeds 16)
 * @param sectorsPerTrack 0 to 255
 */
public record Geometry(int cylinders, int heads, int sectorsPerTrack) {

  /** Sectors covered by the largest geometry, 65535 x 16 x 255. */
  public static final long MAX_SECTORS = 65535L * 16 * 255;

  /**
   * Creates a geometry, checking each value fits its on-disk field.
   *
   * @param cylinders 0 to 65535
   * @param heads 0 to 255
   * @param sectorsPerTrack 0 to 255
   */
  public Geometry {
    if (cylinders < 0 || cylinders > 0xFFFF || heads < 0 || heads > 0xFF
        || sectorsPerTrack < 0 || sectorsPerTrack > 0xFF) {
      throw new IllegalArgumentException(
          "geometry out of range: " + cylinders + "/" + heads + "/" + sectorsPerTrack);
    }
  }

  /**
   * Returns the number of sectors the geometry addresses.
   *
   * @return cylinders x heads x sectors per track
   */
  public long sectors() {
    return (long) cylinders * heads * sectorsPerTrack;
  }

  /**
   * Returns the capacity the geometry addresses in bytes (the "CHS size").
   *
   * @return sectors x 512
   */
  public long capacity() {
    return sectors() * Vhd.SECTOR_SIZE;
  }

  /**
   * Tells whether this is 65535/16/255, which tools write when the size is not representable; QEMU
   * and this library then use the current size whatever the size policy.
   *
   * @return true for the maximum geometry
   */
  public boolean isMaximum() {
    return cylinders == 65535 && heads == 16 && sectorsPerTrack == 255;
  }

  /**
   * Computes the geometry the specification's appendix algorithm gives for a size. The algorithm
   * rounds down: the geometry may address less than {@code size}.
   *
   * @param size the disk size in bytes (negative sizes are treated as zero)
   * @return the geometry, clamped to 65535/16/255
   */
  public static Geometry forSize(long size) {
    long totalSectors = Math.min(Math.max(size, 0) / Vhd.SECTOR_SIZE, MAX_SECTORS);
    int spt;
    int heads;
    long cylTimesHeads;
    if (totalSectors >= 65535L * 16 * 63) {
      spt = 255;
      heads = 16;
      cylTimesHeads = totalSectors / spt;
    } else {
      spt = 17;
      cylTimesHeads = totalSectors / spt;
      heads = (int) Math.max((cylTimesHeads + 1023) / 1024, 4);
      if (cylTimesHeads >= heads * 1024L || heads > 16) {
        spt = 31;
        heads = 16;
        cylTimesHeads = totalSectors / spt;
      }
      if (cylTimesHeads >= heads * 1024L) {
        spt = 63;
        heads = 16;
        cylTimesHeads = totalSectors / spt;
      }
    }
    return new Geometry((int) Math.min(cylTimesHeads / heads, 65535), heads, spt);
  }

  /**
   * Returns {@code C/H/S}.
   *
   * @return for example {@code 8323/16/63}
   */
  @Override
  public String toString() {
    return cylinders + "/" + heads + "/" + sectorsPerTrack;
  }
}
