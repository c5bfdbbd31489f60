package io.github.vhd4j.pitfalls;

import static io.github.vhd4j.testing.VhdAssertions.*;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.Extent;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.ValidationReport;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.testing.TestImage;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pitfall catalogue (pitfalls.md §5), section C: the block allocation table, cases 28-38. The
 * header sits at file offset 512 (max table entries at 540) and the table at 1536 in every image
 * built here, so table entry i is at 1536 + 4i.
 *
 * <p>Not applicable to reading, so not tested here:
 * <ul>
 *   <li>case 31, "the writer must emit exactly ceil(cur/bs)" and case 37, "writers emit 0xFFFFFFFF":
 *       the library has no write path yet.
 *   <li>case 36, the writer-side consequence (a bitmap written over the header): reading only.
 * </ul>
 */
class BatPitfallsTest {
  private static final OpenOptions STRICT = OpenOptions.defaults();
  private static final OpenOptions LENIENT = OpenOptions.defaults().withLenient(true);
  private static final int MIB = 1 << 20;
  private static final long MAX_ENTRIES_AT = 512 + 28;
  private static final long BAT = 1536;
  private static final long STRIDE_2M = 512 + 2 * MIB;
  private static final Duration QUICK = Duration.ofSeconds(10);

  @TempDir Path dir;

  // ---- case 28: B-afl5 --------------------------------------------------------------------------

  /** SHA-256 of QEMU's tests/qemu-iotests/sample_images/afl5.img, unpacked (samples README). */
  private static final String AFL5_SHA256 =
      "36f4a8d05b5a19635e387d1b449ace3dab9bb82461a9c08606dae322377de958";

  /**
   * QEMU's afl5.img rebuilt field by field: a head footer only (creator qemu 5.3 on Wi2k, CHS
   * 1/4/17, 34816 bytes), a header cut off after 516 bytes that claims 0x40000001 entries of 512
   * bytes, a wrong stored header checksum, and 128 bytes of 0xFF inside the parent name.
   */
  static TestImage afl5() {
    TestImage t = TestImage.dynamic(34_816, 512);
    t.timestamp = 0x1CD380A5L;
    t.creatorApp = "qemu";
    t.creatorVersion = 0x00050003L;
    t.cylinders = 1;
    t.heads = 4;
    t.sectorsPerTrack = 17;
    t.uuid = UUID.fromString("0318b931-d5d3-4b51-aa23-60f986419bad");
    t.maxTableEntries = 0x40000001L;
    t.headerChecksum = 0xFFFFF476L;
    byte[] name = new byte[512];
    Arrays.fill(name, 0x40, 0xC0, (byte) 0xFF);
    t.parentNameRaw = name;
    t.tailFooter = false;
    t.fileLength = 1028L;
    return t;
  }

