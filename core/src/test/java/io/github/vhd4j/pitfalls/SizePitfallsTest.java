package io.github.vhd4j.pitfalls;

import static io.github.vhd4j.testing.VhdAssertions.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.Geometry;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.SizeInfo;
import io.github.vhd4j.SizePolicy;
import io.github.vhd4j.SizeSource;
import io.github.vhd4j.ValidationReport;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.testing.TestImage;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pitfall catalogue §5 F (cases 60 to 70) and the creator table of case 86: which footer field
 * sizes the disk. The numbers are those of pitfalls §2.1 (QEMU iotest 146 samples and the Azure
 * footer of QEMU commit 558d8eb7f3), rebuilt with the test builder; the sample files themselves
 * belong to the conformance suite. Large disks are dynamic images without allocated blocks, so
 * files stay small; the fixed variants use sparse files.
 *
 * <p>Rule under test ({@link SizePolicy}): AUTO uses the CHS size only for creators {@code "vpc "}
 * and {@code "qemu"}, CHS always uses it, CURRENT_SIZE never does; the geometry 65535/16/255 always
 * means current size; a CHS size above the current size is capped at the current size.
 *
 * <p>Not applicable here, because the library has no writer yet: cases 71 (creation rounding in
 * "VPC-compatible" and "exact" mode) and 72 (CHS-mode creation of 130 GiB terminates).
 */
class SizePitfallsTest {
  private static final long MIB = 1024 * 1024;
  private static final long GIB = 1024 * MIB;

  /** iotest 146 Virtual PC and Hyper-V samples: 65278/16/255. */
  private static final long SAMPLE_CURRENT = 136_365_211_648L;
  private static final long SAMPLE_CHS = 136_363_130_880L;
  /** Azure export quoted in QEMU 558d8eb7f3: 10402/16/63 over 5 GiB. */
  private static final long AZURE_CURRENT = 0x140000000L;
  private static final long AZURE_CHS = 5_368_430_592L;
  /** VirtualBox: 1 GiB with the specification's 2080/16/63. */
  private static final long VBOX_CHS = 1_073_479_680L;

  @TempDir Path dir;

  // ---------------------------------------------------------------------------------------------
  // 60, 61. Virtual PC and Hyper-V samples

  @Test
  void shouldSizeVirtualPcImageByGeometryUnderAutoPolicy() throws IOException {
    TestImage t = dynamicWith("vpc ", SAMPLE_CURRENT, 65278, 16, 255);
    assertEquals(SAMPLE_CHS, new Geometry(65278, 16, 255).capacity());
    try (VhdImage img = open(t, SizePolicy.AUTO)) {
      assertEquals(new SizeInfo(SAMPLE_CHS, SizeSource.CHS, SizePolicy.AUTO, SAMPLE_CURRENT, SAMPLE_CURRENT,
          SAMPLE_CHS), img.getSizeInfo());
      assertEquals(SAMPLE_CHS, img.getSize());
      assertEquals(Severity.INFO, single(img.getWarnings(), ProblemCode.SIZE_SOURCES_DIFFER).severity());
      assertReadsEndAt(img, SAMPLE_CHS);
    }
    try (VhdImage img = open(t, SizePolicy.CURRENT_SIZE)) {
      assertEquals(SAMPLE_CURRENT, img.getSize());
      assertEquals(SizeSource.CURRENT_SIZE, img.getSizeInfo().source());
      assertReadsEndAt(img, SAMPLE_CURRENT);
    }
    try (VhdImage img = open(t, SizePolicy.CHS)) {
      assertEquals(SAMPLE_CHS, img.getSize());
    }
  }

