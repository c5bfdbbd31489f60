package io.github.vhd4j.jmh;

import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.StorageMode;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.Vhdx;
import io.github.vhd4j.VhdxImage;
import java.io.IOException;
import java.nio.file.Path;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Opening (and closing) images with large block tables, every entry validated: the largest
 * dynamic disk, 2040 GiB with all 1,044,480 table entries allocated (kept in memory), and two
 * disks of 512-byte blocks whose tables stay in the file: 100 GiB with nothing allocated (an
 * 800 MiB table) and 2 GiB with all 4 Mi entries allocated; and the largest VHDX, 64 TiB of 32 MiB
 * blocks with all 2,097,152 blocks present (a 16.1 MiB table, paged). All are sparse files. Run with
 * {@code -prof gc} to see the bytes allocated per open (O(table) in memory, bounded when paged).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class OpenBenchmark {
  /** The storage engine. */
  @Param({"MAPPED", "FILE_CHANNEL"})
  public String storage;

  Path huge;
  Path tinyEmpty;
  Path tinyFull;
  Path vhdxHuge;
  OpenOptions options;

  /** Builds (once) and locates the fixtures. */
  @Setup(Level.Trial)
  public void setUp() {
    huge = Fixtures.path("huge");
    tinyEmpty = Fixtures.path("tiny100g");
    tinyFull = Fixtures.path("tiny2g");
    vhdxHuge = Fixtures.path("vhdxHuge");
    options = OpenOptions.defaults().withStorage(StorageMode.valueOf(storage));
  }

  private long open(Path image) throws IOException {
    try (VhdImage img = Vhd.open(image, options)) {
      return img.getSize();
    }
  }

  /** Opens and closes the 2040 GiB image. */
  @Benchmark
  public long open2040GiB() throws IOException {
    return open(huge);
  }

  /** Opens and closes the empty 100 GiB image of 512-byte blocks (209,715,200 entries). */
  @Benchmark
  public long open100GiBOf512ByteBlocks() throws IOException {
    return open(tinyEmpty);
  }

  /** Opens and closes the fully allocated 2 GiB image of 512-byte blocks (4 Mi entries). */
  @Benchmark
  public long open2GiBAllocatedOf512ByteBlocks() throws IOException {
    return open(tinyFull);
  }

  /**
   * Opens and closes the 64 TiB VHDX. Mapping it would take 65,536 chunks of 1 GiB, more than
   * half of Linux's default {@code vm.max_map_count}, so MAPPED falls back to a file channel with
   * a warning, as every user's open of such a file does.
   */
  @Benchmark
  public long open64TiBVhdx() throws IOException {
    try (VhdxImage img = Vhdx.open(vhdxHuge, options)) {
      return img.getSize();
    }
  }
}
