package io.github.vhd4j.internal.vhdx;

import static io.github.vhd4j.internal.vhdx.BatFixture.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.internal.ImageLayer;
import io.github.vhd4j.internal.Problems;
import io.github.vhd4j.internal.vhdx.layout.BatLayout;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The BAT checks of vhdx.md §9, V35-V42 and V45, one by one, on tables built entry by entry: 8 GiB
 * disks of 2 MiB blocks with 512-byte sectors (4,096 blocks, chunk ratio 2,048), the region at
 * 3 MiB and data from 4 MiB.
 */
class BatParserTest {
  private static final long GIB = 1L << 30;
  private static final long BLOCK = 2 * MIB;
  private static final long DATA = 4 * MIB;
  private static final long FILE = 256 * MIB;

  private static BatFixture dynamic() {
    return new BatFixture(8 * GIB, BLOCK, 512, false, FILE);
  }

  private static BatFixture differencing() {
    return new BatFixture(8 * GIB, BLOCK, 512, true, FILE);
  }

  private static String field(long index) {
    return "entry[" + index + "]";
  }

  // ---- V35, V42 -----------------------------------------------------------------------------------

  @Test
  void v35_shouldRefuseARegionTooSmallBeforeReadingAnEntry() throws IOException {
    // 1 TiB of 1 MiB blocks: 2^20 payload entries and 255 bitmap entries, 8 MiB + 2040 bytes.
    BatFixture f = new BatFixture(1L << 40, MIB, 512, false, 64 * MIB);
    f.regionLength = 8 * MIB;
    BatFixture.Parsed r = f.check();
    assertNull(r.table());
    Problem p = r.of(ProblemCode.VHDX_BAT_TOO_SMALL).get(0);
    assertEquals("at least " + ((1L << 20) + 255) + " entries of 8 bytes", p.expected());
    assertEquals(BatFixture.BAT, p.offset());
    assertEquals(0, f.storage.reads.get(), "nothing may be read from a region too small");
  }

  @Test
  void v35_shouldAcceptARegionOfExactlyTheEntriesNeeded() throws IOException {
    BatFixture f = differencing();
    assertEquals(4098, f.geometry.entries());
    f.regionLength = 4098 * 8;
    assertTrue(f.open().opens(), f.open().describe());
    f.regionLength = 4098 * 8 - 1;
    BatFixture.Parsed r = f.open();
    assertNull(r.table());
    assertEquals(1, r.of(ProblemCode.VHDX_BAT_TOO_SMALL).size());
  }

  @Test
  void v42_shouldIgnoreEveryEntryPastTheCount() throws IOException {
    BatFixture f = dynamic();
    assertEquals(4097, f.geometry.entries());
    for (long i = 4097; i < 4200; i++) {
      // Reserved bits, state 4, and an offset 0 block: all three would be errors in the table.
      f.entry(i, BatLayout.entry(i % 2 == 0 ? 4 : 6, 0) | 0x100);
    }
    BatFixture.Parsed r = f.check();
    assertTrue(r.problems().list().isEmpty(), r.describe());
  }

  // ---- V36 ----------------------------------------------------------------------------------------

  @Test
  void v36_shouldRefuseReservedBitsStrictlyAndMaskThemLeniently() throws IOException {
    BatFixture f = dynamic().payload(5, BatLayout.PAYLOAD_FULLY_PRESENT, DATA);
    long index = BatLayout.payloadIndex(5, 2048);
    f.entry(index, BatLayout.entry(BatLayout.PAYLOAD_FULLY_PRESENT, DATA) | 1L << 3 | 1L << 19);
    BatFixture.Parsed strict = f.open();
    assertFalse(strict.opens());
    Problem p = strict.of(ProblemCode.VHDX_BAT_RESERVED).get(0);
    assertEquals(field(index), p.field());
    assertEquals(BatFixture.BAT + 8 * index, p.offset());
    BatFixture.Parsed lenient = f.lenient();
    assertTrue(lenient.opens());
    assertEquals(DATA, lenient.t().locate(5), "the reserved bits must not reach the offset");
  }

