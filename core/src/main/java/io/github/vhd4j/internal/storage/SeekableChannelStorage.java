package io.github.vhd4j.internal.storage;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/**
 * Storage over a caller's {@link SeekableByteChannel} that is not a file channel. Such channels
 * have one shared position, so reads are serialised. The channel is never closed here.
 */
public final class SeekableChannelStorage implements Storage {
  private final SeekableByteChannel channel;
  private final long size;

  /**
   * Wraps a caller's channel.
   *
   * @param channel the channel, left open on close
   * @throws IOException if its size cannot be read
   */
  public SeekableChannelStorage(SeekableByteChannel channel) throws IOException {
    this.channel = channel;
    this.size = channel.size();
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
      synchronized (channel) {
        channel.position(offset);
        while (dst.hasRemaining()) {
          if (channel.read(dst) < 0) {
            throw new EOFException("channel ended while reading " + length + " bytes at " + offset);
          }
        }
      }
    } finally {
      dst.limit(oldLimit).position(oldPosition);
    }
  }

  @Override
  public void close() {
    // The caller owns the channel.
  }
}
