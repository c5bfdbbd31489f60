package io.github.vhd4j.internal.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Random-access bytes of one image file. The engine never touches a file directly; it goes
 * through this interface so that one engine serves files, caller channels, memory and (in the mmap
 * module) mapped files.
 *
 * <p>Implementations must allow concurrent {@link #read} calls from many threads.
 */
public interface Storage extends Closeable {

  /**
   * Returns the length of the underlying file, fixed when the storage was opened.
   *
   * @return the length in bytes
   */
  long size();

  /**
   * Copies exactly {@code length} bytes starting at {@code offset} into {@code dst} at index
   * {@code dstIndex}, without changing {@code dst}'s position or limit when the call returns.
   *
   * @param offset the file offset, with {@code offset + length <= size()}
   * @param dst the destination
   * @param dstIndex the first index of {@code dst} to write
   * @param length the number of bytes
   * @throws java.io.EOFException if the file is shorter than expected (it shrank after opening)
   * @throws IOException if reading fails
   */
  void read(long offset, ByteBuffer dst, int dstIndex, int length) throws IOException;

  /**
   * Releases what this storage owns. Storage over a caller's channel leaves the channel open.
   *
   * @throws IOException if closing fails
   */
  @Override
  void close() throws IOException;
}
