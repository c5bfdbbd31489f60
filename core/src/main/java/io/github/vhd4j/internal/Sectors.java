package io.github.vhd4j.internal;

/** The sector, the unit every VHD offset and size is counted in, and rounding to it. */
public final class Sectors {
  /** Bytes per sector. */
  public static final int SIZE = 512;

  private Sectors() {}

  /**
   * Divides, rounding up; both arguments non-negative, the divisor positive.
   *
   * @param a dividend
   * @param b divisor
   * @return the smallest n with n * b at least a
   */
  public static long ceilDiv(long a, long b) {
    return a / b + (a % b == 0 ? 0 : 1);
  }

  /**
   * Rounds up to a multiple of a unit.
   *
   * @param a a non-negative value
   * @param unit a positive unit
   * @return the smallest multiple of unit at least a
   */
  public static long roundUp(long a, long unit) {
    return ceilDiv(a, unit) * unit;
  }

  /**
   * Rounds up to whole sectors.
   *
   * @param bytes a non-negative byte count
   * @return the byte count of the sectors that hold it
   */
  public static long roundUp(long bytes) {
    return roundUp(bytes, SIZE);
  }

  /**
   * Tells whether two half-open ranges share a byte.
   *
   * @param aStart first range's start
   * @param aEnd first range's end (exclusive)
   * @param bStart second range's start
   * @param bEnd second range's end (exclusive)
   * @return true when they overlap
   */
  public static boolean overlaps(long aStart, long aEnd, long bStart, long bEnd) {
    return aStart < bEnd && bStart < aEnd;
  }
}
