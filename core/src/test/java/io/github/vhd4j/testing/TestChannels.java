package io.github.vhd4j.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * Readable channels made from a read function: endless, failing or generated streams for the
 * tests that feed a converter a stream ({@link MemoryChannel} serves fixed content).
 */
public final class TestChannels {
  private TestChannels() {}

  /** What a read does: fills {@code dst} as {@link ReadableByteChannel#read} would. */
  @FunctionalInterface
  public interface Reader {
    /**
     * Reads into {@code dst}.
     *
     * @param dst the buffer
     * @return the bytes read, or -1 at the end
     * @throws IOException as the test wants
     */
    int read(ByteBuffer dst) throws IOException;
  }

  /**
   * Returns an always open channel whose reads are {@code reader}'s; closing it does nothing.
   *
   * @param reader the reads
   * @return the channel
   */
  public static ReadableByteChannel readable(Reader reader) {
    return new ReadableByteChannel() {
      @Override
      public int read(ByteBuffer dst) throws IOException {
        return reader.read(dst);
      }

      @Override
      public boolean isOpen() {
        return true;
      }

      @Override
      public void close() {}
    };
  }
}
