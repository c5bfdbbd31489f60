package io.github.vhd4j.internal.vhd;

import static io.github.vhd4j.testing.VhdAssertions.assertNotReported;
import static io.github.vhd4j.testing.VhdAssertions.assertReported;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.DiskType;
import io.github.vhd4j.Footer;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.internal.vhd.layout.FooterLayout;
import io.github.vhd4j.testing.TestImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The table read within its bounds: its padding, and every entry through the validator. */
class TableParserTest {
  /** 4 entries of 1 MiB at 1536: 16 bytes of entries and 496 of padding. */
  private static TestImage image() {
    return TestImage.dynamic(4 << 20, 1 << 20);
  }

  private static TableParser.Table read(Parsing p, List<long[]> regions) throws Exception {
    FooterCandidate tail = p.tail();
    Footer f = FooterLayout.decode(tail.buf, DiskType.DYNAMIC);
    DynamicHeaderParser.Header h = DynamicHeaderParser.read(p.ctx, tail, 512, tail.offset);
    TableBounds bounds = TableBounds.check(p.ctx, h, f, f.currentSize(), tail.offset);
    return TableParser.read(p.ctx, bounds, 512 + (1 << 20), tail.offset, regions);
  }

  @Test
  void shouldOpenAValidTable() throws Exception {
    TestImage t = image();
    t.fill(0, 512, 7).fill(3 << 20, 512, 8);
    Parsing p = Parsing.open(t.toBytes());
    TableParser.Table table = read(p, new ArrayList<>());
    assertEquals(4, table.table().length());
    assertEquals(1536, table.table().offset);
    assertEquals(t.blockOffset(3) / 512, table.table().get(3) & 0xFFFFFFFFL);
    assertEquals(Layer.UNALLOCATED, table.table().get(1));
    assertNull(table.damaged());
    assertEquals(List.of(), p.complaints());
  }

  @Test
  void shouldTellZeroPaddingFromOtherValues() throws Exception {
    TestImage zeros = image();
    zeros.batPadding = 0;
    Parsing pz = Parsing.open(zeros.toBytes());
    read(pz, new ArrayList<>());
    Problem z = assertReported(pz.list(), ProblemCode.BAT_PADDING, Severity.WARNING, "bat", "padding", 1536 + 16);
    assertEquals("zeros", z.actual());
    TestImage other = image();
    other.batPadding = 0x12345678;
    Parsing po = Parsing.open(other.toBytes());
    read(po, new ArrayList<>());
    assertEquals("other values", assertReported(po.list(), ProblemCode.BAT_PADDING, Severity.WARNING, "bat",
        "padding", 1536 + 16).actual());
  }

  @Test
  void shouldCheckPaddingOnlyWhereThereIsSome() throws Exception {
    Parsing p = Parsing.open(image().toBytes());
    TableParser.checkPadding(p.ctx, 1536 + 16, 0);
    TableParser.checkPadding(p.ctx, 1536 + 16, 496);
    assertNotReported(p.list(), ProblemCode.BAT_PADDING);
  }

  @Test
  void shouldHandTheRegionsToTheValidator() throws Exception {
    TestImage t = image();
    t.fill(0, 512, 7);
    long block = t.blockOffset(0);
    Parsing p = Parsing.open(t.toBytes());
    List<long[]> regions = new ArrayList<>();
    regions.add(new long[] {block, block + 512});
    TableParser.Table table = read(p, regions);
    assertNotNull(table.damaged());
    assertTrue(table.damaged().reason(0, table.table().get(0)) == DamagedBlocks.IN_METADATA);
    assertReported(p.list(), ProblemCode.BAT_ENTRY_IN_METADATA, Severity.ERROR, "bat", "entry[0]", 1536);
  }
}
