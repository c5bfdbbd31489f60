package io.github.vhd4j.conformance;

import io.github.vhd4j.internal.storage.FileChannelStorage;
import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.vhd.Maintenance;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A writable file storage whose process "dies" at its N-th write, force or truncation: that
 * operation and every later one never happen (they throw {@link Killed}), as when a process is
 * killed there. Maintenance operations take it through their {@link Maintenance.Opener}.
 */
final class KilledStorage implements Storage {
  /** The injected death. */
  static final class Killed extends IOException {
    private static final long serialVersionUID = 1L;

    Killed(int op) {
      super("killed at storage operation " + op);
    }
  }

  private final Storage inner;
  private final int dieAt;
  private int ops;

  private KilledStorage(Storage inner, int dieAt) {
    this.inner = inner;
    this.dieAt = dieAt;
  }

  /**
   * An opener whose storage dies at operation {@code dieAt} (1-based); {@code Integer.MAX_VALUE}
   * never dies. {@code last[0]} receives the storage, so that a caller can count the operations a
   * complete run takes.
   */
  static Maintenance.Opener opener(int dieAt, KilledStorage[] last) {
    return path -> last[0] = new KilledStorage(FileChannelStorage.openWritable(path, true), dieAt);
  }

  /** Returns the writes, forces and truncations attempted so far. */
  int operations() {
    return ops;
  }

  private void step() throws Killed {
    if (++ops >= dieAt) {
      throw new Killed(ops);
    }
  }

  @Override
  public long size() {
    return inner.size();
  }

  @Override
  public boolean isWritable() {
    return true;
  }

  @Override
  public void read(long offset, ByteBuffer dst, int dstIndex, int length) throws IOException {
    inner.read(offset, dst, dstIndex, length);
  }

  @Override
  public void write(long offset, ByteBuffer src, int srcIndex, int length) throws IOException {
    step();
    inner.write(offset, src, srcIndex, length);
  }

  @Override
  public void truncate(long length) throws IOException {
    step();
    inner.truncate(length);
  }

  @Override
  public void force() throws IOException {
    step();
    inner.force();
  }

  @Override
  public void close() throws IOException {
    inner.close();
  }
}
