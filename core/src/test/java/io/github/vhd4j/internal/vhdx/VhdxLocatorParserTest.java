package io.github.vhd4j.internal.vhdx;

import static io.github.vhd4j.testing.VhdAssertions.assertReported;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.VhdxParentLocator;
import io.github.vhd4j.internal.Field;
import io.github.vhd4j.internal.vhdx.layout.Guids;
import io.github.vhd4j.internal.vhdx.layout.ParentLocatorLayout;
import io.github.vhd4j.testing.BuiltVhdx;
import io.github.vhd4j.testing.SparseImage;
import io.github.vhd4j.testing.VhdxBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Parent Locator item (MS-VHDX 2.6.2.6; V34). */
class VhdxLocatorParserTest {
  private static final long MIB = VhdxBuilder.MIB;
  private static final UUID PARENT = UUID.fromString("6a1c0ad5-4b66-4a4c-9b8e-3c0c2f2d8e11");

  /** A parse of a child whose locator has these entries, changed afterwards. */
  private static Result parse(Map<String, String> entries, Consumer<SparseImage.Struct> change) throws IOException {
    VhdxBuilder b = VhdxBuilder.differencing(8 * MIB, 2 * MIB, PARENT);
    b.locator.clear();
    b.locator.putAll(entries);
    BuiltVhdx v = b.build();
    SparseImage.Struct item = v.item(Guids.PARENT_LOCATOR);
    change.accept(item);
    VhdxParsing p = VhdxParsing.open(v);
    MetadataParser.Parsed parsed = MetadataParserTest.parse(p);
    VhdxParentLocator l = VhdxLocatorParser.parse(p.ctx, parsed.locator(), parsed.locatorOffset());
    return new Result(l, p.list(), item.offset());
  }

  private static Result parse(Map<String, String> entries) throws IOException {
    return parse(entries, s -> {});
  }

  private record Result(VhdxParentLocator locator, List<Problem> problems, long offset) {
    Problem reported(String field, long fieldOffset) {
      return assertReported(problems, ProblemCode.VHDX_PARENT_LOCATOR, Severity.ERROR, "parent locator", field,
          offset + fieldOffset);
    }
  }

  private static Map<String, String> linked(String... more) {
    java.util.LinkedHashMap<String, String> m = new java.util.LinkedHashMap<>();
    m.put("parent_linkage", Guids.text(PARENT));
    for (int i = 0; i < more.length; i += 2) {
      m.put(more[i], more[i + 1]);
    }
    return m;
  }

  private static int entry(int i, Field f) {
    return ParentLocatorLayout.entryIndex(i) + f.offset();
  }

  /** Reads entry {@code i}'s field from the item. */
  private static long field(SparseImage.Struct item, int i, Field f) {
    ByteBuffer b = item.buffer().order(ByteOrder.LITTLE_ENDIAN);
    return f.size() == 2 ? b.getShort(entry(i, f)) & 0xFFFF : b.getInt(entry(i, f)) & 0xFFFFFFFFL;
  }

  @Test
  void shouldDecodeEveryEntryInStoredOrder() throws IOException {
    // The key order a Windows 10 child was seen with, zero parent_linkage2 included.
    Map<String, String> m = linked("absolute_win32_path", "\\\\?\\C:\\vms\\base.vhdx", "relative_path",
        ".\\base.vhdx", "volume_path", "\\\\?\\Volume{26a21bda-a627-11d7-9931-806e6f6e6963}\\vms\\base.vhdx",
        "parent_linkage2", "{00000000-0000-0000-0000-000000000000}", "vendor_note", "caf\u00e9 \uD83D\uDE00");
    Result r = parse(m);
    assertEquals(List.of(), r.problems());
    assertEquals(Guids.VHDX_LOCATOR_TYPE, r.locator().locatorType());
    assertEquals(List.copyOf(m.keySet()), List.copyOf(r.locator().entries().keySet()));
    assertEquals(m, r.locator().entries());
    assertEquals(Guids.text(PARENT), r.locator().parentLinkage());
    assertEquals(".\\base.vhdx", r.locator().relativePath());
  }

  @Test
  void shouldAcceptUpperCaseGuidsAndASinglePath() throws IOException {
    Result r = parse(Map.of("parent_linkage", "{" + PARENT.toString().toUpperCase() + "}", "volume_path",
        "\\\\?\\Volume{x}\\a.vhdx"));
    assertEquals(List.of(), r.problems());
  }

  @Test
  void shouldRefuseAnotherLocatorType() throws IOException {
    Result r = parse(linked("relative_path", "a"), s -> s.setGuid(0, ParentLocatorLayout.LOCATOR_TYPE, PARENT));
    assertNull(r.locator());
    r.reported("locatorType", 0);
  }

