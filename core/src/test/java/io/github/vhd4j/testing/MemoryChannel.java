package io.github.vhd4j.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * A read-only channel over content in memory (a byte array, or a {@link SparseImage} read without
 * being copied into one array) that is not a {@link FileChannel}, so the library takes its generic
 * channel path. Each read returns at most {@code maxPerRead} bytes, as sockets and pipes deliver
 * short reads, so read loops must handle them. Every call but {@link #close} and {@link #isOpen}
 * fails with {@link ClosedChannelException} once closed.
 */
public final class MemoryChannel implements SeekableByteChannel {
  private final Content content;
  private final int maxPerRead;
  private long position;
  private boolean open = true;

  /**
   * Creates a channel over {@code data} (not copied).
   *
   * @param data the channel's content
   * @param maxPerRead the most bytes one read returns, at least 1
   */
  public MemoryChannel(byte[] data, int maxPerRead) {
    this(new Bytes(data), maxPerRead);
  }

  /**
   * Creates a channel over {@code image} as it is when read, its length included.
   *
   * @param image the channel's content
   * @param maxPerRead the most bytes one read returns, at least 1
   */
  public MemoryChannel(SparseImage image, int maxPerRead) {
    this(new Sparse(image), maxPerRead);
  }

  private MemoryChannel(Content content, int maxPerRead) {
    if (maxPerRead < 1) {
      throw new IllegalArgumentException("maxPerRead " + maxPerRead);
    }
    this.content = content;
    this.maxPerRead = maxPerRead;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    ensureOpen();
    long size = content.length();
    if (position >= size) {
      // As a FileChannel: end of stream only for a read that wanted bytes.
      return dst.hasRemaining() ? -1 : 0;
    }
    int n = (int) Math.min(Math.min(dst.remaining(), maxPerRead), size - position);
    content.copy(position, dst, n);
    position += n;
    return n;
  }

  @Override
  public int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public long position() throws IOException {
    ensureOpen();
    return position;
  }

  @Override
  public SeekableByteChannel position(long newPosition) throws IOException {
    ensureOpen();
    if (newPosition < 0) {
      throw new IllegalArgumentException("negative position " + newPosition);
    }
    position = newPosition;
    return this;
  }

  @Override
  public long size() throws IOException {
    ensureOpen();
    return content.length();
  }

  @Override
  public SeekableByteChannel truncate(long size) {
    throw new NonWritableChannelException();
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    open = false;
  }

  private void ensureOpen() throws ClosedChannelException {
    if (!open) {
      throw new ClosedChannelException();
    }
  }

  /** The bytes behind the channel; the length is asked on each call, as a sparse image's may change. */
  private interface Content {
    long length();

    /** Puts {@code n} bytes from {@code position}, all within the length, into {@code dst}. */
    void copy(long position, ByteBuffer dst, int n);
  }

  /** One array, not copied. */
  private record Bytes(byte[] data) implements Content {
    @Override
    public long length() {
      return data.length;
    }

    @Override
    public void copy(long position, ByteBuffer dst, int n) {
      dst.put(data, (int) position, n);
    }
  }

  /** A sparse image, read a range at a time so that its gaps are never held as zeros. */
  private record Sparse(SparseImage image) implements Content {
    @Override
    public long length() {
      return image.length();
    }

    @Override
    public void copy(long position, ByteBuffer dst, int n) {
      dst.put(image.read(position, n));
    }
  }
}
