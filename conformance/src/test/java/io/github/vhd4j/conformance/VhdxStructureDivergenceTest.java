package io.github.vhd4j.conformance;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.UnsupportedVhdFeatureException;
import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.Vhdx;
import io.github.vhd4j.VhdxImage;
import io.github.vhd4j.internal.vhdx.layout.BatLayout;
import io.github.vhd4j.internal.vhdx.layout.MetadataLayout;
import io.github.vhd4j.internal.vhdx.layout.ParentLocatorLayout;
import io.github.vhd4j.internal.vhdx.layout.RegionTableLayout;
import io.github.vhd4j.testing.VhdxBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The VHDX cases 31 to 44 of {@code conformance/DIVERGENCES.md}: metadata items, block table
 * entries, truncated files, locators and parent linkage, each observed here with qemu-img 7.2,
 * 7-Zip 26.02 and libvhdi 20210425 next to what vhd4j does (the bugs of {@code vhdx.md} §11, X-n).
 */
@RequiresPeers({Peers.QEMU_IMG, Peers.QEMU_IO, Peers.SEVEN_ZIP, Peers.VHDIINFO, Peers.PYVHDI})
class VhdxStructureDivergenceTest extends VhdxDivergenceCases {
  /** A GUID no VHDX structure has. */
  private static final UUID UNKNOWN = UUID.fromString("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");

  // ---- 31: unknown required regions and items (X-22) -------------------------------------------

  @Test
  void shouldRefuseUnknownRequiredRegionsAndItemsThatLibvhdiOpens() throws Exception {
    VhdxSamples.Modelled withRegion = disk();
    withRegion.builder.extraRegions.add(new VhdxBuilder.Region(UNKNOWN, MIB, RegionTableLayout.REQUIRED_BIT, null));
    VhdxSamples.Modelled withItem = disk();
    withItem.builder.extraItems.add(new VhdxBuilder.Item(UNKNOWN, MetadataLayout.IS_REQUIRED, new byte[8], null));
    Path region = write("unknown-region.vhdx", withRegion);
    Path item = write("unknown-item.vhdx", withItem);

    for (Path img : List.of(region, item)) {
      Readings r = readings(img);
      assertAll(img.getFileName().toString(),
          () -> assertTrue(r.qemu().refused() && r.qemu().error().contains("Operation not supported"),
              r.qemu()::toString),
          () -> assertArrayEquals(withRegion.content, r.libvhdi().bytes(), "libvhdi ignores what it does not know"),
          () -> assertSevenZipRefuses(r.sevenZip()),
          () -> assertInstanceOf(UnsupportedVhdFeatureException.class, r.lenient().refused(),
              "refused, even leniently"),
          () -> assertEquals(img == region ? ProblemCode.VHDX_REGION_UNKNOWN_REQUIRED
              : ProblemCode.VHDX_METADATA_UNKNOWN_REQUIRED,
              assertInstanceOf(VhdFormatException.class, r.lenient().refused().getCause()).getCode()));
    }
  }

  // ---- 32: a metadata item outside the region (X-23) -------------------------------------------

  @Test
  void shouldRefuseAVirtualSizeItemInGuestDataThatQemuAndLibvhdiRead() throws Exception {
    // The Virtual Disk Size entry points into block 0, whose first 8 bytes the guest wrote: 32 MiB.
    VhdxSamples.Modelled m = VhdxSamples.Modelled.dynamic(8 * MIB, MIB, 512);
    m.builder.block(0, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
        .putLong(0, 32 * MIB).array());
    Path img = changed("size-in-data.vhdx", m, v -> v.metadataEntry(io.github.vhd4j.internal.vhdx.layout.Guids
        .VIRTUAL_DISK_SIZE, MetadataLayout.OFFSET, v.blockOffset(0, m.builder.chunkRatio()) - v.metadataOffset));

    Map<String, Object> info = QemuVhdx.info(img);
    long lib = VhdxReaders.vhdiinfoMediaSize(img);
    VhdxReaders.SevenZip z = sevenZip(img);
    VhdxPeerRuns.Ours ours = VhdxPeerRuns.vhd4j(img, true);
    assertAll(
        () -> assertEquals(32 * MIB, info.get("virtual-size"), "qemu-img takes the guest's bytes"),
        () -> assertEquals(32 * MIB, lib, "vhdiinfo too"),
        () -> assertSevenZipRefuses(z),
        () -> assertEquals(ProblemCode.VHDX_METADATA_ITEM_PLACEMENT, code(ours), "refused, even leniently"));
  }

