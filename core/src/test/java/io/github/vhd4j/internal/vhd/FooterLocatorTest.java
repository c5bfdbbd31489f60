package io.github.vhd4j.internal.vhd;

import static io.github.vhd4j.testing.VhdAssertions.assertReported;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.testing.TestImage;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Finding the footer: at the end (512 or 511 bytes), or the copy at offset 0 when allowed. */
class FooterLocatorTest {
  private static final long MIB = 1 << 20;

  /** A 2 MiB dynamic disk of 1 MiB blocks: header at 512, table at 1536, footer at 2048. */
  private static TestImage image() {
    return TestImage.dynamic(2 * MIB, MIB);
  }

  private static byte[] withoutTailCookie() {
    TestImage t = image();
    return t.patch(t.tailFooterOffset(), "notvhd!!".getBytes()).toBytes();
  }

  @Test
  void shouldChooseTheFooterAtTheEnd() throws Exception {
    Parsing p = Parsing.open(image().toBytes());
    FooterChoice c = FooterLocator.locate(p.ctx);
    assertEquals(2048, c.chosen().offset);
    assertEquals(512, c.chosen().length);
    assertEquals("footer", c.chosen().structure());
    assertNotNull(c.head());
    assertEquals("footerCopy", c.head().structure());
    assertFalse(c.headCopyUsed());
    assertEquals(2048, c.dataEnd());
    assertEquals(0, p.list().size(), p.list()::toString);
  }

  @Test
  void shouldReadAShortFooterAndNoteIt() throws Exception {
    TestImage t = image();
    t.shortFooter = true;
    Parsing p = Parsing.open(t.toBytes());
    FooterChoice c = FooterLocator.locate(p.ctx);
    assertEquals(511, c.chosen().length);
    assertEquals(2048, c.chosen().offset);
    assertTrue(c.chosen().checksumOk());
    assertReported(p.list(), ProblemCode.FOOTER_SHORT, Severity.INFO, "footer", "reserved", 2048);
  }

  @Test
  void shouldStopWithoutAFooterAndPointAtTheCopy() {
    Parsing p = Parsing.open(withoutTailCookie(), OpenOptions.defaults().withFooterRecovery(false));
    Problem stop = Parsing.stops(() -> FooterLocator.locate(p.ctx));
    assertEquals(ProblemCode.FOOTER_COOKIE, stop.code());
    assertEquals(2048, stop.offset());
    assertEquals("\"notvhd!!\"", stop.actual());
    assertTrue(stop.message().endsWith("a valid footer copy exists at offset 0 (enable footer recovery)"),
        stop.message());
  }

  @Test
  void shouldUseTheCopyWhenRecoveryIsOn() throws Exception {
    Parsing p = Parsing.open(withoutTailCookie(), OpenOptions.defaults().withFooterRecovery(true));
    assertTrue(OpenOptions.defaults().footerRecovery(), "recovery is on by default");
    FooterChoice c = FooterLocator.locate(p.ctx);
    assertTrue(c.headCopyUsed());
    assertSame(c.head(), c.chosen());
    assertEquals(0, c.chosen().offset);
    assertEquals(2560, c.dataEnd(), "without a footer at the end, blocks may reach the file's end");
    assertReported(p.list(), ProblemCode.FOOTER_COOKIE, Severity.WARNING, "footer", "cookie", 2048);
    assertReported(p.list(), ProblemCode.FOOTER_HEAD_COPY_USED, Severity.WARNING, "footerCopy", "cookie", 0);
  }

  @Test
  void shouldReportTheLostFooterAsAnErrorToCheck() throws Exception {
    Parsing p = Parsing.check(withoutTailCookie());
    assertTrue(FooterLocator.locate(p.ctx).headCopyUsed());
    assertReported(p.list(), ProblemCode.FOOTER_COOKIE, Severity.ERROR, "footer", "cookie", 2048);
  }

  @Test
  void shouldPreferTheCopyOverAFooterWithABadChecksum() throws Exception {
    TestImage t = image();
    t.footerChecksum = 0x12345678L;
    t.headCopyOverride = image().footerBytes(512);
    Parsing p = Parsing.open(t.toBytes(), OpenOptions.defaults().withLenient(true));
    FooterChoice c = FooterLocator.locate(p.ctx);
    assertTrue(c.headCopyUsed());
    Problem bad = assertReported(p.list(), ProblemCode.FOOTER_CHECKSUM, Severity.WARNING, "footer", "checksum",
        2048 + 64);
    assertEquals("0x12345678", bad.actual());
    assertTrue(bad.message().endsWith("using the copy at offset 0 instead"), bad.message());
  }

  @Test
  void shouldStopAStrictOpenAtABadChecksum() {
    TestImage t = image();
    t.footerChecksum = 0x12345678L;
    Parsing p = Parsing.open(t.toBytes());
    Problem stop = Parsing.stops(() -> FooterLocator.locate(p.ctx));
    assertEquals(ProblemCode.FOOTER_CHECKSUM, stop.code());
    assertEquals(2048 + 64, stop.offset());
    assertTrue(stop.message().endsWith("no valid copy at offset 0 to fall back to"), stop.message());
  }

  @Test
  void shouldRecogniseTheHiddenByteOfEarlyTapdisk() throws Exception {
    TestImage t = image();
    byte[] file = t.toBytes();
    file[(int) t.tailFooterOffset() + 85] = 1;
    Arrays.fill(file, 0, 512, (byte) 0);
    Parsing p = Parsing.open(file, OpenOptions.defaults().withLenient(true));
    FooterLocator.locate(p.ctx);
    Problem bad = assertReported(p.list(), ProblemCode.FOOTER_CHECKSUM, Severity.ERROR, "footer", "checksum",
        2048 + 64);
    assertTrue(bad.message().contains("'hidden' byte (offset 85)"), bad.message());
  }

  @Test
  void shouldStopOnAFileTooSmallForAFooter() {
    Parsing p = Parsing.open(new byte[510]);
    Problem stop = Parsing.stops(() -> FooterLocator.locate(p.ctx));
    assertEquals(ProblemCode.FILE_TOO_SMALL, stop.code());
    assertEquals("file", stop.structure());
    assertEquals("length", stop.field());
    assertEquals(-1, stop.offset());
    assertEquals("510", stop.actual());
  }
}
