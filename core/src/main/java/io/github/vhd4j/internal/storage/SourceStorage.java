package io.github.vhd4j.internal.storage;

import io.github.vhd4j.ImageSource;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Storage over a caller's {@link ImageSource}: positional reads, as concurrent as the source
 * allows. Its size is read once: an image's structures are bounded by the length it had when it
 * was opened.
 */
public final class SourceStorage implements Storage {
  private final ImageSource source;
  private final long size;
  private final boolean owns;

  /**
   * Wraps a source.
   *
   * @param source the source
   * @param owns whether closing the storage closes the source
   * @throws IOException if the source's size cannot be read, or is negative
   */
  public SourceStorage(ImageSource source, boolean owns) throws IOException {
    this.source = source;
    this.owns = owns;
    long n = source.size();
    if (n < 0) {
      throw new IOException(source.name() + ": the source reports a negative size (" + n + ")");
    }
    this.size = n;
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
      long at = offset;
      while (dst.hasRemaining()) {
        int n = source.read(at, dst);
        if (n < 0) {
          throw new EOFException(source.name() + ": the source ended while reading " + length + " bytes at " + offset);
        }
        if (n == 0) {
          // A source that makes no progress would spin this loop forever.
          throw new IOException(source.name() + ": the source returned no bytes at " + at);
        }
        at += n;
      }
    } finally {
      dst.limit(oldLimit).position(oldPosition);
    }
  }

  @Override
  public void close() throws IOException {
    if (owns) {
      source.close();
    }
  }
}
