package io.github.vhd4j.internal.vhd;

import static io.github.vhd4j.testing.VhdAssertions.assertNotReported;
import static io.github.vhd4j.testing.VhdAssertions.assertReported;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ParentLocator;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.internal.vhd.layout.DynamicHeaderLayout;
import io.github.vhd4j.testing.TestImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parent fields and the eight locator entries of a differencing disk, read from its header. */
class LocatorParserTest {
  private static final long HEADER = 512;

  private static TestImage child() {
    TestImage parent = TestImage.dynamic(4 << 20, 1 << 20);
    return TestImage.differencing(parent, "parent.vhd", 1 << 20);
  }

  private static DynamicHeaderParser.Header header(Parsing p) throws IOException {
    FooterCandidate tail = p.tail();
    return DynamicHeaderParser.read(p.ctx, tail, HEADER, tail.offset);
  }

  private static List<ParentLocator> parse(Parsing p, List<long[]> regions) throws IOException {
    DynamicHeaderParser.Header h = header(p);
    String name = DynamicHeaderLayout.parentName(h.buf(), false);
    return LocatorParser.parse(p.ctx, h, name, p.tail().offset, regions);
  }

  @Test
  void shouldDecodeTheUsableEntriesAndAddTheirData() throws Exception {
    TestImage t = child();
    Parsing p = Parsing.open(t.toBytes());
    List<long[]> regions = new ArrayList<>();
    List<ParentLocator> l = parse(p, regions);
    assertEquals(8, l.size());
    assertEquals("C:\\vms\\parent.vhd", l.get(0).path());
    assertEquals(".\\parent.vhd", l.get(1).path());
    assertNull(l.get(2).path());
    assertEquals(2, regions.size(), "each locator's data becomes a metadata region");
    assertEquals(l.get(0).dataOffset(), regions.get(0)[0]);
    assertEquals(l.get(0).dataOffset() + l.get(0).dataLength(), regions.get(0)[1]);
    assertEquals(List.of(), p.complaints());
  }

  @Test
  void shouldReportEntryFieldsAtTheEntrysOffset() throws Exception {
    TestImage t = child();
    t.locators.get(1).reserved = 9;
    t.addLocator(5, TestImage.W2KU, TestImage.utf16le("C:\\vms\\parent.vhd"));
    TestImage.Locator odd = t.addLocator(6, TestImage.W2RU, TestImage.utf16le("x"));
    odd.dataSpace = 1000L;
    Parsing p = Parsing.open(t.toBytes());
    parse(p, new ArrayList<>());
    long entry1 = HEADER + 576 + 24;
    assertReported(p.list(), ProblemCode.LOCATOR_RESERVED, Severity.WARNING, "parentLocator[1]", "reserved",
        entry1 + 12);
    Problem dup = assertReported(p.list(), ProblemCode.LOCATOR_DUPLICATE, Severity.WARNING, "parentLocator[5]",
        "platformCode", HEADER + 576 + 24 * 5);
    assertEquals("same platform code as parentLocator[0]", dup.message().substring(dup.message().indexOf("same")));
    assertReported(p.list(), ProblemCode.LOCATOR_DATA_SPACE, Severity.WARNING, "parentLocator[6]", "dataSpace",
        HEADER + 576 + 24 * 6 + 4);
  }

  @Test
  void shouldIgnoreDataOutsideTheFile() throws Exception {
    TestImage t = child();
    t.locators.get(0).dataOffset = 1L << 40;
    Parsing p = Parsing.open(t.toBytes());
    List<long[]> regions = new ArrayList<>();
    List<ParentLocator> l = parse(p, regions);
    assertNull(l.get(0).path());
    assertEquals(1, regions.size());
    assertReported(p.list(), ProblemCode.LOCATOR_BOUNDS, Severity.WARNING, "parentLocator[0]", "dataOffset",
        HEADER + 576 + 16);
  }

