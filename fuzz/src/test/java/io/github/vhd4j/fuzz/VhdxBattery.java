package io.github.vhd4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.ValidationReport;
import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.Vhdx;
import io.github.vhd4j.VhdxImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The standard run over one source of VHDX bytes, as {@link Battery} is for VHD: open strictly and
 * leniently, exercise what opened ({@link VhdxOracles#exercise}), check, and relate the answers:
 *
 * <ul>
 *   <li>a strict open implies a lenient one with the same snapshot (records, warnings, map);
 *   <li>a strict format failure is listed by a lenient open that reads past it, as an error;
 *   <li>a strict failure is reported by {@code check} as an error, with the same code for format
 *       errors; a strict success leaves {@code check} no error;
 *   <li>{@code check} (shallow or deep, which for VHDX read the same) never throws for format
 *       problems;
 *   <li>opening and checking allocate at most {@link Battery#allocationLimit} bytes of the chain's
 *       length;
 *   <li>a closed image can be closed again and refuses reads and maps.
 * </ul>
 */
final class VhdxBattery {
  /** The file at {@code file}, opened and checked by path. */
  static BatterySource<VhdxImage> source(Path file) {
    return BatterySource.of(file, Vhdx::open, Vhdx::check);
  }

  /** What a source produced; sources over the same bytes must produce equal results. */
  record Result(String strict, String lenient, VhdxOracles.Snapshot strictSnapshot,
      VhdxOracles.Snapshot lenientSnapshot, List<String> report) {}

  private VhdxBattery() {}

  /** The bytes of the input's file and of the parents its images may open. */
  static long chainLength(VhdxInput.Case c) {
    long n = c.file().length();
    for (var p : VhdxFixture.install().values()) {
      n += p.length();
    }
    return n;
  }

  static Result run(BatterySource<VhdxImage> src, VhdxInput.Case c, SplittableRandom rnd) throws IOException {
    OpenOptions base = c.options();
    long n = chainLength(c);
    Outcome<VhdxImage> strict = Battery.measured("open (strict)", n, () -> src.open(base.withLenient(false)));
    Outcome<VhdxImage> lenient = Outcome.of(() -> src.open(base.withLenient(true)));
    try {
      VhdxOracles.Snapshot s1 = strict.ok() ? exercise(strict.value(), c, base.withLenient(false), true, rnd) : null;
      // A lenient image whose strict twin was read is compared by its snapshot: equal maps over the
      // same layers read the same bytes.
      VhdxOracles.Snapshot s2 = lenient.ok()
          ? exercise(lenient.value(), c, base.withLenient(true), !strict.ok(), rnd) : null;
      if (strict.ok()) {
        BatteryChecks.strictImpliesLenient(strict, lenient, s1, s2,
            () -> "strict and lenient opens of a valid image differ: " + RecordDiff.first(s1, s2));
      } else if (lenient.ok() && strict.failure() instanceof VhdFormatException) {
        ProblemCode code = ((VhdFormatException) strict.failure()).getCode();
        List<Problem> listed = lenient.value().getWarnings();
        assertTrue(listed.stream().anyMatch(p -> p.code() == code && p.severity() == Severity.ERROR),
            "lenient mode opened past " + code + " without listing it: " + listed);
      }
      // A deep check of a VHDX reads nothing more than a shallow one: one check covers both.
      CheckOptions options = CheckOptions.defaults().withOpenOptions(base).withDeep(rnd.nextBoolean());
      Outcome<ValidationReport> report = Battery.measured("check", n, () -> src.check(options));
      assertTrue(report.ok(), "check threw for a format problem: " + report);
      relate(strict, report.value());
      List<String> r = Problems.normalize(report.value().problems(), report.value().resource());
      return new Result(strict.failureSignature(), lenient.failureSignature(), s1, s2, r);
    } finally {
      BatteryChecks.closeAndCheck(strict, VhdxImage::getHeader);
      BatteryChecks.closeAndCheck(lenient, VhdxImage::getHeader);
      src.release();
    }
  }

  private static VhdxOracles.Snapshot exercise(VhdxImage img, VhdxInput.Case c, OpenOptions options, boolean read,
      SplittableRandom rnd) throws IOException {
    return VhdxOracles.exercise(img, VhdxOracles.layers(img, c, options), c.content(), rnd, options.lenient(), read);
  }

  /** Relates the strict open's outcome to the check report of the same bytes. */
  static void relate(Outcome<VhdxImage> strict, ValidationReport report) {
    if (!strict.ok()) {
      BatteryChecks.failureReported(strict.failure(), report, true);
      return;
    }
    List<Problem> errors = report.problems(Severity.ERROR);
    assertTrue(errors.isEmpty(), "strict open succeeded but check reports errors: " + errors);
  }
}
