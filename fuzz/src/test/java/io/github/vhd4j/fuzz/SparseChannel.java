package io.github.vhd4j.fuzz;

import io.github.vhd4j.testing.SparseImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * A read-only channel over a {@link SparseImage}, so that a large sparse file is read from memory
 * without being copied into one array. Like a socket, it returns at most {@code maxPerRead} bytes
 * per read; it is not a FileChannel, so the library takes its generic channel path.
 */
final class SparseChannel implements SeekableByteChannel {
  private final SparseImage file;
  private final int maxPerRead;
  private long position;
  private boolean open = true;

  SparseChannel(SparseImage file, int maxPerRead) {
    this.file = file;
    this.maxPerRead = maxPerRead;
  }

  private void ensureOpen() throws ClosedChannelException {
    if (!open) {
      throw new ClosedChannelException();
    }
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    ensureOpen();
    long size = file.length();
    if (position >= size) {
      return dst.hasRemaining() ? -1 : 0;
    }
    int n = (int) Math.min(Math.min(dst.remaining(), maxPerRead), size - position);
    dst.put(file.read(position, n));
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
    return file.length();
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
}
