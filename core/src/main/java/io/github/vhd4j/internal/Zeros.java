package io.github.vhd4j.internal;

import io.github.vhd4j.internal.storage.Storage;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Zeros: telling whether bytes are all zero, and filling or writing them, without a buffer per call. */
public final class Zeros {
  /** Compared against and copied from; read-only, so it is shared by every thread. */
  static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 * 1024).asReadOnlyBuffer();

  private Zeros() {}

  /**
   * Tells whether {@code b[from, from + length)} is all zeros.
   *
   * @param b the bytes (position and limit are not used)
   * @param from the first index
   * @param length the number of bytes
   * @return true when every byte is zero
   */
  public static boolean isZero(ByteBuffer b, int from, int length) {
    for (int done = 0; done < length; ) {
      int n = Math.min(length - done, ZEROS.capacity());
      if (b.slice(from + done, n).mismatch(ZEROS.slice(0, n)) >= 0) {
        return false;
      }
      done += n;
    }
    return true;
  }

  /**
   * Tells whether the file bytes {@code [from, from + length)} are all zeros, reading them through
   * {@code buf} a piece at a time.
   *
   * @param s the file
   * @param from the first offset
   * @param length the number of bytes
   * @param buf scratch space; its contents are overwritten
   * @return true when every byte is zero
   * @throws IOException if the file cannot be read
   */
  public static boolean isZero(Storage s, long from, long length, ByteBuffer buf) throws IOException {
    for (long p = 0; p < length; ) {
      int n = (int) Math.min(buf.capacity(), length - p);
      s.read(from + p, buf, 0, n);
      if (!isZero(buf, 0, n)) {
        return false;
      }
      p += n;
    }
    return true;
  }

  /**
   * Fills {@code dst[index, index + length)} with zeros.
   *
   * @param dst the buffer (position and limit are not used)
   * @param index the first index
   * @param length the number of bytes
   */
  static void fill(ByteBuffer dst, int index, int length) {
    for (int done = 0; done < length; ) {
      int n = Math.min(length - done, ZEROS.capacity());
      dst.put(index + done, ZEROS, 0, n);
      done += n;
    }
  }

  /**
   * Writes zeros over the file bytes {@code [from, to)}.
   *
   * @param s the file
   * @param from the first offset
   * @param to the offset after the last
   * @throws IOException if the file cannot be written
   */
  public static void write(Storage s, long from, long to) throws IOException {
    for (long p = from; p < to; ) {
      int n = (int) Math.min(ZEROS.capacity(), to - p);
      s.write(p, ZEROS, 0, n);
      p += n;
    }
  }
}
