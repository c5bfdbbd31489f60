package io.github.vhd4j.internal.vhd;

import io.github.vhd4j.internal.storage.Storage;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A writable in-memory file for the table tests: each read or write is atomic (as a small pread
 * or pwrite is), reads are counted, and a read can be made to linger after it copied its bytes, to
 * widen the window between a page load's read and its publication.
 */
public final class ArrayStorage implements Storage {
  private final byte[] bytes;
  final AtomicLong reads = new AtomicLong();
  final AtomicLong bytesRead = new AtomicLong();
  /** Nanoseconds each read waits after copying, or 0. */
  volatile long lingerNanos;
  /** When set, the next read counts down the first latch after copying, then awaits the second. */
  volatile CountDownLatch[] gate;

  public ArrayStorage(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A file of {@code offset} zero bytes followed by the entries, big-endian. */
  static ArrayStorage withTable(long offset, int[] entries) {
    ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(offset + 4L * entries.length));
    b.position((int) offset);
    b.asIntBuffer().put(entries);
    return new ArrayStorage(b.array());
  }

  int entry(long offset, int block) {
    synchronized (bytes) {
      return ByteBuffer.wrap(bytes).getInt(Math.toIntExact(offset + 4L * block));
    }
  }

  @Override
  public long size() {
    return bytes.length;
  }

  @Override
  public boolean isWritable() {
    return true;
  }

  @Override
  public void read(long offset, ByteBuffer dst, int dstIndex, int length) throws IOException {
    if (offset < 0 || offset + length > bytes.length) {
      throw new EOFException("read of " + length + " bytes at " + offset + " past " + bytes.length);
    }
    synchronized (bytes) {
      dst.put(dstIndex, bytes, (int) offset, length);
    }
    reads.incrementAndGet();
    bytesRead.addAndGet(length);
    long linger = lingerNanos;
    if (linger > 0) {
      LockSupport.parkNanos(linger);
    }
    CountDownLatch[] g = gate;
    if (g != null) {
      gate = null;
      g[0].countDown();
      try {
        g[1].await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void write(long offset, ByteBuffer src, int srcIndex, int length) throws IOException {
    if (offset < 0 || offset + length > bytes.length) {
      throw new EOFException("write of " + length + " bytes at " + offset + " past " + bytes.length);
    }
    synchronized (bytes) {
      src.get(srcIndex, bytes, (int) offset, length);
    }
  }

  @Override
  public void force() {}

  @Override
  public void close() {}
}
