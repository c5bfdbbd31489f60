package io.github.vhd4j.pitfalls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.internal.ImageLayer;
import io.github.vhd4j.internal.vhdx.BatFixture;
import io.github.vhd4j.internal.vhdx.VhdxTable;
import io.github.vhd4j.internal.vhdx.layout.BatLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Known VHDX block-table bugs of other readers (vhdx.md §11) as tests: to
 * on tables built entry by entry in sparse files (the chunk-boundary cases,
 * 4 KiB sectors X-29, zeros in children X-6 and memory X-46 are in the table's own tests).
 */
class VhdxBlockPitfallsTest {
  private static final long MIB = BatFixture.MIB;
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

  private static String field(long block) {
    return "entry[" + BatLayout.payloadIndex(block, 2048) + "]";
  }

  /** QEMU's 32-bit block count wrapped to 2 for 2^52 + 2 MiB and passed a 1 MiB BAT. */
  @Test
  void x2_shouldCountEntriesIn64Bits() throws IOException {
    BatFixture f = new BatFixture((1L << 52) + 2 * MIB, MIB, 512, false, 64 * MIB);
    f.regionLength = MIB;
    BatFixture.Parsed r = f.open();
    assertNull(r.table());
    Problem p = r.of(ProblemCode.VHDX_BAT_TOO_SMALL).get(0);
    // 2^32 + 2 payload entries and (2^32 + 1) / 4096 bitmap entries.
    assertEquals("at least " + ((1L << 32) + 2 + 1048576) + " entries of 8 bytes", p.expected());
    assertEquals(0, f.storage.reads.get());
  }

  /** QEMU and libvhdi return the file identifier for a present block at FileOffsetMB 0. */
  @Test
  void x3_shouldNeverReadAPresentBlockAtOffsetZero() throws IOException {
    BatFixture f = differencing().payload(1, BatLayout.PAYLOAD_FULLY_PRESENT, 0)
        .payload(2, BatLayout.PAYLOAD_PARTIALLY_PRESENT, 0).payload(3, BatLayout.PAYLOAD_FULLY_PRESENT, DATA)
        .bitmap(0, BatLayout.BITMAP_PRESENT, DATA + BLOCK);
    BatFixture.Parsed strict = f.open();
    assertFalse(strict.opens());
    assertEquals(List.of(field(1), field(2)),
        strict.of(ProblemCode.VHDX_BAT_OFFSET).stream().map(Problem::field).toList());
    VhdxTable t = f.lenient().t();
    for (int b = 1; b <= 2; b++) {
      int block = b;
      VhdFormatException e = assertThrows(VhdFormatException.class, () -> t.locate(block));
      assertEquals(ProblemCode.VHDX_BAT_OFFSET, e.getCode());
      assertEquals(field(b), e.getField());
    }
    assertEquals(DATA, t.locate(3));
    assertEquals(ImageLayer.PARENT, t.locate(4));
  }

  /** libvhdi read NOT_PRESENT blocks through their FileOffsetMB (header bytes everywhere). */
  @Test
  void x4_shouldNeverDereferenceTheOffsetOfABlockThatIsNotPresent() throws IOException {
    BatFixture f = dynamic().payload(0, BatLayout.PAYLOAD_NOT_PRESENT, MIB)
        .payload(1, BatLayout.PAYLOAD_ZERO, 0xFFFFFFFFFFF00000L).payload(2, BatLayout.PAYLOAD_UNMAPPED, 4 * FILE);
    BatFixture.Parsed r = f.open();
    assertTrue(r.opens(), r.describe());
    VhdxTable t = r.t();
    long reads = f.storage.reads.get();
    for (int b = 0; b < 3; b++) {
      assertEquals(ImageLayer.ZERO, t.locate(b));
    }
    assertEquals(reads, f.storage.reads.get(), "a heap table reads nothing more");
    assertEquals(3, r.of(ProblemCode.VHDX_BAT_STALE_OFFSET).size());
  }

  /** QEMU and libvhdi read on when reserved bits 3-19 are set. */
  @Test
  void x31_shouldRefuseEveryReservedBitAndMaskItLeniently() throws IOException {
    for (int bit = 3; bit <= 19; bit++) {
      BatFixture f = dynamic();
      f.entry(BatLayout.payloadIndex(7, 2048), BatLayout.entry(BatLayout.PAYLOAD_FULLY_PRESENT, DATA) | 1L << bit);
      BatFixture.Parsed strict = f.open();
      assertEquals(1, strict.of(ProblemCode.VHDX_BAT_RESERVED).size(), "bit " + bit);
      assertFalse(strict.opens());
      BatFixture.Parsed lenient = f.lenient();
      assertTrue(lenient.opens());
      assertEquals(DATA, lenient.t().locate(7), "bit " + bit);
    }
  }

  /** state 4 (QEMU: EIO at read, libvhdi: zeros) and state 5 (both: zeros). */
  @Test
  void x32_shouldRefuseState4AtOpenAndReadState5AsUnmappedLeniently() throws IOException {
    BatFixture four = differencing().payload(7, 4, 0);
    assertFalse(four.open().opens());
    assertFalse(four.lenient().opens(), "state 4 is refused even leniently");
    assertEquals(field(7), four.lenient().problems().firstUnrecoverableError().field());
    BatFixture five = differencing().payload(7, 5, 0);
    assertFalse(five.open().opens());
    BatFixture.Parsed r = five.lenient();
    assertTrue(r.opens());
    assertEquals(ImageLayer.ZERO, r.t().locate(7), "UNMAPPED: zeros, not the parent");
  }

  /** state 7 in a dynamic file (QEMU: EIO, libvhdi: data, 7-Zip: refuse, OpenVMM: as 6). */
  @Test
  void x33_shouldRefusePartiallyPresentWithoutAParentAndReadItAsFullyPresentLeniently() throws IOException {
    BatFixture f = dynamic().payload(7, BatLayout.PAYLOAD_PARTIALLY_PRESENT, DATA);
    assertEquals(field(7), f.open().of(ProblemCode.VHDX_BAT_STATE).get(0).field());
    assertEquals(DATA, f.lenient().t().locate(7));
  }

  /** PARTIALLY_PRESENT whose chunk has no bitmap: refused at open (OpenVMM), not at read (7-Zip). */
  @Test
  void x34_shouldRefuseAPartialBlockWithoutBitmapAtOpen() throws IOException {
    BatFixture f = differencing().payload(2050, BatLayout.PAYLOAD_PARTIALLY_PRESENT, DATA)
        .bitmap(1, BatLayout.BITMAP_NOT_PRESENT, 0);
    BatFixture.Parsed r = f.lenient();
    assertFalse(r.opens());
    assertEquals(ProblemCode.VHDX_BITMAP_MISSING, r.problems().firstUnrecoverableError().code());
    VhdFormatException e = assertThrows(VhdFormatException.class, () -> f.check().t().locate(2050));
    assertEquals(ProblemCode.VHDX_BITMAP_MISSING, e.getCode());
    assertEquals("entry[4097]", e.getField());
  }

  /** go-vhdx read partial blocks whole; the bitmap alternates per sector across bytes. */
  @Test
  void x35_shouldPlaceEachSectorsBitOfAPartialBlock() throws IOException {
    long bitmap = DATA + BLOCK;
    BatFixture f = differencing().payload(5, BatLayout.PAYLOAD_PARTIALLY_PRESENT, DATA)
        .bitmap(0, BatLayout.BITMAP_PRESENT, bitmap);
    // Block 5 starts at sector 5 * 4096 of its chunk: byte 2560. 0xf0 0xf0: 4 parent, 4 here, twice.
    f.storage.put(bitmap + 2560, new byte[] {(byte) 0xf0, (byte) 0xf0});
    VhdxTable t = f.open().t();
    long first = t.bitmapOffset(5);
    assertEquals(bitmap + 2560, first);
    StringBuilder here = new StringBuilder();
    for (int sector = 0; sector < 16; sector++) {
      ByteBuffer b = ByteBuffer.allocate(1);
      f.storage.read(first + sector / 8, b, 0, 1);
      here.append((b.get(0) & BatLayout.mask(sector)) != 0 ? 'C' : 'P');
    }
    assertEquals("PPPPCCCCPPPPCCCC", here.toString());
  }

  /** two entries with one FileOffsetMB (QEMU, libvhdi read both; 7-Zip warns). */
  @Test
  void x36_shouldRefuseTwoBlocksAtOneOffsetAndReadNeitherLeniently() throws IOException {
    BatFixture f = dynamic().payload(10, BatLayout.PAYLOAD_FULLY_PRESENT, DATA + 8 * BLOCK)
        .payload(3000, BatLayout.PAYLOAD_FULLY_PRESENT, DATA + 8 * BLOCK)
        .payload(11, BatLayout.PAYLOAD_FULLY_PRESENT, DATA);
    assertEquals(field(3000), f.open().of(ProblemCode.VHDX_BAT_OVERLAP).get(0).field());
    VhdxTable t = f.lenient().t();
    assertEquals(ProblemCode.VHDX_BAT_OVERLAP, assertThrows(VhdFormatException.class, () -> t.locate(10)).getCode());
    assertEquals(ProblemCode.VHDX_BAT_OVERLAP, assertThrows(VhdFormatException.class, () -> t.locate(3000))
        .getCode());
    assertEquals(DATA, t.locate(11));
  }

  /** truncated files fail at open; a Disk2vhd tail of 512 bytes and a last block cut at the virtual end do not. */
  @Test
  void x37_shouldRefuseTruncatedFilesAtOpenButAcceptHarmlessEnds() throws IOException {
    BatFixture cut = new BatFixture(8 * GIB, BLOCK, 512, false, DATA + 3 * MIB);
    cut.payload(0, BatLayout.PAYLOAD_FULLY_PRESENT, DATA).payload(1, BatLayout.PAYLOAD_FULLY_PRESENT, DATA + BLOCK);
    assertEquals(field(1), cut.open().of(ProblemCode.VHDX_BAT_OFFSET).get(0).field());
    BatFixture disk2vhd = new BatFixture(8 * GIB, BLOCK, 512, false, DATA + 4 * MIB + 512);
    disk2vhd.payload(0, BatLayout.PAYLOAD_FULLY_PRESENT, DATA).payload(1, BatLayout.PAYLOAD_FULLY_PRESENT, DATA + BLOCK);
    assertTrue(disk2vhd.open().opens());
    BatFixture oldQemu = new BatFixture(8 * GIB - 512, BLOCK, 512, false, DATA + 4 * MIB - 512);
    oldQemu.payload(0, BatLayout.PAYLOAD_FULLY_PRESENT, DATA + BLOCK).payload(4095, BatLayout.PAYLOAD_FULLY_PRESENT,
        DATA);
    assertFalse(oldQemu.open().opens(), "only the last block may be cut");
    oldQemu.payload(0, BatLayout.PAYLOAD_NOT_PRESENT, 0).payload(4095, BatLayout.PAYLOAD_FULLY_PRESENT, DATA + BLOCK);
    BatFixture.Parsed r = oldQemu.open();
    assertTrue(r.opens(), r.describe());
    assertEquals(DATA + BLOCK, r.t().locate(4095));
  }

  /** QEMU counted present entries to find bitmap entries, so a payload entry past one escaped. */
  @Test
  void x38_shouldValidateEntriesByIndexOnBothSidesOfABitmapEntry() throws IOException {
    // 256 MiB blocks: chunk ratio 16, so entry 16 is chunk 0's bitmap and entry 17 block 16.
    long big = 256 * MIB;
    BatFixture f = new BatFixture(8 * GIB, big, 512, true, 8 * GIB);
    long data = 256 * MIB;
    for (int b = 0; b < 16; b++) {
      f.payload(b, BatLayout.PAYLOAD_FULLY_PRESENT, data + b * big);
    }
    f.entry(16, BatLayout.entry(BatLayout.BITMAP_PRESENT, data + 3 * big));
    f.entry(17, BatLayout.entry(BatLayout.PAYLOAD_FULLY_PRESENT, data));
    f.entry(18, BatLayout.entry(BatLayout.PAYLOAD_FULLY_PRESENT, 0));
    List<Problem> overlaps = f.check().of(ProblemCode.VHDX_BAT_OVERLAP);
    assertEquals(List.of("entry[16]", "entry[17]"), overlaps.stream().map(Problem::field).toList());
    assertEquals("entry[18]", f.check().of(ProblemCode.VHDX_BAT_OFFSET).get(0).field());
  }

  /** DiscUtils' 32-bit mask dropped FileOffsetMB bits above 4 GiB. */
  @Test
  void x40_shouldKeepEveryBitOfOffsetsPast4GiB() throws IOException {
    long tib = 1L << 40;
    BatFixture f = new BatFixture(8 * GIB, BLOCK, 512, false, 2 * tib);
    f.payload(0, BatLayout.PAYLOAD_FULLY_PRESENT, 4 * GIB).payload(1, BatLayout.PAYLOAD_FULLY_PRESENT, 4 * GIB + BLOCK)
        .payload(2, BatLayout.PAYLOAD_FULLY_PRESENT, tib + 4 * GIB + DATA);
    BatFixture.Parsed r = f.open();
    assertTrue(r.opens(), r.describe());
    assertEquals(4 * GIB, r.t().locate(0));
    assertEquals(4 * GIB + BLOCK, r.t().locate(1));
    assertEquals(tib + 4 * GIB + DATA, r.t().locate(2));
    // With the high bits dropped this block would lie at 4 MiB, inside a 1 GiB file; it lies past it.
    BatFixture small = new BatFixture(8 * GIB, BLOCK, 512, false, GIB);
    small.payload(0, BatLayout.PAYLOAD_FULLY_PRESENT, 4 * GIB + DATA);
    assertEquals(field(0), small.open().of(ProblemCode.VHDX_BAT_OFFSET).get(0).field());
  }
}
