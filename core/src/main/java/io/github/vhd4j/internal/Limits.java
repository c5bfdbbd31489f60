package io.github.vhd4j.internal;

import io.github.vhd4j.DiskType;
import io.github.vhd4j.internal.vhd.layout.TableLayout;
import java.util.Locale;

/**
 * The sizes this library accepts, read and written: the public constants of the facade and the
 * options are defined from these, so that the internals never need the facade.
 */
public final class Limits {
  /** Largest block size accepted: 256 MiB (the VHDX maximum; the VHD specification sets none). */
  public static final long MAX_BLOCK_SIZE = 256L << 20;

  /** Largest virtual size of a dynamic or differencing disk: 0xFF000000 sectors (2040 GiB). */
  public static final long MAX_DYNAMIC_SIZE = 0xFF000000L * Sectors.SIZE;

  /** Largest fixed disk: 32 TiB, the largest page blob Azure accepts. */
  public static final long MAX_FIXED_SIZE = 32L << 40;

  /** Most block allocation table entries accepted (a 1 GiB table). */
  public static final long MAX_TABLE_ENTRIES = TableLayout.MAX_ENTRIES;

  private Limits() {}

  /**
   * The largest virtual size a disk of a type may have.
   *
   * @param type the disk type
   * @return {@link #MAX_FIXED_SIZE} for a fixed disk, {@link #MAX_DYNAMIC_SIZE} otherwise
   */
  public static long maxSize(DiskType type) {
    return type == DiskType.FIXED ? MAX_FIXED_SIZE : MAX_DYNAMIC_SIZE;
  }

  /**
   * Refuses a virtual size above the type's limit.
   *
   * @param type the disk type
   * @param size the virtual size in bytes
   * @throws IllegalArgumentException if {@code size} is above {@link #maxSize(DiskType)}
   */
  public static void requireSize(DiskType type, long size) {
    long cap = maxSize(type);
    if (size > cap) {
      throw new IllegalArgumentException("a " + type.name().toLowerCase(Locale.ROOT) + " disk holds at most "
          + cap + " bytes: " + size);
    }
  }
}
