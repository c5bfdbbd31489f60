package io.github.vhd4j.internal.vhd;

import static io.github.vhd4j.testing.VhdAssertions.assertReported;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.testing.TestImage;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The dynamic header's own fields, read where the footer's data offset points. */
class DynamicHeaderParserTest {
  private static TestImage image() {
    return TestImage.dynamic(4 << 20, 1 << 20);
  }

  private static DynamicHeaderParser.Header read(Parsing p, long offset) throws IOException {
    FooterCandidate tail = p.tail();
    return DynamicHeaderParser.read(p.ctx, tail, offset, tail.offset);
  }

  @Test
  void shouldReadAValidHeader() throws Exception {
    Parsing p = Parsing.open(image().toBytes());
    DynamicHeaderParser.Header h = read(p, 512);
    assertEquals(512, h.offset());
    assertEquals("header", h.place().structure());
    assertEquals(1024, h.present());
    assertEquals(1 << 20, h.blockSize());
    assertEquals(List.of(), p.complaints());
  }

  @Test
  void shouldPointAtEachReservedFieldUnderOneName() throws Exception {
    TestImage first = image();
    first.headerReserved1 = 1;
    Parsing p1 = Parsing.open(first.toBytes());
    read(p1, 512);
    assertReported(p1.list(), ProblemCode.HEADER_RESERVED, Severity.WARNING, "header", "reserved", 512 + 60);
    TestImage second = image();
    second.headerReserved2[10] = 1;
    Parsing p2 = Parsing.open(second.toBytes());
    read(p2, 512);
    assertReported(p2.list(), ProblemCode.HEADER_RESERVED, Severity.WARNING, "header", "reserved", 512 + 768);
  }

  @Test
  void shouldReportChecksumVersionAndTheUnusedOffset() throws Exception {
    TestImage t = image();
    t.headerChecksum = 5L;
    t.headerVersion = 0x00010001L;
    t.headerNext = 0xFFFFFFFFL;
    Parsing p = Parsing.check(t.toBytes());
    read(p, 512);
    assertReported(p.list(), ProblemCode.HEADER_CHECKSUM, Severity.ERROR, "header", "checksum", 512 + 36);
    assertReported(p.list(), ProblemCode.HEADER_VERSION, Severity.ERROR, "header", "headerVersion", 512 + 24);
    Problem next = assertReported(p.list(), ProblemCode.HEADER_NEXT_OFFSET, Severity.WARNING, "header",
        "dataOffset", 512 + 8);
    assertEquals("0x00000000ffffffff", next.actual());
  }

  @Test
  void shouldStopWithoutAHeaderCookie() {
    TestImage t = image();
    t.headerCookie = "cxsparsX".getBytes();
    Parsing p = Parsing.open(t.toBytes());
    Problem stop = Parsing.stops(() -> read(p, 512));
    assertEquals(ProblemCode.HEADER_COOKIE, stop.code());
    assertEquals(512, stop.offset());
  }

  @Test
  void shouldBlameTheFooterForAMisalignedPointerToNothing() {
    byte[] file = image().toBytes();
    Parsing p = Parsing.open(file);
    Problem stop = Parsing.stops(() -> read(p, 700));
    assertEquals(ProblemCode.FOOTER_DATA_OFFSET, stop.code());
    assertEquals("footer", stop.structure());
    assertEquals(file.length - 512 + 16, stop.offset());
  }

  @Test
  void shouldStopAtAHeaderOutsideTheFile() {
    byte[] file = image().toBytes();
    Parsing p = Parsing.open(file);
    Problem stop = Parsing.stops(() -> read(p, 256));
    assertEquals(ProblemCode.FOOTER_DATA_OFFSET, stop.code());
    assertEquals("512 to " + (file.length - 512 - 1024) + " (a dynamic header inside the file)", stop.expected());
  }

  @Test
  void shouldStopAtAnUnusableBlockSize() {
    TestImage t = image();
    t.blockSize = 3000;
    t.maxTableEntries = 4L;
    Parsing p = Parsing.open(t.toBytes());
    Problem stop = Parsing.stops(() -> read(p, 512));
    assertEquals(ProblemCode.BLOCK_SIZE_INVALID, stop.code());
    assertEquals(512 + 32, stop.offset());
  }

  @Test
  void shouldReportAHeaderCutOffByTheEndOfTheFile() throws Exception {
    byte[] file = image().toBytes();
    Parsing p = Parsing.open(file);
    FooterCandidate tail = p.tail();
    DynamicHeaderParser.Header h = DynamicHeaderParser.read(p.ctx, tail, 512, 512 + 600);
    assertEquals(600, h.present());
    assertEquals(0, h.buf().get(700), "bytes past the end stay zero");
    assertEquals(0, p.list().stream().filter(x -> x.code() == ProblemCode.FOOTER_DATA_OFFSET).count());
    DynamicHeaderParser.reportCutOff(p.ctx, tail, h);
    Problem cut = assertReported(p.list(), ProblemCode.FOOTER_DATA_OFFSET, Severity.ERROR, "footer", "dataOffset",
        tail.offset + 16);
    assertEquals(cut, p.problems.firstUnrecoverableError());
  }
}
