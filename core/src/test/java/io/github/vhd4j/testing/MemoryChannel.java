package io.github.vhd4j.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * A read-only channel over a byte array that is not a {@link FileChannel}, so the library takes
 * its generic channel path. Each read returns at most {@code maxPerRead} bytes, as sockets and
 * pipes deliver short reads, so read loops must handle them. Every call but {@link #close} and
 * {@link #isOpen} fails with {@link ClosedChannelException} once closed.
 */
public final class MemoryChannel implements SeekableByteChannel {
  private final byte[] data;
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
    if (maxPerRead < 1) {
      throw new IllegalArgumentException("maxPerRead " + maxPerRead);
    }
    this.data = data;
    this.maxPerRead = maxPerRead;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    ensureOpen();
    if (position >= data.length) {
      return -1;
    }
    int n = (int) Math.min(Math.min(dst.remaining(), maxPerRead), data.length - position);
    dst.put(data, (int) position, n);
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
      throw new IllegalArgumentException("negative position");
    }
    position = newPosition;
    return this;
  }

  @Override
  public long size() throws IOException {
    ensureOpen();
    return data.length;
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
}