  @Test
  void shouldRefuseReservedBits() throws IOException {
    Result r = parse(linked("relative_path", "a"), s -> s.set(ParentLocatorLayout.RESERVED, 1));
    assertNotNull(r.locator());
    r.reported("reserved", ParentLocatorLayout.RESERVED.offset());
  }

  @ParameterizedTest(name = "count {0}")
  @ValueSource(ints = {0, 200, 257, 0xFFFF})
  void shouldRefuseAnEntryCountOutOfRangeOrBeyondTheItem(int count) throws IOException {
    // 200 entries are allowed but do not fit in this item.
    Result r = parse(linked("relative_path", "a"), s -> s.set(ParentLocatorLayout.KEY_VALUE_COUNT, count));
    assertNull(r.locator());
    r.reported("keyValueCount", ParentLocatorLayout.KEY_VALUE_COUNT.offset());
  }

  @Test
  void shouldAcceptUpTo256Entries() throws IOException {
    java.util.LinkedHashMap<String, String> m = new java.util.LinkedHashMap<>(linked("relative_path", "a"));
    for (int i = 0; m.size() < 256; i++) {
      m.put("k" + i, "v");
    }
    Result r = parse(m);
    assertEquals(List.of(), r.problems());
    assertEquals(256, r.locator().entries().size());
  }

