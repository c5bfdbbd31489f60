package io.github.vhd4j.pitfalls;

import static io.github.vhd4j.testing.VhdAssertions.*;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.DiskType;
import io.github.vhd4j.DynamicHeader;
import io.github.vhd4j.Extent;
import io.github.vhd4j.OpenOptions;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pitfall catalogue (pitfalls.md §5), section B: the dynamic header, cases 17-27. The header
 * sits at file offset 512 in every image here, so header field F is at 512 + F.
 *
 * <p>Not applicable to reading, so not tested here:
 * <ul>
 *   <li>case 22, "writes round-trip": the library has no write path yet; the read side (512-byte
 *       blocks, 512-byte bitmaps, 1024-byte stride) is tested.
 * </ul>
 */
class HeaderPitfallsTest {
  private static final OpenOptions STRICT = OpenOptions.defaults();
  private static final OpenOptions LENIENT = OpenOptions.defaults().withLenient(true);
  private static final int MIB = 1 << 20;
  private static final long HEADER = 512;
  private static final Duration QUICK = Duration.ofSeconds(10);

  // ---- case 17: H-cookie ------------------------------------------------------------------------

  @Test
  void shouldRejectBadHeaderCookie() throws IOException {
    TestImage t = dynamicWithData();
    t.headerCookie = "cxsparsf".getBytes(StandardCharsets.US_ASCII); // header checksum still valid
    byte[] file = t.toBytes();
    assertOpenFails(file, STRICT, ProblemCode.HEADER_COOKIE, "header", "cookie", HEADER);
    assertOpenFails(file, LENIENT, ProblemCode.HEADER_COOKIE, "header", "cookie", HEADER);
    assertChecked(file, ProblemCode.HEADER_COOKIE, Severity.ERROR, "header", "cookie", HEADER);
  }

  // ---- case 18: H-checksum ----------------------------------------------------------------------

  @Test
  void shouldRejectHeaderChecksumMismatchUnlessLenient() throws IOException {
    TestImage t = dynamicWithData();
    byte[] file = t.toBytes();
    long good = ByteBuffer.wrap(file).getInt((int) HEADER + 36) & 0xFFFFFFFFL;
    file[(int) HEADER + 0x27] ^= 0x5A; // low byte of the checksum at header offset 0x24
    long at = HEADER + 0x24;

    VhdFormatException e =
        assertOpenFails(file, STRICT, ProblemCode.HEADER_CHECKSUM, "header", "checksum", at);
    assertEquals(String.format("0x%08x", good), e.getExpected(), "expected value is the real sum");
    assertChecked(file, ProblemCode.HEADER_CHECKSUM, Severity.ERROR, "header", "checksum", at);
    try (VhdImage img = open(file, LENIENT)) {
      assertWarned(img, ProblemCode.HEADER_CHECKSUM, Severity.ERROR, "header", "checksum", at);
      assertContent(t.expectedContent(), img);
    }
  }

  // ---- case 19: H-version -----------------------------------------------------------------------

  @Test
  void shouldRejectHeaderMinorVersionStrictlyButOpenItLeniently() throws IOException {
    TestImage t = dynamicWithData();
    t.headerVersion = 0x00010001L;
    byte[] file = t.toBytes();
    long at = HEADER + 24;
    assertOpenFails(file, STRICT, ProblemCode.HEADER_VERSION, "header", "headerVersion", at);
    assertChecked(file, ProblemCode.HEADER_VERSION, Severity.ERROR, "header", "headerVersion", at);
    // Same major version: the layout is the same, so lenient mode may read it.
    try (VhdImage img = open(file, LENIENT)) {
      assertWarned(img, ProblemCode.HEADER_VERSION, Severity.ERROR, "header", "headerVersion", at);
      assertContent(t.expectedContent(), img);
    }
  }

  @Test
  void shouldRejectHeaderVersionZeroEvenLeniently() throws IOException {
    TestImage t = dynamicWithData();
    t.headerVersion = 0;
    byte[] file = t.toBytes();
    long at = HEADER + 24;
    assertOpenFails(file, STRICT, ProblemCode.HEADER_VERSION, "header", "headerVersion", at);
    assertOpenFails(file, LENIENT, ProblemCode.HEADER_VERSION, "header", "headerVersion", at);
    assertChecked(file, ProblemCode.HEADER_VERSION, Severity.ERROR, "header", "headerVersion", at);
  }

  // ---- case 20: H-blocksize-zero ----------------------------------------------------------------

