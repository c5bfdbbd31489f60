package io.github.vhd4j;

import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The digest of a virtual disk's content, from {@link DiskImages#checksum}: equal to the digest of
 * the raw file {@code qemu-img convert -O raw} writes from the image (every byte of the disk in
 * order, unstored ranges as zeros), and so to what {@code sha256sum} prints for that file.
 *
 * @param algorithm the algorithm
 * @param digest the digest of the whole disk, in lower-case hexadecimal
 * @param size the number of bytes hashed: the virtual size
 * @param blockSize the manifest's block size, or 0 when none was asked for
 * @param blocks the manifest, in order, when a block size was given and the blocks were collected;
 *     empty when none was asked for or the blocks were handed to a consumer
 */
public record ContentChecksum(ChecksumAlgorithm algorithm, String digest, long size, long blockSize,
    List<BlockChecksum> blocks) {

  /**
   * Creates a result, copying the list.
   *
   * @param algorithm the algorithm
   * @param digest the digest in lower-case hexadecimal
   * @param size the bytes hashed
   * @param blockSize the manifest's block size, or 0
   * @param blocks the manifest, possibly empty
   */
  public ContentChecksum {
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(digest, "digest");
    blocks = List.copyOf(blocks);
  }

  /**
   * Returns the digest as bytes.
   *
   * @return a new array
   */
  public byte[] digestBytes() {
    return HexFormat.of().parseHex(digest);
  }
}
