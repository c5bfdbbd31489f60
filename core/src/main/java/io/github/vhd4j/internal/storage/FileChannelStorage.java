package io.github.vhd4j.internal.storage;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Storage over a {@link FileChannel}, using positional reads and writes (safe from many threads).
 * Files opened here are leased from {@link OpenFiles}, which holds their locks; a caller's channel
 * is borrowed and never locked.
 */
public final class FileChannelStorage implements Storage {
  private final FileChannel channel;
  /** The file length: fixed for read-only storage, raised by writes that end past it, set by truncate. */
  private final AtomicLong size;
  /** The lease this storage gives back on close, or null for a caller's channel. */
  private final OpenFiles.@Nullable Lease lease;
  private final boolean writable;

  private FileChannelStorage(FileChannel channel, OpenFiles.@Nullable Lease lease, boolean writable)
      throws IOException {
    this.channel = channel;
    this.size = new AtomicLong(channel.size());
    this.lease = lease;
    this.writable = writable;
  }

  /**
   * Opens a file read-only.
   *
   * @param path the file: a regular file or a block device
   * @param locking take a reader's locks ({@link OpenFiles})
   * @return storage that gives the file back when closed
   * @throws IOException if the file cannot be opened
   */
  public static FileChannelStorage open(Path path, boolean locking) throws IOException {
    return of(OpenFiles.open(path, OpenFiles.Access.READ, locking));
  }

  /**
   * Opens a file for reading and writing; the file must exist.
   *
   * @param path the file: a regular file or a block device
   * @param locking hold the file exclusively ({@link OpenFiles})
   * @return writable storage that gives the file back when closed
   * @throws io.github.vhd4j.ImageInUseException if another process uses the file
   * @throws IOException if the file cannot be opened for writing
   */
  public static FileChannelStorage openWritable(Path path, boolean locking) throws IOException {
    return of(OpenFiles.open(path, OpenFiles.Access.WRITE, locking));
  }

  /**
   * Reads (and, for a writer's lease, writes) a leased file; closing the storage closes the lease.
   *
   * @param lease the lease, closed here if this fails
   * @return the storage
   * @throws IOException if the file's size cannot be read
   */
  public static FileChannelStorage of(OpenFiles.Lease lease) throws IOException {
    try {
      return new FileChannelStorage(lease.channel(), lease, lease.isWritable());
    } catch (IOException | RuntimeException e) {
      lease.close();
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
    return new FileChannelStorage(channel, null, true);
  }

  /**
   * Wraps a caller's channel, which stays open when the storage is closed.
   *
   * @param channel the channel
   * @return the storage
   * @throws IOException if the channel's size cannot be read
   */
  public static FileChannelStorage borrow(FileChannel channel) throws IOException {
    return new FileChannelStorage(channel, null, false);
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
  public boolean isFixedLength() {
    return lease != null && lease.isDevice();
  }

  @Override
  public void write(long offset, ByteBuffer src, int srcIndex, int length) throws IOException {
    if (!writable) {
      throw new NonWritableChannelException();
    }
    if (isFixedLength() && offset > size.get() - length) {
      // Checked here: a write at a block device's end fails only once part of it is written.
      throw new IOException("cannot write " + length + " bytes at " + offset + ": the block device "
          + lease.resource() + " ends at " + size.get());
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
  public void truncate(long length) throws IOException {
    OpenFiles.Lease l = lease;
    if (!writable || l == null) {
      throw new NonWritableChannelException();
    }
    l.truncate(length);
    size.set(Math.min(size.get(), length));
  }

  @Override
  public void close() {
    OpenFiles.Lease l = lease;
    if (l != null) {
      l.close();
    }
  }
}
