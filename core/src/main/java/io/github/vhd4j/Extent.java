package io.github.vhd4j;

/**
 * A run of the virtual disk with uniform allocation, as returned by {@link VhdImage#map()}.
 * Adjacent runs with the same state are merged, as {@code qemu-img map} does.
 *
 * @param start virtual offset of the run in bytes
 * @param length length of the run in bytes
 * @param depth chain level the content comes from: 0 is the image itself, 1 its parent, and so
 *     on; for zero runs, the deepest level consulted
 * @param data true when the bytes are stored at {@code fileOffset} in the image at {@code depth};
 *     false when the run is unallocated and reads as zeros
 * @param fileOffset absolute offset of the run's first byte in that image, or -1 for zero runs
 */
public record Extent(long start, long length, int depth, boolean data, long fileOffset) {

  /**
   * Returns the first offset after the run.
   *
   * @return {@code start + length}
   */
  public long end() {
    return start + length;
  }
}
