package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.internal.storage.Storage;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A writable in-memory file that grows as written, and can be made to die: the {@code failAt}-th
 * write or force (1-based) throws, a dying write leaving the first half of its bytes written (a
 * torn write), and every later operation throws as well, as after a killed process.
 */
final class MemoryStorage implements Storage {
  /** The injected failure. */
  static final class Killed extends IOException {
    private static final long serialVersionUID = 1L;

    Killed(int op) {
      super("killed at storage operation " + op);
    }
  }

  private byte[] bytes;
  private long size;
  private final int failAt;
  private int operations;
  private boolean dead;
  int reads;
  long bytesRead;

  MemoryStorage(byte[] content) {
    this(content, Integer.MAX_VALUE);
  }

  MemoryStorage(byte[] content, int failAt) {
    this.bytes = content.clone();
    this.size = content.length;
    this.failAt = failAt;
  }

  /** The file's bytes now. */
  synchronized byte[] content() {
    return Arrays.copyOf(bytes, (int) size);
  }

  /** Writes and forces attempted so far. */
  synchronized int operations() {
    return operations;
  }

  synchronized boolean killed() {
    return dead;
  }

  private void step() throws Killed {
    operations++;
    if (dead || operations >= failAt) {
      dead = true;
      throw new Killed(operations);
    }
  }

  @Override
  public synchronized long size() {
    return size;
  }

  @Override
  public boolean isWritable() {
    return true;
  }

  @Override
  public synchronized void read(long offset, ByteBuffer dst, int dstIndex, int length) throws IOException {
    if (dead) {
      throw new Killed(operations);
    }
    if (offset < 0 || offset + length > size) {
      throw new EOFException("read of " + length + " bytes at " + offset + " past " + size);
    }
    reads++;
    bytesRead += length;
    dst.put(dstIndex, bytes, (int) offset, length);
  }

  @Override
  public synchronized void write(long offset, ByteBuffer src, int srcIndex, int length) throws IOException {
    try {
      step();
    } catch (Killed k) {
      if (operations == failAt) {
        put(offset, src, srcIndex, length / 2);
      }
      throw k;
    }
    put(offset, src, srcIndex, length);
  }

  private void put(long offset, ByteBuffer src, int srcIndex, int length) {
    int end = Math.toIntExact(offset + length);
    if (end > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(end, bytes.length * 2));
    }
    src.get(srcIndex, bytes, (int) offset, length);
    size = Math.max(size, end);
  }

  @Override
  public synchronized void force() throws IOException {
    step();
  }

  @Override
  public void close() {}
}
