package io.github.vhd4j;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * An open VHD image, together with its parent chain when it is a differencing disk.
 *
 * <p>Obtain one from {@link Vhd#open}. Reads are positional and thread-safe: any number of
 * threads may call {@link #read} at once. {@link #newChannel()} and {@link #newInputStream()}
 * return cheap views with their own cursor. Closing the image closes its parents and the files it
 * opened (never a channel the caller passed in); closing twice does nothing. After close, reads,
 * maps and new views throw {@link IllegalStateException}; getters of parsed metadata keep
 * answering. Views are read-only.
 *
 * <p>This interface is not meant to be implemented outside this library.
 */
public interface VhdImage extends AutoCloseable {

  /**
   * Returns the name used in messages: the file name for paths, otherwise a description.
   *
   * @return the resource name
   */
  String getResource();

  /**
   * Returns the file the image was opened from.
   *
   * @return the path, or null when opened from a channel or a buffer
   */
  @Nullable Path getPath();

  /**
   * Returns the footer in effect (the one at the end of the file, or the head copy when it was
   * recovered).
   *
   * @return the footer
   */
  Footer getFooter();

  /**
   * Returns the dynamic header.
   *
   * @return the header, or null for fixed disks
   */
  @Nullable DynamicHeader getDynamicHeader();

  /**
   * Returns the disk type.
   *
   * @return fixed, dynamic or differencing
   */
  DiskType getDiskType();

  /**
   * Returns the virtual size, the number of bytes {@link #read} can return.
   *
   * @return the size in bytes
   */
  long getSize();

  /**
   * Returns the length of the image's file: for a block device the device's size (its
   * {@code st_size} is 0), for a channel or buffer the bytes it holds. It is the length when the
   * image was opened, or for a writable image the length its writes have grown it to.
   *
   * @return the length in bytes
   */
  long getFileSize();

  /**
   * Returns every size the footer records and which one was chosen.
   *
   * @return the sizes
   */
  SizeInfo getSizeInfo();

  /**
   * Returns the block size.
   *
   * @return bytes per block, or 0 for fixed disks
   */
  long getBlockSize();

  /**
   * Returns the parent of a differencing disk. The parent belongs to this image: it is closed
   * with it, and closing the parent itself has no effect.
   *
   * @return the parent image, or null
   */
  @Nullable VhdImage getParent();

  /**
   * Returns how the parent was found.
   *
   * @return the resolution, or null when the image is not a differencing disk
   */
  @Nullable ParentResolution getParentResolution();

  /**
   * Returns the chain from this image down to its last ancestor.
   *
   * @return this image first, then its parent, grandparent and so on
   */
  List<VhdImage> getChain();

  /**
   * Returns the problems found while opening that did not stop it: warnings, notes, and in
   * lenient mode every downgraded error (which keeps severity {@link Severity#ERROR}). Includes the
   * problems of the parent chain.
   *
   * @return the problems, in the order found
   */
  List<Problem> getWarnings();

  /**
   * Reads bytes of the virtual disk into {@code dst}, starting at {@code position}, like
   * {@link java.nio.channels.FileChannel#read(ByteBuffer, long)}: as many bytes as {@code dst} has
   * room for, or up to the end of the disk. Thread-safe.
   *
   * @param position the virtual offset to start at, not negative
   * @param dst the buffer to fill from its position; its position advances by the count read
   * @return the number of bytes read, or -1 when {@code position} is at or beyond the end and
   *     {@code dst} has room
   * @throws IOException if the file cannot be read or a block it needs is damaged
   */
  int read(long position, ByteBuffer dst) throws IOException;

  /**
   * Fills {@code dst} completely from the virtual disk, starting at {@code position}.
   *
   * @param position the virtual offset to start at, not negative
   * @param dst the buffer to fill
   * @throws java.io.EOFException if the disk ends before {@code dst} is full
   * @throws IOException if the file cannot be read or a block it needs is damaged
   */
  void readFully(long position, ByteBuffer dst) throws IOException;

  /**
   * Tells whether {@link #write} is allowed: the image was opened with {@link
   * OpenOptions#writable()} (or made by {@link Vhd#create}) and this is the top of its chain, not
   * a parent.
   *
   * @return true for a writable image
   */
  boolean isWritable();

  /**
   * Writes all of {@code src} (position to limit) to the virtual disk at {@code position}.
   * Thread-safe: writes to different blocks run in parallel, and a reader sees each sector's old
   * or new content. Writes that do not cover whole sectors are completed with the sector's current
   * content (in a differencing disk, the parent's); a block is allocated on the first write to it,
   * except for writes of zeros over a block that already reads as zeros. The disk never grows:
   * writing past its end fails.
   *
   * @param position the virtual offset
   * @param src the bytes; its position advances to its limit
   * @throws IllegalArgumentException if the range passes the end of the disk
   * @throws java.nio.channels.NonWritableChannelException if the image is not writable
   * @throws IOException if writing fails; after a failure while updating metadata, later writes
   *     fail too until the image is reopened
   */
  void write(long position, ByteBuffer src) throws IOException;

  /**
   * Forces every completed write to the device, like {@link
   * java.nio.channels.FileChannel#force(boolean) FileChannel.force(true)}. Does nothing for a
   * read-only image. {@link #close()} flushes too.
   *
   * @throws IOException if the device reports a failure
   */
  void flush() throws IOException;

  /**
   * Returns a zero-copy, read-only view of a range of the virtual disk, when the range is stored
   * contiguously in one file of the chain and that file is memory (mapped with
   * {@link StorageMode#MAPPED}, or an in-memory image). The view shares the file's memory: no bytes
   * are copied. It is valid until the image is closed; after that, reading it either still works
   * or throws {@link IllegalStateException} (depending on the JDK), but never touches unmapped
   * memory. The view is read by the caller's code, outside vhd4j: if another program cuts the file
   * shorter, reading the part of the view that is gone raises the JVM's {@link InternalError}
   * there, which vhd4j cannot turn into an exception as its own reads do.
   *
   * @param position the virtual offset
   * @param length the number of bytes
   * @return the view, or null when the range is not stored contiguously (unallocated, split across
   *     blocks or layers), the storage is not memory or the image is writable; read it with
   *     {@link #read} instead
   * @throws IllegalArgumentException if the range lies outside the disk
   * @throws IOException if the bitmaps needed to decide cannot be read
   */
  @Nullable ByteBuffer view(long position, int length) throws IOException;

  /**
   * Returns a channel over the virtual disk with its own position, starting at 0: read-only, or
   * writable when the image is (writes go through {@link #write}; the channel never grows the
   * disk, and truncating below its size fails). Closing it does not close the image.
   *
   * @return a new channel
   */
  SeekableByteChannel newChannel();

  /**
   * Returns an input stream over the virtual disk with its own position, starting at 0. Closing
   * it does not close the image.
   *
   * @return a new stream
   */
  InputStream newInputStream();

  /**
   * Returns the allocation map of the whole disk.
   *
   * @return merged runs covering {@code [0, getSize())} in order
   * @throws IOException if bitmaps cannot be read
   */
  List<Extent> map() throws IOException;

  /**
   * Returns the allocation map of a range.
   *
   * @param offset the virtual offset to start at
   * @param length the number of bytes to map (clamped to the disk's end)
   * @return merged runs covering the range in order
   * @throws IOException if bitmaps cannot be read
   */
  List<Extent> map(long offset, long length) throws IOException;

  /**
   * Streams the allocation map of a range to {@code action}, in order, without holding the whole
   * map in memory.
   *
   * @param offset the virtual offset to start at
   * @param length the number of bytes to map (clamped to the disk's end)
   * @param action receives each merged run
   * @throws IOException if bitmaps cannot be read
   */
  void forEachExtent(long offset, long length, Consumer<Extent> action) throws IOException;

  /**
   * Closes the image, its parents and the files it opened. Does nothing on a parent obtained from
   * {@link #getParent()} or {@link #getChain()}, or when already closed.
   *
   * @throws IOException if closing a file fails
   */
  @Override
  void close() throws IOException;
}
