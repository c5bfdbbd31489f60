package io.github.vhd4j.internal.vhd;

import static io.github.vhd4j.testing.VhdAssertions.assertNotReported;
import static io.github.vhd4j.testing.VhdAssertions.assertReported;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.vhd4j.DiskType;
import io.github.vhd4j.Footer;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.internal.vhd.layout.FooterLayout;
import io.github.vhd4j.testing.TestImage;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * The footer's fields, validated where the footer was read: a footer placed at offset 1000 here,
 * so every problem's offset must be 1000 plus the field's offset.
 */
class FooterValidatorTest {
  private static final long AT = 1000;

  private static Parsing parsing(TestImage t) {
    byte[] file = new byte[(int) AT + 512];
    System.arraycopy(t.footerBytes(t.diskType == TestImage.FIXED ? -1 : 512), 0, file, (int) AT, 512);
    return Parsing.open(file);
  }

  private static Footer validate(Parsing p) {
    return FooterValidator.validate(p.ctx, p.candidate(AT, "footer"));
  }

  @Test
  void shouldDecodeAValidFooterWithoutProblems() {
    TestImage t = TestImage.dynamic(8 << 20, 2 << 20);
    Parsing p = parsing(t);
    Footer f = validate(p);
    assertEquals(0, p.list().size(), p.list()::toString);
    assertEquals(DiskType.DYNAMIC, f.diskType());
    assertEquals(8 << 20, f.currentSize());
    assertEquals(512, f.dataOffset());
    assertEquals(t.uuid, f.uniqueId());
    assertEquals(FooterLayout.decode(ByteBuffer.wrap(t.footerBytes(512)), DiskType.DYNAMIC), f);
  }

  @Test
  void shouldStopAtAnUnknownDiskType() {
    TestImage t = TestImage.dynamic(8 << 20, 2 << 20);
    t.diskType = 7;
    Parsing p = parsing(t);
    Problem stop = Parsing.stops(() -> validate(p));
    assertEquals(ProblemCode.FOOTER_DISK_TYPE, stop.code());
    assertEquals("diskType", stop.field());
    assertEquals(AT + 60, stop.offset());
    assertEquals("7", stop.actual());
  }

  @Test
  void shouldStopAtACurrentSizeOf2To63() {
    TestImage t = TestImage.dynamic(8 << 20, 2 << 20);
    t.currentSize = -512;
    Parsing p = parsing(t);
    Problem stop = Parsing.stops(() -> validate(p));
    assertEquals(ProblemCode.FOOTER_CURRENT_SIZE, stop.code());
    assertEquals(AT + 48, stop.offset());
  }

  @Test
  void shouldReportEachFieldAtItsOffset() {
    TestImage t = TestImage.fixed(1 << 20);
    t.features = 0;
    t.formatVersion = 0x00020000L;
    t.footerDataOffset = 0xFFFFFFFFL;
    t.creatorOs = "Lnux";
    t.savedState = 2;
    Parsing p = parsing(t);
    validate(p);
    assertReported(p.list(), ProblemCode.FOOTER_FEATURES, Severity.WARNING, "footer", "features", AT + 8);
    Problem version = assertReported(p.list(), ProblemCode.FOOTER_VERSION, Severity.ERROR, "footer",
        "formatVersion", AT + 12);
    assertEquals("0x00020000", version.actual());
    assertReported(p.list(), ProblemCode.FOOTER_DATA_OFFSET, Severity.WARNING, "footer", "dataOffset", AT + 16);
    assertReported(p.list(), ProblemCode.FOOTER_CREATOR_OS, Severity.INFO, "footer", "creatorHostOs", AT + 36);
    assertReported(p.list(), ProblemCode.FOOTER_SAVED_STATE, Severity.WARNING, "footer", "savedState", AT + 84);
  }

  @Test
  void shouldJudgeTheTimeStampAgainstTheParsesClock() {
    TestImage t = TestImage.fixed(1 << 20);
    t.timestamp = Parsing.NOW + ParseContext.TIMESTAMP_SLACK_SECONDS;
    Parsing onTime = parsing(t);
    validate(onTime);
    assertNotReported(onTime.list(), ProblemCode.FOOTER_TIMESTAMP);
    t.timestamp++;
    Parsing late = parsing(t);
    validate(late);
    assertReported(late.list(), ProblemCode.FOOTER_TIMESTAMP, Severity.WARNING, "footer", "timestamp", AT + 24);
  }

  @Test
  void shouldPointAtTheHiddenByteAndTheFirstNonZeroReservedByte() {
    TestImage t = TestImage.fixed(1 << 20);
    t.footerReserved[0] = 1;
    t.footerReserved[100 - 85] = 0x5A;
    Parsing p = parsing(t);
    validate(p);
    assertReported(p.list(), ProblemCode.FOOTER_RESERVED, Severity.WARNING, "footer", "reserved", AT + 85);
    Problem rest = assertReported(p.list(), ProblemCode.FOOTER_RESERVED, Severity.WARNING, "footer", "reserved",
        AT + 100);
    assertEquals("0x5a", rest.actual());
  }

  @Test
  void shouldNameTheCopyWhenTheCopyIsInEffect() {
    TestImage t = TestImage.dynamic(8 << 20, 2 << 20);
    t.features = 0;
    Parsing p = parsing(t);
    FooterValidator.validate(p.ctx, p.candidate(AT, "footerCopy"));
    assertReported(p.list(), ProblemCode.FOOTER_FEATURES, Severity.WARNING, "footerCopy", "features", AT + 8);
  }
}