  // ---- 33: overlapping metadata items (X-24) ---------------------------------------------------

  @Test
  void shouldRefuseOverlappingMetadataItemsThatEveryPeerReads() throws Exception {
    VhdxSamples.Modelled m = disk();
    // The Virtual Disk ID's 16 bytes now also hold the logical and physical sector sizes.
    Path img = changed("overlap.vhdx", m, v -> v.metadataEntry(io.github.vhd4j.internal.vhdx.layout.Guids
        .VIRTUAL_DISK_ID, MetadataLayout.OFFSET, v.itemOffset(io.github.vhd4j.internal.vhdx.layout.Guids
        .LOGICAL_SECTOR_SIZE) - 8));

    Readings r = readings(img);
    assertAll(
        () -> assertArrayEquals(m.content, r.qemu().bytes(), "qemu-img"),
        () -> assertArrayEquals(m.content, r.libvhdi().bytes(), "libvhdi"),
        () -> assertSevenZipReads(r.sevenZip(), m.content),
        () -> assertEquals(ProblemCode.VHDX_METADATA_ITEM_OVERLAP, code(r.lenient()), "refused, even leniently"));
  }

  // ---- 34: an empty unknown optional item (X-25) -----------------------------------------------

  @Test
  void shouldIgnoreAnEmptyUnknownItemThatLibvhdiRefuses() throws Exception {
    VhdxSamples.Modelled m = disk();
    m.builder.extraItems.add(new VhdxBuilder.Item(UNKNOWN, 0, new byte[0], null));
    Path img = write("empty-item.vhdx", m);

    Readings r = readings(img);
    assertAll(
        () -> assertArrayEquals(m.content, r.qemu().bytes(), "qemu-img"),
        () -> assertTrue(r.libvhdi().refused()
            && r.libvhdi().error().contains("invalid item offset value out of bounds"), r.libvhdi()::toString),
        () -> assertSevenZipReads(r.sevenZip(), m.content),
        () -> assertArrayEquals(m.content, r.strict().bytes(), "vhd4j"),
        () -> assertEquals(List.of(), r.strict().warnings()));
  }

  // ---- 35: a size that is no whole number of sectors (X-26) ------------------------------------

  @Test
  void shouldRefuseASizeOfPartialSectorsThatQemuCutsAndOthersExpose() throws Exception {
    VhdxSamples.Modelled m = disk();
    m.builder.virtualSize = 8 * MIB + 100;
    Path img = write("size-100.vhdx", m);
    byte[] longer = Arrays.copyOf(m.content, (int) (8 * MIB + 100));

    Readings r = readings(img);
    assertAll(
        () -> assertArrayEquals(m.content, r.qemu().bytes(), "qemu-img cuts to 8 MiB"),
        () -> assertArrayEquals(longer, r.libvhdi().bytes(), "libvhdi: 8 MiB + 100 bytes"),
        () -> assertSevenZipReads(r.sevenZip(), longer),
        () -> assertEquals(ProblemCode.VHDX_VIRTUAL_SIZE, code(r.lenient()), "refused, even leniently"));
  }

  // ---- 36: a physical sector size of 1024 (X-30) -----------------------------------------------

  @Test
  void shouldRefuseAPhysicalSectorSizeOf1024ThatQemuOpens() throws Exception {
    VhdxSamples.Modelled m = disk();
    m.builder.physicalSectorSize = 1024;
    Path img = write("physical-1024.vhdx", m);

    Readings r = readings(img);
    assertAll(
        () -> assertArrayEquals(m.content, r.qemu().bytes(), "qemu-img"),
        () -> assertTrue(r.libvhdi().refused() && r.libvhdi().error().contains("invalid physical sector size"),
            r.libvhdi()::toString),
        () -> assertSevenZipRefuses(r.sevenZip()),
        () -> assertEquals(ProblemCode.VHDX_SECTOR_SIZE, code(r.lenient()), "refused, even leniently"));
  }

  // ---- 37: BAT reserved bits (X-31) ------------------------------------------------------------

