package io.github.vhd4j.write;

import io.github.vhd4j.internal.storage.Storage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A writable file storage that dies at its N-th write or force: that operation and every later
 * one throws {@link Crash}. It also remembers what the device would hold after a power failure:
 * the file as of the last completed force plus the writes since, so that {@link #powerLoss} can
 * rebuild the file with any subset of the unforced writes lost.
 */
final class CrashStorage implements Storage {
  /** The injected failure. */
  static final class Crash extends IOException {
    private static final long serialVersionUID = 1L;

    Crash(int op) {
      super("injected crash at storage operation " + op);
    }
  }

  private final Path path;
  private final FileChannel channel;
  private final int crashAt;
  private int ops;
  private boolean crashed;
  private long size;
  /** The file as of the last completed force. */
  private byte[] durable;
  private final List<Long> pendingOffsets = new ArrayList<>();
  /** Bytes of each pending write; null for a truncation to the pending offset. */
  private final List<byte @org.jspecify.annotations.Nullable []> pendingBytes = new ArrayList<>();

  /**
   * Opens a file for reading and writing.
   *
   * @param path the image file
   * @param crashAt the 1-based number of the write or force that fails; {@code Integer.MAX_VALUE}
   *     never fails
   */
  CrashStorage(Path path, int crashAt) throws IOException {
    this.path = path;
    this.channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    this.crashAt = crashAt;
    this.size = channel.size();
    this.durable = Files.readAllBytes(path);
  }

  /** Returns the number of writes and forces attempted so far. */
  int operations() {
    return ops;
  }

  boolean crashed() {
    return crashed;
  }

  private void step() throws Crash {
    ops++;
    if (crashed || ops >= crashAt) {
      crashed = true;
      throw new Crash(ops);
    }
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public boolean isWritable() {
    return true;
  }

  @Override
  public void read(long offset, ByteBuffer dst, int dstIndex, int length) throws IOException {
    if (crashed) {
      throw new Crash(ops);
    }
    ByteBuffer b = dst.duplicate();
    b.limit(dstIndex + length).position(dstIndex);
    long p = offset;
    while (b.hasRemaining()) {
      int n = channel.read(b, p);
      if (n < 0) {
        throw new java.io.EOFException("read past the end at " + p);
      }
      p += n;
    }
  }

  @Override
  public void write(long offset, ByteBuffer src, int srcIndex, int length) throws IOException {
    step();
    byte[] bytes = new byte[length];
    src.get(srcIndex, bytes);
    ByteBuffer b = ByteBuffer.wrap(bytes);
    long p = offset;
    while (b.hasRemaining()) {
      p += channel.write(b, p);
    }
    size = Math.max(size, offset + length);
    pendingOffsets.add(offset);
    pendingBytes.add(bytes);
  }

  /** Truncation counts as one operation; a power failure may lose it like an unforced write. */
  @Override
  public void truncate(long length) throws IOException {
    step();
    channel.truncate(length);
    size = length;
    pendingOffsets.add(length);
    pendingBytes.add(null);
  }

  @Override
  public void force() throws IOException {
    step();
    channel.force(true);
    durable = Files.readAllBytes(path);
    pendingOffsets.clear();
    pendingBytes.clear();
  }


  @Override
  public void close() throws IOException {
    channel.close();
  }

  /** Returns how many writes are not yet forced. */
  int pendingWrites() {
    return pendingOffsets.size();
  }

  /**
   * Rewrites the (closed) file as a power failure could leave it: the durable content plus the
   * unforced writes that {@code random} keeps (each with probability {@code keep}), in order.
   */
  void powerLoss(Random random, double keep) throws IOException {
    byte[] file = durable;
    for (int i = 0; i < pendingOffsets.size(); i++) {
      if (random.nextDouble() >= keep) {
        continue;
      }
      long off = pendingOffsets.get(i);
      byte[] b = pendingBytes.get(i);
      if (b == null) {
        file = Arrays.copyOf(file, (int) Math.min(off, file.length));
        continue;
      }
      if (off + b.length > file.length) {
        file = Arrays.copyOf(file, (int) (off + b.length));
      }
      System.arraycopy(b, 0, file, (int) off, b.length);
    }
    Files.write(path, file);
  }
}
