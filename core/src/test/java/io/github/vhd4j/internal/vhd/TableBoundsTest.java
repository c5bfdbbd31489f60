package io.github.vhd4j.internal.vhd;

import static io.github.vhd4j.testing.VhdAssertions.assertReported;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.vhd4j.DiskType;
import io.github.vhd4j.Footer;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.internal.vhd.layout.FooterLayout;
import io.github.vhd4j.testing.TestImage;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The table's offset and entry count, bounded by the file before the table is read. */
class TableBoundsTest {
  /** A 4 MiB disk of 1 MiB blocks: 4 entries at 1536, padded to 2048. */
  private static TestImage image() {
    return TestImage.dynamic(4 << 20, 1 << 20);
  }

  private static TableBounds check(Parsing p) throws IOException {
    FooterCandidate tail = p.tail();
    Footer f = FooterLayout.decode(tail.buf, DiskType.DYNAMIC);
    DynamicHeaderParser.Header h = DynamicHeaderParser.read(p.ctx, tail, 512, tail.offset);
    return TableBounds.check(p.ctx, h, f, f.currentSize(), tail.offset);
  }

  @Test
  void shouldPlaceAValidTable() throws Exception {
    Parsing p = Parsing.open(image().toBytes());
    TableBounds t = check(p);
    assertEquals(1536, t.offset);
    assertEquals(4, t.entries);
    assertEquals(16, t.bytes);
    assertEquals(2048, t.regionEnd);
    assertEquals(4, t.needed);
    assertEquals(List.of(), p.complaints());
  }

  @Test
  void shouldStopAtMoreEntriesThanTheFileCanHold() {
    TestImage t = image();
    t.maxTableEntries = 0x40000001L;
    t.fileLength = 4096L;
    Parsing p = Parsing.open(t.patch(4096 - 512, t.footerBytes(512)).toBytes());
    Problem stop = Parsing.stops(() -> check(p));
    assertEquals(ProblemCode.BAT_OUTSIDE_FILE, stop.code());
    assertEquals("maxTableEntries", stop.field());
    assertEquals(512 + 28, stop.offset());
    assertEquals("at most " + 3584 / 4 + " (what a 3584-byte file can hold)", stop.expected());
  }

  @Test
  void shouldReportAMisalignedTableAndGoOn() throws Exception {
    TestImage t = image();
    t.tableOffset = 1540;
    Parsing p = Parsing.open(t.toBytes());
    TableBounds b = check(p);
    assertEquals(1540, b.offset);
    assertEquals(1540 + 512, b.regionEnd);
    assertReported(p.list(), ProblemCode.HEADER_TABLE_OFFSET, Severity.ERROR, "header", "tableOffset", 512 + 16);
  }

  @Test
  void shouldStopAtATableOverTheHeader() {
    TestImage t = image();
    t.tableOffset = 1024;
    Parsing p = Parsing.open(t.toBytes());
    Problem stop = Parsing.stops(() -> check(p));
    assertEquals(ProblemCode.HEADER_TABLE_OFFSET, stop.code());
    assertEquals("a table clear of the footer copy [0, 512) and the header [512, 1536)", stop.expected());
  }

  @Test
  void shouldStopAtATableTooSmallForTheDisk() {
    TestImage t = image();
    t.maxTableEntries = 3L;
    Parsing p = Parsing.open(t.toBytes());
    Problem stop = Parsing.stops(() -> check(p));
    assertEquals(ProblemCode.BAT_TOO_SMALL, stop.code());
    assertEquals("at least 4", stop.expected());
  }

  @Test
  void shouldWarnAboutEntriesPastTheDisk() throws Exception {
    TestImage t = image();
    t.maxTableEntries = 6L;
    Parsing p = Parsing.open(t.toBytes());
    assertEquals(4, check(p).needed);
    Problem extra = assertReported(p.list(), ProblemCode.BAT_TOO_LARGE, Severity.WARNING, "header",
        "maxTableEntries", 512 + 28);
    assertEquals("4", extra.expected());
  }
}
