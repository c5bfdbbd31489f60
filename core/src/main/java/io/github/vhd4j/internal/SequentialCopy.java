package io.github.vhd4j.internal;

import io.github.vhd4j.DiskImage;
import io.github.vhd4j.ProgressListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * Writes a range of an image's guest bytes to a channel in order, every byte, zeros included: for
 * targets that cannot seek or keep what they held before (a pipe, a terminal, a device).
 */
public final class SequentialCopy {
  /** Large enough to amortise system calls, small enough to stay in cache-friendly territory. */
  static final int BUFFER_SIZE = 4 << 20;

  private SequentialCopy() {}

  /**
   * Copies {@code [offset, offset + length)} of the guest bytes, cut at the end of the disk.
   * Failures of {@code out} propagate unchanged, so that the caller can tell them from failures
   * to read the image.
   *
   * @param image the image (a chain reads flattened)
   * @param offset the first virtual byte, not negative
   * @param length the number of bytes, not negative
   * @param out where the bytes go, written in order
   * @param progress told the bytes written so far and the range's length
   * @return the number of bytes written
   * @throws IOException if reading the image or writing {@code out} fails
   */
  public static long copy(DiskImage image, long offset, long length, WritableByteChannel out,
      ProgressListener progress) throws IOException {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("negative offset or length: " + offset + ", " + length);
    }
    long size = image.getSize();
    long start = Math.min(offset, size);
    long end = start + Math.min(length, size - start);
    ProgressCounter p = new ProgressCounter(progress, end - start);
    // One direct buffer for the whole run: reads fill it without a copy, and a FileChannel
    // writes it without a copy either.
    ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(BUFFER_SIZE, Math.max(end - start, 1)));
    for (long pos = start; pos < end; ) {
      int n = (int) Math.min(buf.capacity(), end - pos);
      buf.clear().limit(n);
      image.readFully(pos, buf);
      buf.flip();
      while (buf.hasRemaining()) {
        out.write(buf);
      }
      pos += n;
      p.add(n);
    }
    p.finish();
    return end - start;
  }
}