  @Test
  void shouldRefuseBatReservedBitsThatQemuAndLibvhdiIgnore() throws Exception {
    VhdxSamples.Modelled m = disk();
    Path img = changed("bat-reserved.vhdx", m, v -> v.batEntry(2, v.entry(2) | 8));

    Readings r = readings(img);
    assertAll(
        () -> assertArrayEquals(m.content, r.qemu().bytes(), "qemu-img"),
        () -> assertArrayEquals(m.content, r.libvhdi().bytes(), "libvhdi"),
        () -> assertSevenZipRefuses(r.sevenZip()),
        () -> assertEquals(ProblemCode.VHDX_BAT_RESERVED, code(r.strict())),
        () -> assertArrayEquals(m.content, r.lenient().bytes(), "vhd4j leniently: the bits masked"),
        () -> assertTrue(warns(r.lenient(), ProblemCode.VHDX_BAT_RESERVED), r.lenient().warnings()::toString));
  }

  // ---- 38: reserved payload states 4 and 5 (X-32) ----------------------------------------------

  @Test
  void shouldRefuseReservedBlockStatesThatQemuAndLibvhdiReadTheirWays() throws Exception {
    VhdxSamples.Modelled m = disk();
    Path four = changed("state4.vhdx", m, v -> v.batEntry(2, BatLayout.entry(4, BatLayout.fileOffset(v.entry(2)))));
    Path five = changed("state5.vhdx", m, v -> v.batEntry(2, BatLayout.entry(5, BatLayout.fileOffset(v.entry(2)))));
    byte[] zeros = m.content.clone();
    Arrays.fill(zeros, (int) (2 * MIB), (int) (3 * MIB), (byte) 0);

    Readings r4 = readings(four);
    Readings r5 = readings(five);
    assertAll(
        () -> assertTrue(r4.qemu().refused()
            && r4.qemu().error().contains("error while reading at byte 2097152: Input/output error"),
            r4.qemu()::toString),
        () -> assertArrayEquals(zeros, r5.qemu().bytes(), "qemu-img: 5 reads as zeros"),
        () -> assertArrayEquals(zeros, r4.libvhdi().bytes(), "libvhdi: 4 reads as zeros"),
        () -> assertArrayEquals(zeros, r5.libvhdi().bytes(), "libvhdi: 5 reads as zeros"),
        () -> assertSevenZipRefuses(r4.sevenZip()),
        () -> assertSevenZipRefuses(r5.sevenZip()),
        () -> assertEquals(ProblemCode.VHDX_BAT_STATE, code(r4.lenient()), "4: even leniently"),
        () -> assertEquals(ProblemCode.VHDX_BAT_STATE, code(r5.strict())),
        () -> assertArrayEquals(zeros, r5.lenient().bytes(), "5 leniently: UNMAPPED, zeros"));
  }

  // ---- 39: PARTIALLY_PRESENT in a disk without a parent (X-33) ---------------------------------

  @Test
  void shouldRefusePartlyPresentBlocksWithoutAParentThatPeersReadTheirWays() throws Exception {
    VhdxSamples.Modelled m = disk();
    Path img = changed("state7.vhdx", m, v -> v.batEntry(2, BatLayout.entry(7, BatLayout.fileOffset(v.entry(2)))));

    Readings r = readings(img);
    assertAll(
        () -> assertTrue(r.qemu().refused()
            && r.qemu().error().contains("error while reading at byte 2097152: Input/output error"),
            r.qemu()::toString),
        () -> assertArrayEquals(m.content, r.libvhdi().bytes(), "libvhdi reads it as present"),
        () -> assertSevenZipRefuses(r.sevenZip()),
        () -> assertEquals(ProblemCode.VHDX_BAT_STATE, code(r.strict())),
        () -> assertArrayEquals(m.content, r.lenient().bytes(), "vhd4j leniently: FULLY_PRESENT"));
  }

  // ---- 40: two entries, one block (X-36) -------------------------------------------------------

  @Test
  void shouldRefuseTwoEntriesForOneBlockThatQemuAndLibvhdiReadTwice() throws Exception {
    VhdxSamples.Modelled m = disk();
    Path img = changed("twice.vhdx", m, v -> v.batEntry(3, BatLayout.entry(BatLayout.PAYLOAD_FULLY_PRESENT,
        BatLayout.fileOffset(v.entry(2)))));
    byte[] twice = m.content.clone();
    System.arraycopy(m.content, (int) (2 * MIB), twice, (int) (3 * MIB), (int) MIB);

    Readings r = readings(img);
    assertAll(
        () -> assertArrayEquals(twice, r.qemu().bytes(), "qemu-img"),
        () -> assertArrayEquals(twice, r.libvhdi().bytes(), "libvhdi"),
        () -> assertSevenZipComplains(r.sevenZip(), "BAT overlap", twice),
        () -> assertEquals(ProblemCode.VHDX_BAT_OVERLAP, code(r.strict())));
    // Leniently the file opens, and only the blocks that share their data refuse to be read.
    try (VhdxImage image = Vhdx.open(img, OpenOptions.defaults().withLenient(true))) {
      assertArrayEquals(Arrays.copyOf(m.content, (int) MIB), Content.read(image, 0, (int) MIB));
      assertThrows(IOException.class, () -> Content.read(image, 2 * MIB, 512));
    }
  }

