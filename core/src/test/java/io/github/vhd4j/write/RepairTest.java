package io.github.vhd4j.write;

import static io.github.vhd4j.testing.VhdAssertions.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.RepairAction;
import io.github.vhd4j.Severity;
import io.github.vhd4j.ValidationReport;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.testing.TestImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Vhd#repair}: each repairable damage (pitfalls §5 A, C-footer and checksum cases, H-83's
 * 511-byte footer, xapi sm#102's lost footer) is listed by a dry run without a change, then fixed
 * so that a strict open and check succeed with the content intact; what cannot be fixed is left.
 */
class RepairTest {
  private static final long BLOCK = 64 << 10;
  @TempDir Path dir;

  private static TestImage image() {
    return TestImage.dynamic(8 * BLOCK, BLOCK).random(100, 3 * (int) BLOCK, 5).fill(6 * BLOCK, 1000, 0x44);
  }

  private static void assertCleanAfter(Path p, byte[] expected) throws IOException {
    ValidationReport r = Vhd.check(p);
    assertTrue(r.problems().stream().noneMatch(x -> x.severity() != Severity.INFO), () -> r.problems().toString());
    try (VhdImage img = Vhd.open(p, OpenOptions.defaults().withFooterRecovery(false))) {
      assertArrayEquals(expected, readAll(img));
    }
    byte[] f = Files.readAllBytes(p);
    assertArrayEquals(Arrays.copyOf(f, 512), Arrays.copyOfRange(f, f.length - 512, f.length),
        "footer and copy identical");
    assertEquals(List.of(), Vhd.repair(p), "a repaired image needs nothing more");
  }

  /** Dry run first (lists, changes nothing), then the repair; returns the actions. */
  private static List<RepairAction> repair(Path p) throws IOException {
    byte[] before = Files.readAllBytes(p);
    List<RepairAction> planned = Vhd.planRepair(p);
    assertArrayEquals(before, Files.readAllBytes(p), "a dry run changes nothing");
    assertFalse(planned.isEmpty());
    List<RepairAction> done = Vhd.repair(p);
    assertEquals(planned, done);
    return done;
  }

  @Test
  void shouldRestoreALostTailFooterFromTheCopy() throws IOException {
    TestImage t = image();
    t.tailFooter = false;
    Path p = t.writeTo(dir.resolve("lost.vhd"));
    assertThrows(VhdFormatException.class, () -> Vhd.open(p, OpenOptions.defaults().withFooterRecovery(false)));
    List<RepairAction> a = repair(p);
    assertEquals("footer", a.get(a.size() - 1).structure());
    assertCleanAfter(p, image().expectedContent());
  }

  @Test
  void shouldRestoreATailFooterCutShortByATruncation() throws IOException {
    byte[] f = image().toBytes();
    Path p = dir.resolve("cut.vhd");
    Files.write(p, Arrays.copyOf(f, f.length - 200));
    repair(p);
    assertCleanAfter(p, image().expectedContent());
  }

  @Test
  void shouldRewriteADamagedCopyFromTheFooter() throws IOException {
    TestImage t = image();
    t.headCopyOverride = new byte[512];
    Path p = t.writeTo(dir.resolve("copy.vhd"));
    List<RepairAction> a = repair(p);
    assertEquals(List.of("footerCopy"), a.stream().map(RepairAction::structure).toList());
    assertEquals(0, a.get(0).offset());
    assertCleanAfter(p, image().expectedContent());
  }

  @Test
  void shouldCompleteA511ByteFooter() throws IOException {
    TestImage t = image();
    t.shortFooter = true;
    Path p = t.writeTo(dir.resolve("short.vhd"));
    long len = Files.size(p);
    repair(p);
    assertEquals(len + 1, Files.size(p));
    assertCleanAfter(p, image().expectedContent());
  }

  @Test
  void shouldRecomputeWrongChecksums() throws IOException {
    TestImage t = image();
    t.footerChecksum = 0x12345678L;
    t.headerChecksum = 0x0BADF00DL;
    Path p = t.writeTo(dir.resolve("sums.vhd"));
    List<String> what = repair(p).stream().map(RepairAction::structure).toList();
    assertTrue(what.contains("header"), what.toString());
    assertCleanAfter(p, image().expectedContent());
  }

  @Test
  void shouldClearTableEntriesOutsideTheFile() throws IOException {
    TestImage t = image();
    t.batOverride.put(7, 0x7FFF_0000);
    Path p = t.writeTo(dir.resolve("bat.vhd"));
    List<RepairAction> a = repair(p);
    assertEquals("bat", a.get(0).structure());
    assertEquals(1536 + 4 * 7, a.get(0).offset());
    assertCleanAfter(p, image().expectedContent());
  }

  @Test
  void shouldLeaveWhatItCannotReadAlone() throws IOException {
    Path p = dir.resolve("junk.vhd");
    Files.write(p, new byte[4096]);
    assertThrows(VhdFormatException.class, () -> Vhd.repair(p));
    assertArrayEquals(new byte[4096], Files.readAllBytes(p));
  }
}
