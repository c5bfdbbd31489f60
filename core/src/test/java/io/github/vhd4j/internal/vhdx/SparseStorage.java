package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.internal.storage.Storage;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A read-only in-memory file of a declared length that holds bytes only where they were put: every
 * other byte reads as zero, so a 64 TiB file with a few blocks costs a few pages. Reads are atomic,
 * thread-safe and counted.
 */
public final class SparseStorage implements Storage {
  private static final int PAGE_SHIFT = 16;
  private static final int PAGE = 1 << PAGE_SHIFT;
  private static final byte[] ZEROS = new byte[PAGE];

  private final long size;
  private final ConcurrentHashMap<Long, byte[]> pages = new ConcurrentHashMap<>();
  /** Reads so far. */
  public final AtomicLong reads = new AtomicLong();
  /** Bytes read so far. */
  public final AtomicLong bytesRead = new AtomicLong();

  /**
   * Makes a file of zeros.
   *
   * @param size its declared length
   */
  public SparseStorage(long size) {
    this.size = size;
  }

  /**
   * Puts a little-endian 64-bit value.
   *
   * @param offset where
   * @param value what
   */
  public void putLong(long offset, long value) {
    ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value);
    put(offset, b.array());
  }

  /**
   * Puts bytes.
   *
   * @param offset where
   * @param bytes what
   */
  public void put(long offset, byte[] bytes) {
    if (offset < 0 || offset + bytes.length > size) {
      throw new IllegalArgumentException("put of " + bytes.length + " at " + offset + " past " + size);
    }
    for (int i = 0; i < bytes.length; ) {
      long at = offset + i;
      byte[] page = pages.computeIfAbsent(at >>> PAGE_SHIFT, k -> new byte[PAGE]);
      int in = (int) (at & (PAGE - 1));
      int n = Math.min(PAGE - in, bytes.length - i);
      synchronized (page) {
        System.arraycopy(bytes, i, page, in, n);
      }
      i += n;
    }
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public void read(long offset, ByteBuffer dst, int dstIndex, int length) throws IOException {
    if (offset < 0 || length < 0 || offset > size - length) {
      throw new EOFException("read of " + length + " bytes at " + offset + " past " + size);
    }
    for (int i = 0; i < length; ) {
      long at = offset + i;
      int in = (int) (at & (PAGE - 1));
      int n = Math.min(PAGE - in, length - i);
      byte[] page = pages.get(at >>> PAGE_SHIFT);
      if (page == null) {
        dst.put(dstIndex + i, ZEROS, 0, n);
      } else {
        synchronized (page) {
          dst.put(dstIndex + i, page, in, n);
        }
      }
      i += n;
    }
    reads.incrementAndGet();
    bytesRead.addAndGet(length);
  }

  @Override
  public void close() {}
}
