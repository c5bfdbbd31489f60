package io.github.vhd4j;

import java.util.HexFormat;

/**
 * The digest of one block of a virtual disk, an entry of a checksum manifest
 * ({@link ChecksumOptions#blockSize()}): what another tool recomputes over
 * {@code [offset, offset + length)} of the disk (or of {@code qemu-img convert -O raw}'s output)
 * to verify that part alone.
 *
 * @param offset the block's first virtual byte, a multiple of the block size
 * @param length the block's length: the block size, or less for the last block
 * @param digest the digest of the block's bytes, in lower-case hexadecimal
 * @param data false when the whole block lies in ranges the image (and its parents) store nothing
 *     for, which read as zeros and were hashed without reading; true when any of it is stored
 *     (stored bytes may be zeros too)
 */
public record BlockChecksum(long offset, long length, String digest, boolean data) {

  /**
   * Returns the digest as bytes.
   *
   * @return a new array
   */
  public byte[] digestBytes() {
    return HexFormat.of().parseHex(digest);
  }

  /**
   * Returns the first virtual byte after the block.
   *
   * @return {@code offset + length}
   */
  public long end() {
    return offset + length;
  }
}
