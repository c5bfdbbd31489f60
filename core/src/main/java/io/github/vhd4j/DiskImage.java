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
 * An open disk image of any format vhd4j reads, together with the parent chain it reads through:
 * what every format shares. Obtain one from {@link DiskImages#open(Path, OpenOptions)}; the
 * format's own interface ({@link VhdImage} for {@link DiskFormat#VHD}) adds its structures.
 *
 * <pre>{@code
 * try (DiskImage image = DiskImages.open(Path.of("disk.vhd"), OpenOptions.defaults())) {
 *   ByteBuffer sector = ByteBuffer.allocate(512);
 *   image.readFully(0, sector);
 *   if (image instanceof VhdImage vhd) {
 *     Footer footer = vhd.getFooter();
 *   }
 * }
 * }</pre>
 *
 * <p>Reads are positional and thread-safe: any number of threads may call {@link #read} at once.
 * {@link #newChannel()} and {@link #newInputStream()} return cheap views with their own cursor.
 * Closing the image closes its parents and the files it opened (never a channel the caller passed
 * in); closing twice does nothing. After close, reads, maps and new views throw
 * {@link IllegalStateException}; getters of parsed metadata keep answering.
 *
 * <p>This interface is not meant to be implemented outside this library.
 */
public interface DiskImage extends AutoCloseable {

  /**
   * Returns the image's format.
   *
   * @return the format, one whose {@link DiskFormat#isReadable()} is true
   */
  DiskFormat getFormat();

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
   * Returns every size the image's metadata records and which one was chosen as the virtual size.
   *
   * @return the sizes
   */
  SizeInfo getSizeInfo();

  /**
   * Returns the parent this image reads unwritten ranges from. The parent belongs to this image:
   * it is closed with it, and closing the parent itself has no effect.
   *
   * @return the parent image, or null when the image has none
   */
  @Nullable DiskImage getParent();

  /**
   * Returns the chain from this image down to its last ancestor. (A format's own interface has
   * the same list typed by its format, as {@link VhdImage#getChain()}; this one has another name
   * because Kotlin would lose the element type's nullness on an override with another type.)
   *
   * @return this image first, then its parent, grandparent and so on
   */
  List<DiskImage> getLayers();

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
   * @throws IOException if the metadata needed to decide cannot be read
   */
  @Nullable ByteBuffer view(long position, int length) throws IOException;

  /**
   * Returns a channel over the virtual disk with its own position, starting at 0. Closing it does
   * not close the image.
   *
   * @return a new channel; read-only unless the format's interface says otherwise
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
   * @throws IOException if the allocation metadata cannot be read
   */
  List<Extent> map() throws IOException;

  /**
   * Returns the allocation map of a range.
   *
   * @param offset the virtual offset to start at
   * @param length the number of bytes to map (clamped to the disk's end)
   * @return merged runs covering the range in order
   * @throws IOException if the allocation metadata cannot be read
   */
  List<Extent> map(long offset, long length) throws IOException;

  /**
   * Streams the allocation map of a range to {@code action}, in order, without holding the whole
   * map in memory.
   *
   * @param offset the virtual offset to start at
   * @param length the number of bytes to map (clamped to the disk's end)
   * @param action receives each merged run
   * @throws IOException if the allocation metadata cannot be read
   */
  void forEachExtent(long offset, long length, Consumer<Extent> action) throws IOException;

  /**
   * Closes the image, its parents and the files it opened. Does nothing on a parent obtained from
   * {@link #getParent()} or {@link #getLayers()}, or when already closed.
   *
   * @throws IOException if closing a file fails
   */
  @Override
  void close() throws IOException;
}