  @Test
  void shouldSizeHyperVImageByCurrentSizeUnderAutoPolicy() throws IOException {
    TestImage t = dynamicWith("win ", SAMPLE_CURRENT, 65278, 16, 255);
    try (VhdImage img = open(t, SizePolicy.AUTO)) {
      assertEquals(new SizeInfo(SAMPLE_CURRENT, SizeSource.CURRENT_SIZE, SizePolicy.AUTO, SAMPLE_CURRENT,
          SAMPLE_CURRENT, SAMPLE_CHS), img.getSizeInfo());
      assertReadsEndAt(img, SAMPLE_CURRENT);
    }
    try (VhdImage img = open(t, SizePolicy.CHS)) {
      assertEquals(SAMPLE_CHS, img.getSize());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 62. Disk2vhd: "d2v\0", maximum geometry, blocks out of order, zero table padding

  @ParameterizedTest(name = "{0}")
  @EnumSource(SizePolicy.class)
  void shouldSizeDisk2vhdImageByCurrentSizeUnderEveryPolicy(SizePolicy policy) throws IOException {
    long current = 263_454_720L;
    TestImage t = dynamicWith("d2v\0", current, 65535, 16, 255);
    assertEquals(126, t.entries());
    t.batPadding = 0;
    t.block(2);
    t.block(0);
    t.block(1);
    try (VhdImage img = open(t, policy)) {
      assertEquals(current, img.getSize(), "must not be reported as 127 GiB");
      assertEquals(SizeSource.CURRENT_SIZE, img.getSizeInfo().source());
      assertEquals(Geometry.MAX_SECTORS * 512, img.getSizeInfo().chsSize());
      assertEquals(Severity.WARNING, single(img.getWarnings(), ProblemCode.BAT_PADDING).severity());
      if (policy == SizePolicy.AUTO) {
        ByteBuffer chunk = ByteBuffer.allocate((int) MIB);
        byte[] zeros = new byte[(int) MIB];
        for (long pos = 0; pos < current; pos += MIB) {
          chunk.clear();
          int n = img.read(pos, chunk);
          assertEquals(Math.min(MIB, current - pos), n);
          assertEquals(-1, Arrays.mismatch(zeros, 0, n, chunk.array(), 0, n), "non-zero byte near " + pos);
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 63. Azure export "wa\0\0"

  @Test
  void shouldSizeAzureExportByCurrentSize() throws IOException {
    TestImage t = dynamicWith("wa\0\0", AZURE_CURRENT, 10402, 16, 63);
    assertEquals(AZURE_CHS, new Geometry(10402, 16, 63).capacity());
    try (VhdImage img = open(t, SizePolicy.AUTO)) {
      assertEquals(5 * GIB, img.getSize());
      assertEquals(AZURE_CHS, img.getSizeInfo().chsSize());
      assertReadsEndAt(img, AZURE_CURRENT);
    }
    try (VhdImage img = open(t, SizePolicy.CHS)) {
      // What a CHS-based reader would lose.
      assertEquals(278_528, AZURE_CURRENT - img.getSize());
    }
  }

  @Test
  void shouldSizeSparseFixedAzureExportByCurrentSize() throws IOException {
    TestImage footer = fixedFooter("wa\0\0", AZURE_CURRENT, 10402, 16, 63);
    Path path = sparseFixed(footer, AZURE_CURRENT);
    try (VhdImage img = Vhd.open(path)) {
      assertEquals(AZURE_CURRENT, img.getSize());
      assertReadsEndAt(img, AZURE_CURRENT);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 64. hcsshim tar2ext4 footer: creator, host OS, time stamp and geometry all zero

  @Test
  void shouldSizeZeroGeometryFixedDiskByCurrentSize() throws IOException {
    TestImage t = TestImage.fixed(MIB).random(0, (int) MIB, 81);
    t.creatorApp = "\0\0\0\0";
    t.creatorOs = "\0\0\0\0";
    t.timestamp = 0;
    t.cylinders = 0;
    t.heads = 0;
    t.sectorsPerTrack = 0;
    try (VhdImage img = open(t, SizePolicy.AUTO)) {
      assertEquals(MIB, img.getSize());
      assertEquals(0, img.getSizeInfo().chsSize());
      assertArrayEquals(t.expectedContent(), read(img, 0, (int) MIB));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 65. VirtualBox: current size with a round-down geometry

  @Test
  void shouldSizeVirtualBoxImageByCurrentSize() throws IOException {
    TestImage t = dynamicWith("vbox", GIB, 2080, 16, 63);
    assertEquals(new Geometry(2080, 16, 63), Geometry.forSize(GIB),
        "the specification's round-down geometry");
    try (VhdImage img = open(t, SizePolicy.AUTO)) {
      assertEquals(GIB, img.getSize());
    }
    try (VhdImage img = open(t, SizePolicy.CHS)) {
      assertEquals(VBOX_CHS, img.getSize());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 66. S-geometry-too-large

  static Stream<Arguments> largeGeometry() {
    return Stream.of(
        Arguments.of("vpc ", SizePolicy.AUTO), Arguments.of("jvhd", SizePolicy.AUTO),
        Arguments.of("jvhd", SizePolicy.CHS), Arguments.of("jvhd", SizePolicy.CURRENT_SIZE));
  }

  @ParameterizedTest(name = "creator \"{0}\", {1}")
  @MethodSource("largeGeometry")
  void shouldWarnAboutGeometryLargerThanCurrentSizeAndStayBounded(String creator, SizePolicy policy)
      throws IOException {
    TestImage t = TestImage.fixed(MIB).random(0, (int) MIB, 82);
    t.creatorApp = creator;
    t.cylinders = 1000;
    t.heads = 16;
    t.sectorsPerTrack = 63;
    try (VhdImage img = open(t, policy)) {
      assertEquals(MIB, img.getSize());
      List<Problem> geometry = img.getWarnings().stream()
          .filter(p -> p.code() == ProblemCode.FOOTER_GEOMETRY && p.severity() == Severity.WARNING).toList();
      assertEquals(1, geometry.size(), () -> "one geometry warning expected: " + img.getWarnings());
      assertEquals(t.tailFooterOffset() + 56, geometry.get(0).offset());
      assertArrayEquals(t.expectedContent(), read(img, 0, (int) MIB));
      assertEquals(-1, img.read(MIB, ByteBuffer.allocate(512)));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 67. S-unaligned-size

  @Test
  void shouldRefuseUnalignedCurrentSizeUnlessLenient() throws IOException {
    long size = 1_048_577L;
    TestImage fixed = TestImage.fixed(size).random(0, (int) size, 83);
    TestImage dynamic = TestImage.dynamic(size, 512 * 1024).random(0, (int) MIB, 84);
    for (TestImage t : List.of(fixed, dynamic)) {
      byte[] bytes = t.toBytes();
      VhdFormatException e = assertThrows(VhdFormatException.class,
          () -> Vhd.open(ByteBuffer.wrap(bytes), OpenOptions.defaults()));
      assertEquals(ProblemCode.FOOTER_CURRENT_SIZE, e.getCode());
      assertEquals("footer", e.getStructure());
      assertEquals("currentSize", e.getField());
      assertEquals(t.tailFooterOffset() + 48, e.getFileOffset());
      try (VhdImage img = Vhd.open(ByteBuffer.wrap(bytes), OpenOptions.defaults().withLenient(true))) {
        assertEquals(MIB, img.getSize(), "rounded down to whole sectors");
        assertArrayEquals(Arrays.copyOf(t.expectedContent(), (int) MIB), read(img, 0, (int) MIB));
        assertEquals(-1, img.read(MIB, ByteBuffer.allocate(1)));
        assertTrue(img.getWarnings().stream().anyMatch(p -> p.code() == ProblemCode.FOOTER_CURRENT_SIZE
            && p.severity() == Severity.ERROR), img.getWarnings()::toString);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 68. S-zero-size

  @Test
  void shouldOpenEmptyFixedDisk() throws IOException {
    TestImage t = TestImage.fixed(0);
    assertEquals(512, t.toBytes().length);
    assertEmptyDisk(t);
  }

  @Test
  void shouldOpenEmptyDynamicDiskAsQemuCreatesIt() throws IOException {
    // The layout of `qemu-img create -f vpc x.vhd 0` (checked with qemu-img 7.2): 0 table entries,
    // table offset 0x600, and the footer right there at 0x600 in a 2048-byte file.
    TestImage t = TestImage.dynamic(0, 2 * MIB);
    t.creatorApp = "qemu";
    t.creatorVersion = 0x00050003L;
    t.cylinders = 0;
    t.heads = 0;
    t.sectorsPerTrack = 0;
    assertEquals(0, t.entries());
    assertEquals(2048, t.toBytes().length);
    assertEquals(t.tableOffset, t.tailFooterOffset());
    assertEmptyDisk(t);
  }

  private static void assertEmptyDisk(TestImage t) throws IOException {
    byte[] bytes = t.toBytes();
    try (VhdImage img = Vhd.open(ByteBuffer.wrap(bytes), OpenOptions.defaults())) {
      assertEquals(0, img.getSize());
      assertEquals(-1, img.read(0, ByteBuffer.allocate(512)));
      assertEquals(0, img.read(0, ByteBuffer.allocate(0)));
      img.readFully(0, ByteBuffer.allocate(0));
      assertEquals(List.of(), img.map());
    }
    ValidationReport r = Vhd.check(ByteBuffer.wrap(bytes), io.github.vhd4j.CheckOptions.defaults());
    assertFalse(r.hasErrors(), r::toString);
  }

  // ---------------------------------------------------------------------------------------------
  // 69. S-max-size

  @Test
  void shouldAcceptDynamicDiskOfExactly2040GiB() throws IOException {
    TestImage t = TestImage.dynamic(Vhd.MAX_DYNAMIC_SIZE, 2 * MIB);
    assertEquals(0xFF000000L * 512, Vhd.MAX_DYNAMIC_SIZE);
    try (VhdImage img = open(t, SizePolicy.AUTO)) {
      assertEquals(0xFF000000L * 512, img.getSize());
      assertReadsEndAt(img, img.getSize());
    }
  }

  @Test
  void shouldRefuseDynamicDiskOneSectorAbove2040GiB() throws IOException {
    TestImage t = TestImage.dynamic(0xFF000000L * 512 + 512, 2 * MIB);
    VhdFormatException e = assertThrows(VhdFormatException.class,
        () -> Vhd.open(ByteBuffer.wrap(t.toBytes()), OpenOptions.defaults()));
    assertEquals(ProblemCode.SIZE_LIMIT, e.getCode());
    assertEquals("currentSize", e.getField());
    assertEquals(t.tailFooterOffset() + 48, e.getFileOffset());
  }

  @Test
  void shouldAcceptSparseFixedDiskOf4TiB() throws IOException {
    long size = 4L << 40;
    Path path = sparseFixed(fixedFooter("jvhd", size, 65535, 16, 255), size);
    try (VhdImage img = Vhd.open(path)) {
      assertEquals(size, img.getSize(), "the 2040 GiB limit binds dynamic disks only");
      assertReadsEndAt(img, size);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 70. S-fixed-size-mismatch

  /**
   * A fixed disk whose data is longer than its current size: strict opening refuses it; lenient
   * opening sizes it by the data before the footer (as QEMU does) and says so, rather than hide the
   * rest. A current size of 0 would otherwise read as an empty disk.
   */
  @ParameterizedTest
  @ValueSource(longs = {MIB, 0})
  void shouldSizeFixedDiskByItsDataWhenLenientAndTheCurrentSizeIsShort(long current) throws IOException {
    TestImage t = TestImage.fixed(3 * MIB).random(0, (int) (3 * MIB), 85).setSize(current);
    byte[] bytes = t.toBytes();
    VhdFormatException e = assertThrows(VhdFormatException.class,
        () -> Vhd.open(ByteBuffer.wrap(bytes), OpenOptions.defaults()));
    assertEquals(ProblemCode.FIXED_SIZE_MISMATCH, e.getCode());
    try (VhdImage img = Vhd.open(ByteBuffer.wrap(bytes), OpenOptions.defaults().withLenient(true))) {
      assertEquals(3 * MIB, img.getSize());
      assertEquals(SizeSource.FILE_LENGTH, img.getSizeInfo().source());
      assertEquals(current, img.getSizeInfo().currentSize());
      assertArrayEquals(t.fixedData, read(img, 0, (int) (3 * MIB)));
      Problem p = img.getWarnings().stream().filter(w -> w.code() == ProblemCode.FIXED_SIZE_MISMATCH)
          .findFirst().orElseThrow();
      assertEquals(Severity.ERROR, p.severity(), "a downgraded error");
      assertTrue(p.message().contains("sizes the disk by the " + 3 * MIB + " bytes before the footer"), p.message());
    }
    ValidationReport report = Vhd.check(ByteBuffer.wrap(bytes), CheckOptions.defaults().withOpenOptions(
        OpenOptions.defaults().withLenient(true)));
    assertTrue(report.hasErrors(), "check still reports the mismatch");
  }

  @Test
  void shouldRefuseTruncatedFixedDiskEvenWhenLenient() throws IOException {
    TestImage t = TestImage.fixed(MIB).setSize(MIB + 512);
    byte[] bytes = t.toBytes();
    for (OpenOptions o : List.of(OpenOptions.defaults(), OpenOptions.defaults().withLenient(true))) {
      VhdFormatException e =
          assertThrows(VhdFormatException.class, () -> Vhd.open(ByteBuffer.wrap(bytes), o));
      assertEquals(ProblemCode.FIXED_SIZE_MISMATCH, e.getCode());
      assertEquals("currentSize", e.getField());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 86. I-creator-bytes, against §2.1

  private static final List<String> CREATORS = List.of(
      "vpc ", "qemu", "qem2", "win ", "d2v\0", "d2v ", "tap\0", "CTXS", "wa\0\0", "vs  ", "vbox", "\0\0\0\0");

  static Stream<Arguments> creatorsAndPolicies() {
    List<Arguments> out = new ArrayList<>();
    for (String c : CREATORS) {
      for (SizePolicy p : SizePolicy.values()) {
        out.add(Arguments.of(show(c), c, p));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "creator \"{0}\", {2}")
  @MethodSource("creatorsAndPolicies")
  void shouldMapCreatorBytesToSizeSource(String label, String creator, SizePolicy policy) throws IOException {
    TestImage t = dynamicWith(creator, GIB, 2080, 16, 63);
    boolean chs = policy == SizePolicy.CHS
        || policy == SizePolicy.AUTO && (creator.equals("vpc ") || creator.equals("qemu"));
    try (VhdImage img = open(t, policy)) {
      assertEquals(creator, img.getFooter().creatorApplication(), "creator kept byte for byte");
      assertEquals(chs ? SizeSource.CHS : SizeSource.CURRENT_SIZE, img.getSizeInfo().source());
      assertEquals(chs ? VBOX_CHS : GIB, img.getSize());
      assertEquals(policy, img.getSizeInfo().policy());
    }
  }

  @ParameterizedTest(name = "creator \"{0}\", {2}")
  @MethodSource("creatorsAndPolicies")
  void shouldUseCurrentSizeForMaximumGeometryWhateverTheCreator(String label, String creator,
      SizePolicy policy) throws IOException {
    // openshift-azure writes "qem2" with 0xffff10ff to force the current size.
    TestImage t = dynamicWith(creator, GIB, 65535, 16, 255);
    try (VhdImage img = open(t, policy)) {
      assertEquals(SizeSource.CURRENT_SIZE, img.getSizeInfo().source());
      assertEquals(GIB, img.getSize());
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static TestImage dynamicWith(String creator, long current, int c, int h, int s) {
    TestImage t = TestImage.dynamic(current, 2 * MIB);
    t.creatorApp = creator;
    t.cylinders = c;
    t.heads = h;
    t.sectorsPerTrack = s;
    return t;
  }

  /** A fixed disk's footer description, for sizes too large to hold in memory. */
  private static TestImage fixedFooter(String creator, long current, int c, int h, int s) {
    TestImage t = TestImage.fixed(0);
    t.currentSize = current;
    t.originalSize = current;
    t.creatorApp = creator;
    t.cylinders = c;
    t.heads = h;
    t.sectorsPerTrack = s;
    return t;
  }

  /** Writes {@code size} bytes of holes followed by the footer. */
  private Path sparseFixed(TestImage footer, long size) throws IOException {
    Path path = dir.resolve("sparse.vhd");
    try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
      try {
        f.setLength(size + 512);
      } catch (IOException e) {
        Assumptions.abort("the temporary file system has no sparse files of " + size + " bytes: " + e);
      }
      f.seek(size);
      f.write(footer.footerBytes(-1L));
    }
    return path;
  }

  private static VhdImage open(TestImage t, SizePolicy policy) throws IOException {
    return Vhd.open(ByteBuffer.wrap(t.toBytes()), OpenOptions.defaults().withSizePolicy(policy));
  }

  /** The last sector reads (as zeros in these sparse images) and nothing follows it. */
  private static void assertReadsEndAt(VhdImage img, long size) throws IOException {
    assertEquals(size, img.getSize());
    ByteBuffer last = ByteBuffer.allocate(1024);
    assertEquals(512, img.read(size - 512, last));
    assertArrayEquals(new byte[512], Arrays.copyOf(last.array(), 512));
    assertEquals(-1, img.read(size, ByteBuffer.allocate(512)));
  }

  private static Problem single(List<Problem> problems, ProblemCode code) {
    List<Problem> found = problems.stream().filter(p -> p.code() == code).toList();
    assertEquals(1, found.size(), () -> code + " expected once in " + problems);
    return found.get(0);
  }

  private static String show(String fourCc) {
    return fourCc.replace("\0", "\\0");
  }
}
