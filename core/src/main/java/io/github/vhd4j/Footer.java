package io.github.vhd4j;

import java.time.Instant;
import java.util.UUID;

/**
 * The hard disk footer: the 512-byte structure at the end of every VHD (and, for dynamic and
 * differencing disks, copied at offset 0). Unsigned 32-bit fields are widened to {@code long}.
 *
 * @param features offset 8; bit 0x1 temporary, bit 0x2 reserved (always set)
 * @param formatVersion offset 12; 0x00010000
 * @param dataOffset offset 16; absolute offset of the dynamic header, all ones (-1) for fixed disks
 * @param timestamp offset 24; seconds since 2000-01-01T00:00:00Z (unsigned 32-bit)
 * @param creatorApplication offset 28; four bytes as ISO-8859-1 characters, for example
 *     {@code "qemu"}, {@code "vpc "}, {@code "win "} or {@code "d2v\0"}
 * @param creatorVersion offset 32; major version in the high 16 bits, minor in the low 16
 * @param creatorHostOs offset 36; four bytes as ISO-8859-1, {@code "Wi2k"} or {@code "Mac "}
 * @param originalSize offset 40; size in bytes at creation
 * @param currentSize offset 48; current size in bytes
 * @param geometry offset 56
 * @param diskType offset 60
 * @param checksum offset 64; one's complement of the byte sum with this field zeroed
 * @param uniqueId offset 68; 16 bytes in on-disk order
 * @param savedState offset 84; 1 when the disk is in a saved state
 */
public record Footer(
    long features,
    long formatVersion,
    long dataOffset,
    long timestamp,
    String creatorApplication,
    long creatorVersion,
    String creatorHostOs,
    long originalSize,
    long currentSize,
    Geometry geometry,
    DiskType diskType,
    long checksum,
    UUID uniqueId,
    int savedState) {

  /** Seconds from the Unix epoch to the VHD epoch, 2000-01-01T00:00:00Z. */
  public static final long VHD_EPOCH_SECONDS = 946_684_800L;


  /**
   * Returns the time stamp as an instant. Never throws: every 32-bit value is representable.
   *
   * @return the creation time
   */
  public Instant timestampInstant() {
    return Instant.ofEpochSecond(VHD_EPOCH_SECONDS + timestamp);
  }

  /**
   * Returns the creator version as {@code major.minor}.
   *
   * @return for example {@code "5.3"}
   */
  public String creatorVersionString() {
    return (creatorVersion >>> 16) + "." + (creatorVersion & 0xFFFF);
  }

  /**
   * Tells whether the footer's saved-state flag is set.
   *
   * @return true when saved state is non-zero
   */
  public boolean isSavedState() {
    return savedState != 0;
  }
}
