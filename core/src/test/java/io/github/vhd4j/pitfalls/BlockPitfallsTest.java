package io.github.vhd4j.pitfalls;

import static io.github.vhd4j.testing.VhdAssertions.bytes;
import static io.github.vhd4j.testing.VhdAssertions.filled;
import static io.github.vhd4j.testing.VhdAssertions.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pitfall catalogue §5 D (cases 39 to 45): allocated blocks and their sector bitmaps, read side.
 *
 * <p>Semantics under test (DESIGN.md, "Read"): a dynamic disk reads allocated blocks as stored and
 * ignores the bitmap, as QEMU does, so case 40 deliberately departs from the catalogue's "return
 * zeros" choice; the inconsistency is reported by the deep check instead. A differencing disk is
 * bitmap-exact, most significant bit first (bit 7 of byte 0 is sector 0).
 *
 * <p>Not applicable here, because the library has no writer yet: the write half of case 42 (a
 * write across a block boundary), the write half of case 43 (writing at 3 MiB must fail and leave
 * the file length alone) and the second half of case 44 (files the library produces open in
 * QEMU). Their read halves are covered below.
 */
class BlockPitfallsTest {
  private static final int KIB = 1024;
  private static final int MIB = 1024 * 1024;

  @TempDir Path dir;

  // ---------------------------------------------------------------------------------------------
  // 39. K-bitmap-bit-order

  @Test
  void shouldReadDynamicBlockAsStoredWhateverTheBitmapSays() throws IOException {
    TestImage t = TestImage.dynamic(4 * MIB, 2 * MIB);
    TestImage.Block b = t.block(0);
    b.bitmap[0] = (byte) 0x80;
    Arrays.fill(b.data, 0, 512, (byte) 0xAA);
    Arrays.fill(b.data, 512, 1024, (byte) 0xBB);
    try (VhdImage img = open(t)) {
      byte[] got = read(img, 0, 1024);
      assertArrayEquals(filled(512, 0xAA), Arrays.copyOfRange(got, 0, 512));
      // Sector 1 has a clear bit: a dynamic disk still returns what is stored (QEMU semantics).
      assertArrayEquals(filled(512, 0xBB), Arrays.copyOfRange(got, 512, 1024));
    }
  }