  // ---- V37 ----------------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 6})
  void v37_shouldAcceptTheDefinedPayloadStates(int state) throws IOException {
    BatFixture.Parsed r = dynamic().payload(9, state, state == 6 ? DATA : 0).open();
    assertTrue(r.opens(), r.describe());
    assertTrue(r.problems().list().isEmpty(), r.describe());
  }

  @Test
  void v37_shouldRefuseState4EvenLeniently() throws IOException {
    BatFixture f = dynamic().payload(9, 4, 0);
    assertEquals(field(9), f.check().of(ProblemCode.VHDX_BAT_STATE).get(0).field());
    assertFalse(f.lenient().opens());
    VhdFormatException e = assertThrows(VhdFormatException.class, () -> f.check().t().locate(9));
    assertEquals(ProblemCode.VHDX_BAT_STATE, e.getCode());
  }

  @Test
  void v37_shouldReadState5AsUnmappedLeniently() throws IOException {
    BatFixture f = differencing().payload(9, 5, 0);
    assertFalse(f.open().opens());
    BatFixture.Parsed r = f.lenient();
    assertTrue(r.opens());
    assertEquals(ImageLayer.ZERO, r.t().locate(9), "UNMAPPED reads zeros, not the parent");
  }

  @Test
  void v37_shouldReadPartiallyPresentAsFullyPresentInADiskWithoutParentLeniently() throws IOException {
    BatFixture f = dynamic().payload(9, BatLayout.PAYLOAD_PARTIALLY_PRESENT, DATA);
    BatFixture.Parsed strict = f.open();
    assertFalse(strict.opens());
    assertEquals(field(9), strict.of(ProblemCode.VHDX_BAT_STATE).get(0).field());
    BatFixture.Parsed r = f.lenient();
    assertTrue(r.opens());
    assertEquals(DATA, r.t().locate(9), "no PARTIAL flag: a disk without a parent has no bitmaps");
  }

  @Test
  void v37_shouldAcceptPartiallyPresentWithAParent() throws IOException {
    BatFixture.Parsed r = differencing().payload(9, BatLayout.PAYLOAD_PARTIALLY_PRESENT, DATA)
        .bitmap(0, BatLayout.BITMAP_PRESENT, DATA + BLOCK).open();
    assertTrue(r.opens(), r.describe());
    assertEquals(DATA | ImageLayer.PARTIAL, r.t().locate(9));
  }

  // ---- V38 ----------------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5})
  void v38_shouldRefuseUndefinedBitmapStatesAndReadThemAsNotPresent(int state) throws IOException {
    BatFixture f = differencing().bitmap(1, state, DATA);
    BatFixture.Parsed strict = f.open();
    assertFalse(strict.opens());
    assertEquals(field(4097), strict.of(ProblemCode.VHDX_BITMAP_STATE).get(0).field());
    assertTrue(f.lenient().opens());
    // Read as not present: a partially present block of that chunk then has no bitmap.
    f.payload(2048, BatLayout.PAYLOAD_PARTIALLY_PRESENT, DATA + BLOCK);
    assertEquals(1, f.check().of(ProblemCode.VHDX_BITMAP_MISSING).size());
  }

  @Test
  void v38_shouldReadBitmapState7As6Leniently() throws IOException {
    BatFixture f = differencing().payload(2048, BatLayout.PAYLOAD_PARTIALLY_PRESENT, DATA)
        .bitmap(1, BatLayout.PAYLOAD_PARTIALLY_PRESENT, DATA + BLOCK);
    assertFalse(f.open().opens());
    BatFixture.Parsed r = f.lenient();
    assertTrue(r.opens(), r.describe());
    assertTrue(r.of(ProblemCode.VHDX_BITMAP_MISSING).isEmpty());
    assertEquals(DATA + BLOCK, r.t().bitmapOffset(2048));
  }

