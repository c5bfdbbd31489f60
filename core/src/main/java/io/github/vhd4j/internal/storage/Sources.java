package io.github.vhd4j.internal.storage;

import io.github.vhd4j.ImageSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.util.Objects;

/** The {@link ImageSource}s vhd4j makes itself: over a channel, and over a buffer. */
public final class Sources {
  private Sources() {}

  /**
   * Returns a source over a channel it owns.
   *
   * @param channel the bytes
   * @param name the source's name
   * @return the source
   */
  public static ImageSource of(SeekableByteChannel channel, String name) {
    Objects.requireNonNull(channel, "channel");
    requireName(name);
    return channel instanceof FileChannel fc ? new FileSource(fc, name) : new ChannelSource(channel, name);
  }

  /**
   * Returns a source over a buffer's remaining bytes.
   *
   * @param bytes the bytes
   * @param name the source's name
   * @return the source
   */
  public static ImageSource of(ByteBuffer bytes, String name) {
    Objects.requireNonNull(bytes, "bytes");
    requireName(name);
    return new BufferSource(bytes.slice(), name);
  }

  private static void requireName(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("a source needs a name");
    }
  }

  /** Positional reads, which a file channel allows from any number of threads. */
  private record FileSource(FileChannel channel, String name) implements ImageSource {
    @Override
    public long size() throws IOException {
      return channel.size();
    }

    @Override
    public int read(long position, ByteBuffer dst) throws IOException {
      return channel.read(dst, position);
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  /** A channel with one position: each read moves it, so reads take turns. */
  private record ChannelSource(SeekableByteChannel channel, String name) implements ImageSource {
    @Override
    public long size() throws IOException {
      synchronized (channel) {
        return channel.size();
      }
    }

    @Override
    public int read(long position, ByteBuffer dst) throws IOException {
      synchronized (channel) {
        channel.position(position);
        return channel.read(dst);
      }
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  /** A buffer read with absolute copies, which leave it untouched. */
  private record BufferSource(ByteBuffer bytes, String name) implements ImageSource {
    @Override
    public long size() {
      return bytes.capacity();
    }

    @Override
    public int read(long position, ByteBuffer dst) {
      if (position < 0) {
        throw new IllegalArgumentException("negative position: " + position);
      }
      if (position >= bytes.capacity()) {
        return dst.hasRemaining() ? -1 : 0;
      }
      int n = (int) Math.min(dst.remaining(), bytes.capacity() - position);
      dst.put(dst.position(), bytes, (int) position, n);
      dst.position(dst.position() + n);
      return n;
    }

    @Override
    public void close() {
      // Nothing is held: the buffer is the caller's.
    }
  }
}
