package io.github.vhd4j;

import java.util.Objects;

/**
 * What {@link DiskImages#checksum} computes. Immutable; start from {@link #defaults()} and change
 * what you need with the {@code with...} methods.
 *
 * <pre>{@code
 * ChecksumOptions options = ChecksumOptions.defaults()
 *     .withAlgorithm(ChecksumAlgorithm.SHA512)
 *     .withBlockSize(512 * 1024);
 * }</pre>
 *
 * @param algorithm the digest, of the whole disk and of each block
 * @param blockSize 0 for the digest of the whole disk alone, or the size of the blocks a manifest
 *     lists one digest for, a positive multiple of {@value #SECTOR} bytes (for example 512 KiB,
 *     the block size of the EBS direct APIs); the last block is shorter when the size is not a
 *     multiple
 */
public record ChecksumOptions(ChecksumAlgorithm algorithm, long blockSize) {

  /** The unit of a manifest's block size: a sector, the unit every disk is addressed in. */
  public static final int SECTOR = Vhd.SECTOR_SIZE;

  /**
   * The most blocks {@link DiskImages#checksum(DiskImage, ChecksumOptions, ProgressListener)}
   * collects into a list (about 150 bytes of heap each): 2^20, a 512 GiB disk in 512 KiB blocks.
   * Larger manifests are streamed to a consumer by
   * {@link DiskImages#checksumBlocks(DiskImage, ChecksumOptions, java.util.function.Consumer)},
   * which holds none of them.
   */
  public static final int MAX_LISTED_BLOCKS = 1 << 20;

  private static final ChecksumOptions DEFAULTS = new ChecksumOptions(ChecksumAlgorithm.SHA256, 0);

  /**
   * Creates options; prefer {@link #defaults()} and the {@code with...} methods.
   *
   * @param algorithm the digest
   * @param blockSize 0, or a positive multiple of {@value #SECTOR}
   * @throws IllegalArgumentException if {@code blockSize} is negative or not a multiple of
   *     {@value #SECTOR}
   */
  public ChecksumOptions {
    Objects.requireNonNull(algorithm, "algorithm");
    if (blockSize < 0 || blockSize % SECTOR != 0) {
      throw new IllegalArgumentException("blockSize must be 0 (no manifest) or a positive multiple of " + SECTOR
          + ": " + blockSize);
    }
  }

  /**
   * Returns the defaults: SHA-256 of the whole disk, no manifest.
   *
   * @return the default options
   */
  public static ChecksumOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Returns a copy with another algorithm.
   *
   * @param value the algorithm
   * @return the new options
   */
  public ChecksumOptions withAlgorithm(ChecksumAlgorithm value) {
    return new ChecksumOptions(value, blockSize);
  }

  /**
   * Returns a copy with another manifest block size.
   *
   * @param value 0 for no manifest, or a positive multiple of {@value #SECTOR}
   * @return the new options
   * @throws IllegalArgumentException as the constructor does
   */
  public ChecksumOptions withBlockSize(long value) {
    return new ChecksumOptions(algorithm, value);
  }

  /**
   * Tells whether a manifest is asked for.
   *
   * @return true when {@link #blockSize()} is not 0
   */
  public boolean hasManifest() {
    return blockSize != 0;
  }
}
