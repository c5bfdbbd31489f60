package io.github.vhd4j.pitfalls;

import static io.github.vhd4j.testing.VhdAssertions.filled;
import static io.github.vhd4j.testing.VhdAssertions.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.Extent;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ParentCandidate;
import io.github.vhd4j.ParentCandidate.Outcome;
import io.github.vhd4j.ParentCycleException;
import io.github.vhd4j.ParentMismatchException;
import io.github.vhd4j.ParentNotFoundException;
import io.github.vhd4j.ParentReference;
import io.github.vhd4j.ParentResolution;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.ValidationReport;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.VhdLimitException;
import io.github.vhd4j.testing.TestImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pitfall catalogue §5 E (cases 46 to 59): differencing disks and the parent chain, read side,
 * plus the library's own chain rules (confinement of parent paths, caller resolvers, depth limit).
 *
 * <p>Built-in candidate order under test: W2ru (relative to the child's directory), W2ku (its file
 * name beside the child), MacX, the header's parent name beside the child, Wi2r, Wi2k. Locator
 * payloads of W2ru/W2ku are UTF-16LE, the header's parent name UTF-16BE.
 *
 * <p>Not applicable here, because the library has no writer yet: the write halves of case 47 (a
 * zero write over ancestor data must allocate the child block) and case 48 (a partial write sets
 * only the written sectors' bits). Their read halves are below: a child block whose bits are set
 * over zero data reads zeros, and only set bits take the child's sectors. Case 58's optional
 * "raw parent" mode (blktap) is not offered by the library, so only the default refusal and the
 * size-matched opt-out are tested. Case 51's "depth cap of about 64" is the configurable
 * maxChainDepth, tested with small and large chains.
 *
 * <p>Cases 53 and 55 ask for an error on an undecodable or out-of-bounds locator. The library
 * instead reports it (naming {@code parentLocator[i]} and the field) and skips that locator, so the
 * remaining locators can still find the parent; the tests pin that down. Locator data overlapping
 * metadata is an error.
 */
class ChainPitfallsTest {
  private static final int KIB = 1024;
  private static final int MIB = 1024 * 1024;
  private static final int BS = 512 * KIB;

  @TempDir Path dir;

  // ---------------------------------------------------------------------------------------------
  // 46. P-basic-mix

  @Test
  void shouldMixChildAndParentSectorsInOneRead() throws IOException {
    TestImage parent = TestImage.dynamic(8 * MIB, 2 * MIB).fill(0, 8 * MIB, 0x11);
    parent.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(parent, "base.vhd", 2 * MIB).fill(0, 4 * 512, 0x22);
    assertEquals((byte) 0xF0, child.block(0).bitmap[0], "builder sets bits MSB first");
    try (VhdImage img = Vhd.open(child.writeTo(dir.resolve("child.vhd")))) {
      byte[] got = read(img, 0, 8 * 512);
      assertArrayEquals(filled(4 * 512, 0x22), Arrays.copyOf(got, 4 * 512));
      assertArrayEquals(filled(4 * 512, 0x11), Arrays.copyOfRange(got, 4 * 512, 8 * 512));
      assertArrayEquals(filled(6 * MIB, 0x11), read(img, 2 * MIB, 6 * MIB), "unallocated child blocks");
      assertEquals(2, img.getChain().size());
      assertSame(img.getParent(), img.getChain().get(1));
    }
  }

  @ParameterizedTest(name = "fixed grandparent={0}")
  @ValueSource(booleans = {false, true})
  void shouldReadThreeLevelChainBitmapExactly(boolean fixedGrandparent) throws IOException {
    TestImage gp = fixedGrandparent ? TestImage.fixed(4 * MIB) : TestImage.dynamic(4 * MIB, 2 * MIB);
    gp.random(0, 4 * MIB, 21);
    gp.writeTo(dir.resolve("gp.vhd"));
    // Different block sizes per level, so child blocks straddle parent blocks.
    TestImage parent = TestImage.differencing(gp, "gp.vhd", BS)
        .random(100_000, 300_000, 22).fill(MIB + 3 * 512, 5 * 512, 0x33).random(3 * MIB - 1000, 5000, 23);
    parent.writeTo(dir.resolve("parent.vhd"));
    TestImage child = TestImage.differencing(parent, "parent.vhd", 2 * MIB)
        .fill(200_000, 70_000, 0x44).random(MIB, 4096, 24).random(4 * MIB - 600, 600, 25);
    Path top = child.writeTo(dir.resolve("child.vhd"));
    byte[] expected = child.expectedContent(parent.expectedContent(gp.expectedContent()));
    try (VhdImage img = Vhd.open(top)) {
      assertEquals(3, img.getChain().size());
      assertArrayEquals(expected, read(img, 0, 4 * MIB));
      // Odd-sized reads land on every kind of boundary.
      for (int pos = 0; pos < 4 * MIB; pos += 7777) {
        int n = Math.min(7777, 4 * MIB - pos);
        assertArrayEquals(Arrays.copyOfRange(expected, pos, pos + n), read(img, pos, n), "at " + pos);
      }
    }
  }

  // 47 (read half): a child sector marked written with zero data hides the ancestor's bytes.
  @Test
  void shouldReadZerosWrittenInChildOverAncestorData() throws IOException {
    TestImage parent = TestImage.dynamic(4 * MIB, 2 * MIB).fill(2 * MIB, 1024, 0xF6);
    parent.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(parent, "base.vhd", 2 * MIB).write(2 * MIB, new byte[512]);
    try (VhdImage img = Vhd.open(child.writeTo(dir.resolve("child.vhd")))) {
      assertArrayEquals(new byte[512], read(img, 2 * MIB, 512));
      assertArrayEquals(filled(512, 0xF6), read(img, 2 * MIB + 512, 512));
    }
  }

  // 48 (read half): only sectors 5 and 6 are the child's.
  @Test
  void shouldReadOnlyMarkedSectorsOfPartiallyWrittenChildBlock() throws IOException {
    TestImage parent = TestImage.dynamic(4 * MIB, 2 * MIB).fill(0, 4 * MIB, 0x11);
    parent.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(parent, "base.vhd", 2 * MIB).fill(2 * MIB + 5 * 512, 1024, 0x77);
    assertEquals((byte) 0x06, child.block(1).bitmap[0]);
    // Stale bytes in the child's unmarked sectors must not show.
    Arrays.fill(child.block(1).data, 0, 5 * 512, (byte) 0xCC);
    try (VhdImage img = Vhd.open(child.writeTo(dir.resolve("child.vhd")))) {
      byte[] got = read(img, 2 * MIB, 16 * 512);
      for (int s = 0; s < 16; s++) {
        int want = s == 5 || s == 6 ? 0x77 : 0x11;
        assertArrayEquals(filled(512, want), Arrays.copyOfRange(got, s * 512, s * 512 + 512), "sector " + s);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 49. P-uuid-mismatch

  @Test
  void shouldRefuseParentWithOtherUuidNamingBothUuids() throws IOException {
    TestImage parent = base(MIB, 31);
    parent.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(parent, "base.vhd", BS);
    child.parentUuid = UUID.randomUUID();
    Path path = child.writeTo(dir.resolve("child.vhd"));

    ParentMismatchException e = assertThrows(ParentMismatchException.class, () -> Vhd.open(path));
    assertInstanceOf(ParentNotFoundException.class, e);
    assertEquals(child.parentUuid, e.getParentUuid());
    assertEquals(List.of(Outcome.UUID_MISMATCH), outcomes(e.getCandidates()));
    assertEquals(dir.resolve("base.vhd"), e.getCandidates().get(0).path());
    assertTrue(e.getMessage().contains(child.parentUuid.toString()), e::getMessage);
    assertTrue(e.getMessage().contains(parent.uuid.toString()), e::getMessage);

    ValidationReport r = Vhd.check(path);
    assertTrue(r.problems(Severity.ERROR).stream()
        .anyMatch(p -> p.code() == ProblemCode.PARENT_UUID_MISMATCH), r::toString);
  }

  @Test
  void shouldAcceptParentWithOtherUuidOfEqualSizeWhenVerificationIsOff() throws IOException {
    TestImage parent = base(MIB, 32);
    parent.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(parent, "base.vhd", BS).random(1000, 3000, 33);
    child.parentUuid = UUID.randomUUID();
    Path path = child.writeTo(dir.resolve("child.vhd"));
    try (VhdImage img = Vhd.open(path, OpenOptions.defaults().withVerifyParentUuid(false))) {
      assertArrayEquals(child.expectedContent(parent.expectedContent()), read(img, 0, MIB));
      assertEquals(parent.uuid, img.getParent().getFooter().uniqueId());
    }
  }

  @Test
  void shouldRefuseParentOfOtherSizeWhenVerificationIsOff() throws IOException {
    TestImage parent = base(MIB, 34);
    parent.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(parent, "base.vhd", BS).setSize(2 * MIB);
    child.parentUuid = UUID.randomUUID();
    Path path = child.writeTo(dir.resolve("child.vhd"));
    ParentMismatchException e = assertThrows(ParentMismatchException.class,
        () -> Vhd.open(path, OpenOptions.defaults().withVerifyParentUuid(false)));
    assertEquals(List.of(Outcome.SIZE_MISMATCH), outcomes(e.getCandidates()));
  }

  // ---------------------------------------------------------------------------------------------
  // 50. P-timestamp-mismatch

  @Test
  void shouldWarnAboutParentTimestampMismatch() throws IOException {
    TestImage parent = base(MIB, 35);
    parent.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(parent, "base.vhd", BS);
    child.parentTimestamp = parent.timestamp + 3600;
    Path path = child.writeTo(dir.resolve("child.vhd"));
    try (VhdImage img = Vhd.open(path)) {
      Problem p = single(img.getWarnings(), ProblemCode.PARENT_TIMESTAMP_MISMATCH);
      assertEquals(Severity.WARNING, p.severity());
      assertEquals("header", p.structure());
      assertEquals("parentTimestamp", p.field());
      assertEquals(child.headerOffset + 56, p.offset());
      assertArrayEquals(parent.expectedContent(), read(img, 0, MIB));
    }
    ValidationReport r = Vhd.check(path);
    assertEquals(Severity.WARNING, single(r.problems(), ProblemCode.PARENT_TIMESTAMP_MISMATCH).severity());
    assertFalse(r.hasErrors(), r::toString);
  }

  // ---------------------------------------------------------------------------------------------
  // 51. P-cycle

  @Test
  @Timeout(10)
  void shouldDetectImageThatIsItsOwnParent() throws IOException {
    TestImage self = TestImage.differencing(TestImage.dynamic(MIB, BS), "self.vhd", BS);
    self.parentUuid = self.uuid;
    self.parentTimestamp = self.timestamp;
    Path path = self.writeTo(dir.resolve("self.vhd"));
    ParentCycleException e = assertThrows(ParentCycleException.class, () -> Vhd.open(path));
    assertEquals(List.of(Outcome.CYCLE), outcomes(e.getCandidates()));
    assertTrue(Vhd.check(path).contains(ProblemCode.PARENT_CYCLE));
  }

  @Test
  @Timeout(10)
  void shouldDetectTwoImageCycle() throws IOException {
    TestImage a = TestImage.differencing(TestImage.dynamic(MIB, BS), "b.vhd", BS);
    TestImage b = TestImage.differencing(a, "a.vhd", BS);
    a.parentUuid = b.uuid;
    a.parentTimestamp = b.timestamp;
    Path pa = a.writeTo(dir.resolve("a.vhd"));
    Path pb = b.writeTo(dir.resolve("b.vhd"));
    ParentCycleException e = assertThrows(ParentCycleException.class, () -> Vhd.open(pa));
    assertTrue(e.getCandidates().stream().anyMatch(c -> c.outcome() == Outcome.CYCLE && c.path().equals(pa)));
    assertThrows(ParentCycleException.class, () -> Vhd.open(pb));
    ValidationReport r = Vhd.check(pa);
    assertTrue(r.problems(Severity.ERROR).stream().anyMatch(p -> p.code() == ProblemCode.PARENT_CYCLE),
        r::toString);
  }

  // ---------------------------------------------------------------------------------------------
  // 52. P-locators-windows, and the list of candidates on failure (simh#352)

  @Test
  void shouldListEveryCandidateTriedWhenParentIsMissing() throws IOException {
    TestImage child = TestImage.differencing(base(MIB, 36), "name.vhd", BS);
    child.locators.clear();
    child.addLocator(0, TestImage.W2RU, TestImage.utf16le(".\\sub\\rel.vhd"));
    child.addLocator(1, TestImage.W2KU, TestImage.utf16le("C:\\vms\\abs.vhd"));
    child.addLocator(2, TestImage.MACX, utf8("file://localhost" + dir + "/mac.vhd"));
    child.addLocator(3, TestImage.WI2R, ascii(".\\wi2r.vhd"));
    child.addLocator(4, TestImage.WI2K, ascii("C:\\old\\wi2k.vhd"));
    Path path = child.writeTo(dir.resolve("child.vhd"));

    ParentNotFoundException e = assertThrows(ParentNotFoundException.class, () -> Vhd.open(path));
    assertEquals(ParentNotFoundException.class, e.getClass(), "missing, not a mismatch or a cycle");
    List<Path> expected = List.of(dir.resolve("sub/rel.vhd"), dir.resolve("abs.vhd"), dir.resolve("mac.vhd"),
        dir.resolve("name.vhd"), dir.resolve("wi2r.vhd"), dir.resolve("wi2k.vhd"));
    assertEquals(expected, e.getCandidates().stream().map(ParentCandidate::path).toList());
    assertEquals(List.of("W2ru locator[0]", "W2ku locator[1]", "MacX locator[2]", "parent name",
        "Wi2r locator[3]", "Wi2k locator[4]"),
        e.getCandidates().stream().map(ParentCandidate::source).toList());
    assertTrue(e.getCandidates().stream().allMatch(c -> c.outcome() == Outcome.MISSING));
    for (Path p : expected) {
      assertTrue(e.getMessage().contains(p.toString()), () -> p + " not in " + e.getMessage());
    }
    ValidationReport r = Vhd.check(path);
    assertTrue(r.problems(Severity.ERROR).stream().anyMatch(p -> p.code() == ProblemCode.PARENT_NOT_FOUND),
        r::toString);
  }

  @Test
  void shouldReportCandidateThatIsNotVhd() throws IOException {
    TestImage child = TestImage.differencing(base(MIB, 37), "base.vhd", BS);
    Files.write(dir.resolve("base.vhd"), new byte[4096]);
    Path path = child.writeTo(dir.resolve("child.vhd"));
    ParentNotFoundException e = assertThrows(ParentNotFoundException.class, () -> Vhd.open(path));
    assertEquals(List.of(Outcome.INVALID), outcomes(e.getCandidates()));
  }

  @ParameterizedTest(name = "W2ru {0}")
  @ValueSource(strings = {".\\base.vhd", "base.vhd", ".\\sub\\..\\base.vhd"})
  void shouldResolveW2ruRelativeToChildDirectory(String w2ru) throws IOException {
    assertNotEquals(Path.of("").toAbsolutePath(), dir, "the working directory must not be the child's");
    TestImage parent = base(MIB, 38);
    parent.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(parent, "other.vhd", BS);
    child.addLocator(0, TestImage.W2KU, TestImage.utf16le("C:\\vms\\nothere.vhd"));
    child.addLocator(1, TestImage.W2RU, TestImage.utf16le(w2ru));
    try (VhdImage img = Vhd.open(child.writeTo(dir.resolve("child.vhd")))) {
      ParentResolution res = img.getParentResolution();
      assertEquals(dir.resolve("base.vhd"), res.path());
      assertEquals("W2ru locator[1]", res.source());
      assertEquals(List.of(Outcome.ACCEPTED), outcomes(res.candidates()));
      assertArrayEquals(parent.expectedContent(), read(img, 0, MIB));
    }
  }

  @ParameterizedTest(name = "W2ku {0}")
  @ValueSource(strings = {
      "C:\\vms\\base.vhd", "D:\\base.vhd", "C:base.vhd", "\\\\server\\share\\dir\\base.vhd"})
  void shouldFallBackFromW2ruToW2kuFileNameBesideChild(String w2ku) throws IOException {
    TestImage parent = base(MIB, 39);
    parent.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(parent, "other.vhd", BS);
    child.addLocator(0, TestImage.W2KU, TestImage.utf16le(w2ku));
    child.addLocator(1, TestImage.W2RU, TestImage.utf16le(".\\gone.vhd"));
    try (VhdImage img = Vhd.open(child.writeTo(dir.resolve("child.vhd")))) {
      ParentResolution res = img.getParentResolution();
      assertEquals("W2ku locator[0]", res.source());
      assertEquals(List.of(dir.resolve("gone.vhd"), dir.resolve("base.vhd")),
          res.candidates().stream().map(ParentCandidate::path).toList());
      assertEquals(List.of(Outcome.MISSING, Outcome.ACCEPTED), outcomes(res.candidates()));
    }
  }

  @ParameterizedTest(name = "parent name {0}")
  @ValueSource(strings = {"base.vhd", "C:\\vms\\base.vhd"})
  void shouldFallBackToParentName(String name) throws IOException {
    TestImage parent = base(MIB, 40);
    parent.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(parent, "x.vhd", BS);
    child.parentName = name;
    child.addLocator(0, TestImage.W2KU, TestImage.utf16le("C:\\x\\gone2.vhd"));
    child.addLocator(1, TestImage.W2RU, TestImage.utf16le(".\\gone1.vhd"));
    try (VhdImage img = Vhd.open(child.writeTo(dir.resolve("child.vhd")))) {
      assertEquals("parent name", img.getParentResolution().source());
      assertEquals(List.of(Outcome.MISSING, Outcome.MISSING, Outcome.ACCEPTED),
          outcomes(img.getParentResolution().candidates()));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 53. P-locator-encoding

  @Test
  void shouldDecodeW2ruAsLittleEndianOnly() throws IOException {
    TestImage parent = base(MIB, 41);
    parent.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(parent, "other.vhd", BS);
    child.locators.clear();
    child.addLocator(1, TestImage.W2RU, ".\\base.vhd".getBytes(StandardCharsets.UTF_16BE));
    Path path = child.writeTo(dir.resolve("child.vhd"));
    ParentNotFoundException e = assertThrows(ParentNotFoundException.class, () -> Vhd.open(path));
    assertFalse(e.getCandidates().stream().anyMatch(c -> c.path().equals(dir.resolve("base.vhd"))),
        "a big-endian payload must not be read as .\\base.vhd: " + e.getCandidates());

    child.addLocator(1, TestImage.W2RU, TestImage.utf16le(".\\base.vhd"));
    try (VhdImage img = Vhd.open(child.writeTo(dir.resolve("child.vhd")))) {
      assertEquals(".\\base.vhd", img.getDynamicHeader().parentLocators().get(1).path());
      assertEquals("W2ru locator[1]", img.getParentResolution().source());
    }
  }

  @Test
  void shouldIgnoreUtf16LocatorWithOddLength() throws IOException {
    TestImage parent = base(MIB, 42);
    parent.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(parent, "base.vhd", BS);
    child.locators.get(1).dataLength = 5L;
    try (VhdImage img = Vhd.open(child.writeTo(dir.resolve("child.vhd")))) {
      assertNull(img.getDynamicHeader().parentLocators().get(1).path());
      Problem p = single(img.getWarnings(), ProblemCode.LOCATOR_ENCODING);
      assertEquals("parentLocator[1]", p.structure());
      assertEquals("W2ku locator[0]", img.getParentResolution().source());
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"bom", "trailing-nuls"})
  void shouldStripByteOrderMarkAndTrailingNuls(String variant) throws IOException {
    TestImage parent = base(MIB, 43);
    parent.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(parent, "other.vhd", BS);
    child.locators.clear();
    byte[] payload = variant.equals("bom")
        ? TestImage.utf16le("\uFEFF.\\base.vhd") : TestImage.utf16le(".\\base.vhd\0\0");
    child.addLocator(1, TestImage.W2RU, payload);
    try (VhdImage img = Vhd.open(child.writeTo(dir.resolve("child.vhd")))) {
      assertEquals(".\\base.vhd", img.getDynamicHeader().parentLocators().get(1).path());
      assertEquals(dir.resolve("base.vhd"), img.getParentResolution().path());
    }
  }

  @Test
  void shouldDecodeUnterminatedParentNameWithUnpairedSurrogateDeterministically() throws IOException {
    TestImage parent = base(MIB, 44);
    parent.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(parent, "base.vhd", BS);
    ByteBuffer raw = ByteBuffer.allocate(512);
    for (int i = 0; i < 256; i++) {
      raw.putChar(i == 5 ? '\uD800' : 'a');
    }
    child.parentNameRaw = raw.array();
    Path path = child.writeTo(dir.resolve("child.vhd"));
    String first;
    try (VhdImage img = Vhd.open(path)) {
      first = img.getDynamicHeader().parentName();
      assertTrue(first.startsWith("aaaaa\uFFFDa"), first);
      assertEquals(-1, first.indexOf('\0'));
      assertEquals(Severity.WARNING, single(img.getWarnings(), ProblemCode.PARENT_NAME).severity());
      assertEquals("W2ru locator[1]", img.getParentResolution().source());
    }
    try (VhdImage img = Vhd.open(path)) {
      assertEquals(first, img.getDynamicHeader().parentName());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 54. P-data-space-units

  @ParameterizedTest(name = "data space {0}")
  @ValueSource(longs = {1, 512, 1000})
  void shouldAcceptDataSpaceInSectorsOrBytes(long space) throws IOException {
    TestImage parent = base(MIB, 45);
    parent.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(parent, "other.vhd", BS);
    child.locators.clear();
    child.addLocator(1, TestImage.W2RU, TestImage.utf16le(".\\base.vhd")).dataSpace = space;
    try (VhdImage img = Vhd.open(child.writeTo(dir.resolve("child.vhd")))) {
      assertEquals("W2ru locator[1]", img.getParentResolution().source());
      List<Problem> spaceProblems =
          img.getWarnings().stream().filter(p -> p.code() == ProblemCode.LOCATOR_DATA_SPACE).toList();
      if (space == 1000) {
        assertEquals(1, spaceProblems.size(), img.getWarnings()::toString);
        assertEquals(Severity.WARNING, spaceProblems.get(0).severity());
        assertEquals("dataSpace", spaceProblems.get(0).field());
      } else {
        assertEquals(List.of(), spaceProblems);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 55. P-locator-bounds

  static Stream<Arguments> locatorBounds() {
    return Stream.of(
        Arguments.of("length all ones", null, 0xFFFFFFFFL, null, "dataLength"),
        Arguments.of("length beyond space", 512L, 600L, null, "dataLength"),
        Arguments.of("space and length all ones", 0xFFFFFFFFL, 0xFFFFFFFFL, null, "dataLength"),
        Arguments.of("offset beyond end of file", null, null, 1L << 40, "dataOffset"),
        Arguments.of("offset all ones", null, null, -1L, "dataOffset"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("locatorBounds")
  void shouldIgnoreLocatorOutOfBoundsWithoutReadingIt(String name, Long space, Long length, Long offset,
      String field) throws IOException {
    TestImage parent = base(MIB, 46);
    parent.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(parent, "base.vhd", BS);
    TestImage.Locator bad = child.locators.get(1);
    if (length != null && length == 600) {
      bad.payload = Arrays.copyOf(bad.payload, 600);
    }
    bad.dataSpace = space;
    bad.dataLength = length;
    bad.dataOffset = offset;
    try (VhdImage img = Vhd.open(child.writeTo(dir.resolve("child.vhd")))) {
      Problem p = single(img.getWarnings(), ProblemCode.LOCATOR_BOUNDS);
      assertEquals("parentLocator[1]", p.structure());
      assertEquals(field, p.field());
      assertEquals(child.headerOffset + 576 + 24 + (field.equals("dataLength") ? 8 : 16), p.offset());
      assertNull(img.getDynamicHeader().parentLocators().get(1).path());
      assertEquals("W2ku locator[0]", img.getParentResolution().source(), "the sound locator still works");
    }
  }

  @Test
  void shouldRefuseLocatorDataOverlappingTheTable() throws IOException {
    TestImage parent = base(MIB, 47);
    parent.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(parent, "base.vhd", BS);
    TestImage.Locator bad = child.locators.get(1);
    // The last 8 bytes of the table's sector: padding entries, already 0xFF.
    bad.payload = filled(8, 0xFF);
    bad.dataOffset = child.tableOffset + 512 - 8;
    Path path = child.writeTo(dir.resolve("child.vhd"));
    VhdFormatException e = assertThrows(VhdFormatException.class, () -> Vhd.open(path));
    assertEquals(ProblemCode.LOCATOR_OVERLAP, e.getCode());
    assertEquals("parentLocator[1]", e.getStructure());
    assertEquals("dataOffset", e.getField());
    try (VhdImage img = Vhd.open(path, OpenOptions.defaults().withLenient(true))) {
      assertArrayEquals(parent.expectedContent(), read(img, 0, MIB));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 56. P-platform-codes

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"Wi2r", "Wi2k"})
  void shouldResolveDeprecatedAsciiLocators(String code) throws IOException {
    TestImage parent = base(MIB, 48);
    parent.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(parent, "other.vhd", BS);
    child.locators.clear();
    boolean relative = code.equals("Wi2r");
    child.addLocator(2, relative ? TestImage.WI2R : TestImage.WI2K,
        ascii(relative ? ".\\base.vhd" : "C:\\vms\\base.vhd"));
    try (VhdImage img = Vhd.open(child.writeTo(dir.resolve("child.vhd")))) {
      assertEquals(code + " locator[2]", img.getParentResolution().source());
      assertEquals(dir.resolve("base.vhd"), img.getParentResolution().path());
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"file://localhost", "file://"})
  void shouldResolveMacxFileUrlWithPercentEscapes(String prefix) throws IOException {
    TestImage parent = base(MIB, 49);
    parent.writeTo(dir.resolve("b c.vhd"));
    TestImage child = TestImage.differencing(parent, "other.vhd", BS);
    child.locators.clear();
    child.addLocator(2, TestImage.MACX, utf8(prefix + dir + "/b%20c.vhd"));
    try (VhdImage img = Vhd.open(child.writeTo(dir.resolve("child.vhd")))) {
      assertEquals("MacX locator[2]", img.getParentResolution().source());
      assertEquals(dir.resolve("b c.vhd"), img.getParentResolution().path());
      assertEquals(dir + "/b c.vhd", img.getDynamicHeader().parentLocators().get(2).path());
    }
  }

  @Test
  void shouldIgnoreMacxValueThatIsNotFileUrl() throws IOException {
    TestImage parent = base(MIB, 50);
    parent.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(parent, "base.vhd", BS);
    child.locators.clear();
    child.addLocator(0, TestImage.MACX, utf8(dir + "/base.vhd"));
    try (VhdImage img = Vhd.open(child.writeTo(dir.resolve("child.vhd")))) {
      assertNull(img.getDynamicHeader().parentLocators().get(0).path());
      assertEquals("parentLocator[0]", single(img.getWarnings(), ProblemCode.LOCATOR_ENCODING).structure());
      assertEquals("parent name", img.getParentResolution().source());
    }
  }

  @Test
  void shouldSkipMacAliasAndUnknownPlatformCodes() throws IOException {
    TestImage parent = base(MIB, 51);
    parent.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(parent, "base.vhd", BS);
    byte[] junk = new byte[64];
    new Random(52).nextBytes(junk);
    child.addLocator(2, TestImage.MAC, junk);
    child.addLocator(3, 0x12345678L, junk);
    // VirtualBox's misspelt "Mac " constant.
    child.addLocator(4, 0x4D163220L, junk);
    try (VhdImage img = Vhd.open(child.writeTo(dir.resolve("child.vhd")))) {
      List<Problem> codes =
          img.getWarnings().stream().filter(p -> p.code() == ProblemCode.LOCATOR_CODE).toList();
      assertEquals(List.of("parentLocator[2]", "parentLocator[3]", "parentLocator[4]"),
          codes.stream().map(Problem::structure).toList());
      assertEquals(Severity.INFO, codes.get(0).severity(), "a Mac alias is legal, just not resolvable");
      assertEquals(Severity.WARNING, codes.get(1).severity());
      assertEquals(Severity.WARNING, codes.get(2).severity());
      assertEquals("W2ru locator[1]", img.getParentResolution().source());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 57. P-size-mismatch

  @ParameterizedTest(name = "fixed parent={0}")
  @ValueSource(booleans = {false, true})
  void shouldReadZerosBeyondSmallerParent(boolean fixedParent) throws IOException {
    TestImage parent = fixedParent ? TestImage.fixed(MIB) : TestImage.dynamic(MIB, BS);
    parent.random(0, MIB, 53);
    parent.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(parent, "base.vhd", BS).setSize(2 * MIB);
    child.random(MIB - 512, 1024, 54).random(MIB + 4096, 1000, 55);
    byte[] expected = child.expectedContent(parent.expectedContent());
    try (VhdImage img = Vhd.open(child.writeTo(dir.resolve("child.vhd")))) {
      assertEquals(2 * MIB, img.getSize());
      assertArrayEquals(expected, read(img, 0, 2 * MIB));
      assertEquals(Severity.INFO, single(img.getWarnings(), ProblemCode.PARENT_SIZE_SMALLER).severity());
      for (Extent x : img.map()) {
        if (x.start() >= MIB && !x.data()) {
          assertEquals(1, x.depth(), "zeros beyond the parent's end come from consulting the parent: " + x);
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 58. P-null-parent-uuid

  @Test
  void shouldRefuseNullParentUuid() throws IOException {
    TestImage parent = base(MIB, 56);
    parent.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(parent, "base.vhd", BS);
    child.parentUuid = new UUID(0, 0);
    Path path = child.writeTo(dir.resolve("child.vhd"));
    VhdFormatException e = assertThrows(VhdFormatException.class, () -> Vhd.open(path));
    assertEquals(ProblemCode.PARENT_UUID_NULL, e.getCode());
    assertEquals("header", e.getStructure());
    assertEquals("parentUuid", e.getField());
    assertEquals(child.headerOffset + 40, e.getFileOffset());

    try (VhdImage img = Vhd.open(path, OpenOptions.defaults().withVerifyParentUuid(false))) {
      assertEquals(Severity.WARNING, single(img.getWarnings(), ProblemCode.PARENT_UUID_NULL).severity());
      assertArrayEquals(parent.expectedContent(), read(img, 0, MIB));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 59. P-diff-without-parent-support: a path that cannot resolve parents refuses, never zeros.

  @Test
  void shouldRefuseDifferencingDiskFromBufferOrChannelWithoutResolver() throws IOException {
    TestImage parent = base(MIB, 57);
    parent.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(parent, "base.vhd", BS);
    Path path = child.writeTo(dir.resolve("child.vhd"));
    ParentNotFoundException e = assertThrows(ParentNotFoundException.class,
        () -> Vhd.open(ByteBuffer.wrap(child.toBytes()), OpenOptions.defaults()));
    assertEquals(List.of(), e.getCandidates(), "no directory, so no built-in candidate");
    try (FileChannel ch = FileChannel.open(path)) {
      assertThrows(ParentNotFoundException.class, () -> Vhd.open(ch, OpenOptions.defaults()));
      assertTrue(ch.isOpen(), "the caller's channel stays open after a failed open");
    }
  }

  @Test
  void shouldOpenDifferencingDiskFromBufferThroughResolver() throws IOException {
    TestImage parent = base(MIB, 58);
    Path parentPath = parent.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(parent, "base.vhd", BS).random(5000, 5000, 59);
    AtomicReference<ParentReference> seen = new AtomicReference<>();
    OpenOptions options = OpenOptions.defaults().withParentResolver(ref -> {
      seen.set(ref);
      return List.of(parentPath);
    });
    try (VhdImage img = Vhd.open(ByteBuffer.wrap(child.toBytes()), options)) {
      assertArrayEquals(child.expectedContent(parent.expectedContent()), read(img, 0, MIB));
      assertEquals("resolver", img.getParentResolution().source());
    }
    assertNull(seen.get().childPath());
    assertEquals(child.parentUuid, seen.get().parentUuid());
  }

  @Test
  void shouldConfineMacxLocatorOfChildWithoutDirectory() throws IOException {
    TestImage parent = base(MIB, 60);
    parent.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(parent, "base.vhd", BS);
    child.locators.clear();
    child.addLocator(0, TestImage.MACX, utf8("file://" + dir + "/base.vhd"));
    byte[] bytes = child.toBytes();
    ParentNotFoundException e = assertThrows(ParentNotFoundException.class,
        () -> Vhd.open(ByteBuffer.wrap(bytes), OpenOptions.defaults()));
    assertEquals(List.of(Outcome.NOT_ALLOWED), outcomes(e.getCandidates()));
    OpenOptions allowed = OpenOptions.defaults().withParentDirectories(List.of(dir));
    try (VhdImage img = Vhd.open(ByteBuffer.wrap(bytes), allowed)) {
      assertEquals(dir.resolve("base.vhd"), img.getParentResolution().path());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Confinement of built-in candidates

  @Test
  void shouldRefuseRelativeLocatorLeavingChildDirectoryUnlessAllowed() throws IOException {
    Files.createDirectories(dir.resolve("child"));
    Files.createDirectories(dir.resolve("other"));
    TestImage parent = base(MIB, 61);
    parent.writeTo(dir.resolve("other/p.vhd"));
    TestImage child = TestImage.differencing(parent, "p.vhd", BS);
    child.addLocator(1, TestImage.W2RU, TestImage.utf16le("..\\other\\p.vhd"));
    Path path = child.writeTo(dir.resolve("child/c.vhd"));

    ParentNotFoundException e = assertThrows(ParentNotFoundException.class, () -> Vhd.open(path));
    assertEquals(ParentNotFoundException.class, e.getClass());
    ParentCandidate first = e.getCandidates().get(0);
    assertEquals(dir.resolve("other/p.vhd"), first.path());
    assertEquals(Outcome.NOT_ALLOWED, first.outcome());
    assertEquals(List.of(Outcome.NOT_ALLOWED, Outcome.MISSING), outcomes(e.getCandidates()));

    for (Path allowed : List.of(dir.resolve("other"), dir)) {
      try (VhdImage img = Vhd.open(path, OpenOptions.defaults().withParentDirectories(List.of(allowed)))) {
        assertEquals(dir.resolve("other/p.vhd"), img.getParentResolution().path());
        assertArrayEquals(parent.expectedContent(), read(img, 0, MIB));
      }
    }
    Files.createDirectories(dir.resolve("elsewhere"));
    OpenOptions elsewhere = OpenOptions.defaults().withParentDirectories(List.of(dir.resolve("elsewhere")));
    assertThrows(ParentNotFoundException.class, () -> Vhd.open(path, elsewhere));
  }

  @Test
  void shouldRefuseSubdirectoryOfChildDirectoryUnlessAllowed() throws IOException {
    Files.createDirectories(dir.resolve("sub"));
    TestImage parent = base(MIB, 68);
    parent.writeTo(dir.resolve("sub/base.vhd"));
    TestImage child = TestImage.differencing(parent, "base.vhd", BS);
    child.addLocator(1, TestImage.W2RU, TestImage.utf16le(".\\sub\\base.vhd"));
    Path path = child.writeTo(dir.resolve("c.vhd"));
    ParentNotFoundException e = assertThrows(ParentNotFoundException.class, () -> Vhd.open(path));
    assertEquals(List.of(Outcome.NOT_ALLOWED, Outcome.MISSING), outcomes(e.getCandidates()));
    try (VhdImage img = Vhd.open(path, OpenOptions.defaults().withParentDirectories(List.of(dir)))) {
      assertEquals(dir.resolve("sub/base.vhd"), img.getParentResolution().path());
    }
  }

  @Test
  void shouldRefuseSymlinkInChildDirectoryPointingOutside() throws IOException {
    Files.createDirectories(dir.resolve("child"));
    Files.createDirectories(dir.resolve("outside"));
    TestImage parent = base(MIB, 62);
    Path real = parent.writeTo(dir.resolve("outside/base.vhd"));
    Files.createSymbolicLink(dir.resolve("child/base.vhd"), real);
    Path path = TestImage.differencing(parent, "base.vhd", BS).writeTo(dir.resolve("child/c.vhd"));
    ParentNotFoundException e = assertThrows(ParentNotFoundException.class, () -> Vhd.open(path));
    assertEquals(List.of(Outcome.NOT_ALLOWED), outcomes(e.getCandidates()));
    assertTrue(e.getCandidates().get(0).detail().contains(real.toString()), e.getCandidates()::toString);
  }

  @Test
  void shouldAcceptSymlinksThatStayInChildDirectory() throws IOException {
    Files.createDirectories(dir.resolve("child"));
    TestImage parent = base(MIB, 63);
    parent.writeTo(dir.resolve("child/base-v1.vhd"));
    Files.createSymbolicLink(dir.resolve("child/base.vhd"), Path.of("base-v1.vhd"));
    TestImage.differencing(parent, "base.vhd", BS).writeTo(dir.resolve("child/c.vhd"));
    // The child itself reached through a linked directory: judged on real paths too.
    Files.createSymbolicLink(dir.resolve("link"), dir.resolve("child"));
    for (Path top : List.of(dir.resolve("child/c.vhd"), dir.resolve("link/c.vhd"))) {
      try (VhdImage img = Vhd.open(top)) {
        assertArrayEquals(parent.expectedContent(), read(img, 0, MIB));
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Caller-supplied resolvers

  @Test
  void shouldTrustCallerResolverOutsideChildDirectory() throws IOException {
    Files.createDirectories(dir.resolve("child"));
    Files.createDirectories(dir.resolve("outside"));
    TestImage parent = base(MIB, 64);
    Path parentPath = parent.writeTo(dir.resolve("outside/base.vhd"));
    TestImage child = TestImage.differencing(parent, "base.vhd", BS);
    Path path = child.writeTo(dir.resolve("child/c.vhd"));
    AtomicReference<ParentReference> seen = new AtomicReference<>();
    OpenOptions options = OpenOptions.defaults().withParentResolver(ref -> {
      seen.set(ref);
      return List.of(parentPath);
    });
    try (VhdImage img = Vhd.open(path, options)) {
      assertEquals(parentPath, img.getParentResolution().path());
      assertEquals("resolver", img.getParentResolution().source());
    }
    ParentReference ref = seen.get();
    assertEquals(path, ref.childPath());
    assertEquals(child.parentUuid, ref.parentUuid());
    assertEquals(child.parentTimestamp, ref.parentTimestamp());
    assertEquals("base.vhd", ref.parentName());
    assertEquals(2, ref.locators().size());
    assertEquals(List.of(dir.resolve("child/base.vhd")), ref.suggestedPaths());
  }

  @Test
  void shouldOfferBuiltInOrderToResolver() throws IOException {
    TestImage child = TestImage.differencing(base(MIB, 65), "name.vhd", BS);
    child.locators.clear();
    child.addLocator(5, TestImage.WI2K, ascii("C:\\old\\wi2k.vhd"));
    child.addLocator(4, TestImage.WI2R, ascii(".\\wi2r.vhd"));
    child.addLocator(3, TestImage.MACX, utf8("file://" + dir + "/mac.vhd"));
    child.addLocator(2, TestImage.W2KU, TestImage.utf16le("C:\\vms\\abs.vhd"));
    child.addLocator(1, TestImage.W2RU, TestImage.utf16le(".\\rel.vhd"));
    Path path = child.writeTo(dir.resolve("child.vhd"));
    AtomicReference<ParentReference> seen = new AtomicReference<>();
    OpenOptions options = OpenOptions.defaults().withParentResolver(ref -> {
      seen.set(ref);
      return List.of();
    });
    assertThrows(ParentNotFoundException.class, () -> Vhd.open(path, options));
    assertEquals(List.of(dir.resolve("rel.vhd"), dir.resolve("abs.vhd"), dir.resolve("mac.vhd"),
        dir.resolve("name.vhd"), dir.resolve("wi2r.vhd"), dir.resolve("wi2k.vhd")),
        seen.get().suggestedPaths());
  }

  @Test
  void shouldTryResolverCandidatesInOrder() throws IOException {
    TestImage parent = base(MIB, 66);
    Path right = parent.writeTo(dir.resolve("base.vhd"));
    Path wrong = base(MIB, 67).writeTo(dir.resolve("wrong.vhd"));
    Path child = TestImage.differencing(parent, "base.vhd", BS).writeTo(dir.resolve("child.vhd"));
    OpenOptions options = OpenOptions.defaults().withParentResolver(ref -> List.of(wrong, right));
    try (VhdImage img = Vhd.open(child, options)) {
      List<ParentCandidate> tried = img.getParentResolution().candidates();
      assertEquals(List.of(wrong, right), tried.stream().map(ParentCandidate::path).toList());
      assertEquals(List.of(Outcome.UUID_MISMATCH, Outcome.ACCEPTED), outcomes(tried));
    }
    ParentNotFoundException e = assertThrows(ParentNotFoundException.class,
        () -> Vhd.open(child, OpenOptions.defaults().withParentResolver(ref -> List.of())));
    assertEquals(List.of(), e.getCandidates(), "an empty answer means no parent, not the built-in order");
  }

  // ---------------------------------------------------------------------------------------------
  // Depth limit

  @Test
  void shouldRejectMaxChainDepthOutsideItsRange() {
    assertThrows(IllegalArgumentException.class, () -> OpenOptions.defaults().withMaxChainDepth(0));
    assertThrows(IllegalArgumentException.class,
        () -> OpenOptions.defaults().withMaxChainDepth(OpenOptions.MAX_CHAIN_DEPTH_LIMIT + 1));
    assertEquals(64, OpenOptions.defaults().maxChainDepth());
  }

  @Test
  void shouldEnforceMaxChainDepth() throws IOException {
    List<TestImage> chain = chain(3, 64 * KIB, 70);
    Path top = dir.resolve("l3.vhd");
    try (VhdImage img = Vhd.open(top, OpenOptions.defaults().withMaxChainDepth(3))) {
      assertEquals(4, img.getChain().size());
    }
    VhdLimitException e = assertThrows(VhdLimitException.class,
        () -> Vhd.open(top, OpenOptions.defaults().withMaxChainDepth(2)));
    assertEquals(ProblemCode.CHAIN_DEPTH_LIMIT, e.getCode());
    assertEquals(2, e.getLimit());
    assertEquals(3, e.getRequested());
    ValidationReport r = Vhd.check(top,
        CheckOptions.defaults().withOpenOptions(OpenOptions.defaults().withMaxChainDepth(2)));
    assertTrue(r.problems(Severity.ERROR).stream().anyMatch(p -> p.code() == ProblemCode.CHAIN_DEPTH_LIMIT),
        r::toString);
    assertEquals(4, chain.size());
  }

  @Test
  @Timeout(20)
  void shouldReadTwoHundredLevelChainWithoutRecursion() throws IOException {
    int levels = 200;
    int size = 64 * KIB;
    List<TestImage> chain = chain(levels, size, 71);
    byte[] expected = chain.get(0).expectedContent();
    for (int i = 1; i <= levels; i++) {
      expected = chain.get(i).expectedContent(expected);
    }
    Path top = dir.resolve("l" + levels + ".vhd");
    assertThrows(VhdLimitException.class, () -> Vhd.open(top), "the default limit is 64");
    OpenOptions deep = OpenOptions.defaults().withMaxChainDepth(256);
    try (VhdImage img = Vhd.open(top, deep)) {
      assertEquals(levels + 1, img.getChain().size());
      assertArrayEquals(expected, read(img, 0, size));
      // Every data run names the layer and file offset its bytes really come from.
      for (Extent x : img.map()) {
        if (x.data()) {
          Path file = img.getChain().get(x.depth()).getPath();
          byte[] stored = new byte[(int) x.length()];
          try (FileChannel ch = FileChannel.open(file)) {
            ch.read(ByteBuffer.wrap(stored), x.fileOffset());
          }
          assertArrayEquals(Arrays.copyOfRange(expected, (int) x.start(), (int) x.end()), stored,
              x::toString);
        }
      }
    }
    ValidationReport r = Vhd.check(top, CheckOptions.defaults().withOpenOptions(deep));
    assertFalse(r.hasErrors(), r::toString);
  }

  /**
   * Writes a dynamic base {@code l0.vhd} and {@code levels} differencing layers {@code l1.vhd} ...
   * each writing a few sectors, some of them over sectors of lower layers. Returns base first.
   */
  private List<TestImage> chain(int levels, int size, long seed) throws IOException {
    int bs = 4 * KIB;
    int sectors = size / 512;
    Random rnd = new Random(seed);
    List<TestImage> out = new ArrayList<>();
    TestImage below = TestImage.dynamic(size, bs).random(0, size / 2, seed);
    below.writeTo(dir.resolve("l0.vhd"));
    out.add(below);
    for (int i = 1; i <= levels; i++) {
      TestImage t = TestImage.differencing(below, "l" + (i - 1) + ".vhd", bs);
      t.random((long) rnd.nextInt(sectors) * 512, 512, seed + i);
      t.random((long) (i % sectors) * 512, 512, seed + 1000 + i);
      t.writeTo(dir.resolve("l" + i + ".vhd"));
      out.add(t);
      below = t;
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------

  private static TestImage base(long size, long seed) {
    return TestImage.dynamic(size, BS).random(0, (int) size, seed);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static List<Outcome> outcomes(List<ParentCandidate> candidates) {
    return candidates.stream().map(ParentCandidate::outcome).toList();
  }

  private static Problem single(List<Problem> problems, ProblemCode code) {
    List<Problem> found = problems.stream().filter(p -> p.code() == code).toList();
    assertEquals(1, found.size(), () -> code + " expected once in " + problems);
    return found.get(0);
  }
}
