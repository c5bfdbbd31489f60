package io.github.vhd4j.internal.vhd;

import static io.github.vhd4j.testing.VhdAssertions.assertReported;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.DiskType;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.SizeSource;
import io.github.vhd4j.testing.TestImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parse from the top: the parts in the format's order, put together into a layer. */
class LayerParserTest {
  @Test
  void shouldBuildAFixedLayer() throws Exception {
    TestImage t = TestImage.fixed(1 << 20);
    Parsing p = Parsing.open(t.toBytes());
    Layer l = LayerParser.parse(p.ctx);
    assertEquals(DiskType.FIXED, l.type);
    assertEquals(1 << 20, l.footerOffset);
    assertEquals(512, l.footerLength);
    assertEquals(1 << 20, l.dataEnd);
    assertEquals(1 << 20, l.virtualSize);
    assertEquals("img", l.resource());
    assertNull(l.header);
    assertNull(l.bat);
    assertEquals(0, l.blockSize);
    assertEquals(0, l.bitmapBytes);
    assertEquals(List.of(), p.complaints());
  }

  @Test
  void shouldBuildADifferencingLayer() throws Exception {
    TestImage parent = TestImage.dynamic(4 << 20, 1 << 20);
    TestImage t = TestImage.differencing(parent, "parent.vhd", 1 << 20);
    t.fill(1 << 20, 4096, 3);
    Parsing p = Parsing.open(t.toBytes());
    Layer l = LayerParser.parse(p.ctx);
    assertEquals(DiskType.DIFFERENCING, l.type);
    assertNotNull(l.header);
    assertEquals(1536, l.header.tableOffset());
    assertEquals("parent.vhd", l.header.parentName());
    assertEquals("C:\\vms\\parent.vhd", l.header.parentLocators().get(0).path());
    assertEquals(4, l.bat.length());
    assertEquals(20, l.blockShift);
    assertEquals(512, l.bitmapBytes);
    assertFalse(l.lsbFirstBitmap);
    assertNull(l.damaged);
    assertEquals(l.footerOffset, l.dataEnd);
    assertEquals(List.of(), p.complaints());
  }

  @Test
  void shouldReadBlktap01BitmapsLeastSignificantBitFirst() throws Exception {
    TestImage t = TestImage.dynamic(4 << 20, 1 << 20);
    t.creatorApp = "tap\0";
    t.creatorVersion = 1;
    Layer l = LayerParser.parse(Parsing.open(t.toBytes()).ctx);
    assertTrue(l.lsbFirstBitmap);
    assertTrue(l.bit(0x01, 0));
    assertFalse(l.bit(0x80, 0));
  }

  @Test
  void shouldKeepTheCopysLayerWhenTheFooterIsLost() throws Exception {
    TestImage t = TestImage.dynamic(4 << 20, 1 << 20);
    t.tailFooter = false;
    Parsing p = Parsing.open(t.toBytes(), OpenOptions.defaults().withFooterRecovery(true));
    Layer l = LayerParser.parse(p.ctx);
    assertTrue(l.headCopyUsed);
    assertEquals(0, l.footerOffset);
    assertEquals(p.file.length, l.dataEnd);
    assertReported(p.list(), ProblemCode.FOOTER_HEAD_COPY_USED, Severity.WARNING, "footerCopy", "cookie", 0);
  }

  @Test
  void shouldReportProblemsInTheFormatsOrder() throws Exception {
    TestImage t = TestImage.dynamic(4 << 20, 1 << 20);
    t.features = 0;
    t.headerReserved1 = 1;
    t.batPadding = 0;
    Parsing p = Parsing.check(t.toBytes());
    LayerParser.parse(p.ctx);
    assertEquals("[FOOTER_FEATURES, SIZE_SOURCES_DIFFER, HEADER_RESERVED, BLOCK_SIZE_NONSTANDARD, BAT_PADDING]",
        p.list().stream().map(x -> x.code()).toList().toString());
  }

  @Test
  void shouldSizeByTheFileInLenientMode() throws Exception {
    TestImage t = TestImage.fixed(1 << 20);
    t.currentSize = 4096;
    Layer l = LayerParser.parse(Parsing.open(t.toBytes(), OpenOptions.defaults().withLenient(true)).ctx);
    assertEquals(SizeSource.FILE_LENGTH, l.sizes.source());
    assertEquals(1 << 20, l.virtualSize);
  }

  @Test
  void shouldEndMetadataAtTheFurthestStructureInsideTheLimit() throws Exception {
    TestImage parent = TestImage.dynamic(4 << 20, 1 << 20);
    TestImage t = TestImage.differencing(parent, "parent.vhd", 1 << 20);
    Layer l = LayerParser.parse(Parsing.open(t.toBytes()).ctx);
    long lastLocator = Math.max(l.header.parentLocators().get(0).dataOffset(),
        l.header.parentLocators().get(1).dataOffset());
    assertEquals(lastLocator + 512, l.metadataEnd(l.dataEnd));
    assertEquals(2048, l.metadataEnd(2048), "locator data past the limit does not count");
  }
}
