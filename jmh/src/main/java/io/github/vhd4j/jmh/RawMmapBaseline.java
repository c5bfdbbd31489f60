package io.github.vhd4j.jmh;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * The baseline for {@link ReadBenchmark}: the same reads as plain bulk copies out of a raw file
 * of the same size, mapped in 1 GiB chunks. Nothing can read a mapped file faster from Java.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class RawMmapBaseline {
  private static final int CHUNK_SHIFT = 30;

  ByteBuffer[] chunks;

  /** Maps the raw fixture. */
  @Setup(Level.Trial)
  public void map() throws IOException {
    try (FileChannel ch = FileChannel.open(Fixtures.path("raw"), StandardOpenOption.READ)) {
      long size = ch.size();
      chunks = new ByteBuffer[(int) ((size + (1L << CHUNK_SHIFT) - 1) >>> CHUNK_SHIFT)];
      for (int i = 0; i < chunks.length; i++) {
        long at = (long) i << CHUNK_SHIFT;
        chunks[i] = ch.map(FileChannel.MapMode.READ_ONLY, at, Math.min(1L << CHUNK_SHIFT, size - at));
      }
    }
    // Fault every page in, as ReadBenchmark does, so both measure page-cached reads.
    ByteBuffer mib = ByteBuffer.allocateDirect(1 << 20);
    for (long pos = 0; pos < Fixtures.SIZE; pos += mib.capacity()) {
      copy(pos, mib);
    }
  }

  /** Per-thread buffers and cursors, as in ReadBenchmark. */
  @State(Scope.Thread)
  public static class Cursor {
    final ByteBuffer mib = ByteBuffer.allocateDirect(1 << 20);
    final ByteBuffer page = ByteBuffer.allocateDirect(4096);
    SplittableRandom random;
    long next;

    /** Starts each thread in its own half of the file. */
    @Setup(Level.Trial)
    public void start(ThreadParams t) {
      random = new SplittableRandom(17 + t.getThreadIndex());
      next = t.getThreadIndex() * (Fixtures.SIZE / 2);
    }
  }

  int copy(long pos, ByteBuffer dst) {
    // Reads are aligned to their size, so none crosses a chunk boundary.
    dst.put(0, chunks[(int) (pos >>> CHUNK_SHIFT)], (int) (pos & ((1L << CHUNK_SHIFT) - 1)), dst.capacity());
    return dst.get(0);
  }

  int sequential(Cursor c) {
    if (c.next + c.mib.capacity() > Fixtures.SIZE) {
      c.next = 0;
    }
    int r = copy(c.next, c.mib);
    c.next += c.mib.capacity();
    return r;
  }

  /** Sequential 1 MiB copies, one thread. */
  @Benchmark
  @Threads(1)
  public int sequential1MiB(Cursor c) {
    return sequential(c);
  }

  /** Sequential 1 MiB copies, two threads. */
  @Benchmark
  @Threads(2)
  public int sequential1MiBTwoThreads(Cursor c) {
    return sequential(c);
  }

  /** Random aligned 4 KiB copies, one thread. */
  @Benchmark
  @Threads(1)
  public int random4KiB(Cursor c) {
    return copy(c.random.nextLong(Fixtures.SIZE >>> 12) << 12, c.page);
  }

  /** Random aligned 4 KiB copies, two threads. */
  @Benchmark
  @Threads(2)
  public int random4KiBTwoThreads(Cursor c) {
    return copy(c.random.nextLong(Fixtures.SIZE >>> 12) << 12, c.page);
  }
}