  @Test
  void shouldRebuildAfl5ByteForByte() throws NoSuchAlgorithmException {
    byte[] file = afl5().toBytes();
    assertEquals(1028, file.length);
    assertEquals(AFL5_SHA256, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file)));
  }

  @Test
  void shouldRejectAfl5OnMaxTableEntriesWithoutAllocatingTheTable() throws IOException {
    byte[] file = afl5().toBytes();
    Path path = Files.write(dir.resolve("afl5.img"), file);
    long at = MAX_ENTRIES_AT;
    // 0x40000001 * 4 wraps to 4 in 32-bit arithmetic; a 4 GiB table would not fit in the heap.
    VhdFormatException e = assertTimeoutPreemptively(QUICK,
        () -> assertOpenFails(file, STRICT, ProblemCode.BAT_OUTSIDE_FILE, "header", "maxTableEntries", at));
    assertEquals("1073741825", e.getActual());
    VhdFormatException fromFile = assertTimeoutPreemptively(QUICK,
        () -> assertThrows(VhdFormatException.class, () -> Vhd.open(path).close()));
    assertEquals("maxTableEntries", fromFile.getField());
    assertTimeoutPreemptively(QUICK,
        () -> assertOpenFails(file, LENIENT, ProblemCode.BAT_OUTSIDE_FILE, "header", "maxTableEntries", at));

    ValidationReport report = assertTimeoutPreemptively(QUICK, () -> Vhd.check(path));
    List<Problem> problems = report.problems();
    assertReported(problems, ProblemCode.BAT_OUTSIDE_FILE, Severity.ERROR, "header", "maxTableEntries", at);
    // The tail footer is missing (only the head copy exists)...
    assertReported(problems, ProblemCode.FOOTER_COOKIE, Severity.ERROR, "footer", "cookie", 1028 - 512);
    // ...and, unlike QEMU, the wrong header checksum is caught: stored 0xfffff476, real 0xffff74d4.
    Problem sum = assertReported(problems, ProblemCode.HEADER_CHECKSUM, Severity.ERROR, "header", "checksum",
        512 + 36);
    assertEquals("0xffff74d4", sum.expected());
    assertEquals("0xfffff476", sum.actual());
  }

  // ---- case 29: B-max-entries-ffff --------------------------------------------------------------

  @ParameterizedTest(name = "max = 0x{0}")
  @ValueSource(strings = {"FFFFFFFF", "80000000", "40000001"})
  void shouldRejectHugeMaxTableEntriesBeforeAllocating(String hex) throws IOException {
    long max = Long.parseLong(hex, 16);
    TestImage t = TestImage.dynamic(4 * MIB, 2 * MIB);
    t.patchAndFix(MAX_ENTRIES_AT, TestImage.u32(max));
    byte[] file = t.toBytes();
    assertEquals(2560, file.length);
    VhdFormatException e = assertTimeoutPreemptively(QUICK, () -> assertOpenFails(file, STRICT,
        ProblemCode.BAT_OUTSIDE_FILE, "header", "maxTableEntries", MAX_ENTRIES_AT));
    assertEquals(Long.toString(max), e.getActual(), "read as unsigned");
    assertTimeoutPreemptively(QUICK, () -> assertOpenFails(file, LENIENT, ProblemCode.BAT_OUTSIDE_FILE,
        "header", "maxTableEntries", MAX_ENTRIES_AT));
    assertChecked(file, ProblemCode.BAT_OUTSIDE_FILE, Severity.ERROR, "header",
        "maxTableEntries", MAX_ENTRIES_AT);
  }

  @ParameterizedTest(name = "max = 0x{0}, block size 2^31")
  @ValueSource(strings = {"40000001", "FFFFFFFF", "80000000"})
  void shouldFailFastOnHugeTableClaimWithHugeBlockSize(String hex) throws IOException {
    // afl5 style: a 2 KiB file (head footer, header, one table sector, no tail footer) whose
    // header claims a huge table of 2 GiB blocks; max * block size overflows even a long.
    TestImage t = TestImage.dynamic(4 * MIB, 1L << 31);
    t.maxTableEntries = Long.parseLong(hex, 16);
    t.tailFooter = false;
    t.fileLength = 2048L;
    byte[] file = t.toBytes();
    assertEquals(2048, file.length);
    Set<ProblemCode> expected = Set.of(ProblemCode.BLOCK_SIZE_LIMIT, ProblemCode.BAT_OUTSIDE_FILE);
    for (OpenOptions options : List.of(STRICT, LENIENT)) {
      VhdFormatException e = assertTimeoutPreemptively(QUICK,
          () -> assertThrows(VhdFormatException.class, () -> open(file, options).close()));
      assertTrue(expected.contains(e.getCode()), e::getMessage);
      assertEquals("header", e.getStructure(), e::getMessage);
    }
    ValidationReport report = assertTimeoutPreemptively(QUICK, () -> check(file));
    assertTrue(report.problems(Severity.ERROR).stream().anyMatch(p -> expected.contains(p.code())),
        report::toString);
  }

  // ---- case 30: B-bat-too-small -----------------------------------------------------------------

  @Test
  void shouldRejectTableTooSmallForTheDisk() throws IOException {
    TestImage t = TestImage.dynamic(64L * MIB, 2 * MIB).random(0, 10_000, 30);
    t.maxTableEntries = 31L; // covers 62 MiB of 64 MiB
    byte[] file = t.toBytes();
    VhdFormatException e = assertOpenFails(file, STRICT, ProblemCode.BAT_TOO_SMALL, "header",
        "maxTableEntries", MAX_ENTRIES_AT);
    assertEquals("31", e.getActual());
    assertTrue(e.getExpected() != null && e.getExpected().contains("32"), e::getMessage);
    String covers = Long.toString(62L * MIB);
    String disk = Long.toString(64L * MIB);
    assertTrue(e.getMessage().contains(covers) && e.getMessage().contains(disk), e::getMessage);
    // Reading the last 2 MiB would have to guess: not even lenient mode opens it.
    assertOpenFails(file, LENIENT, ProblemCode.BAT_TOO_SMALL, "header", "maxTableEntries", MAX_ENTRIES_AT);
    assertChecked(file, ProblemCode.BAT_TOO_SMALL, Severity.ERROR, "header", "maxTableEntries",
        MAX_ENTRIES_AT);
  }

  // ---- case 31: B-bat-too-large -----------------------------------------------------------------

  @Test
  void shouldAcceptOneExtraEntryAndNeverReadTheBlockItPointsTo() throws IOException {
    TestImage t = TestImage.dynamic(64L * MIB, 2 * MIB).random(0, 10_000, 31).random(62L * MIB, 2 * MIB, 32);
    t.maxTableEntries = 33L; // qemu before 2020 wrote one extra entry for aligned sizes
    t.fill(64L * MIB, 4096, 0xEE); // allocates block 32, past the disk's end
    byte[] file = t.toBytes();
    try (VhdImage img = open(file, STRICT)) {
      assertWarned(img, ProblemCode.BAT_TOO_LARGE, Severity.WARNING, "header", "maxTableEntries",
          MAX_ENTRIES_AT);
      assertWarned(img, ProblemCode.BAT_EXTRA_ENTRY_ALLOCATED, Severity.WARNING, "bat", "entry[32]",
          BAT + 4 * 32);
      assertContent(t.expectedContent(), img);
      assertEquals(-1, img.read(64L * MIB, ByteBuffer.allocate(512)), "nothing past current_size");
      assertThrows(EOFException.class, () -> img.readFully(64L * MIB - 512, ByteBuffer.allocate(1024)));
    }
    ValidationReport report = check(file);
    assertFalse(report.hasErrors(), report::toString);
  }

  @Test
  void shouldAcceptFarTooLargeTableWithWarning() throws IOException {
    TestImage t = TestImage.dynamic(64L * MIB, 2 * MIB).random(0, 10_000, 31).random(63L * MIB, 4096, 33);
    t.maxTableEntries = 1000L; // 4000 bytes of table, all present in the file
    byte[] file = t.toBytes();
    try (VhdImage img = open(file, STRICT)) {
      assertWarned(img, ProblemCode.BAT_TOO_LARGE, Severity.WARNING, "header", "maxTableEntries",
          MAX_ENTRIES_AT);
      assertEquals(1000, img.getDynamicHeader().maxTableEntries());
      assertEquals(64L * MIB, img.getSize());
      assertContent(t.expectedContent(), img);
    }
    assertFalse(check(file).hasErrors());
  }

  // ---- case 32: B-too-many-blocks ---------------------------------------------------------------

  @Test
  void shouldRejectDiskNeedingMoreThan2To32Blocks() throws IOException {
    // 2^41 bytes in 512-byte blocks: 2^32 blocks, one more than a 32-bit count can hold.
    TestImage t = TestImage.dynamic(1L << 41, 512);
    t.maxTableEntries = 1L; // the table itself stays tiny; the size alone is the fault
    byte[] file = t.toBytes();
    VhdFormatException e = assertTimeoutPreemptively(QUICK,
        () -> assertOpenFails(file, STRICT, ProblemCode.TOO_MANY_BLOCKS, "header", "blockSize", 512 + 32));
    assertEquals(Long.toString(1L << 32), e.getActual());
    assertOpenFails(file, LENIENT, ProblemCode.TOO_MANY_BLOCKS, "header", "blockSize", 512 + 32);
    ValidationReport report = check(file);
    assertReported(report.problems(), ProblemCode.TOO_MANY_BLOCKS, Severity.ERROR, "header", "blockSize",
        512 + 32);
  }

  // ---- case 33: B-entry-past-eof ----------------------------------------------------------------

  @Test
  void shouldRejectTableEntryPastEndOfFileNamingItsIndex() throws IOException {
    TestImage t = TestImage.dynamic(4 * MIB, 2 * MIB).random(0, 2 * MIB, 33);
    long eof = t.tailFooterOffset() + 512;
    t.batOverride.put(1, (int) ((eof + 4096) / 512));
    byte[] file = t.toBytes();
    assertEquals(eof, file.length);
    long at = BAT + 4;
    assertOpenFails(file, STRICT, ProblemCode.BAT_ENTRY_OUTSIDE_FILE, "bat", "entry[1]", at);
    assertChecked(file, ProblemCode.BAT_ENTRY_OUTSIDE_FILE, Severity.ERROR, "bat", "entry[1]", at);
    // Lenient: block 0 is intact and readable; block 1 fails at read, it never reads as zeros.
    try (VhdImage img = open(file, LENIENT)) {
      assertWarned(img, ProblemCode.BAT_ENTRY_OUTSIDE_FILE, Severity.ERROR, "bat", "entry[1]", at);
      ByteBuffer block0 = ByteBuffer.allocate(2 * MIB);
      img.readFully(0, block0);
      assertArrayEquals(Arrays.copyOf(t.expectedContent(), 2 * MIB), block0.array());
      VhdFormatException e = assertThrows(VhdFormatException.class,
          () -> img.readFully(2L * MIB, ByteBuffer.allocate(512)));
      assertEquals(ProblemCode.BAT_ENTRY_OUTSIDE_FILE, e.getCode());
      assertEquals("entry[1]", e.getField());
    }
  }

  // ---- case 34: B-entry-high --------------------------------------------------------------------

  @Test
  void shouldReadBlockStoredAtFourGibibytesInSparseFile() throws IOException {
    TestImage t = TestImage.dynamic(4 * MIB, 2 * MIB).random(0, 2 * MIB, 34).random(2 * MIB + 512, 9000, 35);
    int highSector = 0x00800000; // 4 GiB: sector * 512 overflows an int
    long high = (highSector & 0xFFFFFFFFL) * 512;
    assertEquals(1L << 32, high);
    t.batOverride.put(0, highSector);
    byte[] img = t.toBytes();
    // Move block 0 from its serialised place to 4 GiB, leaving zeros behind, and put the footer
    // after it; block 1 stays low, leaving a 4 GiB gap.
    int low0 = (int) t.blockOffset(0);
    byte[] block0 = Arrays.copyOfRange(img, low0, low0 + (int) STRIDE_2M);
    byte[] footer = Arrays.copyOfRange(img, img.length - 512, img.length);
    byte[] lowPart = Arrays.copyOf(img, img.length - 512);
    Arrays.fill(lowPart, low0, low0 + (int) STRIDE_2M, (byte) 0);
    Path path = dir.resolve("high.vhd");
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
        StandardOpenOption.SPARSE)) {
      writeFully(ch, lowPart, 0);
      writeFully(ch, block0, high);
      writeFully(ch, footer, high + STRIDE_2M);
    }
    assertEquals(high + STRIDE_2M + 512, Files.size(path));

    try (VhdImage image = Vhd.open(path)) {
      assertContent(t.expectedContent(), image);
      List<Extent> map = image.map();
      assertTrue(map.stream().anyMatch(x -> x.data() && x.start() == 0 && x.fileOffset() == high + 512),
          map::toString);
    }
    ValidationReport report = Vhd.check(path);
    assertFalse(report.hasErrors(), report::toString);
  }

  @Test
  void shouldRejectEntry0xFFFFFFFENeverTreatingItAsUnused() throws IOException {
    TestImage t = TestImage.dynamic(4 * MIB, 2 * MIB).random(0, 2 * MIB, 34);
    t.batOverride.put(0, 0xFFFFFFFE);
    byte[] file = t.toBytes();
    assertOpenFails(file, STRICT, ProblemCode.BAT_ENTRY_OUTSIDE_FILE, "bat", "entry[0]", BAT);
    assertChecked(file, ProblemCode.BAT_ENTRY_OUTSIDE_FILE, Severity.ERROR, "bat", "entry[0]", BAT);
    try (VhdImage img = open(file, LENIENT)) {
      // Unused would mean zeros; the entry is allocated, so the read must fail instead.
      VhdFormatException e = assertThrows(VhdFormatException.class, () -> readSector(img, 0));
      assertEquals("entry[0]", e.getField());
      ByteBuffer block1 = ByteBuffer.allocate(512);
      img.readFully(2L * MIB, block1);
      assertArrayEquals(new byte[512], block1.array(), "the unallocated block still reads as zeros");
    }
  }

  // ---- case 35: B-duplicate-blocks --------------------------------------------------------------

  @Test
  void shouldRejectTwoEntriesPointingAtTheSameBlock() throws IOException {
    TestImage t = TestImage.dynamic(4 * MIB, 2 * MIB).random(0, 2 * MIB, 35);
    int first = (int) (t.blockOffset(0) / 512);
    t.batOverride.put(1, first);
    assertOverlapOfBlocks0And1(t);
  }

  @Test
  void shouldRejectBlockPlacedOneBitmapSectorTooEarly() throws IOException {
    // dosbox-x#4218: blocks 4096 sectors apart instead of 4097, so block 1's bitmap overwrites
    // the last data sector of block 0.
    TestImage t = TestImage.dynamic(4 * MIB, 2 * MIB).random(0, 4 * MIB, 36);
    int first = (int) (t.blockOffset(0) / 512);
    t.batOverride.put(1, first + 4096);
    assertOverlapOfBlocks0And1(t);
  }

  private static void assertOverlapOfBlocks0And1(TestImage t) throws IOException {
    byte[] file = t.toBytes();
    long at = BAT + 4;
    VhdFormatException e =
        assertOpenFails(file, STRICT, ProblemCode.BAT_ENTRY_OVERLAP, "bat", "entry[1]", at);
    assertTrue(e.getMessage().contains("blocks 0 and 1 overlap"), e::getMessage);
    assertChecked(file, ProblemCode.BAT_ENTRY_OVERLAP, Severity.ERROR, "bat", "entry[1]", at);
    // Which bytes belong to which block is ambiguous: lenient reads of either block must fail.
    try (VhdImage img = open(file, LENIENT)) {
      for (long pos : new long[] {0, 2L * MIB}) {
        VhdFormatException r = assertThrows(VhdFormatException.class, () -> readSector(img, pos));
        assertEquals(ProblemCode.BAT_ENTRY_OVERLAP, r.getCode());
      }
    }
  }

  // ---- case 36: B-entry-into-metadata -----------------------------------------------------------

  @ParameterizedTest(name = "BAT[0] = sector {0}")
  @ValueSource(ints = {0, 1, 3})
  void shouldRejectBlockOverlappingFooterCopyHeaderOrTable(int sector) throws IOException {
    TestImage t = TestImage.dynamic(4 * MIB, 2 * MIB).random(2 * MIB, 2 * MIB, 37);
    // Keep block 1 one stride away so the bogus block 0 lies inside the file and overlaps
    // nothing but metadata.
    t.gapBeforeBlocks = STRIDE_2M;
    t.batOverride.put(0, sector);
    byte[] file = t.toBytes();
    assertTrue(sector * 512L + STRIDE_2M <= t.blockOffset(1));
    assertOpenFails(file, STRICT, ProblemCode.BAT_ENTRY_IN_METADATA, "bat", "entry[0]", BAT);
    assertChecked(file, ProblemCode.BAT_ENTRY_IN_METADATA, Severity.ERROR, "bat", "entry[0]", BAT);
    try (VhdImage img = open(file, LENIENT)) {
      VhdFormatException e = assertThrows(VhdFormatException.class, () -> readSector(img, 0));
      assertEquals(ProblemCode.BAT_ENTRY_IN_METADATA, e.getCode());
      ByteBuffer block1 = ByteBuffer.allocate(2 * MIB);
      img.readFully(2L * MIB, block1);
      assertArrayEquals(Arrays.copyOfRange(t.expectedContent(), 2 * MIB, 4 * MIB), block1.array());
    }
  }

  // ---- case 37: B-tail-padding ------------------------------------------------------------------

  @Test
  void shouldAcceptZeroTablePadding() throws IOException {
    TestImage t = TestImage.dynamic(4 * MIB, 2 * MIB).random(0, 100_000, 38);
    t.batPadding = 0; // Disk2vhd
    assertPaddingAccepted(t);
  }

  @Test
  void shouldAcceptRandomTablePaddingAndNeverUseIt() throws IOException {
    TestImage t = TestImage.dynamic(4 * MIB, 2 * MIB).random(0, 100_000, 38);
    Random r = new Random(37);
    for (int i = 2; i < 128; i++) {
      t.batOverride.put(i, r.nextInt());
    }
    // A padding value equal to block 0's sector would overlap it if it were taken as an entry.
    t.batOverride.put(5, (int) (t.blockOffset(0) / 512));
    assertPaddingAccepted(t);
  }

  private static void assertPaddingAccepted(TestImage t) throws IOException {
    byte[] file = t.toBytes();
    long at = BAT + 8; // after the 2 real entries
    try (VhdImage img = open(file, STRICT)) {
      Problem p = findProblem(img.getWarnings(), ProblemCode.BAT_PADDING, "bat", "padding", at);
      assertNotEquals(Severity.ERROR, p.severity(), p::toString);
      assertContent(t.expectedContent(), img);
    }
    ValidationReport report = check(file);
    assertFalse(report.hasErrors(), report::toString);
  }

  // ---- case 38: B-unordered-and-gaps ------------------------------------------------------------

  @Test
  void shouldAcceptBlocksStoredOutOfOrderWithGaps() throws IOException {
    TestImage t = TestImage.dynamic(6 * MIB, 2 * MIB);
    // Allocation (file) order 2, 0, 1, with a 4 KiB hole before block 0.
    t.random(4L * MIB + 700, 100_000, 1).random(0, 50_000, 2).random(2L * MIB + 5, 30_000, 3);
    t.gapBeforeBlock.put(0, 4096L);
    byte[] file = t.toBytes();
    assertTrue(t.blockOffset(2) < t.blockOffset(0) && t.blockOffset(0) < t.blockOffset(1));
    assertNotEquals(0, (t.blockOffset(0) - t.blockOffset(2)) % STRIDE_2M, "not on the stride grid");
    try (VhdImage img = open(file, STRICT)) {
      assertWarned(img, ProblemCode.BAT_BLOCKS_UNORDERED, Severity.INFO, "bat", "entries", BAT);
      assertWarned(img, ProblemCode.BAT_BLOCK_GAPS, Severity.INFO, "bat", "entries", BAT);
      assertContent(t.expectedContent(), img);
    }
    ValidationReport report = check(file);
    assertFalse(report.hasErrors(), report::toString);
  }

  @Test
  void shouldAcceptHyperVStyleFourKibibyteAlignedBlocks() throws IOException {
    TestImage t = TestImage.dynamic(6 * MIB, 2 * MIB).random(0, 3 * MIB, 4);
    t.alignBlocks4k = true;
    byte[] file = t.toBytes();
    assertEquals(0, (t.blockOffset(0) + 512) % 4096, "first block's data is 4 KiB aligned");
    try (VhdImage img = open(file, STRICT)) {
      assertContent(t.expectedContent(), img);
    }
    assertFalse(check(file).hasErrors());
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private static void readSector(VhdImage img, long pos) throws IOException {
    img.readFully(pos, ByteBuffer.allocate(512));
  }

  private static void writeFully(FileChannel ch, byte[] bytes, long at) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    while (b.hasRemaining()) {
      at += ch.write(b, at);
    }
  }

}
