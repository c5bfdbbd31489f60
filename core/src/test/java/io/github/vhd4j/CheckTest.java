package io.github.vhd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.testing.TestImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Vhd#check}: what the report contains for clean and damaged images, that it never throws
 * for format problems, and how it follows the parent chain.
 */
class CheckTest {
  private static final int KIB = 1024;
  private static final int MIB = 1024 * 1024;
  /** 30/4/17 exactly: the specification's geometry for this size covers it to the byte. */
  private static final int CHS_EXACT = 30 * 4 * 17 * 512;

  @TempDir Path dir;

  @Test
  void shouldReportNothingForCleanImagesWhoseGeometryMatchesTheirSize() throws IOException {
    assertEquals(CHS_EXACT, Geometry.forSize(CHS_EXACT).capacity());
    Path fixed = TestImage.fixed(CHS_EXACT).random(0, CHS_EXACT, 1).writeTo(dir.resolve("fixed.vhd"));
    Path dynamic = TestImage.dynamic(CHS_EXACT, 512 * KIB).random(1000, 600_000, 2)
        .writeTo(dir.resolve("dynamic.vhd"));
    Path chain = cleanChain(CHS_EXACT);
    for (Path p : List.of(fixed, dynamic, chain)) {
      for (boolean deep : new boolean[] {false, true}) {
        ValidationReport r = Vhd.check(p, CheckOptions.defaults().withDeep(deep));
        assertEquals(p.toString(), r.resource());
        assertEquals(deep, r.deep());
        assertEquals(List.of(), r.problems(), () -> p + " deep=" + deep);
        assertFalse(r.hasErrors());
      }
    }
  }

  @Test
  void shouldReportAtMostNotesForCleanImagesOfOtherSizes() throws IOException {
    Path fixed = TestImage.fixed(4 * MIB).random(0, 4 * MIB, 3).writeTo(dir.resolve("fixed.vhd"));
    Path dynamic = TestImage.dynamic(4 * MIB, 2 * MIB).random(0, 3 * MIB, 4)
        .writeTo(dir.resolve("dynamic.vhd"));
    Path chain = cleanChain(4 * MIB);
    for (Path p : List.of(fixed, dynamic, chain)) {
      ValidationReport r = Vhd.check(p, CheckOptions.defaults().withDeep(true));
      assertEquals(List.of(), r.problems(Severity.ERROR), r::toString);
      assertEquals(List.of(), r.problems(Severity.WARNING), r::toString);
      assertEquals(r.problems(), r.problems(Severity.INFO));
      for (Problem problem : r.problems()) {
        assertTrue(problem.resource().startsWith(dir.toString()), problem::toString);
        assertFalse(problem.message().isEmpty());
      }
    }
  }

  @Test
  void shouldCheckBufferAndChannelLikeAFile() throws IOException {
    TestImage t = TestImage.dynamic(4 * MIB, 512 * KIB).random(0, 100_000, 5);
    t.headerReserved1 = 1;
    t.features = 0x102;
    Path path = t.writeTo(dir.resolve("d.vhd"));
    ValidationReport fromPath = Vhd.check(path, CheckOptions.defaults().withDeep(true));
    assertTrue(fromPath.contains(ProblemCode.HEADER_RESERVED));
    assertTrue(fromPath.contains(ProblemCode.FOOTER_FEATURES));
    ValidationReport fromBuffer =
        Vhd.check(ByteBuffer.wrap(t.toBytes()), CheckOptions.defaults().withDeep(true));
    assertEquals("memory", fromBuffer.resource());
    ValidationReport fromChannel;
    try (FileChannel ch = FileChannel.open(path)) {
      fromChannel = Vhd.check(ch, "chan", CheckOptions.defaults().withDeep(true));
      assertTrue(ch.isOpen(), "the caller's channel stays open");
    }
    assertEquals("chan", fromChannel.resource());
    assertEquals(summary(fromPath), summary(fromBuffer));
    assertEquals(summary(fromPath), summary(fromChannel));
  }

  @Test
  void shouldReportEveryProblemAtOnceWithLocation() throws IOException {
    TestImage t = TestImage.dynamic(2 * MIB, 512 * KIB).random(0, 4096, 6);
    t.footerChecksum = 0x12345678L;
    t.headerReserved1 = 1;
    t.batOverride.put(2, 0x00100000);
    byte[] bytes = t.toBytes();
    long tail = bytes.length - 512;
    String computed = String.format("0x%08x", TestImage.checksum(Arrays.copyOfRange(bytes, (int) tail,
        bytes.length), 64));
    Path path = dir.resolve("bad.vhd");
    Files.write(path, bytes);

    ValidationReport r = Vhd.check(path);
    assertTrue(r.hasErrors());
    Problem sum = r.problems().stream().filter(p -> p.code() == ProblemCode.FOOTER_CHECKSUM
        && p.structure().equals("footer")).findFirst().orElseThrow(() -> new AssertionError(r.toString()));
    assertEquals(Severity.ERROR, sum.severity());
    assertEquals("checksum", sum.field());
    assertEquals(tail + 64, sum.offset());
    assertEquals(computed, sum.expected());
    assertEquals("0x12345678", sum.actual());
    assertEquals(path.toString(), sum.resource());
    assertTrue(sum.describe().startsWith("footer.checksum at offset " + (tail + 64) + " (0x"
        + Long.toHexString(tail + 64) + "): "), sum::describe);
    assertTrue(sum.toString().endsWith("(" + path + ")"), sum::toString);

    Problem reserved = r.problems().stream().filter(p -> p.code() == ProblemCode.HEADER_RESERVED).findFirst()
        .orElseThrow(() -> new AssertionError(r.toString()));
    assertEquals(Severity.WARNING, reserved.severity());
    assertEquals(t.headerOffset + 60, reserved.offset());

    Problem entry = r.problems().stream().filter(p -> p.code() == ProblemCode.BAT_ENTRY_OUTSIDE_FILE)
        .findFirst().orElseThrow(() -> new AssertionError(r.toString()));
    assertEquals(Severity.ERROR, entry.severity());
    assertEquals("entry[2]", entry.field());
    assertEquals(t.tableOffset + 8, entry.offset());
  }

