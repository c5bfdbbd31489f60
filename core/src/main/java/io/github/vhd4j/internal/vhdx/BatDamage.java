package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.internal.Sectors;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Why lenient mode cannot read a present block or sector bitmap it kept: it overlaps the header
 * section, the log or a region, or a file MiB another block or bitmap claims too. A block outside
 * the file is recognised from its entry alone ({@link BatTable}); only the MiBs claimed twice are
 * stored, so the verdicts cost what the overlaps cost.
 */
final class BatDamage {
  /** The object is readable. */
  static final byte NONE = 0;
  /** The object overlaps the header section, the log or a region. */
  static final byte IN_USE = 1;
  /** The object shares a MiB with another block or bitmap. */
  static final byte SHARED = 2;

  private final long[][] occupied;
  private final @Nullable FileMibs shared;

  /**
   * Describes the damage.
   *
   * @param occupied file ranges {@code [start, end)} of the header section, log and regions
   * @param shared the MiBs claimed by more than one object, or null when there are none
   */
  BatDamage(List<long[]> occupied, @Nullable FileMibs shared) {
    this.occupied = occupied.toArray(new long[0][]);
    this.shared = shared;
  }

  /**
   * Tells why an object cannot be read.
   *
   * @param start its file offset, inside the file
   * @param end its end, clipped to the file's MiBs
   * @return {@link #NONE}, {@link #IN_USE} or {@link #SHARED}
   */
  byte reason(long start, long end) {
    for (long[] r : occupied) {
      if (Sectors.overlaps(start, end, r[0], r[1])) {
        return IN_USE;
      }
    }
    FileMibs s = shared;
    if (s != null && s.any(start >>> 20, Math.min(s.capacity(), BatTable.mibs(end)))) {
      return SHARED;
    }
    return NONE;
  }
}
