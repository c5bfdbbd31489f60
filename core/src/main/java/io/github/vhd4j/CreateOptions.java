package io.github.vhd4j;

import io.github.vhd4j.internal.Limits;
import java.nio.file.Path;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What {@link Vhd#create} makes. Immutable; start from {@link #fixed}, {@link #dynamic},
 * {@link #differencing} or {@link #azure} and change what you need with the {@code with...}
 * methods.
 *
 * @param diskType fixed, dynamic or differencing
 * @param size the requested virtual size in bytes (see {@code sizeMode}); for a differencing disk,
 *     -1 means the parent's virtual size, and a size larger than the parent's is refused
 * @param blockSize dynamic and differencing disks: bytes per block, a power of two from 512 to
 *     {@link Vhd#MAX_BLOCK_SIZE}; default 2 MiB (ignored for fixed disks)
 * @param sizeMode how {@code size} becomes the footer's current size and geometry; differencing
 *     disks accept only {@link SizeMode#EXACT} (the parent's size, or {@code size}, exactly)
 * @param azure the Azure rules: a fixed disk whose size is a whole number of MiB from 20 MiB to
 *     32 TiB, current size authoritative ({@link SizeMode#EXACT})
 * @param parent the parent of a differencing disk; null for the other types
 * @param aligned dynamic and differencing disks: Hyper-V's layout, with the table padded to 4 KiB
 *     and every block's data starting on a 4 KiB boundary in the file (default: QEMU's compact
 *     layout, where data follows a 512-byte bitmap)
 * @param uniqueId the footer's UUID, or null for a random one
 * @param openOptions how the new image, and a differencing disk's parent chain, is opened; the
 *     result is always writable, and the parent's directory is added to the allowed parent
 *     directories
 */
public record CreateOptions(
    DiskType diskType,
    long size,
    long blockSize,
    SizeMode sizeMode,
    boolean azure,
    @Nullable Path parent,
    boolean aligned,
    @Nullable UUID uniqueId,
    OpenOptions openOptions) {

  /** Default block size of dynamic and differencing disks: 2 MiB, as QEMU and Hyper-V use. */
  public static final long DEFAULT_BLOCK_SIZE = 2L << 20;

  /** Largest fixed disk: 32 TiB, the largest page blob Azure accepts. */
  public static final long MAX_FIXED_SIZE = Limits.MAX_FIXED_SIZE;

  /** Smallest size Azure accepts for an uploaded disk: 20 MiB. */
  public static final long AZURE_MIN_SIZE = 20L << 20;

  /**
   * Creates options, checking that they describe an image that can exist; prefer the factories.
   *
   * @param diskType fixed, dynamic or differencing
   * @param size bytes, or -1 for a differencing disk of its parent's size
   * @param blockSize a power of two from 512 to {@link Vhd#MAX_BLOCK_SIZE}
   * @param sizeMode CHS rounding or exact
   * @param azure Azure rules
   * @param parent a differencing disk's parent
   * @param aligned Hyper-V's 4 KiB-aligned layout
   * @param uniqueId the UUID, or null for a random one
   * @param openOptions how the result is opened
   * @throws IllegalArgumentException if the combination is impossible
   */
  public CreateOptions {
    Objects.requireNonNull(diskType, "diskType");
    Objects.requireNonNull(sizeMode, "sizeMode");
    Objects.requireNonNull(openOptions, "openOptions");
    if (blockSize < Vhd.SECTOR_SIZE || blockSize > Vhd.MAX_BLOCK_SIZE || Long.bitCount(blockSize) != 1) {
      throw new IllegalArgumentException("block size must be a power of two from 512 to "
          + Vhd.MAX_BLOCK_SIZE + ": " + blockSize);
    }
    if ((diskType == DiskType.DIFFERENCING) != (parent != null)) {
      throw new IllegalArgumentException(diskType == DiskType.DIFFERENCING
          ? "a differencing disk needs a parent" : "only a differencing disk has a parent");
    }
    if (size < (diskType == DiskType.DIFFERENCING ? -1 : 0)) {
      throw new IllegalArgumentException("negative size: " + size);
    }
    if (azure) {
      if (diskType != DiskType.FIXED) {
        throw new IllegalArgumentException("Azure accepts only fixed disks, not " + diskType.name().toLowerCase(java.util.Locale.ROOT));
      }
      if (size % (1L << 20) != 0 || size < AZURE_MIN_SIZE || size > MAX_FIXED_SIZE) {
        throw new IllegalArgumentException("Azure needs a size that is a whole number of MiB from 20 MiB to 32 TiB: "
            + size + " bytes");
      }
      if (sizeMode != SizeMode.EXACT) {
        throw new IllegalArgumentException("Azure takes the current size as the disk size: use SizeMode.EXACT");
      }
    }
    if (aligned && diskType == DiskType.FIXED) {
      throw new IllegalArgumentException("the aligned layout is for dynamic and differencing disks; a fixed"
          + " disk's data starts at offset 0");
    }
    if (diskType == DiskType.DIFFERENCING && sizeMode != SizeMode.EXACT) {
      throw new IllegalArgumentException("a differencing disk takes its size exactly (SizeMode.EXACT)");
    }
    if (sizeMode == SizeMode.EXACT && size % Vhd.SECTOR_SIZE != 0 && size != -1) {
      throw new IllegalArgumentException("an exact size must be a whole number of 512-byte sectors: " + size);
    }
    Limits.requireSize(diskType, size);
  }

  /**
   * Options for a fixed disk of {@code size} bytes, rounded up to a CHS geometry.
   *
   * @param size the requested size in bytes
   * @return the options
   */
  public static CreateOptions fixed(long size) {
    return new CreateOptions(DiskType.FIXED, size, DEFAULT_BLOCK_SIZE, SizeMode.CHS, false, null, false, null,
        OpenOptions.defaults());
  }

  /**
   * Options for a dynamic disk of {@code size} bytes (rounded up to a CHS geometry) in 2 MiB blocks.
   *
   * @param size the requested size in bytes, at most {@link Vhd#MAX_DYNAMIC_SIZE}
   * @return the options
   */
  public static CreateOptions dynamic(long size) {
    return new CreateOptions(DiskType.DYNAMIC, size, DEFAULT_BLOCK_SIZE, SizeMode.CHS, false, null, false, null,
        OpenOptions.defaults());
  }

  /**
   * Options for a differencing disk over {@code parent}, of the parent's size.
   *
   * @param parent the parent image file
   * @return the options
   */
  public static CreateOptions differencing(Path parent) {
    Objects.requireNonNull(parent, "parent");
    return new CreateOptions(DiskType.DIFFERENCING, -1, DEFAULT_BLOCK_SIZE, SizeMode.EXACT, false, parent, false,
        null, OpenOptions.defaults());
  }

  /**
   * Options for a disk Azure accepts for upload: fixed, exactly {@code size} bytes.
   *
   * @param size a whole number of MiB from 20 MiB to 32 TiB
   * @return the options
   */
  public static CreateOptions azure(long size) {
    return new CreateOptions(DiskType.FIXED, size, DEFAULT_BLOCK_SIZE, SizeMode.EXACT, true, null, false, null,
        OpenOptions.defaults());
  }

  /**
   * Returns a copy with another size.
   *
   * @param value bytes (-1: a differencing disk's parent size)
   * @return the new options
   */
  public CreateOptions withSize(long value) {
    return new CreateOptions(diskType, value, blockSize, sizeMode, azure, parent, aligned, uniqueId, openOptions);
  }

  /**
   * Returns a copy with another block size.
   *
   * @param value a power of two from 512 to {@link Vhd#MAX_BLOCK_SIZE}
   * @return the new options
   */
  public CreateOptions withBlockSize(long value) {
    return new CreateOptions(diskType, size, value, sizeMode, azure, parent, aligned, uniqueId, openOptions);
  }

  /**
   * Returns a copy with another size mode.
   *
   * @param value CHS rounding or exact
   * @return the new options
   */
  public CreateOptions withSizeMode(SizeMode value) {
    return new CreateOptions(diskType, size, blockSize, value, azure, parent, aligned, uniqueId, openOptions);
  }

  /**
   * Returns a copy with or without Hyper-V's 4 KiB-aligned layout.
   *
   * @param value true for the aligned layout
   * @return the new options
   */
  public CreateOptions withAligned(boolean value) {
    return new CreateOptions(diskType, size, blockSize, sizeMode, azure, parent, value, uniqueId, openOptions);
  }

  /**
   * Returns a copy with a chosen UUID (reproducible images, tests), or null for a random one.
   *
   * @param value the UUID
   * @return the new options
   */
  public CreateOptions withUniqueId(@Nullable UUID value) {
    return new CreateOptions(diskType, size, blockSize, sizeMode, azure, parent, aligned, value, openOptions);
  }

  /**
   * Returns a copy that opens the result with other options (durability, storage, parent
   * directories); the result is writable whatever {@code value} says.
   *
   * @param value the open options
   * @return the new options
   */
  public CreateOptions withOpenOptions(OpenOptions value) {
    return new CreateOptions(diskType, size, blockSize, sizeMode, azure, parent, aligned, uniqueId, value);
  }
}
