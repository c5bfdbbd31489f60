package io.github.vhd4j.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.ProgressListener;
import io.github.vhd4j.Severity;
import io.github.vhd4j.SizeMode;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.internal.vhd.Compactor;
import io.github.vhd4j.internal.vhd.Maintenance;
import io.github.vhd4j.internal.vhd.Resizer;
import io.github.vhd4j.testing.VhdAssertions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Interrupting resize and compact (pitfalls 6.6-6.8: "safe to interrupt and rerun"): each is run
 * once for every storage operation N, dying at the N-th write or force as a killed process would.
 * After each death the image opens without the footer copy, reads its old content (or, once the
 * new size is in place, the same content followed by zeros), and check finds no error; running the
 * operation again then completes it.
 */
class MaintenanceCrashTest {
  private static final long BLOCK = 64 << 10;
  /** Interruption points exercised by the whole class, printed for the record. */
  private static final java.util.concurrent.atomic.AtomicInteger POINTS = new java.util.concurrent.atomic.AtomicInteger();
  private static final byte[] COOKIE = "conectix".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  @TempDir Path dir;

  @org.junit.jupiter.api.AfterAll
  static void report() {
    System.out.println("MaintenanceCrashTest: " + POINTS.get() + " interruption points verified");
  }

  /** Makes the image an operation starts from; returns its content. */
  private static byte[] pristine(Path p, String op) throws IOException {
    Random r = new Random(op.hashCode());
    boolean fixed = op.endsWith("-fixed");
    CreateOptions o = fixed
        ? CreateOptions.fixed(16 * BLOCK).withSizeMode(SizeMode.EXACT)
        : CreateOptions.dynamic(op.equals("grow-in-place") ? 8 * BLOCK : 64 * BLOCK).withBlockSize(BLOCK)
            .withSizeMode(SizeMode.EXACT);
    try (VhdImage img = Vhd.create(p, o)) {
      // The shrinks that cut blocks off keep their data in the part that stays.
      int blocks = (int) (img.getSize() / BLOCK) / (op.equals("shrink-table") || op.equals("shrink-fixed") ? 2 : 1);
      for (int b = 0; b < blocks; b += 3) {
        byte[] d = new byte[4096];
        r.nextBytes(d);
        img.write(b * BLOCK + 512, ByteBuffer.wrap(d));
      }
      if (op.equals("compact")) {
        for (int b = 0; b < blocks; b += 6) {
          img.write(b * BLOCK + 512, ByteBuffer.wrap(new byte[4096]));
        }
      }
      return VhdAssertions.readAll(img);
    }
  }

  private static long run(String op, Path p, Maintenance.Opener opener) throws IOException {
    switch (op) {
      case "grow-moves-table":
        return Resizer.resize(p, 4096 * BLOCK, SizeMode.EXACT, true, opener);
      case "grow-in-place":
        return Resizer.resize(p, 100 * BLOCK, SizeMode.EXACT, true, opener);
      case "grow-fixed":
        return Resizer.resize(p, 40 * BLOCK, SizeMode.EXACT, true, opener);
      case "shrink":
        // Block 63 stores 4 KiB at 512: the cut keeps them and drops zeros only.
        return Resizer.resize(p, 63 * BLOCK + 8192, SizeMode.EXACT, true, opener);
      case "shrink-table":
        // Blocks 32-63 store nothing: the table gets shorter, as 7-Zip needs it exact.
        return Resizer.resize(p, 31 * BLOCK + 8192, SizeMode.EXACT, true, opener);
      case "shrink-fixed":
        return Resizer.resize(p, 9 * BLOCK, SizeMode.EXACT, true, opener);
      default:
        return Compactor.compact(p, ProgressListener.none(), opener);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"grow-moves-table", "grow-in-place", "grow-fixed", "shrink", "shrink-table", "shrink-fixed",
      "compact"})
  void shouldLeaveAUsableImageWhereverItIsInterruptedAndFinishWhenRunAgain(String op) throws IOException {
    Path clean = dir.resolve("clean.vhd");
    byte[] content = pristine(clean, op);
    CrashStorage[] last = new CrashStorage[1];
    Path counted = copy(clean, "counted.vhd");
    run(op, counted, path -> last[0] = new CrashStorage(path, Integer.MAX_VALUE));
    int[] total = {last[0].operations()};
    byte[] done = read(counted);
    assertTrue(total[0] >= 3, op + ": " + total[0] + " operations");
    for (int n = 1; n <= total[0]; n++) {
      Path p = copy(clean, "n" + n + ".vhd");
      int crashAt = n;
      try {
        run(op, p, path -> new CrashStorage(path, crashAt));
        fail(op + ": no crash at operation " + n + " of " + total[0]);
      } catch (CrashStorage.Crash expected) {
        // The process "died" here.
      }
      String at = op + ", interrupted at operation " + n + " of " + total[0];
      verify(p, content, at, true);
      run(op, p, path -> new CrashStorage(path, Integer.MAX_VALUE));
      byte[] after = read(p);
      if (op.equals("grow-fixed") && !Arrays.equals(done, after)) {
        // The documented window (see verify): running again cannot tell the old footer's bytes
        // from data, so they stay; nothing else may differ.
        int o = content.length;
        assertTrue(Arrays.equals(done, 0, o, after, 0, o) && Arrays.equals(done, o + 512, done.length, after,
            o + 512, after.length), at + ": running it again gives another result");
      } else {
        assertTrue(Arrays.equals(done, after), at + ": running it again gives another result");
      }
      verify(p, content, at + ", run again", false);
      POINTS.incrementAndGet();
    }
  }