  @Test
  void shouldReportDataOverMetadata() throws Exception {
    TestImage t = child();
    t.locators.get(0).dataOffset = 1536L;
    Parsing p = Parsing.open(t.toBytes());
    List<long[]> regions = new ArrayList<>();
    regions.add(new long[] {1536, 2048});
    parse(p, regions);
    Problem overlap = assertReported(p.list(), ProblemCode.LOCATOR_OVERLAP, Severity.ERROR, "parentLocator[0]",
        "dataOffset", HEADER + 576 + 16);
    assertEquals("data clear of [1536, 2048)", overlap.expected());
  }

  @Test
  void shouldNoteWhenNoEntryIsUsable() throws Exception {
    TestImage t = child();
    t.locators.clear();
    Parsing p = Parsing.open(t.toBytes());
    parse(p, new ArrayList<>());
    assertReported(p.list(), ProblemCode.LOCATOR_MISSING, Severity.INFO, "header", "parentLocators", HEADER + 576);
  }

  @Test
  void shouldReportUndecodableDataAtTheData() throws Exception {
    TestImage t = child();
    t.locators.get(0).payload = new byte[] {0x41, 0, 0x42};
    Parsing p = Parsing.open(t.toBytes());
    List<ParentLocator> l = parse(p, new ArrayList<>());
    assertReported(p.list(), ProblemCode.LOCATOR_ENCODING, Severity.WARNING, "parentLocator[0]", "data",
        l.get(0).dataOffset());
  }

  @Test
  void shouldCheckADifferencingDisksParentFields() throws Exception {
    TestImage t = child();
    t.parentUuid = new java.util.UUID(0, 0);
    t.parentName = "";
    Parsing strict = Parsing.open(t.toBytes());
    ParentFields.checkDifferencing(strict.ctx, header(strict), "");
    assertReported(strict.list(), ProblemCode.PARENT_UUID_NULL, Severity.ERROR, "header", "parentUuid", HEADER + 40);
    assertReported(strict.list(), ProblemCode.PARENT_NAME, Severity.WARNING, "header", "parentName", HEADER + 64);
    Parsing relaxed = Parsing.open(t.toBytes(), OpenOptions.defaults().withVerifyParentUuid(false));
    ParentFields.checkDifferencing(relaxed.ctx, header(relaxed), "parent.vhd");
    assertReported(relaxed.list(), ProblemCode.PARENT_UUID_NULL, Severity.WARNING, "header", "parentUuid",
        HEADER + 40);
  }

  @Test
  void shouldWarnWhenADiskWithoutAParentCarriesParentFields() throws Exception {
    TestImage clean = TestImage.dynamic(4 << 20, 1 << 20);
    Parsing none = Parsing.open(clean.toBytes());
    DynamicHeaderParser.Header h = header(none);
    ParentFields.checkUnused(none.ctx, h, "", io.github.vhd4j.DiskType.DYNAMIC);
    assertNotReported(none.list(), ProblemCode.HEADER_PARENT_FIELDS);
    assertEquals(8, LocatorParser.raw(h.buf()).size());

    TestImage stray = TestImage.dynamic(4 << 20, 1 << 20);
    stray.addLocator(3, TestImage.W2KU, TestImage.utf16le("C:\\x.vhd"));
    Parsing p = Parsing.open(stray.toBytes());
    DynamicHeaderParser.Header sh = header(p);
    ParentFields.checkUnused(p.ctx, sh, "", io.github.vhd4j.DiskType.DYNAMIC);
    Problem w = assertReported(p.list(), ProblemCode.HEADER_PARENT_FIELDS, Severity.WARNING, "header", "parentUuid",
        HEADER + 40);
    assertEquals("a dynamic disk carries parent fields; they are ignored", w.message().substring(
        w.message().indexOf("a dynamic")));
    assertEquals(TestImage.W2KU, LocatorParser.raw(sh.buf()).get(3).platformCode());
  }
}
