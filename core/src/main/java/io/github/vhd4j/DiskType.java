package io.github.vhd4j;

import org.jspecify.annotations.Nullable;

/** The disk type stored in the footer (offset 60). */
public enum DiskType {
  /** Type 2: the guest data is stored contiguously before the footer. */
  FIXED(2),
  /** Type 3: blocks are allocated on demand through the block allocation table. */
  DYNAMIC(3),
  /** Type 4: a dynamic disk whose unwritten sectors come from a parent image. */
  DIFFERENCING(4);

  private final int code;

  DiskType(int code) {
    this.code = code;
  }

  /**
   * Returns the on-disk value.
   *
   * @return 2, 3 or 4
   */
  public int code() {
    return code;
  }

  /**
   * Maps an on-disk value to a disk type.
   *
   * @param code the unsigned 32-bit footer value
   * @return the type, or null for 0, 1, 5, 6 and any other value
   */
  public static @Nullable DiskType fromCode(long code) {
    for (DiskType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    return null;
  }
}
