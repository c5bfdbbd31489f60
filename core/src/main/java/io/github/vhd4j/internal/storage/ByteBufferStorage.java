package io.github.vhd4j.internal.storage;

import java.io.EOFException;
import java.nio.ByteBuffer;

/** Storage over an in-memory image. Reads use absolute bulk copies, so they are thread-safe. */
public final class ByteBufferStorage implements Storage {
  private final ByteBuffer buffer;

  /**
   * Wraps the bytes between the buffer's position and limit; the caller must not modify them
   * while the image is open.
   *
   * @param image the image bytes
   */
  public ByteBufferStorage(ByteBuffer image) {
    this.buffer = image.slice().asReadOnlyBuffer();
  }

  @Override
  public long size() {
    return buffer.capacity();
  }

  @Override
  public void read(long offset, ByteBuffer dst, int dstIndex, int length) throws EOFException {
    if (offset < 0 || offset + length > buffer.capacity()) {
      throw new EOFException("read of " + length + " bytes at " + offset + " beyond " + buffer.capacity());
    }
    dst.put(dstIndex, buffer, (int) offset, length);
  }

  @Override
  public void close() {
    // Nothing to release.
  }
}
