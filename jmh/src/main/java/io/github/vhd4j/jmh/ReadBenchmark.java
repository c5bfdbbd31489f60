package io.github.vhd4j.jmh;

import io.github.vhd4j.DiskImage;
import io.github.vhd4j.DiskImages;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.StorageMode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Reads of 2 GiB images through the library, VHD and VHDX alike (opened by signature): sequential
 * 1 MiB reads and random 4 KiB reads, on one and two threads, for each image kind and storage. Scores are operations per second; compare
 * with {@link RawMmapBaseline} from the same run.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class ReadBenchmark {
  /**
   * The image kind: a fully allocated dynamic VHD in QEMU's layout or in Hyper-V's 4 KiB-aligned
   * layout, a fixed VHD, a depth-3 VHD chain, or a fully allocated dynamic or fixed VHDX of 32 MiB
   * blocks.
   */
  @Param({"dynamic", "dynamic4k", "fixed", "chain3", "vhdx", "vhdxFixed"})
  public String image;

  /** The storage engine. */
  @Param({"MAPPED", "FILE_CHANNEL"})
  public String storage;

  DiskImage img;
  long size;

  /** Opens the image once per trial and refuses a silent fallback from mapping. */
  @Setup(Level.Trial)
  public void open() throws IOException {
    img = DiskImages.open(Fixtures.path(image), OpenOptions.defaults().withStorage(StorageMode.valueOf(storage)));
    if (img.getWarnings().stream().anyMatch(w -> w.code() == ProblemCode.STORAGE_FALLBACK)) {
      throw new IllegalStateException("mapping fell back: " + img.getWarnings());
    }
    size = img.getSize();
    touchAll(img);
  }

  /**
   * Reads the whole image once, so that every page of the mapping is present before measuring:
   * the budget is about page-cached images, and first-touch page faults would otherwise dominate
   * random reads (and cost this benchmark twice what they cost the baseline, because QEMU's layout
   * puts each block's data 512 bytes off a page boundary).
   */
  static void touchAll(DiskImage img) throws IOException {
    ByteBuffer mib = ByteBuffer.allocateDirect(1 << 20);
    for (long pos = 0; pos < img.getSize(); pos += mib.capacity()) {
      mib.clear().limit((int) Math.min(mib.capacity(), img.getSize() - pos));
      img.readFully(pos, mib);
    }
  }

  /** Closes the image. */
  @TearDown(Level.Trial)
  public void close() throws IOException {
    img.close();
  }

  /** Per-thread buffers and cursors. */
  @State(Scope.Thread)
  public static class Cursor {
    final ByteBuffer mib = ByteBuffer.allocateDirect(1 << 20);
    final ByteBuffer page = ByteBuffer.allocateDirect(4096);
    SplittableRandom random;
    long next;

    /** Starts each thread in its own half of the disk. */
    @Setup(Level.Trial)
    public void start(ThreadParams t) {
      random = new SplittableRandom(17 + t.getThreadIndex());
      next = t.getThreadIndex() * (Fixtures.SIZE / 2);
    }
  }

  int sequential(Cursor c) throws IOException {
    if (c.next + c.mib.capacity() > size) {
      c.next = 0;
    }
    c.mib.clear();
    img.readFully(c.next, c.mib);
    c.next += c.mib.capacity();
    return c.mib.get(0);
  }

  int random(Cursor c) throws IOException {
    long pos = c.random.nextLong(size >>> 12) << 12;
    c.page.clear();
    img.readFully(pos, c.page);
    return c.page.get(0);
  }

  /** Sequential 1 MiB reads, one thread. */
  @Benchmark
  @Threads(1)
  public int sequential1MiB(Cursor c) throws IOException {
    return sequential(c);
  }

  /** Sequential 1 MiB reads, two threads. */
  @Benchmark
  @Threads(2)
  public int sequential1MiBTwoThreads(Cursor c) throws IOException {
    return sequential(c);
  }

  /** Random aligned 4 KiB reads, one thread. */
  @Benchmark
  @Threads(1)
  public int random4KiB(Cursor c) throws IOException {
    return random(c);
  }

  /** Random aligned 4 KiB reads, two threads. */
  @Benchmark
  @Threads(2)
  public int random4KiBTwoThreads(Cursor c) throws IOException {
    return random(c);
  }
}
