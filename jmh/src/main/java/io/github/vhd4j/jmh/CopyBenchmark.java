package io.github.vhd4j.jmh;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
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
 * The copy the mapped hot path is made of, two ways: the JDK's absolute bulk
 * {@code ByteBuffer.put(int, ByteBuffer, int, int)} (what the library uses) against Agrona 1.x's
 * {@code UnsafeBuffer.getBytes}, from a mapped 1 GiB chunk into a direct or heap buffer.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class CopyBenchmark {
  /** Bytes per copy. */
  @Param({"4096", "1048576"})
  public int length;

  /** Destination kind. */
  @Param({"direct", "heap"})
  public String destination;

  MappedByteBuffer chunk;
  UnsafeBuffer agrona;
  ByteBuffer dst;
  SplittableRandom random = new SplittableRandom(5);

  /** Maps the first GiB of the raw fixture. */
  @Setup(Level.Trial)
  public void map() throws IOException {
    try (FileChannel ch = FileChannel.open(Fixtures.path("raw"), StandardOpenOption.READ)) {
      chunk = ch.map(FileChannel.MapMode.READ_ONLY, 0, 1L << 30);
    }
    agrona = new UnsafeBuffer(chunk);
    dst = destination.equals("direct") ? ByteBuffer.allocateDirect(length) : ByteBuffer.allocate(length);
  }

  int offset() {
    return (int) (random.nextLong(((1L << 30) - length) >>> 12) << 12);
  }

  /** JDK absolute bulk copy. */
  @Benchmark
  public int byteBufferPut() {
    dst.put(0, chunk, offset(), length);
    return dst.get(0);
  }

  /** Agrona UnsafeBuffer copy. */
  @Benchmark
  public int agronaGetBytes() {
    agrona.getBytes(offset(), dst, 0, length);
    return dst.get(0);
  }
}
