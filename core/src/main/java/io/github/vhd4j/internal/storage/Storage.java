package io.github.vhd4j.internal.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * Random-access bytes of one image file. The engine never touches a file directly; it goes
 * through this interface so that one engine serves files, caller channels, memory and (in the mmap
 * module) mapped files.
 *
 * <p>Implementations must allow concurrent {@link #read} calls from many threads.
 */
public interface Storage extends Closeable {

  /**
   * Returns the length of the underlying file: fixed when the storage was opened, or for writable
   * storage the largest end written since, or the length it was cut to by {@link #truncate}.
   *
   * @return the length in bytes
   */
  long size();

  /**
   * Tells whether {@link #write} and {@link #force} are supported.
   *
   * @return true for storage opened for writing
   */
  default boolean isWritable() {
    return false;
  }

  /**
   * Tells whether the file's length cannot change: a block device, which can be neither extended
   * nor cut.
   *
   * @return true for a block device
   */
  default boolean isFixedLength() {
    return false;
  }

  /**
   * Cuts the file to {@code length} bytes and makes that durable. Files are cut through the
   * storage, never through a second descriptor, whose close would drop the process's locks.
   *
   * @param length the new length, at most {@link #size()}
   * @throws IOException if the file cannot be cut (a block device cannot)
   * @throws java.nio.channels.NonWritableChannelException if the storage is read-only or not a
   *     file this library opened
   */
  default void truncate(long length) throws IOException {
    throw new java.nio.channels.NonWritableChannelException();
  }

  /**
   * Writes exactly {@code length} bytes of {@code src} from index {@code srcIndex} at
   * {@code offset}, growing the file when the range ends past it, without changing {@code src}'s
   * position or limit when the call returns. Safe to call from many threads for disjoint ranges.
   *
   * @param offset the file offset
   * @param src the bytes
   * @param srcIndex the first index of {@code src} to write
   * @param length the number of bytes
   * @throws IOException if writing fails
   * @throws java.nio.channels.NonWritableChannelException if the storage is read-only
   */
  default void write(long offset, ByteBuffer src, int srcIndex, int length) throws IOException {
    throw new java.nio.channels.NonWritableChannelException();
  }

  /**
   * Makes every completed write durable (data and file length), like {@link
   * java.nio.channels.FileChannel#force(boolean) force(true)}.
   *
   * @throws IOException if the device reports a failure
   */
  default void force() throws IOException {
    throw new java.nio.channels.NonWritableChannelException();
  }

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
   * Returns a read-only buffer sharing the storage's memory for a range, when the storage is memory
   * (mapped or in-memory) and the range lies in one chunk. The buffer stays valid after the storage
   * is closed: a storage that handed out views leaves unmapping to the garbage collector.
   *
   * @param offset the file offset
   * @param length the number of bytes
   * @return the view, or null when the storage cannot offer one
   */
  default @Nullable ByteBuffer view(long offset, int length) {
    return null;
  }

  /**
   * Tells whether closing releases memory that an in-flight read could still touch (an unmap), so
   * the image must wait for reads to finish before closing.
   *
   * @return true for mapped storage
   */
  default boolean releasesMemoryOnClose() {
    return false;
  }

  /**
   * Releases what this storage owns. Storage over a caller's channel leaves the channel open.
   *
   * @throws IOException if closing fails
   */
  @Override
  void close() throws IOException;
}