  @Test
  void v38_shouldRefuseAPresentBitmapInADiskWithoutParent() throws IOException {
    BatFixture f = dynamic().bitmap(0, BatLayout.BITMAP_PRESENT, DATA);
    BatFixture.Parsed strict = f.open();
    assertFalse(strict.opens());
    assertEquals(field(2048), strict.of(ProblemCode.VHDX_BITMAP_STATE).get(0).field());
    assertTrue(f.lenient().opens());
  }

  // ---- V39 ----------------------------------------------------------------------------------------

  @Test
  void v39_shouldRefuseAPresentBlockAtOffsetZero() throws IOException {
    BatFixture f = dynamic().payload(3, BatLayout.PAYLOAD_FULLY_PRESENT, 0);
    Problem p = f.open().of(ProblemCode.VHDX_BAT_OFFSET).get(0);
    assertEquals(field(3), p.field());
    assertEquals("0", p.actual());
  }

  @Test
  void v39_shouldRefuseABlockPassingTheFilesEnd() throws IOException {
    BatFixture f = dynamic().payload(3, BatLayout.PAYLOAD_FULLY_PRESENT, FILE - BLOCK);
    assertTrue(f.open().opens(), "a block ending at the file's end is inside");
    f.payload(3, BatLayout.PAYLOAD_FULLY_PRESENT, FILE - MIB);
    assertEquals(field(3), f.open().of(ProblemCode.VHDX_BAT_OFFSET).get(0).field());
    f.payload(3, BatLayout.PAYLOAD_FULLY_PRESENT, FILE + 5 * MIB);
    assertEquals(1, f.open().of(ProblemCode.VHDX_BAT_OFFSET).size());
  }

  @Test
  void v39_shouldAcceptALastBlockCutAtTheVirtualEnd() throws IOException {
    // 8 GiB + 1 MiB: the last block (4096) uses 1 MiB of its 2 MiB, and the file ends there.
    long fileEnd = 64 * MIB;
    BatFixture f = new BatFixture(8 * GIB + MIB, BLOCK, 512, false, fileEnd);
    f.payload(4096, BatLayout.PAYLOAD_FULLY_PRESENT, fileEnd - MIB);
    BatFixture.Parsed r = f.open();
    assertTrue(r.opens(), r.describe());
    assertEquals(fileEnd - MIB, r.t().locate(4096));
    // Any other block must fit whole.
    f.payload(4095, BatLayout.PAYLOAD_FULLY_PRESENT, fileEnd - MIB);
    assertEquals(field(BatLayout.payloadIndex(4095, 2048)), f.check().of(ProblemCode.VHDX_BAT_OFFSET).get(0).field());
  }

  @Test
  void v39_shouldRefuseAPartiallyPresentBlockOutsideTheFile() throws IOException {
    BatFixture f = differencing().payload(7, BatLayout.PAYLOAD_PARTIALLY_PRESENT, FILE)
        .bitmap(0, BatLayout.BITMAP_PRESENT, DATA);
    assertEquals(field(7), f.open().of(ProblemCode.VHDX_BAT_OFFSET).get(0).field());
  }

  // ---- V40 ----------------------------------------------------------------------------------------

  @Test
  void v40_shouldRefuseBlocksSharingAMib() throws IOException {
    // Block 2 starts in the second MiB of block 1.
    BatFixture f = dynamic().payload(1, BatLayout.PAYLOAD_FULLY_PRESENT, DATA)
        .payload(2, BatLayout.PAYLOAD_FULLY_PRESENT, DATA + MIB);
    List<Problem> o = f.open().of(ProblemCode.VHDX_BAT_OVERLAP);
    assertEquals(1, o.size());
    assertEquals(field(2), o.get(0).field());
    f.payload(2, BatLayout.PAYLOAD_FULLY_PRESENT, DATA + BLOCK);
    assertTrue(f.open().opens(), "touching blocks are fine");
  }

