package io.github.vhd4j.internal.storage;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import org.jspecify.annotations.Nullable;

/**
 * Storage over memory split into power-of-two chunks: the chunks of a memory-mapped file (a single
 * {@link ByteBuffer} can address at most 2 GiB) or slices of an in-memory image. One reader serves
 * both, so the chunk arithmetic, including reads that cross chunk boundaries, exists once.
 *
 * <p>Reads are absolute bulk copies ({@link ByteBuffer#put(int, ByteBuffer, int, int)}): no
 * position is shared, so any number of threads may read at once, and nothing is allocated.
 */
public final class ChunkedStorage implements Storage {
  /** Releases what backs the chunks when the storage closes; called exactly once. */
  @FunctionalInterface
  public interface Release {
    /**
     * Releases the chunks.
     *
     * @param chunks the chunks
     * @param unmap true to free their memory now; false when views still share it, so the
     *     garbage collector must free it once they are unreachable
     * @throws IOException if releasing fails
     */
    void release(ByteBuffer[] chunks, boolean unmap) throws IOException;
  }

  private final ByteBuffer[] chunks;
  private final int shift;
  private final long mask;
  private final long size;
  private final @Nullable Release release;
  private volatile boolean viewsHandedOut;
  private volatile boolean closed;

  private ChunkedStorage(ByteBuffer[] chunks, int shift, long size, @Nullable Release release) {
    this.chunks = chunks;
    this.shift = shift;
    this.mask = (1L << shift) - 1;
    this.size = size;
    this.release = release;
  }

  /**
   * Wraps chunks of {@code 2^shift} bytes each (the last may be shorter).
   *
   * @param chunks read-only chunks in file order
   * @param shift log2 of the chunk size
   * @param size total bytes
   * @param release called on close, or null when nothing needs releasing
   * @return the storage
   */
  public static ChunkedStorage of(ByteBuffer[] chunks, int shift, long size, @Nullable Release release) {
    return new ChunkedStorage(chunks, shift, size, release);
  }

  /**
   * Reads an in-memory image, the bytes between the buffer's position and limit, in chunks of
   * {@code chunkSize} (at most the whole buffer). The buffer is not copied.
   *
   * @param image the bytes
   * @param chunkSize a power of two
   * @return the storage
   */
  public static ChunkedStorage ofBuffer(ByteBuffer image, long chunkSize) {
    ByteBuffer all = image.slice().asReadOnlyBuffer();
    int length = all.capacity();
    int shift = Long.numberOfTrailingZeros(chunkSize);
    if (chunkSize >= length) {
      shift = 31;
    }
    int count = shift >= 31 ? 1 : (int) ((length + chunkSize - 1) >>> shift);
    ByteBuffer[] chunks = new ByteBuffer[Math.max(count, 1)];
    for (int i = 0; i < chunks.length; i++) {
      int from = shift >= 31 ? 0 : (int) ((long) i << shift);
      int n = shift >= 31 ? length : (int) Math.min(chunkSize, length - from);
      chunks[i] = all.slice(from, n);
    }
    return new ChunkedStorage(chunks, shift, length, null);
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public void read(long offset, ByteBuffer dst, int dstIndex, int length) throws IOException {
    if (offset < 0 || length < 0 || offset > size - length) {
      throw new EOFException("read of " + length + " bytes at " + offset + " beyond " + size);
    }
    if (closed) {
      throw new ClosedChannelException();
    }
    int chunk = (int) (offset >>> shift);
    int at = (int) (offset & mask);
    int d = dstIndex;
    int remaining = length;
    while (remaining > 0) {
      ByteBuffer c = chunks[chunk];
      int n = Math.min(remaining, c.capacity() - at);
      dst.put(d, c, at, n);
      d += n;
      remaining -= n;
      chunk++;
      at = 0;
    }
  }

  @Override
  public @Nullable ByteBuffer view(long offset, int length) {
    if (offset < 0 || length < 0 || offset > size - length || closed) {
      return null;
    }
    int chunk = (int) (offset >>> shift);
    int at = (int) (offset & mask);
    ByteBuffer c = chunks[chunk];
    // In long: a chunk offset near 1 GiB plus a length near 2 GiB overflows an int.
    if ((long) at + length > c.capacity()) {
      return null;
    }
    viewsHandedOut = true;
    return c.slice(at, length).asReadOnlyBuffer();
  }

  @Override
  public boolean releasesMemoryOnClose() {
    return release != null;
  }

  /**
   * Closes the storage. Unmaps the chunks unless views were handed out: a view must stay valid, so
   * the garbage collector then unmaps once the views are unreachable.
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (release != null) {
      release.release(chunks, !viewsHandedOut);
    }
  }
}