  @Test
  void shouldRefuseEntriesDecodingOneWindowOverAndOver() throws IOException {
    // Every value points at the same long path: decoding them all would take 256 times its bytes.
    java.util.LinkedHashMap<String, String> m = new java.util.LinkedHashMap<>(linked("relative_path", "p".repeat(2000)));
    for (int i = 0; m.size() < 256; i++) {
      m.put("k" + i, "v");
    }
    Result r = parse(m, s -> {
      long off = field(s, 1, ParentLocatorLayout.VALUE_OFFSET);
      long len = field(s, 1, ParentLocatorLayout.VALUE_LENGTH);
      for (int i = 2; i < 256; i++) {
        s.set(ParentLocatorLayout.entryIndex(i), ParentLocatorLayout.VALUE_OFFSET, off);
        s.set(ParentLocatorLayout.entryIndex(i), ParentLocatorLayout.VALUE_LENGTH, len);
      }
    });
    Problem e = r.reported("keyValueCount", ParentLocatorLayout.KEY_VALUE_COUNT.offset());
    assertTrue(e.message().contains("longer than the item"), e.message());
    assertNull(r.locator());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"zero offset", "odd offset", "odd length", "zero length", "past the item"})
  void shouldRefuseMisplacedText(String how) throws IOException {
    Result r = parse(linked("relative_path", "abc"), s -> {
      long off = field(s, 1, ParentLocatorLayout.VALUE_OFFSET);
      switch (how) {
        case "zero offset" -> s.set(ParentLocatorLayout.entryIndex(1), ParentLocatorLayout.VALUE_OFFSET, 0);
        case "odd offset" -> s.set(ParentLocatorLayout.entryIndex(1), ParentLocatorLayout.VALUE_OFFSET, off + 1);
        case "odd length" -> s.set(ParentLocatorLayout.entryIndex(1), ParentLocatorLayout.VALUE_LENGTH, 5);
        case "zero length" -> s.set(ParentLocatorLayout.entryIndex(1), ParentLocatorLayout.VALUE_LENGTH, 0);
        default -> s.set(ParentLocatorLayout.entryIndex(1), ParentLocatorLayout.VALUE_LENGTH, 8);
      }
    });
    r.reported("entry[1].valueOffset", entry(1, ParentLocatorLayout.VALUE_OFFSET));
    assertNull(r.locator().relativePath());
    assertTrue(r.problems().stream().anyMatch(x -> x.message().contains("names no path")), "no path is left");
  }

  @Test
  void shouldRefuseAKeyPastTheItem() throws IOException {
    Result r = parse(linked("relative_path", "abc"),
        s -> s.set(ParentLocatorLayout.entryIndex(0), ParentLocatorLayout.KEY_OFFSET, 0xFFFF_FFFEL));
    r.reported("entry[0].keyOffset", entry(0, ParentLocatorLayout.KEY_OFFSET));
  }

  /** Overwrites character {@code c} of entry {@code i}'s value. */
  private static Consumer<SparseImage.Struct> character(int i, int c, char value) {
    return s -> {
      int at = (int) field(s, i, ParentLocatorLayout.VALUE_OFFSET) + 2 * c;
      s.setBytes(at, new byte[] {(byte) value, (byte) (value >>> 8)});
    };
  }

  @Test
  void shouldRefuseNulInText() throws IOException {
    Result r = parse(linked("relative_path", "abc"), character(1, 1, '\0'));
    r.reported("entry[1].valueOffset", entry(1, ParentLocatorLayout.VALUE_OFFSET));
  }

  @ParameterizedTest(name = "surrogate {0}")
  @ValueSource(chars = {'\uD800', '\uDC00'})
  void shouldRefuseUnpairedSurrogates(char surrogate) throws IOException {
    for (int at = 0; at < 3; at++) {
      Result r = parse(linked("relative_path", "abc"), character(1, at, surrogate));
      Problem e = r.reported("entry[1].valueOffset", entry(1, ParentLocatorLayout.VALUE_OFFSET));
      assertTrue(e.message().contains("unpaired surrogate"), e.message());
    }
  }

  @Test
  void shouldRefuseDuplicateKeys() throws IOException {
    Result r = parse(linked("relative_path", "a", "volume_path", "b"), s -> {
      s.set(ParentLocatorLayout.entryIndex(2), ParentLocatorLayout.KEY_OFFSET,
          field(s, 1, ParentLocatorLayout.KEY_OFFSET));
      s.set(ParentLocatorLayout.entryIndex(2), ParentLocatorLayout.KEY_LENGTH,
          field(s, 1, ParentLocatorLayout.KEY_LENGTH));
    });
    r.reported("entry[2].keyOffset", entry(2, ParentLocatorLayout.KEY_OFFSET));
    assertEquals("a", r.locator().relativePath(), "the first stands");
  }

  @Test
  void shouldQuoteOnlyTheStartOfALongValue() throws IOException {
    java.util.LinkedHashMap<String, String> m = new java.util.LinkedHashMap<>();
    m.put("parent_linkage", "{" + "x".repeat(2_000) + "}");
    m.put("relative_path", "a");
    Problem e = parse(m).reported("keyValueCount", ParentLocatorLayout.KEY_VALUE_COUNT.offset());
    String shown = String.valueOf(e.actual());
    assertTrue(shown.length() < 200, "a problem quotes the whole 2,002-character value: " + shown.length());
    assertTrue(shown.startsWith("\"{xxx") && shown.endsWith("... (2002 characters)"), shown);
  }

  @Test
  void shouldNameTheUnitThatSpoilsAText() throws IOException {
    java.util.LinkedHashMap<String, String> m = new java.util.LinkedHashMap<>(linked("relative_path", "a"));
    m.put("volume_path", "ab\u0000c");
    Problem e = parse(m).reported("entry[2].valueOffset", entry(2, ParentLocatorLayout.VALUE_OFFSET));
    assertEquals("U+0000 at character 2", e.actual());
  }

  @Test
  void shouldEscapeControlCharactersOfAQuotedKey() throws IOException {
    Result r = parse(linked("relative_path", "a", "k\u0001\u001f", "b", "volume_path", "c"), s -> {
      s.set(ParentLocatorLayout.entryIndex(3), ParentLocatorLayout.KEY_OFFSET,
          field(s, 2, ParentLocatorLayout.KEY_OFFSET));
      s.set(ParentLocatorLayout.entryIndex(3), ParentLocatorLayout.KEY_LENGTH,
          field(s, 2, ParentLocatorLayout.KEY_LENGTH));
    });
    Problem e = r.reported("entry[3].keyOffset", entry(3, ParentLocatorLayout.KEY_OFFSET));
    assertEquals("\"k\\u0001\\u001f\"", e.actual());
  }

  @Test
  void shouldRefuseKeysDifferingOnlyInCaseAsMissing() throws IOException {
    Result r = parse(Map.of("Parent_Linkage", Guids.text(PARENT), "relative_path", "a"));
    r.reported("keyValueCount", ParentLocatorLayout.KEY_VALUE_COUNT.offset());
  }

  @ParameterizedTest(name = "linkage {0}")
  @ValueSource(strings = {"6a1c0ad5-4b66-4a4c-9b8e-3c0c2f2d8e11", "{6a1c0ad5-4b66-4a4c-9b8e}", "{not-a-guid}",
      "{6a1c0ad5-4b66-4a4c-9b8e-3c0c2f2d8e11} "})
  void shouldRefuseALinkageThatIsNotABracedGuid(String linkage) throws IOException {
    Result r = parse(Map.of("parent_linkage", linkage, "relative_path", "a"));
    Problem e = r.reported("keyValueCount", ParentLocatorLayout.KEY_VALUE_COUNT.offset());
    assertTrue(e.message().contains("not a GUID"), e.message());
    Result r2 = parse(linked("parent_linkage2", linkage, "relative_path", "a"));
    r2.reported("keyValueCount", ParentLocatorLayout.KEY_VALUE_COUNT.offset());
  }

  @Test
  void shouldRefuseALocatorWithoutAPath() throws IOException {
    Result r = parse(linked("parent_name", "base.vhdx"));
    Problem e = r.reported("keyValueCount", ParentLocatorLayout.KEY_VALUE_COUNT.offset());
    assertTrue(e.message().contains("names no path"), e.message());
  }
}
