package io.github.vhd4j.internal.vhd;

import static io.github.vhd4j.testing.VhdAssertions.assertReported;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.testing.TestImage;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The copy at offset 0 against the footer: a copy that differs only in the size fields is a
 * warning to open (an interrupted resize), any other difference that changes how the disk reads is
 * an error, and check reports every difference that matters as an error.
 */
class HeadCopyComparisonTest {
  /** A dynamic disk whose copy at offset 0 is the footer of a changed twin. */
  private static byte[] withCopy(Consumer<TestImage> change) {
    TestImage t = TestImage.dynamic(4 << 20, 1 << 20);
    TestImage twin = TestImage.dynamic(4 << 20, 1 << 20);
    twin.uuid = t.uuid;
    change.accept(twin);
    t.headCopyOverride = twin.footerBytes(512);
    return t.toBytes();
  }

  private static Parsing compare(Parsing p) {
    HeadCopyComparison.compare(p.ctx, p.tail(), p.candidate(0, "footerCopy"));
    return p;
  }

  @Test
  void shouldAcceptAnIdenticalCopy() {
    assertEquals(0, compare(Parsing.open(withCopy(t -> { }))).list().size());
  }

  @Test
  void shouldWarnToOpenWhenOnlyTheSizeDiffers() {
    byte[] file = withCopy(t -> t.setSize(2 << 20));
    Parsing open = compare(Parsing.open(file));
    Problem size = assertReported(open.list(), ProblemCode.FOOTER_COPY_MISMATCH, Severity.WARNING, "footerCopy",
        "currentSize", 48);
    assertTrue(size.message().contains("an interrupted resize"), size.message());
    assertReported(open.list(), ProblemCode.FOOTER_COPY_MISMATCH, Severity.WARNING, "footerCopy", "originalSize", 40);
    assertReported(open.list(), ProblemCode.FOOTER_COPY_MISMATCH, Severity.WARNING, "footerCopy", "geometry", 56);
    Parsing check = compare(Parsing.check(file));
    assertReported(check.list(), ProblemCode.FOOTER_COPY_MISMATCH, Severity.ERROR, "footerCopy", "currentSize", 48);
  }

  @Test
  void shouldRefuseACopyOfAnotherDisk() {
    byte[] file = withCopy(t -> t.uuid = new java.util.UUID(1, 2));
    Problem p = assertReported(compare(Parsing.open(file)).list(), ProblemCode.FOOTER_COPY_MISMATCH, Severity.ERROR,
        "footerCopy", "uniqueId", 68);
    assertEquals("00 00 00 00 00 00 00 01 00 00 00 00 00 00 00 02", p.actual());
  }

  @Test
  void shouldOnlyWarnAboutTheCreatorAsOneField() {
    byte[] file = withCopy(t -> t.creatorApp = "qemu");
    Parsing check = compare(Parsing.check(file));
    assertReported(check.list(), ProblemCode.FOOTER_COPY_MISMATCH, Severity.WARNING, "footerCopy", "creator", 28);
    assertEquals(1, check.list().size(), check.list()::toString);
  }

  @Test
  void shouldReportAMissingOrDamagedCopy() {
    Parsing none = Parsing.open(withCopy(t -> { }));
    HeadCopyComparison.compare(none.ctx, none.tail(), null);
    Problem missing = assertReported(none.list(), ProblemCode.FOOTER_COPY_INVALID, Severity.WARNING, "footerCopy",
        "cookie", 0);
    assertEquals("nothing", missing.actual());
    Parsing damaged = compare(Parsing.check(withCopy(t -> t.footerChecksum = 7L)));
    assertReported(damaged.list(), ProblemCode.FOOTER_COPY_INVALID, Severity.ERROR, "footerCopy", "checksum", 64);
  }
}