  // ---- 41: a truncated file, and one that ends inside its last block (X-37) --------------------

  @Test
  void shouldRefuseATruncatedFileAtOpenThatLibvhdiAnd7ZipFailToRead() throws Exception {
    VhdxSamples.Modelled m = disk();
    Path img = changed("truncated.vhdx", m, v -> v.file.setLength(v.file.length() - MIB / 2));

    Readings r = readings(img);
    long libSize = VhdxReaders.vhdiinfoMediaSize(img);
    assertAll(
        () -> assertTrue(r.qemu().refused() && r.qemu().error().contains("points after end of file"),
            r.qemu()::toString),
        () -> assertEquals(8 * MIB, libSize, "vhdiinfo opens it"),
        () -> assertTrue(r.libvhdi().refused() && r.libvhdi().error().contains("unable to read sector data"),
            r.libvhdi()::toString),
        () -> assertEquals(2, r.sevenZip().code(), r.sevenZip()::describe),
        () -> assertTrue(r.sevenZip().messages().contains("Unexpected end of data"), r.sevenZip()::describe),
        () -> assertEquals(ProblemCode.VHDX_BAT_OFFSET, code(r.lenient()), "refused at open, even leniently"));
  }

  @Test
  void shouldReadAFixedFileEndingInsideItsLastBlockThat7ZipCallsTruncated() throws Exception {
    // QEMU's fixed files end at the virtual end: 3 MiB in 2 MiB blocks leaves the last block half in the file.
    Path img = dir.resolve("cut.vhdx");
    QemuVhdx.create(img, 3 * MIB, true, 2 * MIB, false);
    QemuVhdx.io(img, List.of("write -P 0x77 2M 512", "write -P 0x78 3145216 512"));
    byte[] want = new byte[(int) (3 * MIB)];
    Arrays.fill(want, (int) (2 * MIB), (int) (2 * MIB + 512), (byte) 0x77);
    Arrays.fill(want, (int) (3 * MIB - 512), want.length, (byte) 0x78);

    Readings r = readings(img);
    long lastBlock = VhdxBat.payload(img, 3 * MIB, 2 * MIB, 512).get(1).fileOffset();
    assertEquals(lastBlock + MIB, Files.size(img), "the file ends 1 MiB into the last 2 MiB block");
    assertAll(
        () -> assertArrayEquals(want, r.qemu().bytes(), "qemu-img"),
        () -> assertArrayEquals(want, r.libvhdi().bytes(), "libvhdi"),
        () -> assertSevenZipComplains(r.sevenZip(), "Unexpected end of archive", want),
        () -> assertArrayEquals(want, r.strict().bytes(), "vhd4j"),
        () -> assertEquals(List.of(), r.strict().warnings()));
  }

  // ---- 42: HasParent without a locator (X-47) --------------------------------------------------

  @Test
  void shouldRefuseHasParentWithoutALocatorThatLibvhdiOpens() throws Exception {
    VhdxSamples.Modelled m = disk();
    m.builder.type = VhdxBuilder.Type.DIFFERENCING;
    m.builder.writeLocator = false;
    Path img = write("no-locator.vhdx", m);

    Readings r = readings(img);
    long libSize = VhdxReaders.vhdiinfoMediaSize(img);
    assertAll(
        () -> assertTrue(r.qemu().refused() && r.qemu().error().contains("Invalid argument"),
            r.qemu()::toString),
        () -> assertEquals(8 * MIB, libSize, "vhdiinfo opens it"),
        () -> assertTrue(r.libvhdi().refused() && r.libvhdi().error().contains("missing parent file"),
            r.libvhdi()::toString),
        () -> assertEquals(2, r.sevenZip().code(), r.sevenZip()::describe),
        () -> assertTrue(r.sevenZip().messages().contains("Parent locator is not defined"), r.sevenZip()::describe),
        () -> assertEquals(ProblemCode.VHDX_PARENT_LOCATOR_PRESENCE, code(r.lenient()),
            "refused at open, even leniently"));
  }

