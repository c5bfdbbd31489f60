package io.github.vhd4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An open VHD image, together with its parent chain when it is a differencing disk: the
 * {@link DiskImage} of {@link DiskFormat#VHD}, with the VHD's structures (footer, dynamic header,
 * parent resolution) and writing.
 *
 * <p>Obtain one from {@link Vhd#open}, {@link Vhd#create} or {@link DiskImages#open}. Reads are
 * positional and thread-safe, as {@link DiskImage} describes; so are writes to an image opened
 * for writing. Closing the image closes its parents and the files it opened (never a channel the
 * caller passed in); closing twice does nothing. After close, reads, writes, maps and new views
 * throw {@link IllegalStateException}; getters of parsed metadata keep answering.
 *
 * <p>This interface is not meant to be implemented outside this library.
 */
public interface VhdImage extends DiskImage {

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
   * Returns every size the footer records and which one was chosen.
   *
   * @return the sizes
   */
  @Override
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
  @Override
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
   * @return this image first, then its parent, grandparent and so on; the same images as
   *     {@link #getLayers()}
   */
  List<VhdImage> getChain();

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
   * Returns a channel over the virtual disk with its own position, starting at 0: read-only, or
   * writable when the image is (writes go through {@link #write}; the channel never grows the
   * disk, and truncating below its size fails). Closing it does not close the image.
   *
   * @return a new channel
   */
  @Override
  SeekableByteChannel newChannel();
}
