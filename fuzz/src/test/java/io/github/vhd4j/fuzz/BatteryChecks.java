package io.github.vhd4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.DiskImage;
import io.github.vhd4j.Severity;
import io.github.vhd4j.ValidationReport;
import io.github.vhd4j.VhdException;
import io.github.vhd4j.VhdFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The checks {@link Battery} and {@link VhdxBattery} make alike, with the same messages, so that a
 * finding reads the same whichever format it came from.
 */
final class BatteryChecks {
  private BatteryChecks() {}

  /**
   * A strict open implies a lenient one that saw the same image ({@code differ} says how the
   * snapshots differ), and a strictly opened image lists no error among its warnings.
   */
  static <I extends DiskImage> void strictImpliesLenient(Outcome<I> strict, Outcome<I> lenient, Object strictSnapshot,
      Object lenientSnapshot, Supplier<String> differ) {
    assertTrue(lenient.ok(), "strict mode opened the image but lenient mode refused it: " + lenient);
    assertEquals(strictSnapshot, lenientSnapshot, differ);
    assertTrue(strict.value().getWarnings().stream().noneMatch(p -> p.severity() == Severity.ERROR),
        "a strictly opened image lists an error among its warnings: " + strict.value().getWarnings());
  }

  /**
   * A failed strict open leaves {@code check} an error; when {@code sameCode} (both read the same
   * structures), an error with the format failure's code.
   */
  static void failureReported(VhdException e, ValidationReport report, boolean sameCode) {
    assertTrue(report.hasErrors(), "strict open failed (" + e + ") but check found no error: " + report.problems());
    if (sameCode && e instanceof VhdFormatException f) {
      assertTrue(report.problems(Severity.ERROR).stream().anyMatch(p -> p.code() == f.getCode()),
          "strict open failed with " + f.getCode() + " but check reports no such error: " + report.problems());
    }
  }

  /**
   * Closes an opened image and checks the after-close contract: a second close is harmless, reads
   * and maps refuse, and {@code parsed} (the structures read at open) still answers.
   */
  static <I extends DiskImage> void closeAndCheck(Outcome<I> o, Consumer<I> parsed) throws IOException {
    if (!o.ok()) {
      return;
    }
    I img = o.value();
    img.close();
    img.close();
    assertThrows(IllegalStateException.class, () -> img.read(0, ByteBuffer.allocate(1)));
    assertThrows(IllegalStateException.class, img::map);
    parsed.accept(img);
  }
}