  @Test
  void shouldReportUnreadableInputInsteadOfThrowing() throws IOException {
    Path empty = Files.write(dir.resolve("empty.vhd"), new byte[0]);
    ValidationReport r = Vhd.check(empty);
    assertEquals(Set.of(ProblemCode.FILE_TOO_SMALL), codes(r));
    assertTrue(r.hasErrors());

    byte[] junk = new byte[4096];
    new Random(7).nextBytes(junk);
    Path garbage = Files.write(dir.resolve("garbage.vhd"), junk);
    ValidationReport g = Vhd.check(garbage);
    Problem cookie = g.problems(Severity.ERROR).get(0);
    assertEquals(ProblemCode.FOOTER_COOKIE, cookie.code());
    assertEquals(4096 - 512, cookie.offset());
    assertEquals(0, g.problems(Severity.WARNING).size() + g.problems(Severity.INFO).size(), g::toString);
  }

  @Test
  void shouldFollowParentsUnlessToldNotTo() throws IOException {
    TestImage parent = TestImage.dynamic(CHS_EXACT, 512 * KIB).random(0, 10_000, 8);
    // Byte 85, blktap's "hidden" flag: a warning that belongs to the parent.
    parent.footerReserved[0] = 1;
    Path parentPath = parent.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(parent, "base.vhd", 512 * KIB).random(5000, 100, 9);
    child.headerReserved1 = 1;
    Path childPath = child.writeTo(dir.resolve("child.vhd"));

    ValidationReport all = Vhd.check(childPath);
    assertFalse(all.hasErrors(), all::toString);
    List<Problem> problems = all.problems();
    int childReserved = indexOf(problems, ProblemCode.HEADER_RESERVED);
    int parentReserved = indexOf(problems, ProblemCode.FOOTER_RESERVED);
    assertEquals(childPath.toString(), problems.get(childReserved).resource());
    assertEquals(parentPath.toString(), problems.get(parentReserved).resource());
    assertTrue(childReserved < parentReserved, "the top image first, then its parents: " + problems);

    ValidationReport alone = Vhd.check(childPath, CheckOptions.defaults().withCheckParents(false));
    assertTrue(alone.contains(ProblemCode.HEADER_RESERVED));
    assertFalse(alone.contains(ProblemCode.FOOTER_RESERVED), alone::toString);

    Files.delete(parentPath);
    ValidationReport missing = Vhd.check(childPath);
    Problem notFound = missing.problems(Severity.ERROR).get(0);
    assertEquals(ProblemCode.PARENT_NOT_FOUND, notFound.code());
    assertTrue(notFound.message().contains(parentPath.toString()), notFound::message);
    assertFalse(Vhd.check(childPath, CheckOptions.defaults().withCheckParents(false)).hasErrors());
  }

  @Test
  void shouldReturnImmutableReportWithConsistentViews() throws IOException {
    TestImage t = TestImage.dynamic(4 * MIB, 2 * MIB);
    t.headerReserved1 = 1;
    t.footerChecksum = 1L;
    ValidationReport r = Vhd.check(ByteBuffer.wrap(t.toBytes()), CheckOptions.defaults());
    assertThrows(UnsupportedOperationException.class, () -> r.problems().add(r.problems().get(0)));
    int total = 0;
    for (Severity s : Severity.values()) {
      List<Problem> some = r.problems(s);
      assertTrue(some.stream().allMatch(p -> p.severity() == s));
      total += some.size();
    }
    assertEquals(r.problems().size(), total);
    for (Problem p : r.problems()) {
      assertTrue(r.contains(p.code()));
    }
    assertFalse(r.contains(ProblemCode.PARENT_CYCLE));
    assertEquals(!r.problems(Severity.ERROR).isEmpty(), r.hasErrors());
  }

  // ---------------------------------------------------------------------------------------------

  /** gp.vhd (fixed) <- parent.vhd <- child.vhd, all of {@code size} bytes; returns the child. */
  private Path cleanChain(int size) throws IOException {
    TestImage gp = TestImage.fixed(size).random(0, size, 10);
    gp.writeTo(dir.resolve("gp.vhd"));
    TestImage parent = TestImage.differencing(gp, "gp.vhd", 512 * KIB).random(4096, 300_000, 11);
    parent.writeTo(dir.resolve("parent.vhd"));
    TestImage child = TestImage.differencing(parent, "parent.vhd", 2 * MIB).random(0, 2000, 12)
        .random(size - 5000, 5000, 13);
    return child.writeTo(dir.resolve("child.vhd"));
  }

  private static Set<ProblemCode> codes(ValidationReport r) {
    return Set.copyOf(r.problems().stream().map(Problem::code).toList());
  }

  /** Everything but the resource name. */
  private static List<String> summary(ValidationReport r) {
    return r.problems().stream()
        .map(p -> p.code() + " " + p.severity() + " " + p.structure() + "." + p.field() + "@" + p.offset())
        .toList();
  }

  private static int indexOf(List<Problem> problems, ProblemCode code) {
    for (int i = 0; i < problems.size(); i++) {
      if (problems.get(i).code() == code) {
        return i;
      }
    }
    throw new AssertionError(code + " not in " + problems);
  }
}