  @Test
  void v40_shouldRefuseABitmapOverABlock() throws IOException {
    BatFixture f = differencing().payload(1, BatLayout.PAYLOAD_FULLY_PRESENT, DATA)
        .bitmap(0, BatLayout.BITMAP_PRESENT, DATA + MIB);
    assertEquals(field(2048), f.open().of(ProblemCode.VHDX_BAT_OVERLAP).get(0).field());
  }

  @Test
  void v40_shouldRefuseBlocksOverTheHeaderSectionLogAndRegions() throws IOException {
    for (long at : new long[] {MIB, 2 * MIB, BatFixture.BAT}) {
      BatFixture f = dynamic().payload(0, BatLayout.PAYLOAD_FULLY_PRESENT, at);
      List<Problem> o = f.open().of(ProblemCode.VHDX_BAT_OVERLAP);
      assertEquals(1, o.size(), "block at " + at);
      assertEquals(field(0), o.get(0).field());
    }
  }

  // ---- V41 ----------------------------------------------------------------------------------------

  @Test
  void v41_shouldRefuseAPartiallyPresentBlockWithoutItsChunksBitmapEvenLeniently() throws IOException {
    BatFixture f = differencing().payload(2047, BatLayout.PAYLOAD_PARTIALLY_PRESENT, DATA)
        .bitmap(1, BatLayout.BITMAP_PRESENT, DATA + BLOCK);
    BatFixture.Parsed r = f.lenient();
    assertFalse(r.opens());
    Problem p = r.of(ProblemCode.VHDX_BITMAP_MISSING).get(0);
    assertEquals(field(2047), p.field(), "names the first partial block of the chunk");
    assertTrue(p.expected().contains("entry[2048]"), p.expected());
    f.bitmap(0, BatLayout.BITMAP_PRESENT, DATA + 2 * BLOCK);
    assertTrue(f.open().opens(), f.open().describe());
  }

  @Test
  void v41_shouldFindAMissingBitmapOfTheLastChunk() throws IOException {
    BatFixture f = differencing().payload(4095, BatLayout.PAYLOAD_PARTIALLY_PRESENT, DATA);
    assertEquals(field(BatLayout.payloadIndex(4095, 2048)), f.open().of(ProblemCode.VHDX_BITMAP_MISSING).get(0)
        .field());
  }

  // ---- V45 ----------------------------------------------------------------------------------------

  @Test
  void v45_shouldReportOffsetsOfEntriesThatAreNotPresentAndNeverReadThem() throws IOException {
    long far = 1L << 44;
    BatFixture f = differencing().payload(0, BatLayout.PAYLOAD_NOT_PRESENT, far)
        .payload(1, BatLayout.PAYLOAD_UNDEFINED, far).payload(2, BatLayout.PAYLOAD_ZERO, far)
        .payload(3, BatLayout.PAYLOAD_UNMAPPED, far).bitmap(0, BatLayout.BITMAP_NOT_PRESENT, far);
    BatFixture.Parsed r = f.open();
    assertTrue(r.opens(), r.describe());
    List<Problem> stale = r.of(ProblemCode.VHDX_BAT_STALE_OFFSET);
    assertEquals(List.of(field(0), field(1), field(2), field(3), field(2048)),
        stale.stream().map(Problem::field).toList());
    assertEquals(List.of(Severity.WARNING, Severity.INFO, Severity.WARNING, Severity.INFO, Severity.WARNING),
        stale.stream().map(Problem::severity).toList());
    VhdxTable t = r.t();
    assertEquals(ImageLayer.PARENT, t.locate(0));
    assertEquals(ImageLayer.ZERO, t.locate(1));
    assertEquals(ImageLayer.ZERO, t.locate(2));
    assertEquals(ImageLayer.ZERO, t.locate(3));
  }

  // ---- collecting ---------------------------------------------------------------------------------