  @Test
  void shouldRejectZeroBlockSizeWithoutArithmeticException() throws IOException {
    // iotest 088: poke the 4 bytes at file offset 544 of a 64M image, fix the header sum.
    TestImage t = TestImage.dynamic(64L * MIB, 2 * MIB).random(0, 4096, 20);
    t.patchAndFix(544, new byte[4]);
    byte[] file = t.toBytes();
    assertEquals(0, ByteBuffer.wrap(file).getInt(544));
    // assertThrows fails on any other throwable, ArithmeticException included.
    assertOpenFails(file, STRICT, ProblemCode.BLOCK_SIZE_INVALID, "header", "blockSize", 544);
    assertOpenFails(file, LENIENT, ProblemCode.BLOCK_SIZE_INVALID, "header", "blockSize", 544);
    assertChecked(file, ProblemCode.BLOCK_SIZE_INVALID, Severity.ERROR, "header", "blockSize", 544);
  }

  // ---- case 21: H-blocksize-invalid -------------------------------------------------------------

  @ParameterizedTest(name = "block size 0x{0}")
  @ValueSource(strings = {"00000080", "000001FF", "12345678", "00000600"})
  void shouldRejectBlockSizeThatIsNotAPowerOfTwoOfAtLeast512(String hex) throws IOException {
    long blockSize = Long.parseLong(hex, 16);
    TestImage t = TestImage.dynamic(64L * MIB, 2 * MIB).random(0, 4096, 21);
    t.patchAndFix(544, TestImage.u32(blockSize));
    byte[] file = t.toBytes();
    VhdFormatException e =
        assertOpenFails(file, STRICT, ProblemCode.BLOCK_SIZE_INVALID, "header", "blockSize", 544);
    assertEquals(Long.toString(blockSize), e.getActual());
    assertNotNull(e.getExpected());
    assertTrue(e.getExpected().contains("power of two") && e.getExpected().contains("512"), e::getExpected);
    assertOpenFails(file, LENIENT, ProblemCode.BLOCK_SIZE_INVALID, "header", "blockSize", 544);
    assertChecked(file, ProblemCode.BLOCK_SIZE_INVALID, Severity.ERROR, "header", "blockSize", 544);
  }

  // ---- case 22: H-blocksize-min -----------------------------------------------------------------

  @Test
  void shouldReadBlockSize512WithOneSectorBitmapAndTwoSectorStride() throws IOException {
    long size = 256 * 1024;
    TestImage t = TestImage.dynamic(size, 512);
    assertEquals(size / 512, t.entries(), "max = n / 512");
    // Scattered writes: single sectors, a run crossing many 512-byte blocks, the last sector.
    t.random(0, 512, 1).random(512 * 7 + 100, 5000, 2).random(size - 512, 512, 3).fill(100_000, 1, 0xEE);
    byte[] file = t.toBytes();
    assertEquals(1024, t.blockOffset(8) - t.blockOffset(7), "a block is a bitmap sector and a data sector");

    try (VhdImage img = open(file, STRICT)) {
      DynamicHeader h = img.getDynamicHeader();
      assertNotNull(h);
      assertEquals(512, h.blockSize());
      assertEquals(512, h.bitmapSize());
      assertEquals(size / 512, h.maxTableEntries());
      assertContent(t.expectedContent(), img);
      // Block 7's data sits one bitmap sector after its stored position.
      List<Extent> map = img.map();
      assertTrue(map.stream().anyMatch(x -> x.data() && x.start() == 7 * 512
          && x.fileOffset() == t.blockOffset(7) + 512), map::toString);
    }
    ValidationReport report = check(file);
    assertFalse(report.hasErrors(), report::toString);
  }

  // ---- case 23: H-blocksize-huge ----------------------------------------------------------------

  @ParameterizedTest(name = "block size 2^{0}")
  @ValueSource(ints = {31, 30})
  void shouldRefuseBlockSizeAboveTheCapWithoutAllocatingIt(int log2) throws IOException {
    long blockSize = 1L << log2;
    TestImage t = TestImage.dynamic(4 * MIB, blockSize);
    byte[] file = t.toBytes();
    VhdFormatException e = assertTimeoutPreemptively(QUICK,
        () -> assertOpenFails(file, STRICT, ProblemCode.BLOCK_SIZE_LIMIT, "header", "blockSize", 544));
    VhdLimitException limit = assertInstanceOf(VhdLimitException.class, e);
    assertEquals(blockSize, limit.getRequested());
    assertEquals(Vhd.MAX_BLOCK_SIZE, limit.getLimit());
    assertEquals(256L * MIB, Vhd.MAX_BLOCK_SIZE, "documented cap: the VHDX maximum");
    assertTimeoutPreemptively(QUICK, () -> assertOpenFails(file, LENIENT, ProblemCode.BLOCK_SIZE_LIMIT,
        "header", "blockSize", 544));
    assertChecked(file, ProblemCode.BLOCK_SIZE_LIMIT, Severity.ERROR, "header", "blockSize", 544);
  }

