package io.github.vhd4j.internal.storage;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Storage over a {@link FileChannel}, using positional reads (safe from many threads). */
public final class FileChannelStorage implements Storage {
  private final FileChannel channel;
  private final long size;
  private final boolean owned;

  private FileChannelStorage(FileChannel channel, boolean owned) throws IOException {
    this.channel = channel;
    this.size = channel.size();
    this.owned = owned;
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
      return new FileChannelStorage(ch, true);
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
    return new FileChannelStorage(channel, true);
  }

  /**
   * Wraps a caller's channel, which stays open when the storage is closed.
   *
   * @param channel the channel
   * @return the storage
   * @throws IOException if the channel's size cannot be read
   */
  public static FileChannelStorage borrow(FileChannel channel) throws IOException {
    return new FileChannelStorage(channel, false);
  }

  @Override
  public long size() {
    return size;
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