  @Test
  void shouldTakeChildSectorsOnlyWhereTheMsbFirstBitIsSet() throws IOException {
    TestImage parent = TestImage.dynamic(4 * MIB, 2 * MIB).fill(0, 4 * MIB, 0x11);
    parent.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(parent, "base.vhd", 2 * MIB);
    TestImage.Block b = child.block(0);
    // Byte 0 = 0x81 marks sectors 0 and 7; byte 1 = 0x40 marks sector 9 (bit 7 = first sector).
    b.bitmap[0] = (byte) 0x81;
    b.bitmap[1] = (byte) 0x40;
    for (int s = 0; s < 16; s++) {
      Arrays.fill(b.data, s * 512, s * 512 + 512, (byte) (0xA0 + s));
    }
    Path childPath = child.writeTo(dir.resolve("child.vhd"));
    try (VhdImage img = Vhd.open(childPath)) {
      byte[] got = read(img, 0, 16 * 512);
      for (int s = 0; s < 16; s++) {
        int want = s == 0 || s == 7 || s == 9 ? 0xA0 + s : 0x11;
        assertArrayEquals(filled(512, want), Arrays.copyOfRange(got, s * 512, s * 512 + 512), "sector " + s);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 40. K-stale-under-clear-bit

  @Test
  void shouldReadDataUnderClearBitsOfDynamicBlockAndReportItInDeepCheck() throws IOException {
    TestImage t = TestImage.dynamic(4 * MIB, 2 * MIB);
    TestImage.Block b = t.block(0);
    Arrays.fill(b.data, 3 * 512, 4 * 512, (byte) 0x5A);
    Path path = t.writeTo(dir.resolve("stale.vhd"));
    long dataStart = t.blockOffset(0) + t.bitmapBytes();
    try (VhdImage img = Vhd.open(path)) {
      assertArrayEquals(filled(512, 0x5A), read(img, 3 * 512, 512));
      assertArrayEquals(new byte[512], read(img, 2 * 512, 512));
      // The allocation map agrees with the reads: the whole block is data at its file offset.
      assertEquals(new Extent(0, 2 * MIB, 0, true, dataStart), img.map().get(0));
      assertTrue(img.getWarnings().stream()
          .noneMatch(p -> p.code() == ProblemCode.BLOCK_DATA_UNDER_CLEAR_BIT),
          "opening does not scan data: " + img.getWarnings());
    }
    ValidationReport shallow = Vhd.check(path);
    assertFalse(shallow.contains(ProblemCode.BLOCK_DATA_UNDER_CLEAR_BIT), shallow::toString);

    ValidationReport deep = Vhd.check(path, CheckOptions.defaults().withDeep(true));
    assertTrue(deep.deep());
    Problem p = only(deep, ProblemCode.BLOCK_DATA_UNDER_CLEAR_BIT);
    assertEquals(Severity.WARNING, p.severity());
    assertEquals("block[0]", p.structure());
    assertEquals(dataStart + 3 * 512, p.offset(), "offset of the first non-zero sector under a clear bit");
    assertFalse(deep.hasErrors(), deep::toString);
  }

  @Test
  void shouldHideChildDataUnderClearBitsAndReportItInDeepCheck() throws IOException {
    TestImage parent = TestImage.dynamic(2 * MIB, 2 * MIB).fill(0, 2 * MIB, 0x11);
    parent.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(parent, "base.vhd", 2 * MIB).fill(0, 512, 0x22);
    Arrays.fill(child.block(0).data, 512, 1024, (byte) 0x99);
    Path path = child.writeTo(dir.resolve("child.vhd"));
    try (VhdImage img = Vhd.open(path)) {
      assertArrayEquals(filled(512, 0x22), read(img, 0, 512));
      assertArrayEquals(filled(512, 0x11), read(img, 512, 512), "a clear bit defers to the parent");
    }
    ValidationReport deep = Vhd.check(path, CheckOptions.defaults().withDeep(true));
    Problem p = only(deep, ProblemCode.BLOCK_DATA_UNDER_CLEAR_BIT);
    assertEquals(path.toString(), p.resource());
    assertEquals(child.blockOffset(0) + child.bitmapBytes() + 512, p.offset());
  }

  // ---------------------------------------------------------------------------------------------
  // 41. K-all-ones-bitmap

  @Test
  void shouldReadZerosFromQemuStyleBlockWithAllOnesBitmap() throws IOException {
    TestImage t = TestImage.dynamic(4 * MIB, 2 * MIB);
    Arrays.fill(t.block(0).bitmap, (byte) 0xFF);
    Path path = t.writeTo(dir.resolve("ones.vhd"));
    try (VhdImage img = Vhd.open(path)) {
      assertArrayEquals(new byte[2 * MIB], read(img, 0, 2 * MIB));
    }
    ValidationReport deep = Vhd.check(path, CheckOptions.defaults().withDeep(true));
    assertFalse(deep.hasErrors(), deep::toString);
    assertFalse(deep.contains(ProblemCode.BLOCK_DATA_UNDER_CLEAR_BIT), deep::toString);
  }

  @Test
  void shouldLetAllOnesChildBitmapHideTheParent() throws IOException {
    TestImage parent = TestImage.dynamic(4 * MIB, 2 * MIB).fill(0, 4 * MIB, 0x11);
    parent.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(parent, "base.vhd", 2 * MIB);
    Arrays.fill(child.block(0).bitmap, (byte) 0xFF);
    try (VhdImage img = Vhd.open(child.writeTo(dir.resolve("child.vhd")))) {
      assertArrayEquals(new byte[2 * MIB], read(img, 0, 2 * MIB),
          "every sector marked: the zeros are the child's");
      assertArrayEquals(filled(2 * MIB, 0x11), read(img, 2 * MIB, 2 * MIB), "block 1 is the parent's");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 42. K-cross-block-io

  static Stream<Arguments> blockCombinations() {
    return Stream.of(
        Arguments.of(false, false), Arguments.of(true, false),
        Arguments.of(false, true), Arguments.of(true, true));
  }

  @ParameterizedTest(name = "block0 allocated={0}, block1 allocated={1}")
  @MethodSource("blockCombinations")
  void shouldReadAcrossBlockBoundaryOfDynamicDisk(boolean first, boolean second) throws IOException {
    int bs = 512 * KIB;
    TestImage t = TestImage.dynamic(2L * bs, bs);
    if (first) {
      t.random(0, bs, 1);
    }
    if (second) {
      t.random(bs, bs, 2);
    }
    byte[] expected = t.expectedContent();
    try (VhdImage img = open(t)) {
      assertArrayEquals(Arrays.copyOfRange(expected, bs - 2048, bs + 2048), read(img, bs - 2048, 4096));
      ByteBuffer direct = ByteBuffer.allocateDirect(4096);
      img.readFully(bs - 2048, direct);
      assertArrayEquals(Arrays.copyOfRange(expected, bs - 2048, bs + 2048), bytes(direct.flip()));
    }
  }

  @ParameterizedTest(name = "child block0 allocated={0}, child block1 allocated={1}")
  @MethodSource("blockCombinations")
  void shouldReadAcrossBlockBoundaryOfDifferencingDisk(boolean first, boolean second) throws IOException {
    int bs = 512 * KIB;
    TestImage parent = TestImage.dynamic(2L * bs, bs).random(0, 2 * bs, 3);
    parent.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(parent, "base.vhd", bs);
    // Partial writes, so the read also crosses child/parent boundaries inside each block.
    if (first) {
      child.random(bs - 1024, 512, 4);
    }
    if (second) {
      child.random(bs, 1536, 5);
    }
    byte[] expected = child.expectedContent(parent.expectedContent());
    try (VhdImage img = Vhd.open(child.writeTo(dir.resolve("child.vhd")))) {
      assertArrayEquals(Arrays.copyOfRange(expected, bs - 2048, bs + 2048), read(img, bs - 2048, 4096));
      // Unaligned start and length inside sectors as well.
      assertArrayEquals(Arrays.copyOfRange(expected, bs - 1500, bs + 1777), read(img, bs - 1500, 3277));
    }
  }

  @Test
  void shouldReadAcrossSeveralBlocksInOneCall() throws IOException {
    int bs = 512 * KIB;
    TestImage t = TestImage.dynamic(4L * bs, bs).random(bs / 2, bs, 6).random(3L * bs, 1000, 7);
    byte[] expected = t.expectedContent();
    try (VhdImage img = open(t)) {
      assertArrayEquals(Arrays.copyOfRange(expected, 100, 4 * bs - 100), read(img, 100, 4 * bs - 200));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 43. K-partial-last-block (read half)

  @Test
  void shouldBoundReadsOfPartialLastBlockByTheDiskSize() throws IOException {
    TestImage t = TestImage.dynamic(3 * MIB, 2 * MIB).random(2 * MIB, MIB, 8);
    assertEquals(2, t.entries());
    // Bytes stored in the block beyond the disk's end must never be exposed.
    Arrays.fill(t.block(1).data, MIB, 2 * MIB, (byte) 0xEE);
    byte[] expected = t.expectedContent();
    try (VhdImage img = open(t)) {
      assertEquals(3 * MIB, img.getSize());
      assertArrayEquals(Arrays.copyOfRange(expected, 3 * MIB - 512, 3 * MIB), read(img, 3 * MIB - 512, 512));
      assertEquals(-1, img.read(3 * MIB, ByteBuffer.allocate(512)));
      ByteBuffer tail = ByteBuffer.allocate(4096);
      assertEquals(512, img.read(3 * MIB - 512, tail));
      assertArrayEquals(Arrays.copyOfRange(expected, 3 * MIB - 512, 3 * MIB),
          Arrays.copyOf(tail.array(), 512));
      assertArrayEquals(new byte[4096 - 512], Arrays.copyOfRange(tail.array(), 512, 4096),
          "nothing past the end");
      assertThrows(EOFException.class, () -> img.readFully(3 * MIB - 512, ByteBuffer.allocate(1024)));
      List<Extent> map = img.map();
      assertEquals(3 * MIB, map.get(map.size() - 1).end());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 44. K-other-block-sizes (read half)

  @ParameterizedTest(name = "block size {0}")
  @ValueSource(ints = {512 * 1024, 4 * 1024 * 1024})
  void shouldRoundTripRandomPatternWithOtherBlockSizes(int bs) throws IOException {
    TestImage t = TestImage.dynamic(8 * MIB, bs).random(0, 3 * MIB + 512, 9).random(7 * MIB - 700, 700, 10);
    try (VhdImage img = open(t)) {
      assertEquals(bs, img.getBlockSize());
      long bitmap = bs == 4 * MIB ? 1024 : 512;
      assertEquals(bitmap, img.getDynamicHeader().bitmapSize());
      assertEquals(bitmap, t.bitmapBytes(), "builder and library agree on roundup(bs / 4096, 512)");
      assertArrayEquals(t.expectedContent(), read(img, 0, 8 * MIB));
      Extent first = img.map().get(0);
      assertEquals(t.blockOffset(0) + bitmap, first.fileOffset(), "data starts after the whole bitmap");
    }
  }

  @ParameterizedTest(name = "block size {0}")
  @ValueSource(ints = {512 * 1024, 4 * 1024 * 1024})
  void shouldHonourEveryBitmapSectorOfDifferencingBlocks(int bs) throws IOException {
    TestImage parent = TestImage.dynamic(8 * MIB, 2 * MIB).random(0, 8 * MIB, 11);
    parent.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(parent, "base.vhd", bs);
    // Sector 5000 lies in the second bitmap sector of a 4 MiB block (bits 4096 and up).
    child.random(5000L * 512, 1000, 12).random(6L * MIB + 100, 700, 13).random(bs - 512, 1024, 14);
    byte[] expected = child.expectedContent(parent.expectedContent());
    try (VhdImage img = Vhd.open(child.writeTo(dir.resolve("child.vhd")))) {
      assertArrayEquals(expected, read(img, 0, 8 * MIB));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 45. K-truncated-block

  static Stream<Arguments> truncations() {
    return Stream.of(
        Arguments.of("bitmap", true), Arguments.of("data", true),
        Arguments.of("bitmap", false), Arguments.of("data", false));
  }

  @ParameterizedTest(name = "cut in the {0}, footer re-appended={1}")
  @MethodSource("truncations")
  void shouldRefuseTruncatedLastBlockNamingItsTableEntry(String where, boolean footerAppended)
      throws IOException {
    int bs = 512 * KIB;
    TestImage t = TestImage.dynamic(2L * bs, bs).random(0, 2 * bs, 15);
    byte[] full = t.toBytes();
    long block1 = t.blockOffset(1);
    int cut = (int) (where.equals("bitmap") ? block1 + 256 : block1 + t.bitmapBytes() + bs / 2);
    byte[] cutBytes = Arrays.copyOf(full, cut + (footerAppended ? 512 : 0));
    if (footerAppended) {
      System.arraycopy(full, full.length - 512, cutBytes, cut, 512);
    }
    Path path = dir.resolve("cut.vhd");
    java.nio.file.Files.write(path, cutBytes);
    long entryOffset = t.tableOffset + 4;

    VhdFormatException e = assertThrows(VhdFormatException.class, () -> Vhd.open(path));
    assertEquals(ProblemCode.BAT_ENTRY_OUTSIDE_FILE, e.getCode(), e::getMessage);
    assertEquals("bat", e.getStructure());
    assertEquals("entry[1]", e.getField());
    assertEquals(entryOffset, e.getFileOffset());
    assertTrue(e.getMessage().contains("entry[1]"), e::getMessage);

    // Lenient mode opens, but never invents zeros for the missing block.
    byte[] expected = t.expectedContent();
    try (VhdImage img = Vhd.open(path, OpenOptions.defaults().withLenient(true))) {
      assertTrue(img.getWarnings().stream().anyMatch(p -> p.code() == ProblemCode.BAT_ENTRY_OUTSIDE_FILE
          && p.severity() == Severity.ERROR && p.offset() == entryOffset), img.getWarnings()::toString);
      assertArrayEquals(Arrays.copyOf(expected, bs), read(img, 0, bs), "the intact block still reads");
      VhdFormatException r = assertThrows(VhdFormatException.class, () -> read(img, bs, 512));
      assertEquals(ProblemCode.BAT_ENTRY_OUTSIDE_FILE, r.getCode());
      assertEquals("entry[1]", r.getField());
    }

    ValidationReport report = Vhd.check(path);
    assertTrue(report.problems(Severity.ERROR).stream()
        .anyMatch(p -> p.code() == ProblemCode.BAT_ENTRY_OUTSIDE_FILE && p.field().equals("entry[1]")),
        report::toString);
  }

  // ---------------------------------------------------------------------------------------------

  private static VhdImage open(TestImage t) throws IOException {
    return Vhd.open(ByteBuffer.wrap(t.toBytes()), OpenOptions.defaults());
  }

  private static Problem only(ValidationReport r, ProblemCode code) {
    List<Problem> found = r.problems().stream().filter(p -> p.code() == code).toList();
    assertEquals(1, found.size(), () -> code + " expected once in " + r);
    return found.get(0);
  }
}