  @Test
  void shouldOpenBlockSizeAtTheCap() throws IOException {
    long blockSize = 1L << 28;
    TestImage t = TestImage.dynamic(512L * MIB, blockSize);
    byte[] file = t.toBytes();
    try (VhdImage img = assertTimeoutPreemptively(QUICK, () -> open(file, STRICT))) {
      assertEquals(blockSize, img.getBlockSize());
      assertEquals(512L * MIB, img.getSize());
      // Unallocated blocks read as zeros, also across the boundary between blocks 0 and 1.
      ByteBuffer window = ByteBuffer.allocate(MIB);
      img.readFully(blockSize - MIB / 2, window);
      assertArrayEquals(new byte[MIB], window.array());
    }
    assertFalse(check(file).hasErrors());
  }

  // ---- case 24: H-next-pointer ------------------------------------------------------------------

  @ParameterizedTest(name = "next = 0x{0}")
  @ValueSource(strings = {"200", "0", "FFFFFFFF", "400"})
  void shouldNeverFollowHeaderNextPointerAndWarnAboutIt(String hex) throws IOException {
    TestImage t = dynamicWithData();
    t.headerNext = Long.parseLong(hex, 16);
    byte[] file = t.toBytes();
    long at = HEADER + 8;
    try (VhdImage img = assertTimeoutPreemptively(QUICK, () -> open(file, STRICT))) {
      assertWarned(img, ProblemCode.HEADER_NEXT_OFFSET, Severity.WARNING, "header", "dataOffset", at);
      assertEquals(t.headerNext, img.getDynamicHeader().dataOffset());
      assertContent(t.expectedContent(), img);
    }
    ValidationReport report = assertTimeoutPreemptively(QUICK, () -> check(file));
    assertReported(report.problems(), ProblemCode.HEADER_NEXT_OFFSET, Severity.WARNING, "header",
        "dataOffset", at);
    assertFalse(report.hasErrors(), report::toString);
  }

  @Test
  void shouldAcceptAllOnesHeaderNextPointerSilently() throws IOException {
    TestImage t = dynamicWithData();
    assertEquals(-1L, t.headerNext);
    try (VhdImage img = open(t.toBytes(), STRICT)) {
      assertNotReported(img.getWarnings(), ProblemCode.HEADER_NEXT_OFFSET);
      assertContent(t.expectedContent(), img);
    }
  }

  // ---- case 25: H-table-offset ------------------------------------------------------------------