  @Test
  void shouldCollectEveryProblemWhenChecking() throws IOException {
    BatFixture f = differencing().payload(0, BatLayout.PAYLOAD_FULLY_PRESENT, 0)
        .payload(1, 4, 0).payload(2, BatLayout.PAYLOAD_FULLY_PRESENT, DATA)
        .payload(3, BatLayout.PAYLOAD_FULLY_PRESENT, DATA).bitmap(1, 3, 0);
    BatFixture.Parsed r = f.check();
    assertEquals(List.of(ProblemCode.VHDX_BAT_OFFSET, ProblemCode.VHDX_BAT_STATE, ProblemCode.VHDX_BAT_OVERLAP,
        ProblemCode.VHDX_BITMAP_STATE), r.errors().stream().map(Problem::code).toList(), r.describe());
  }

  @Test
  void shouldCapProblemsOfAHostileTableButKeepItsFirstUnrecoverableError() throws IOException {
    BatFixture f = dynamic();
    for (int b = 0; b < 4000; b++) {
      // Every block at one offset, state 5 (recoverable) on all but the last, which has state 4.
      f.payload(b, b == 3999 ? 4 : b % 2 == 0 ? 5 : BatLayout.PAYLOAD_FULLY_PRESENT, DATA);
    }
    BatFixture.Parsed r = f.lenient();
    assertEquals(Problems.MAX_PER_CODE + 1, r.of(ProblemCode.VHDX_BAT_OVERLAP).size(), "32 and a summary");
    assertFalse(r.opens(), "the state 4 past the cap must still refuse a lenient open");
    assertEquals(field(BatLayout.payloadIndex(3999, 2048)), r.problems().firstUnrecoverableError().field());
  }

  // ---- lenient reads ------------------------------------------------------------------------------

  @Test
  void shouldFailOnlyTheReadsOfBlocksLenientModeCannotRead() throws IOException {
    BatFixture f = differencing().payload(0, BatLayout.PAYLOAD_FULLY_PRESENT, 0)
        .payload(1, BatLayout.PAYLOAD_FULLY_PRESENT, FILE)
        .payload(2, BatLayout.PAYLOAD_FULLY_PRESENT, DATA)
        .payload(3, BatLayout.PAYLOAD_FULLY_PRESENT, DATA + MIB)
        .payload(4, BatLayout.PAYLOAD_FULLY_PRESENT, 2 * MIB)
        .payload(5, BatLayout.PAYLOAD_FULLY_PRESENT, DATA + 4 * BLOCK)
        .payload(6, BatLayout.PAYLOAD_PARTIALLY_PRESENT, DATA + 5 * BLOCK)
        .bitmap(0, BatLayout.BITMAP_PRESENT, FILE - MIB);
    BatFixture.Parsed r = f.lenient();
    assertTrue(r.opens(), r.describe());
    VhdxTable t = r.t();
    ProblemCode[] expected = {ProblemCode.VHDX_BAT_OFFSET, ProblemCode.VHDX_BAT_OFFSET,
        ProblemCode.VHDX_BAT_OVERLAP, ProblemCode.VHDX_BAT_OVERLAP, ProblemCode.VHDX_BAT_OVERLAP};
    for (int b = 0; b < 5; b++) {
      int block = b;
      VhdFormatException e = assertThrows(VhdFormatException.class, () -> t.locate(block), "block " + b);
      assertEquals(expected[b], e.getCode(), "block " + b);
      assertEquals(field(b), e.getField());
      assertEquals(BatFixture.BAT + 8L * b, e.getFileOffset());
    }
    assertEquals(DATA + 4 * BLOCK, t.locate(5));
    assertEquals((DATA + 5 * BLOCK) | ImageLayer.PARTIAL, t.locate(6));
    assertEquals(FILE - MIB + 6 * 4096 / 8, t.bitmapOffset(6));
    assertEquals(ImageLayer.PARENT, t.locate(7));
  }
}