  private Path copy(Path from, String name) throws IOException {
    return Files.copy(from, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
  }

  private static byte[] read(Path p) throws IOException {
    try (VhdImage img = Vhd.open(p)) {
      return VhdAssertions.readAll(img);
    }
  }

  /**
   * The image opens strictly from its tail footer, shows {@code content} then zeros, and checks
   * clean; when {@code interrupted}, check may also report a footer copy that describes the other
   * size (what QEMU and 7-Zip read then; the conformance tests check they open it).
   */
  private static void verify(Path p, byte[] content, String at, boolean interrupted) throws IOException {
    byte[] got;
    try (VhdImage img = Vhd.open(p)) {
      for (Problem w : img.getWarnings()) {
        if (w.code() == ProblemCode.FOOTER_HEAD_COPY_USED) {
          fail(at + ": the tail footer is lost: " + w);
        }
      }
      got = VhdAssertions.readAll(img);
    } catch (IOException e) {
      throw new AssertionError(at + ": the image does not open", e);
    }
    int common = Math.min(got.length, content.length);
    if (at.startsWith("shrink-fixed") && interrupted && got.length > 9 * BLOCK
        && Arrays.equals(got, (int) (9 * BLOCK), (int) (9 * BLOCK) + 8, COOKIE, 0, 8)) {
      // The new footer is written where the disk will end before the file is cut there: until
      // the cut, the old size shows it in the space being cut (zeros before). Content up to the
      // new size is intact.
      got = got.clone();
      Arrays.fill(got, (int) (9 * BLOCK), (int) (9 * BLOCK) + 512, (byte) 0);
    }
    assertTrue(Arrays.equals(content, 0, common, got, 0, common), at + ": content changed");
    for (int i = common; i < got.length; i++) {
      if (got[i] != 0) {
        // The one documented window: a fixed disk grown but killed before its old footer was
        // zeroed shows that footer's 512 bytes at the old end.
        boolean oldFooter = at.startsWith("grow-fixed") && i >= common && i < common + 512
            && Arrays.equals(got, common, common + 8, "conectix".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                0, 8);
        if (!oldFooter) {
          fail(at + ": byte " + i + " of the new space is not zero");
        }
      }
    }
    for (int i = common; i < content.length; i++) {
      assertEquals(0, content[i], at + ": a shrink cut data");
    }
    for (Problem x : Vhd.check(p).problems()) {
      boolean otherSize = x.code() == ProblemCode.FOOTER_COPY_MISMATCH
          && java.util.Set.of("originalSize", "currentSize", "geometry").contains(x.field());
      if (x.severity() == Severity.ERROR && !(interrupted && otherSize)) {
        fail(at + ": check reports " + x);
      }
    }
  }
}