  static Stream<Arguments> badTableOffsets() {
    long eofMinus512 = TestImage.dynamic(4 * MIB, 2 * MIB).tailFooterOffset();
    return Stream.of(
        Arguments.of("0 (over the footer copy)", 0L),
        Arguments.of("0x200 (over the header)", 0x200L),
        Arguments.of("0x601 (unaligned)", 0x601L),
        Arguments.of("EOF-512 (the tail footer)", eofMinus512),
        Arguments.of("beyond EOF", eofMinus512 + 4096),
        Arguments.of("2^63-1", Long.MAX_VALUE),
        Arguments.of("all ones (negative as a Java long)", -1L));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badTableOffsets")
  void shouldRejectTableOffsetOverlappingMetadataOrOutsideFile(String name, long tableOffset)
      throws IOException {
    // The table stays at 0x600; only the header's pointer is changed.
    TestImage t = TestImage.dynamic(4 * MIB, 2 * MIB);
    t.patchAndFix(HEADER + 16, TestImage.u64(tableOffset));
    byte[] file = t.toBytes();
    long at = HEADER + 16;
    assertTimeoutPreemptively(QUICK,
        () -> assertOpenFails(file, STRICT, ProblemCode.HEADER_TABLE_OFFSET, "header", "tableOffset", at));
    assertChecked(file, ProblemCode.HEADER_TABLE_OFFSET, Severity.ERROR, "header", "tableOffset", at);
  }

  @Test
  void shouldRejectTableThatRunsIntoTheTailFooter() throws IOException {
    // 0x600 + 4 * max > EOF - 512: the file holds one table sector (128 entries) before the footer.
    // Reported on max table entries, the same bound as cases 28 and 29.
    TestImage t = TestImage.dynamic(4 * MIB, 2 * MIB);
    assertEquals(0x600 + 512, t.tailFooterOffset());
    t.patchAndFix(HEADER + 28, TestImage.u32(129));
    byte[] file = t.toBytes();
    long at = HEADER + 28;
    assertOpenFails(file, STRICT, ProblemCode.BAT_OUTSIDE_FILE, "header", "maxTableEntries", at);
    assertOpenFails(file, LENIENT, ProblemCode.BAT_OUTSIDE_FILE, "header", "maxTableEntries", at);
    assertChecked(file, ProblemCode.BAT_OUTSIDE_FILE, Severity.ERROR, "header", "maxTableEntries", at);
  }

  @Test
  void shouldAcceptTableAfterAGapAt0x2000() throws IOException {
    TestImage t = dynamicWithData();
    t.tableOffset = 0x2000;
    t.random(3 * MIB, 10_000, 25);
    byte[] file = t.toBytes();
    try (VhdImage img = open(file, STRICT)) {
      assertEquals(0x2000, img.getDynamicHeader().tableOffset());
      assertContent(t.expectedContent(), img);
    }
    ValidationReport report = check(file);
    assertFalse(report.hasErrors(), report::toString);
  }

  // ---- case 26: H-reserved ----------------------------------------------------------------------

  static Stream<Arguments> reservedHeaderFields() {
    Consumer<TestImage> reserved1 = t -> t.headerReserved1 = 1;
    Consumer<TestImage> reserved2 = t -> t.headerReserved2[0] = 0x5A;
    return Stream.of(
        Arguments.of("reserved @0x3C = 1", reserved1, HEADER + 0x3C),
        Arguments.of("reserved2 @0x300 non-zero", reserved2, HEADER + 0x300));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("reservedHeaderFields")
  void shouldWarnAboutNonZeroReservedHeaderFields(String name, Consumer<TestImage> corrupt, long at)
      throws IOException {
    TestImage t = dynamicWithData();
    corrupt.accept(t); // header checksum computed over the changed bytes
    byte[] file = t.toBytes();
    try (VhdImage img = open(file, STRICT)) {
      assertWarned(img, ProblemCode.HEADER_RESERVED, Severity.WARNING, "header", "reserved", at);
      assertContent(t.expectedContent(), img);
    }
    ValidationReport report = check(file);
    assertReported(report.problems(), ProblemCode.HEADER_RESERVED, Severity.WARNING, "header", "reserved",
        at);
    assertFalse(report.hasErrors(), report::toString);
  }

  // ---- case 27: H-parent-fields-on-dynamic ------------------------------------------------------

  static Stream<Arguments> parentFieldsOnDynamic() {
    Consumer<TestImage> uuid = t -> t.parentUuid = UUID.fromString("0318b931-d5d3-4b51-aa23-60f986419bad");
    Consumer<TestImage> name = t -> t.parentName = "base.vhd";
    Consumer<TestImage> locator = t -> t.addLocator(0, TestImage.W2RU, TestImage.utf16le(".\\base.vhd"));
    return Stream.of(
        Arguments.of("parent UUID", uuid),
        Arguments.of("parent name", name),
        Arguments.of("W2ru locator", locator));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("parentFieldsOnDynamic")
  void shouldWarnAboutParentFieldsOnDynamicDiskAndNeverOpenAParent(String name, Consumer<TestImage> corrupt)
      throws IOException {
    TestImage t = dynamicWithData();
    corrupt.accept(t);
    byte[] file = t.toBytes();
    try (VhdImage img = open(file, STRICT)) {
      Problem p = findProblem(img.getWarnings(), ProblemCode.HEADER_PARENT_FIELDS);
      assertEquals(Severity.WARNING, p.severity(), p::toString);
      assertEquals("header", p.structure());
      assertEquals(DiskType.DYNAMIC, img.getDiskType());
      assertNull(img.getParent(), "no parent is opened for a dynamic disk");
      assertNull(img.getParentResolution());
      assertEquals(1, img.getChain().size());
      assertContent(t.expectedContent(), img);
    }
    ValidationReport report = check(file);
    Problem checked = findProblem(report.problems(), ProblemCode.HEADER_PARENT_FIELDS);
    assertEquals(Severity.WARNING, checked.severity(), checked::toString);
    assertFalse(report.hasErrors(), report::toString);
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** DY(4M, 2M) with block 0 allocated and partly written. */
  private static TestImage dynamicWithData() {
    return TestImage.dynamic(4 * MIB, 2 * MIB).random(1000, 70_000, 42);
  }

}
