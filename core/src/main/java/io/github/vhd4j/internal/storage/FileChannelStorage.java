package io.github.vhd4j.internal.storage;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Storage over a {@link FileChannel}, using positional reads and writes (safe from many threads).
 */
public final class FileChannelStorage implements Storage {
  private final FileChannel channel;
  /** The file length: fixed for read-only storage, raised by writes that end past it. */
  private final AtomicLong size;
  private final boolean owned;
  private final boolean writable;

  private FileChannelStorage(FileChannel channel, boolean owned, boolean writable) throws IOException {
    this.channel = channel;
    this.size = new AtomicLong(channel.size());
    this.owned = owned;
    this.writable = writable;
  }

  /**
   * Opens a file read-only.
   *
   * @param path the file
   * @return storage that closes the file when closed
   * @throws IOException if the file cannot be opened
   */
  public static FileChannelStorage open(Path path) throws IOException {
    FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
    try {
      return new FileChannelStorage(ch, true, false);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /**
   * Takes ownership of an open channel: closing the storage closes it.
   *
   * @param channel the channel
   * @return the storage
   * @throws IOException if the channel's size cannot be read
   */
  public static FileChannelStorage own(FileChannel channel) throws IOException {
    return new FileChannelStorage(channel, true, false);
  }

  /**
   * Opens a file for reading and writing; the file must exist.
   *
   * @param path the file
   * @return writable storage that closes the file when closed
   * @throws IOException if the file cannot be opened for writing
   */
  public static FileChannelStorage openWritable(Path path) throws IOException {
    FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      return new FileChannelStorage(ch, true, true);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /**
   * Wraps a caller's channel opened for writing, which stays open when the storage is closed.
   *
   * @param channel the channel, open for reading and writing
   * @return writable storage
   * @throws IOException if the channel's size cannot be read
   */
  public static FileChannelStorage borrowWritable(FileChannel channel) throws IOException {
    return new FileChannelStorage(channel, false, true);
  }

  /**
   * Wraps a caller's channel, which stays open when the storage is closed.
   *
   * @param channel the channel
   * @return the storage
   * @throws IOException if the channel's size cannot be read
   */
  public static FileChannelStorage borrow(FileChannel channel) throws IOException {
    return new FileChannelStorage(channel, false, false);
  }

  @Override
  public long size() {
    return size.get();
  }

  @Override
  public boolean isWritable() {
    return writable;
  }

  @Override
  public void write(long offset, ByteBuffer src, int srcIndex, int length) throws IOException {
    if (!writable) {
      throw new NonWritableChannelException();
    }
    // A duplicate carries its own position and limit, so threads writing from the same buffer
    // (and the caller's view of it) never see each other's bookkeeping.
    ByteBuffer b = src.duplicate();
    b.limit(srcIndex + length).position(srcIndex);
    long pos = offset;
    while (b.hasRemaining()) {
      pos += channel.write(b, pos);
    }
    size.accumulateAndGet(offset + length, Math::max);
  }

  @Override
  public void truncate(long length) throws IOException {
    if (!writable) {
      throw new NonWritableChannelException();
    }
    if (length < 0 || length > size.get()) {
      throw new IllegalArgumentException("cannot truncate a " + size.get() + "-byte file to " + length);
    }
    channel.truncate(length);
    size.set(length);
  }

  @Override
  public void force() throws IOException {
    if (!writable) {
      throw new NonWritableChannelException();
    }
    channel.force(true);
  }

  @Override
  public void read(long offset, ByteBuffer dst, int dstIndex, int length) throws IOException {
    int oldPosition = dst.position();
    int oldLimit = dst.limit();
    try {
      dst.limit(dstIndex + length).position(dstIndex);
      long pos = offset;
      while (dst.hasRemaining()) {
        int n = channel.read(dst, pos);
        if (n < 0) {
          throw new EOFException("file ended at " + pos + " while reading " + length + " bytes at " + offset);
        }
        pos += n;
      }
    } finally {
      dst.limit(oldLimit).position(oldPosition);
    }
  }

  @Override
  public void close() throws IOException {
    if (owned) {
      channel.close();
    }
  }
}