  // ---- 43: parent_linkage2 (X-44) --------------------------------------------------------------

  @Test
  void shouldAcceptTheParentThroughParentLinkage2ThatLibvhdiAnd7ZipIgnore() throws Exception {
    VhdxSamples.Modelled parent = VhdxSamples.Modelled.dynamic(16 * MIB, 2 * MIB, 512)
        .full(0, (int) (2 * MIB), 1).full(1, (int) (2 * MIB), 2);
    VhdxSamples.Modelled child = VhdxSamples.Modelled.child(parent, "lparent.vhdx").partial(0, 50, 4, 4);
    // A merge in progress: parent_linkage names the parent's former DataWriteGuid, linkage2 the current one.
    child.builder.locator.put(ParentLocatorLayout.PARENT_LINKAGE, VhdxSamples.guid(UUID.randomUUID()));
    child.builder.locator.put(ParentLocatorLayout.PARENT_LINKAGE2,
        VhdxSamples.guid(parent.builder.header2.dataWriteGuid));
    Path p = write("lparent.vhdx", parent);
    Path c = write("lchild.vhdx", child);

    Readings r = readings(c, p);
    assertAll(
        () -> assertTrue(r.libvhdi().refused() && r.libvhdi().error().contains("mismatch in identifier"),
            r.libvhdi()::toString),
        () -> assertEquals(2, r.sevenZip().code(), r.sevenZip()::describe),
        () -> assertTrue(r.sevenZip().messages().contains("Unsupported Method"), r.sevenZip()::describe),
        () -> assertArrayEquals(child.content, r.strict().bytes(), "vhd4j"));
  }

  // ---- 44: a table shifted onto a bitmap entry (X-39) ------------------------------------------

  @Test
  void shouldRefuseADynamicTableWithAPresentBitmapEntryThatQemuReadsAsMissingData() throws Exception {
    // The shape a BAT logged by QEMU before 8af037fe4c can have: block 4096's entry (index 4097)
    // one slot early, on chunk 0's sector bitmap entry (index 4096), and its own slot empty.
    Path img = dir.resolve("shifted.vhdx");
    QemuVhdx.create(img, 5 * GIB, false, MIB, false);
    QemuVhdx.io(img, List.of("write -P 0x71 4095M 1M", "write -P 0x72 4096M 1M"));
    long bat;
    try (FileChannel ch = FileChannel.open(img,
        StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      bat = VhdxBat.batOffset(ch);
      ByteBuffer e = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      ch.read(e, bat + 4097 * 8);
      ch.write(e.flip(), bat + 4096 * 8);
      ch.write(ByteBuffer.allocate(8), bat + 4097 * 8);
    }
    long at = 4095 * MIB;
    byte[] stored = new byte[(int) (2 * MIB)];
    Arrays.fill(stored, 0, (int) MIB, (byte) 0x71);
    byte[] qemuWay = stored.clone();
    Arrays.fill(stored, (int) MIB, stored.length, (byte) 0x72);

    byte[] q = QemuVhdx.readRange(img, at, 2 * MIB, dir.resolve("w.raw"));
    Peers.Result qcheck = QemuVhdx.check(img);
    Peers.Result z = Peers.run(List.of(Peers.SEVEN_ZIP, "l", "-tvhdx", img.toString()), 60);
    byte[] lib = VhdxReaders.libvhdiWindows(List.of(img), new long[] {at, 2 * MIB})[0];
    VhdxPeerRuns.Ours ours = VhdxPeerRuns.vhd4j(img, false);
    assertAll(
        () -> assertArrayEquals(qemuWay, q, "qemu-img: block 4096 reads as zeros"),
        () -> assertEquals(0, qcheck.code(), qcheck::describe),
        () -> assertArrayEquals(qemuWay, lib, "libvhdi"),
        () -> assertEquals(2, z.code(), z::describe),
        () -> assertTrue((z.out() + z.stderr()).contains("Cannot open the file as [VHDX] archive"), z::describe),
        () -> assertEquals(ProblemCode.VHDX_BITMAP_STATE, code(ours)),
        () -> assertEquals("entry[4096]", ((VhdFormatException) ours.refused()).getField()));
  }
}
