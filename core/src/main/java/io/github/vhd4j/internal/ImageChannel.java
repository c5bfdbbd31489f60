package io.github.vhd4j.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/** A channel over an image's virtual disk with its own position; writable when the image is. */
final class ImageChannel implements SeekableByteChannel {
  private final ChainView image;
  private long position;
  private volatile boolean open = true;

  ImageChannel(ChainView image) {
    this.image = image;
  }

  private void ensureOpen() throws ClosedChannelException {
    if (!open) {
      throw new ClosedChannelException();
    }
  }

  @Override
  public synchronized int read(ByteBuffer dst) throws IOException {
    ensureOpen();
    int n = image.read(position, dst);
    if (n > 0) {
      position += n;
    }
    return n;
  }

  @Override
  public synchronized int write(ByteBuffer src) throws IOException {
    ensureOpen();
    if (!image.isWritable()) {
      throw new NonWritableChannelException();
    }
    int n = src.remaining();
    long size = image.getSize();
    if (n > 0 && (position >= size || n > size - position)) {
      throw new IOException("write of " + n + " bytes at " + position + " passes the end of the " + size
          + "-byte disk; a VHD does not grow on writes (resize it)");
    }
    image.write(position, src);
    position += n;
    return n;
  }

  @Override
  public synchronized long position() throws IOException {
    ensureOpen();
    return position;
  }

  @Override
  public synchronized SeekableByteChannel position(long newPosition) throws IOException {
    ensureOpen();
    if (newPosition < 0) {
      throw new IllegalArgumentException("negative position: " + newPosition);
    }
    position = newPosition;
    return this;
  }

  @Override
  public long size() throws IOException {
    ensureOpen();
    image.checkOpen();
    return image.getSize();
  }

  @Override
  public SeekableByteChannel truncate(long size) throws IOException {
    ensureOpen();
    if (!image.isWritable()) {
      throw new NonWritableChannelException();
    }
    if (size < 0) {
      throw new IllegalArgumentException("negative size: " + size);
    }
    if (size < image.getSize()) {
      throw new IOException("cannot truncate a " + image.getSize() + "-byte disk to " + size
          + " bytes through a channel (resize the image)");
    }
    synchronized (this) {
      position = Math.min(position, size);
    }
    return this;
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
