package io.github.vhd4j.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.Durability;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.SizeMode;
import io.github.vhd4j.ValidationReport;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.internal.vhd.Chains;
import io.github.vhd4j.testing.VhdAssertions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The crash matrix (pitfalls §5 G-73, G-79): a mixed workload (new blocks, partial sectors, writes
 * into allocated blocks, across block boundaries, zeros over parent data, the last sector, and
 * flushes) is run once for every storage operation N, dying at the N-th write or force. After
 * each death the file is reopened as it is (a killed process: every completed write is in the
 * page cache) and as a power failure could leave it (only forced writes, plus any subset of the
 * others). Every time: the image opens, every sector holds a content it legitimately had (the
 * last flushed one, or one written after it), no block overlaps another, and check finds nothing
 * a repair would not fix; after a power failure, {@link Vhd#repair} then leaves no error and the
 * same content.
 */
class CrashMatrixTest {
  private static final int BLOCK = 4096;
  private static final int BLOCKS = 10;
  private static final int SIZE = BLOCK * BLOCKS;

  /** Crash points exercised by the whole class, printed for the record (the closing note cites it). */
  private static final java.util.concurrent.atomic.AtomicInteger POINTS = new java.util.concurrent.atomic.AtomicInteger();

  @TempDir Path dir;

  @org.junit.jupiter.api.AfterAll
  static void report() {
    System.out.println("CrashMatrixTest: " + POINTS.get() + " crash points verified");
  }

  /** A workload step: a write or a flush. */
  private record Step(long pos, byte @org.jspecify.annotations.Nullable [] data) {
    static Step flush() {
      return new Step(-1, null);
    }
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static List<Step> workload() {
    List<Step> w = new ArrayList<>();
    w.add(new Step(0, random(BLOCK, 1)));                  // a whole new block
    w.add(new Step(BLOCK + 100, random(50, 2)));           // partial sector of a new block
    w.add(new Step(2L * BLOCK - 700, random(1400, 3)));    // allocated block 1 into new block 2
    w.add(new Step(300, random(10, 4)));                   // inside written sectors
    w.add(Step.flush());
    w.add(new Step(5L * BLOCK, new byte[512]));            // zeros over parent data
    w.add(new Step(7L * BLOCK + 9, new byte[1000]));       // zeros where nothing is stored
    w.add(new Step(SIZE - 512, random(512, 5)));           // the last sector
    w.add(new Step(3L * BLOCK + 17, random(3 * BLOCK, 6))); // across three blocks
    w.add(new Step(BLOCK + 2000, random(10, 7)));          // a new sector of an allocated block
    w.add(Step.flush());
    w.add(new Step(6L * BLOCK + 511, random(2, 8)));       // one byte in each of two sectors
    return w;
  }

  static Stream<Arguments> kinds() {
    return Stream.of(Arguments.of("dynamic", Durability.SYNC_ALLOCATIONS),
        Arguments.of("differencing", Durability.SYNC_ALLOCATIONS),
        Arguments.of("aligned", Durability.SYNC_ALLOCATIONS),
        Arguments.of("fixed", Durability.SYNC_ALLOCATIONS),
        Arguments.of("dynamic", Durability.ON_FLUSH),
        Arguments.of("differencing", Durability.ON_FLUSH));
  }

  /** Makes the pristine image (and parent) in {@code where}; returns the image's initial content. */
  private static byte[] pristine(Path where, String kind) throws IOException {
    Path img = where.resolve("img.vhd");
    CreateOptions o;
    byte[] content = new byte[SIZE];
    switch (kind) {
      case "fixed":
        o = CreateOptions.fixed(SIZE).withSizeMode(SizeMode.EXACT);
        break;
      case "differencing": {
        try (VhdImage parent = Vhd.create(where.resolve("parent.vhd"),
            CreateOptions.dynamic(SIZE).withBlockSize(BLOCK).withSizeMode(SizeMode.EXACT))) {
          byte[] data = random(6 * BLOCK, 99);
          parent.write(0, ByteBuffer.wrap(data));
          System.arraycopy(data, 0, content, 0, data.length);
        }
        o = CreateOptions.differencing(where.resolve("parent.vhd")).withBlockSize(BLOCK);
        break;
      }
      default:
        o = CreateOptions.dynamic(SIZE).withBlockSize(BLOCK).withSizeMode(SizeMode.EXACT)
            .withAligned(kind.equals("aligned"));
    }
    Vhd.create(img, o).close();
    return content;
  }

  private static OpenOptions options(Path where, Durability d) {
    return OpenOptions.forWriting().withDurability(d).withParentDirectories(List.of(where));
  }

  /** Runs the workload until it dies; returns the index of the step in flight (size when none). */
  private static int run(VhdImage img, List<Step> steps) {
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      try {
        if (s.data() == null) {
          img.flush();
        } else {
          img.write(s.pos(), ByteBuffer.wrap(s.data()));
        }
      } catch (CrashStorage.Crash e) {
        return i;
      } catch (IOException e) {
        if (e.getCause() instanceof CrashStorage.Crash) {
          return i;
        }
        throw new AssertionError("step " + i + " failed with something other than the crash", e);
      }
    }
    return steps.size();
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void shouldSurviveACrashAtEveryStorageOperation(String kind, Durability durability) throws IOException {
    Path clean = Files.createDirectories(dir.resolve("clean"));
    byte[] initial = pristine(clean, kind);
    List<Step> steps = workload();
    // A run without a crash counts the operations and proves the workload itself.
    int total;
    Path all = copy(clean, dir.resolve("all"));
    try (CrashStorage s = new CrashStorage(all.resolve("img.vhd"), Integer.MAX_VALUE);
        VhdImage img = open(s, all, durability)) {
      assertEquals(steps.size(), run(img, steps));
      total = s.operations();
    }
    verify(all, kind, initial, steps, steps.size(), true, false);
    assertTrue(total >= (kind.equals("fixed") ? 10 : 30), "the workload exercises " + total + " storage operations");
    int points = 0;
    for (int n = 1; n <= total + 1; n++) {
      // A killed process: every completed write reached the page cache.
      Path killed = copy(clean, dir.resolve("k" + n));
      int inFlight = crashAndClose(killed, durability, steps, n, null, 1);
      verify(killed, kind, initial, steps, inFlight, true, false);
      points++;
      if (durability == Durability.SYNC_ALLOCATIONS) {
        // A power failure: unforced writes lost, all of them or a random subset.
        for (int variant = 0; variant < 3; variant++) {
          Path lost = copy(clean, dir.resolve("p" + n + "-" + variant));
          int f = crashAndClose(lost, durability, steps, n, new Random(n * 31L + variant), variant == 0 ? 0 : 0.5);
          verify(lost, kind, initial, steps, f, false, true);
          points++;
        }
      }
    }
    assertTrue(points > total, points + " crash points");
    POINTS.addAndGet(points);
  }

  private static VhdImage open(CrashStorage s, Path where, Durability durability) throws IOException {
    Path p = where.resolve("img.vhd");
    return Chains.open(s, p.toString(), p, true, options(where, durability), java.util.List.of());
  }

  /**
   * Runs the workload dying at operation {@code n}, closes the image, and for a power failure
   * ({@code power} not null) drops each unforced write unless {@code power} keeps it with
   * probability {@code keep}. Returns the step in flight.
   */
  private static int crashAndClose(Path where, Durability durability, List<Step> steps, int n,
      @org.jspecify.annotations.Nullable Random power, double keep) throws IOException {
    CrashStorage s = new CrashStorage(where.resolve("img.vhd"), n);
    int inFlight;
    VhdImage img = open(s, where, durability);
    inFlight = run(img, steps);
    try {
      img.close();
    } catch (IOException e) {
      // Closing flushes, which fails once the storage has died.
    }
    if (power != null) {
      s.powerLoss(power, keep);
    }
    return inFlight;
  }

  private static Path copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return to;
  }

  /**
   * Checks a crashed image: it opens, its content is legitimate sector by sector, and the checker
   * finds no error (a power failure may leave the tail footer damaged: repairable, reported).
   */
  private static void verify(Path where, String kind, byte[] initial, List<Step> steps, int inFlight,
      boolean processCrash, boolean powerLoss) throws IOException {
    Path p = where.resolve("img.vhd");
    String at = kind + " in " + where.getFileName() + ", step " + inFlight + " in flight";
    // The model: content after every completed step, and per sector the contents it may show.
    byte[] model = initial.clone();
    byte[] flushed = initial.clone();
    int lastFlush = -1;
    for (int i = 0; i < Math.min(inFlight, steps.size()); i++) {
      Step s = steps.get(i);
      if (s.data() == null) {
        flushed = model.clone();
        lastFlush = i;
      } else {
        System.arraycopy(s.data(), 0, model, (int) s.pos(), s.data().length);
      }
    }
    // Sectors may show any content they had from the last point known durable to the write in
    // flight: a process crash keeps all completed writes, a power failure only flushed ones.
    byte[] base = powerLoss ? flushed : model;
    int from = powerLoss ? lastFlush + 1 : inFlight;
    List<Set<ByteBuffer>> allowed = new ArrayList<>();
    for (int s = 0; s < SIZE / 512; s++) {
      Set<ByteBuffer> set = new HashSet<>();
      set.add(ByteBuffer.wrap(Arrays.copyOfRange(base, s * 512, s * 512 + 512)));
      allowed.add(set);
    }
    byte[] replay = base.clone();
    for (int i = from; i <= Math.min(inFlight, steps.size() - 1); i++) {
      Step s = steps.get(i);
      if (s.data() == null) {
        continue;
      }
      System.arraycopy(s.data(), 0, replay, (int) s.pos(), s.data().length);
      for (long sec = s.pos() / 512; sec <= (s.pos() + s.data().length - 1) / 512; sec++) {
        int o = (int) sec * 512;
        allowed.get((int) sec).add(ByteBuffer.wrap(Arrays.copyOfRange(replay, o, o + 512)));
      }
    }
    OpenOptions read = OpenOptions.defaults().withParentDirectories(List.of(where));
    byte[] content;
    try (VhdImage img = Vhd.open(p, read)) {
      if (processCrash) {
        assertTrue(img.getWarnings().stream().noneMatch(w -> w.code() == ProblemCode.FOOTER_HEAD_COPY_USED),
            () -> at + ": a killed writer left no valid tail footer: " + img.getWarnings());
      }
      content = VhdAssertions.readAll(img);
    } catch (IOException e) {
      throw new AssertionError(at + ": the image does not open", e);
    }
    for (int s = 0; s < SIZE / 512; s++) {
      ByteBuffer got = ByteBuffer.wrap(Arrays.copyOfRange(content, s * 512, s * 512 + 512));
      if (!allowed.get(s).contains(got)) {
        fail(at + ": sector " + s + " holds content it never had (" + allowed.get(s).size() + " candidates)");
      }
    }
    ValidationReport r = Vhd.check(p, CheckOptions.defaults().withOpenOptions(read));
    for (Problem x : r.problems()) {
      boolean repairable = x.structure().equals("footer") || x.code() == ProblemCode.FOOTER_HEAD_COPY_USED;
      if (x.severity() == Severity.ERROR && !(powerLoss && repairable)) {
        fail(at + ": check reports " + x);
      }
      if (x.code() == ProblemCode.BAT_ENTRY_OVERLAP) {
        fail(at + ": blocks overlap: " + x);
      }
    }
    if (powerLoss) {
      // What a power failure leaves, repair fixes: afterwards no error, and the same content.
      Vhd.repair(p);
      for (Problem x : Vhd.check(p, CheckOptions.defaults().withOpenOptions(read)).problems()) {
        if (x.severity() == Severity.ERROR) {
          fail(at + ": after repair, check reports " + x);
        }
      }
      try (VhdImage img = Vhd.open(p, read.withFooterRecovery(false))) {
        assertTrue(Arrays.equals(content, VhdAssertions.readAll(img)), at + ": repair changed the content");
      }
    }
  }
}
