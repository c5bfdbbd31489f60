package io.github.vhd4j;

import io.github.vhd4j.internal.storage.Sources;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/**
 * The bytes of an image file that is not (or need not be) a local file: an object in a store, a
 * file on a distributed file system, a buffer. vhd4j only reads a source, at positions it chooses;
 * open one with {@link DiskImages#open(ImageSource, OpenOptions)}, and let a {@link SourceResolver}
 * supply a differencing disk's parents as sources too.
 *
 * <p>Implementations must allow {@link #read} from several threads at once (an image is read
 * concurrently through positional reads). vhd4j takes no lock on a source: keeping other programs
 * from changing it while it is read is the caller's business.
 */
public interface ImageSource extends Closeable {

  /**
   * Returns the source's name as messages, problems and {@link ParentCandidate#location()} show
   * it: a path or a URI.
   *
   * @return the name, never empty
   */
  String name();

  /**
   * Returns the length of the source in bytes. vhd4j reads it once, when the image is opened.
   *
   * @return the length
   * @throws IOException if it cannot be found out
   */
  long size() throws IOException;

  /**
   * Reads bytes at a position without changing any shared state; safe to call from several
   * threads at once.
   *
   * @param position where to start, from 0 to {@link #size()}
   * @param dst receives up to {@code dst.remaining()} bytes
   * @return the number of bytes read, at least 1 when {@code dst} has room and {@code position}
   *     is before the end, or -1 at the end
   * @throws IOException if the read fails
   */
  int read(long position, ByteBuffer dst) throws IOException;

  /**
   * Releases what the source holds. vhd4j closes the sources a {@link SourceResolver} opened when
   * the image is closed; the source an image was opened from stays the caller's to close.
   *
   * @throws IOException if releasing fails
   */
  @Override
  void close() throws IOException;

  /**
   * Returns a source over a channel, which it owns: closing the source closes the channel. A
   * {@link java.nio.channels.FileChannel} is read with positional reads from any number of
   * threads; any other channel is read one position-and-read at a time.
   *
   * @param channel the bytes
   * @param name the source's name
   * @return the source
   */
  static ImageSource of(SeekableByteChannel channel, String name) {
    return Sources.of(channel, name);
  }

  /**
   * Returns a source over the bytes between a buffer's position and its limit. The buffer is not
   * copied and must not change while images read it.
   *
   * @param bytes the image bytes
   * @param name the source's name
   * @return the source; closing it does nothing
   */
  static ImageSource of(ByteBuffer bytes, String name) {
    return Sources.of(bytes, name);
  }
}
