package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.internal.storage.Storage;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The log's bytes as the ring MS-VHDX 2.3 describes: positions count from the log's start and
 * wrap at its end, so an entry that runs past the end continues at the start.
 */
final class LogRing {
  private final Storage file;
  private final long offset;
  private final long length;

  /**
   * Views a log whose placement has been checked: inside the file, at most 1 GiB long.
   *
   * @param file the file
   * @param offset the log's file offset
   * @param length the log's length in bytes
   */
  LogRing(Storage file, long offset, long length) {
    this.file = file;
    this.offset = offset;
    this.length = length;
  }

  /**
   * Returns the log's length.
   *
   * @return bytes
   */
  long length() {
    return length;
  }

  /**
   * Returns the log's file offset.
   *
   * @return the offset of ring position 0
   */
  long start() {
    return offset;
  }

  /**
   * Returns the file offset just past the log.
   *
   * @return {@code start() + length()}
   */
  long end() {
    return offset + length;
  }

  /**
   * Maps a ring position, possibly past one turn, to its file offset.
   *
   * @param position a non-negative position
   * @return the file offset
   */
  long fileOffset(long position) {
    return offset + position % length;
  }

  /**
   * Reads {@code n} bytes from a ring position into {@code dst[0, n)}, wrapping at the log's end.
   *
   * @param position a non-negative position
   * @param dst the buffer
   * @param n at most the log's length
   * @throws IOException if the file cannot be read
   */
  void read(long position, ByteBuffer dst, int n) throws IOException {
    long p = position % length;
    int first = (int) Math.min(n, length - p);
    file.read(offset + p, dst, 0, first);
    if (first < n) {
      file.read(offset, dst, first, n - first);
    }
  }
}
