package io.github.vhd4j.jmh;

import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.StorageMode;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
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
 * Opening (and closing) the largest dynamic disk, 2040 GiB with all 1,044,480 table entries
 * allocated, as a sparse file: the table is read in one read and every entry validated. Run with
 * {@code -prof gc} to see the bytes allocated per open (O(table)).
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
  OpenOptions options;

  /** Builds (once) and locates the fixture. */
  @Setup(Level.Trial)
  public void setUp() {
    huge = Fixtures.path("huge");
    options = OpenOptions.defaults().withStorage(StorageMode.valueOf(storage));
  }

  /** Opens and closes the 2040 GiB image. */
  @Benchmark
  public long open2040GiB() throws IOException {
    try (VhdImage img = Vhd.open(huge, options)) {
      return img.getSize();
    }
  }
}
