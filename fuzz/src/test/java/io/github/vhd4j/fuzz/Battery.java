package io.github.vhd4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.DiskImage;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.ValidationReport;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.VhdImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The standard run over one source of image bytes: open strictly and leniently, exercise what
 * opened ({@link Oracles#exercise}), check (shallow and deep), and relate the answers:
 *
 * <ul>
 *   <li>strict opens imply lenient opens, with the same size, metadata, warnings and map;
 *   <li>a strict failure is reported by {@code check} as an error, with the same problem code for
 *       format errors;
 *   <li>a strict success leaves {@code check} no errors except the damaged tail footer that the
 *       head copy replaced (an error for check, a warning for open, by design);
 *   <li>{@code check} never throws for format problems, and the deep report contains the shallow
 *       one in order;
 *   <li>opening and checking allocate at most {@link #allocationLimit} bytes.
 * </ul>
 */
final class Battery {
  /** The image file at {@code file}, opened and checked by path. */
  static BatterySource<VhdImage> source(Path file) {
    return BatterySource.of(file, Vhd::open, Vhd::check);
  }

  /** What a source produced; sources over the same bytes must produce equal results. */
  record Result(String strict, String lenient, Oracles.Snapshot strictSnapshot,
      Oracles.Snapshot lenientSnapshot, List<String> report, List<String> deepReport) {}

  private Battery() {}

  /**
   * Bytes opening or checking a file of {@code n} bytes (the sum over a chain) may allocate. The
   * linear term covers the table (4 bytes per entry), its sort keys (8 per entry) and the bytes
   * read; the constant covers locator payloads (8 of at most 64 KiB, decoded), at most 32 problems
   * per code, and the deep check's 1 MiB buffer.
   */
  static long allocationLimit(long n) {
    return 32 * n + (16L << 20);
  }

  static Result run(BatterySource<VhdImage> src, List<byte[]> chainFiles, OpenOptions base, SplittableRandom rnd)
      throws IOException {
    long n = 0;
    for (byte[] f : chainFiles) {
      n += f.length;
    }
    byte[] top = chainFiles.get(0);
    Outcome<VhdImage> strict = measured("open (strict)", n, () -> src.open(base.withLenient(false)));
    Outcome<VhdImage> lenient = Outcome.of(() -> src.open(base.withLenient(true)));
    try {
      Oracles.Snapshot s1 = null;
      Oracles.Snapshot s2 = null;
      if (strict.ok()) {
        s1 = Oracles.exercise(strict.value(), Oracles.files(strict.value(), top), rnd, false);
      }
      if (lenient.ok()) {
        s2 = Oracles.exercise(lenient.value(), Oracles.files(lenient.value(), top), rnd, true);
      }
      if (strict.ok()) {
        BatteryChecks.strictImpliesLenient(strict, lenient, s1, s2,
            () -> "strict and lenient opens of a valid image differ");
      } else if (lenient.ok() && strict.failure() instanceof VhdFormatException) {
        // Lenient mode lists every error it downgraded, with severity ERROR (OpenOptions.lenient),
        // except a damaged tail footer that it replaced by the head copy (lenient implies footer
        // recovery, which reports the tail as a warning, as the default strict mode does). With
        // recovery off, strict mode parsed the damaged tail's fields, so whatever it stopped at
        // may not exist in the footer lenient mode used.
        ProblemCode code = ((VhdFormatException) strict.failure()).getCode();
        List<Problem> listed = lenient.value().getWarnings();
        boolean headCopy = listed.stream().anyMatch(p -> p.code() == ProblemCode.FOOTER_HEAD_COPY_USED);
        boolean recovered = headCopy
            && (code == ProblemCode.FOOTER_CHECKSUM || code == ProblemCode.FOOTER_COOKIE);
        if (!(headCopy && !base.footerRecovery())) {
          assertTrue(listed.stream()
                  .anyMatch(p -> p.code() == code && (recovered || p.severity() == Severity.ERROR)),
              "lenient mode opened past " + code + " without listing it: " + listed);
        }
      }
      CheckOptions shallow = CheckOptions.defaults().withOpenOptions(base);
      Outcome<ValidationReport> report = measured("check", n, () -> src.check(shallow));
      Outcome<ValidationReport> deep = measured("check --deep", n, () -> src.check(shallow.withDeep(true)));
      assertTrue(report.ok(), "check threw for a format problem: " + report);
      assertTrue(deep.ok(), "deep check threw for a format problem: " + deep);
      relate(strict, report.value(), base);
      List<String> r = Problems.normalize(report.value().problems(), report.value().resource());
      List<String> d = Problems.normalize(deep.value().problems(), deep.value().resource());
      assertTrue(Problems.isSubsequence(r, d),
          "the deep report lost problems of the shallow one:\n" + r + "\n" + d);
      return new Result(strict.failureSignature(), lenient.failureSignature(), s1, s2, r, d);
    } finally {
      BatteryChecks.closeAndCheck(strict, VhdImage::getFooter);
      BatteryChecks.closeAndCheck(lenient, VhdImage::getFooter);
      src.release();
    }
  }

  /**
   * Runs a call and fails when it allocates more than the limit twice in a row (so that class
   * loading and JIT work of a first call do not count).
   */
  static <T> Outcome<T> measured(String what, long n, Outcome.Call<T> call) {
    long before = Alloc.now();
    Outcome<T> first = Outcome.of(call);
    long used = Alloc.now() - before;
    if (used <= allocationLimit(n)) {
      return first;
    }
    close(first);
    before = Alloc.now();
    Outcome<T> again = Outcome.of(call);
    used = Alloc.now() - before;
    if (used > allocationLimit(n)) {
      close(again);
      throw new AssertionError(what + " allocated " + used + " bytes for " + n + " input bytes (limit "
          + allocationLimit(n) + "): " + again);
    }
    return again;
  }

  private static void close(Outcome<?> o) {
    if (o.ok() && o.value() instanceof DiskImage) {
      try {
        ((DiskImage) o.value()).close();
      } catch (IOException e) {
        throw new AssertionError("close failed", e);
      }
    }
  }

  /**
   * Relates the strict open's outcome to the check report of the same bytes. Check always falls
   * back to the head copy of a damaged tail footer; when {@code options} turn that off, a strict
   * open parses the damaged tail instead, so only the fact of an error is compared then.
   */
  static void relate(Outcome<VhdImage> strict, ValidationReport report, OpenOptions options) {
    if (!strict.ok()) {
      boolean sameFooter = options.footerRecovery()
          || report.problems().stream().noneMatch(p -> p.code() == ProblemCode.FOOTER_HEAD_COPY_USED);
      BatteryChecks.failureReported(strict.failure(), report, sameFooter);
      return;
    }
    List<Problem> warnings = strict.value().getWarnings();
    for (Problem p : report.problems(Severity.ERROR)) {
      boolean tailFooterReplaced =
          (p.code() == ProblemCode.FOOTER_COOKIE || p.code() == ProblemCode.FOOTER_CHECKSUM)
          && p.structure().equals("footer")
          && warnings.stream().anyMatch(w -> w.code() == ProblemCode.FOOTER_HEAD_COPY_USED
              && w.resource().equals(p.resource()));
      // Open warns where check reports an error about the footer copy at offset 0, which QEMU and
      // 7-Zip read: the same problem, at the same place, as a warning of the open.
      boolean copyWarned = (p.code() == ProblemCode.FOOTER_COPY_INVALID || p.code() == ProblemCode.FOOTER_COPY_MISMATCH)
          && warnings.stream().anyMatch(w -> w.code() == p.code() && w.severity() == Severity.WARNING
              && w.offset() == p.offset() && w.resource().equals(p.resource()));
      assertTrue(tailFooterReplaced || copyWarned, "strict open succeeded but check reports an error: " + p);
    }
  }
}
