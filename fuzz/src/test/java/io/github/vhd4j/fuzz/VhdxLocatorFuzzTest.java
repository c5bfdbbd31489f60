package io.github.vhd4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.Vhdx;
import io.github.vhd4j.VhdxImage;
import io.github.vhd4j.VhdxParentLocator;
import io.github.vhd4j.internal.ParseMode;
import io.github.vhd4j.internal.vhdx.FuzzAccess;
import io.github.vhd4j.internal.vhdx.layout.Guids;
import io.github.vhd4j.internal.vhdx.layout.MetadataLayout;
import io.github.vhd4j.internal.vhdx.layout.ParentLocatorLayout;
import io.github.vhd4j.testing.VhdxBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Entry point: the Parent Locator item (MS-VHDX 2.6.2.6), with the items {@link VhdxLocatorInput}
 * makes. The parser on its own (strict and lenient opens, a check) never throws and allocates at
 * most {@link #allocationLimit} bytes for the item: it returns a locator or nothing, and records
 * only {@code VHDX_PARENT_LOCATOR} errors placed inside the item;
 * what it returns agrees with an independent decoding of the item from the specification (type and
 * entry count, the entries whose key and value are well-formed UTF-16 inside the item, first key
 * wins, a {@code parent_linkage} GUID in braces, a path). Through the gate, as the item of a
 * differencing disk over {@link VhdxFixture}'s parents: the {@link VhdxBattery} holds; a locator
 * with problems is refused with its code; a strict open has the parsed locator and a parent whose
 * DataWriteGuid the locator names.
 */
class VhdxLocatorFuzzTest {
  private static final Pattern BRACED_GUID = Pattern.compile(
      "\\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}}");
  private static final List<String> PATHS = List.of(ParentLocatorLayout.RELATIVE_PATH, ParentLocatorLayout.VOLUME_PATH,
      ParentLocatorLayout.ABSOLUTE_WIN32_PATH);
  private static final long FILE_OFFSET = 0x20_0000L + 0x1_0040L;

  /** What the specification says an item holds. */
  private record Expected(boolean refused, Map<String, String> entries, boolean faulty) {}

  /**
   * What parsing an item of {@code n} bytes may allocate: its copy, its decoded text (keys and
   * values lie inside the item), the entries' map and the problems. The problems are bounded by the
   * 256 entries, not by the item: a 13 KiB item of 256 entries reporting 354 problems allocated
   * 1.06 MB (1.69 MB under the fuzzer's instrumentation), about 3 KB a problem for its message and
   * site, so the fixed part allows 3 MiB.
   */
  static long allocationLimit(long n) {
    return 16 * n + (3L << 20);
  }

  @VhdFuzzTest
  void shouldParseAnyLocatorWithinItsProblems(byte[] data) throws IOException {
    byte[] item = VhdxLocatorInput.decode(data);
    if (item.length >= ParentLocatorLayout.HEADER_SIZE) {
      Expected want = expected(item);
      bounded(item);
      FuzzAccess.LocatorParse first = null;
      for (OpenOptions o : List.of(OpenOptions.defaults(), OpenOptions.defaults().withLenient(true))) {
        for (ParseMode mode : ParseMode.values()) {
          FuzzAccess.LocatorParse got = FuzzAccess.parseLocator(item, FILE_OFFSET, o, mode);
          check(item, want, got);
          if (first == null) {
            first = got;
          }
          assertEquals(first.locator(), got.locator(), "the locator depends on the mode");
          assertEquals(first.problems(), got.problems(), "the problems depend on the mode");
        }
      }
    }
    throughTheGate(data, item);
  }

  /** Parses strictly and fails when it allocates more than the limit twice in a row (JIT and class loading aside). */
  private static void bounded(byte[] item) {
    for (int attempt = 0; ; attempt++) {
      long before = Alloc.now();
      FuzzAccess.parseLocator(item, FILE_OFFSET, OpenOptions.defaults(), ParseMode.OPEN);
      long used = Alloc.now() - before;
      if (used <= allocationLimit(item.length)) {
        return;
      }
      assertTrue(attempt == 0, "parsing a " + item.length + "-byte locator allocated " + used + " bytes (limit "
          + allocationLimit(item.length) + ")");
    }
  }

  private static void check(byte[] item, Expected want, FuzzAccess.LocatorParse got) {
    for (Problem p : got.problems()) {
      assertEquals(ProblemCode.VHDX_PARENT_LOCATOR, p.code(), "a locator problem of another code: " + p);
      assertEquals(Severity.ERROR, p.severity(), p.toString());
      if (p.structure().equals("*")) {
        // The count of the problems past the per-code cap (io.github.vhd4j.internal.Problems).
        continue;
      }
      assertEquals(ParentLocatorLayout.STRUCTURE, p.structure(), p.toString());
      assertTrue(p.offset() >= FILE_OFFSET && p.offset() < FILE_OFFSET + item.length, "outside the item: " + p);
    }
    if (want.refused()) {
      assertNull(got.locator(), "a locator of a wrong type or entry count was returned");
      assertTrue(!got.problems().isEmpty(), "a refused locator without a problem");
      return;
    }
    VhdxParentLocator l = got.locator();
    assertNotNull(l, "a locator of the right type and entry count was refused: " + got.problems());
    assertEquals(Guids.VHDX_LOCATOR_TYPE, l.locatorType());
    assertEquals(List.copyOf(want.entries().entrySet()), List.copyOf(l.entries().entrySet()),
        "the entries differ from the specification's decoding");
    assertEquals(want.faulty(), !got.problems().isEmpty(), "problems " + got.problems() + " for entries " + want);
  }

  /** The item decoded from MS-VHDX 2.6.2.6, independently of the library. */
  private static Expected expected(byte[] item) {
    ByteBuffer b = ByteBuffer.wrap(item).order(ByteOrder.LITTLE_ENDIAN);
    UUID type = new UUID((b.getInt(0) & 0xFFFFFFFFL) << 32 | (b.getShort(4) & 0xFFFFL) << 16 | b.getShort(6) & 0xFFFFL,
        ByteBuffer.wrap(item, 8, 8).getLong());
    int count = b.getShort(18) & 0xFFFF;
    if (!type.equals(Guids.VHDX_LOCATOR_TYPE) || count < 1 || count > 256 || 20 + 12 * count > item.length) {
      return new Expected(true, Map.of(), true);
    }
    // Keys and values inside the item may not be longer together than the item: a locator whose
    // entries point into one window over and over is refused, not decoded many times.
    long text = 0;
    for (int i = 0; i < count; i++) {
      int e = 20 + 12 * i;
      for (int k = 0; k < 2; k++) {
        long offset = b.getInt(e + 4 * k) & 0xFFFFFFFFL;
        int length = b.getShort(e + 8 + 2 * k) & 0xFFFF;
        text += offset + length <= item.length ? length : 0;
      }
    }
    if (text > item.length) {
      return new Expected(true, Map.of(), true);
    }
    boolean faulty = b.getShort(16) != 0;
    Map<String, String> entries = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      int e = 20 + 12 * i;
      String key = text(b, b.getInt(e) & 0xFFFFFFFFL, b.getShort(e + 8) & 0xFFFF);
      String value = text(b, b.getInt(e + 4) & 0xFFFFFFFFL, b.getShort(e + 10) & 0xFFFF);
      if (key == null || value == null || entries.containsKey(key)) {
        faulty = true;
        continue;
      }
      entries.put(key, value);
    }
    String linkage = entries.get(ParentLocatorLayout.PARENT_LINKAGE);
    String linkage2 = entries.get(ParentLocatorLayout.PARENT_LINKAGE2);
    faulty |= linkage == null || !BRACED_GUID.matcher(linkage).matches();
    faulty |= linkage2 != null && !BRACED_GUID.matcher(linkage2).matches();
    faulty |= PATHS.stream().noneMatch(entries::containsKey);
    return new Expected(false, entries, faulty);
  }

  /** UTF-16LE text at a non-zero even offset and length inside the item, without NUL or lone surrogates. */
  private static String text(ByteBuffer b, long offset, int length) {
    if (offset == 0 || length == 0 || offset % 2 != 0 || length % 2 != 0 || offset + length > b.capacity()) {
      return null;
    }
    StringBuilder s = new StringBuilder();
    for (int k = 0; k < length; k += 2) {
      s.append(b.getChar((int) offset + k));
    }
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      boolean lone = Character.isHighSurrogate(c) ? k + 1 == s.length() || !Character.isLowSurrogate(s.charAt(k + 1))
          : Character.isLowSurrogate(c) && (k == 0 || !Character.isHighSurrogate(s.charAt(k - 1)));
      if (c == 0 || lone) {
        return null;
      }
    }
    return s.toString();
  }

  /** The item as a differencing disk's locator, opened over the fixture's parents. */
  private static void throughTheGate(byte[] data, byte[] item) throws IOException {
    VhdxBuilder b = VhdxBuilder.differencing(8 * VhdxBuilder.MIB, VhdxBuilder.MIB, VhdxFixture.PARENT_512);
    VhdxInput.identify(b, 0x10ca7);
    b.writeLocator = false;
    // Items reach 1 MiB (MS-VHDX 2.6.1.2's limit), which with the table and the system items does not
    // fit in the builder's 1 MiB metadata region: the region grows, so the locator is what is judged.
    if (item.length > VhdxBuilder.MIB / 2) {
      b.metadataRegionLength = 2 * VhdxBuilder.MIB;
    }
    b.extraItems.add(new VhdxBuilder.Item(Guids.PARENT_LOCATOR, MetadataLayout.IS_REQUIRED, item, null));
    b.block(1, new byte[] {1, 2, 3});
    VhdxInput.Case c = new VhdxInput.Case(b.build().file, VhdxFixture.options(), null, null);
    Path file = c.file().write(Scratch.dir("vhdx-locator").resolve("child.vhdx"));
    VhdxBattery.run(VhdxBattery.source(file), c, Inputs.random(data));
    Outcome<VhdxImage> strict = Outcome.of(() -> Vhdx.open(file, c.options()));
    if (item.length >= ParentLocatorLayout.HEADER_SIZE && expected(item).faulty()) {
      assertTrue(!strict.ok() && strict.failure() instanceof VhdFormatException f
          && f.getCode() == ProblemCode.VHDX_PARENT_LOCATOR, "a faulty locator was not refused for it: " + strict);
      return;
    }
    if (!strict.ok()) {
      return;
    }
    try (VhdxImage img = strict.value()) {
      VhdxParentLocator l = img.getParentLocator();
      assertNotNull(l);
      assertEquals(List.copyOf(expected(item).entries().entrySet()), List.copyOf(l.entries().entrySet()));
      String parent = "{" + img.getChain().get(1).getHeader().dataWriteGuid().toString().toLowerCase(Locale.ROOT) + "}";
      String l1 = l.parentLinkage() == null ? null : l.parentLinkage().toLowerCase(Locale.ROOT);
      String l2 = l.parentLinkage2() == null ? null : l.parentLinkage2().toLowerCase(Locale.ROOT);
      assertTrue(parent.equals(l1) || parent.equals(l2), "the parent " + parent + " is not the one the locator names: "
          + l.entries());
    }
  }
}
