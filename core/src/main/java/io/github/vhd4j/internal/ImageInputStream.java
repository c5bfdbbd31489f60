package io.github.vhd4j.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Objects;

/** An input stream over an image's virtual disk with its own position. */
final class ImageInputStream extends InputStream {
  private final ChainView image;
  private long position;
  private boolean closed;
  /** The last caller array, wrapped once and reused so repeated reads do not allocate. */
  private byte[] lastArray = new byte[0];
  private ByteBuffer lastWrap = ByteBuffer.wrap(lastArray);

  ImageInputStream(ChainView image) {
    this.image = image;
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n <= 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    ensureOpen();
    if (len == 0) {
      return 0;
    }
    if (b != lastArray) {
      lastArray = b;
      lastWrap = ByteBuffer.wrap(b);
    }
    lastWrap.limit(off + len).position(off);
    int n = image.read(position, lastWrap);
    if (n > 0) {
      position += n;
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    ensureOpen();
    if (n <= 0) {
      return 0;
    }
    long size = image.getSize();
    long skipped = Math.max(0, Math.min(n, size - position));
    position += skipped;
    return skipped;
  }

  @Override
  public int available() throws IOException {
    ensureOpen();
    return (int) Math.min(Integer.MAX_VALUE, Math.max(0, image.getSize() - position));
  }

  @Override
  public void close() {
    closed = true;
  }
}
