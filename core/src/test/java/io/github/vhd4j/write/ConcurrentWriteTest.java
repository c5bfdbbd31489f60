package io.github.vhd4j.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.Extent;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.Severity;
import io.github.vhd4j.SizeMode;
import io.github.vhd4j.ValidationReport;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Many readers and several writers on one image (pitfalls §5 G-80): each block is allocated once,
 * metadata is never torn, and a reader sees every sector whole, as one write left it.
 *
 * <p>Every sector written carries its own identity: its sector number and a version, repeated over
 * all 512 bytes. A torn sector (half one write, half another, or another sector's data) breaks
 * that pattern.
 */
class ConcurrentWriteTest {
  private static final int BLOCK = 64 << 10;
  @TempDir Path dir;

  private static void stamp(ByteBuffer b, long firstSector, long version) {
    for (int i = 0; i < b.capacity(); i += 16) {
      b.putLong(i, firstSector + i / 512);
      b.putLong(i + 8, version);
    }
  }

  /** Returns the version a sector carries, 0 for a never-written (zero) sector; fails if torn. */
  private static long version(ByteBuffer b, int at, long sector, Path p) {
    long v = b.getLong(at + 8);
    long s = b.getLong(at);
    if (s == 0 && v == 0) {
      for (int i = at; i < at + 512; i++) {
        if (b.get(i) != 0) {
          throw new AssertionError(p + ": sector " + sector + " is torn (zero header, data after)");
        }
      }
      return 0;
    }
    for (int i = at; i < at + 512; i += 16) {
      if (b.getLong(i) != sector || b.getLong(i + 8) != v) {
        throw new AssertionError(p + ": sector " + sector + " is torn or misplaced: header (" + s + ", " + v
            + ") but (" + b.getLong(i) + ", " + b.getLong(i + 8) + ") at byte " + (i - at));
      }
    }
    return v;
  }

  private void assertClean(Path p) throws IOException {
    ValidationReport r = Vhd.check(p, CheckOptions.defaults().withOpenOptions(
        OpenOptions.defaults().withParentDirectories(List.of(dir))));
    assertTrue(r.problems().stream().noneMatch(x -> x.severity() != Severity.INFO), () -> p + ": " + r.problems());
  }

  @Test
  @Timeout(60)
  void shouldAllocateABlockOnceWhenThreadsRaceForIt() throws Exception {
    for (int round = 0; round < 20; round++) {
      Path p = dir.resolve("race" + round + ".vhd");
      int threads = 8;
      try (VhdImage img = Vhd.create(p, CreateOptions.dynamic(4L * BLOCK).withBlockSize(BLOCK)
          .withSizeMode(SizeMode.EXACT))) {
        long before = Files.size(p);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          long sector = 2L * (BLOCK / 512) + t * 5;
          fs.add(pool.submit(() -> {
            ByteBuffer b = ByteBuffer.allocate(512);
            stamp(b, sector, 1);
            go.await();
            img.write(sector * 512, b);
            return null;
          }));
        }
        go.countDown();
        for (Future<?> f : fs) {
          f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertEquals(before + 512 + BLOCK, Files.size(p), "exactly one block was added");
        // A dynamic disk maps whole blocks (as qemu-img does): one data run, block 2.
        List<Extent> data = img.map().stream().filter(Extent::data).toList();
        assertEquals(1, data.size(), data.toString());
        assertEquals(2L * BLOCK, data.get(0).start());
        assertEquals(BLOCK, data.get(0).length());
      }
      try (VhdImage img = Vhd.open(p)) {
        ByteBuffer all = ByteBuffer.allocate(BLOCK);
        img.readFully(2L * BLOCK, all);
        for (int t = 0; t < threads; t++) {
          long sector = 2L * (BLOCK / 512) + t * 5;
          assertEquals(1, version(all, t * 5 * 512, sector, p));
        }
      }
      assertClean(p);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dynamic", "differencing", "fixed"})
  @Timeout(120)
  void shouldNeverShowATornSectorUnderConcurrentReadsAndWrites(String kind) throws Exception {
    int blocks = 48;
    long size = (long) blocks * BLOCK;
    Path p = dir.resolve(kind + ".vhd");
    CreateOptions o;
    if (kind.equals("differencing")) {
      Path parent = dir.resolve("parent.vhd");
      try (VhdImage img = Vhd.create(parent, CreateOptions.dynamic(size).withBlockSize(BLOCK)
          .withSizeMode(SizeMode.EXACT))) {
        // Parent sectors carry version 1 in every other block.
        for (int b = 0; b < blocks; b += 2) {
          ByteBuffer buf = ByteBuffer.allocate(BLOCK);
          stamp(buf, (long) b * BLOCK / 512, 1);
          img.write((long) b * BLOCK, buf);
        }
      }
      o = CreateOptions.differencing(parent).withBlockSize(BLOCK);
    } else if (kind.equals("fixed")) {
      o = CreateOptions.fixed(size).withSizeMode(SizeMode.EXACT);
    } else {
      o = CreateOptions.dynamic(size).withBlockSize(BLOCK).withSizeMode(SizeMode.EXACT);
    }
    AtomicLong versions = new AtomicLong(1);
    // Every version ever written to each sector, to check the final content against.
    ConcurrentHashMap<Long, java.util.Set<Long>> written = new ConcurrentHashMap<>();
    AtomicBoolean stop = new AtomicBoolean();
    try (VhdImage img = Vhd.create(p, o)) {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<Long>> fs = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        long seed = w;
        fs.add(pool.submit(() -> {
          Random r = new Random(seed);
          long n = 0;
          while (!stop.get()) {
            int sectors = 1 + r.nextInt(r.nextBoolean() ? 8 : 300);
            long first = r.nextInt((int) (size / 512) - sectors + 1);
            long v = versions.incrementAndGet();
            ByteBuffer b = ByteBuffer.allocate(sectors * 512);
            stamp(b, first, v);
            for (long s = first; s < first + sectors; s++) {
              written.computeIfAbsent(s, k -> ConcurrentHashMap.newKeySet()).add(v);
            }
            img.write(first * 512, b);
            n++;
          }
          return n;
        }));
      }
      for (int rd = 0; rd < 4; rd++) {
        long seed = 100 + rd;
        fs.add(pool.submit(() -> {
          Random r = new Random(seed);
          long n = 0;
          ByteBuffer b = ByteBuffer.allocate(600 * 512);
          while (!stop.get()) {
            int sectors = 1 + r.nextInt(600);
            long first = r.nextInt((int) (size / 512) - sectors + 1);
            b.clear().limit(sectors * 512);
            img.readFully(first * 512, b);
            for (int i = 0; i < sectors; i++) {
              version(b, i * 512, first + i, p);
            }
            n++;
          }
          return n;
        }));
      }
      Thread.sleep(1500);
      stop.set(true);
      long ops = 0;
      for (Future<Long> f : fs) {
        ops += f.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();
      assertTrue(ops > 100, "only " + ops + " operations ran");
    }
    try (VhdImage img = Vhd.open(p, OpenOptions.defaults().withParentDirectories(List.of(dir)))) {
      ByteBuffer all = ByteBuffer.allocate((int) size);
      img.readFully(0, all);
      for (long s = 0; s < size / 512; s++) {
        long v = version(all, (int) s * 512, s, p);
        java.util.Set<Long> vs = written.get(s);
        boolean parentVersion = kind.equals("differencing") && (s * 512 / BLOCK) % 2 == 0 && v == 1;
        assertTrue(vs == null ? v == 0 || parentVersion : vs.contains(v),
            "sector " + s + " holds version " + v + ", never written there");
      }
    }
    assertClean(p);
  }
}
