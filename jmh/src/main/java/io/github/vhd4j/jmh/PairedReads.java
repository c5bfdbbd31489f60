package io.github.vhd4j.jmh;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@link ReadBenchmark}'s one-thread mapped reads and {@link RawMmapBaseline}'s copies, measured
 * for a machine that other jobs share: the readers take turns in short slices, round after round,
 * and each image is compared with the baseline slice of its own round, so both see the same
 * neighbours. Each slice also counts the reading thread's CPU time, so throughput per CPU second
 * (what the thread would do with a core of its own) is printed beside throughput per wall second.
 * JMH runs each benchmark for its whole measurement before the next, so on a machine whose load
 * changes by the minute its ratios compare different machines.
 *
 * <pre>
 * java -cp jmh/target/benchmarks.jar io.github.vhd4j.jmh.PairedReads [ROUNDS [SLICE_MS [IMAGE...]]]
 * </pre>
 *
 * <p>Defaults: 200 rounds of 50 ms slices, images {@code dynamic vhdx vhdxFixed}, both
 * sequential 1 MiB and random 4 KiB reads. Prints medians over the rounds.
 */
public final class PairedReads {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private PairedReads() {}

  /** One read of a kind. */
  private interface Op {
    int run() throws IOException;
  }

  /** A reader and what its slices measured. */
  private static final class Reader {
    final String name;
    final Op op;
    final int batch;
    final List<double[]> slices = new ArrayList<>();

    Reader(String name, Op op, int batch) {
      this.name = name;
      this.op = op;
      this.batch = batch;
    }

    /** Reads for {@code nanos} of wall time; returns {ops per wall second, ops per CPU second}. */
    double[] slice(long nanos) throws IOException {
      int sink = 0;
      long ops = 0;
      long cpu0 = THREADS.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      long t;
      do {
        for (int i = 0; i < batch; i++) {
          sink += op.run();
        }
        ops += batch;
        t = System.nanoTime();
      } while (t - t0 < nanos);
      long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
      if (sink == 42) {
        System.out.print("");
      }
      return new double[] {ops * 1e9 / (t - t0), ops * 1e9 / Math.max(cpu, 1)};
    }
  }

  /**
   * Runs the comparison.
   *
   * @param args rounds, slice milliseconds, then image names (see the class comment)
   * @throws IOException if a fixture cannot be built or read
   */
  public static void main(String[] args) throws IOException {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    long slice = (args.length > 1 ? Long.parseLong(args[1]) : 50) * 1_000_000L;
    List<String> images = args.length > 2 ? Arrays.asList(args).subList(2, args.length)
        : List.of("dynamic", "vhdx", "vhdxFixed");
    RawMmapBaseline base = new RawMmapBaseline();
    base.map();
    RawMmapBaseline.Cursor baseCursor = cursor(new RawMmapBaseline.Cursor());
    for (String kind : List.of("sequential1MiB", "random4KiB")) {
      boolean seq = kind.startsWith("sequential");
      List<Reader> readers = new ArrayList<>();
      readers.add(new Reader("raw file (baseline)", seq ? () -> base.sequential(baseCursor)
          : () -> base.random4KiB(baseCursor), seq ? 1 : 64));
      List<ReadBenchmark> opened = new ArrayList<>();
      for (String image : images) {
        ReadBenchmark b = new ReadBenchmark();
        b.image = image;
        b.storage = "MAPPED";
        b.open();
        opened.add(b);
        ReadBenchmark.Cursor c = cursor(new ReadBenchmark.Cursor());
        readers.add(new Reader(image, seq ? () -> b.sequential(c) : () -> b.random(c), seq ? 1 : 64));
      }
      // Warm-up: every reader runs long enough to be compiled.
      for (int i = 0; i < 40; i++) {
        for (Reader r : readers) {
          r.slice(slice);
        }
      }
      for (int round = 0; round < rounds; round++) {
        // Rotated each round, so that no reader always follows the same one.
        for (int k = 0; k < readers.size(); k++) {
          Reader r = readers.get((k + round) % readers.size());
          r.slices.add(r.slice(slice));
        }
      }
      print(kind, rounds, slice, readers);
      for (ReadBenchmark b : opened) {
        b.close();
      }
    }
  }

  private static RawMmapBaseline.Cursor cursor(RawMmapBaseline.Cursor c) {
    c.random = new SplittableRandom(17);
    c.next = 0;
    return c;
  }

  private static ReadBenchmark.Cursor cursor(ReadBenchmark.Cursor c) {
    c.random = new SplittableRandom(17);
    c.next = 0;
    return c;
  }

  private static void print(String kind, int rounds, long slice, List<Reader> readers) {
    System.out.printf(Locale.ROOT, "%s, one thread, mapped: %d rounds of %d ms slices, medians%n", kind, rounds,
        slice / 1_000_000);
    System.out.printf(Locale.ROOT, "%-22s %14s %14s %12s %12s %12s%n", "reader", "ops/s (wall)", "ops/s (CPU)",
        "CPU/wall", "ratio wall", "ratio CPU");
    Reader base = readers.get(0);
    for (Reader r : readers) {
      double[] wall = new double[rounds];
      double[] cpu = new double[rounds];
      double[] share = new double[rounds];
      double[] ratioWall = new double[rounds];
      double[] ratioCpu = new double[rounds];
      for (int i = 0; i < rounds; i++) {
        double[] s = r.slices.get(i);
        double[] b = base.slices.get(i);
        wall[i] = s[0];
        cpu[i] = s[1];
        share[i] = s[0] / s[1];
        ratioWall[i] = s[0] / b[0];
        ratioCpu[i] = s[1] / b[1];
      }
      System.out.printf(Locale.ROOT, "%-22s %,14.0f %,14.0f %12.2f %12.2f %12.2f%n", r.name, median(wall),
          median(cpu), median(share), median(ratioWall), median(ratioCpu));
    }
    System.out.println();
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int m = s.length / 2;
    return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
  }
}
