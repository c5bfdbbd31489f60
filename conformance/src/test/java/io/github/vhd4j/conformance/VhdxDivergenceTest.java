package io.github.vhd4j.conformance;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.ValidationReport;
import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.Vhdx;
import io.github.vhd4j.VhdxImage;
import io.github.vhd4j.internal.vhdx.layout.BatLayout;
import io.github.vhd4j.internal.vhdx.layout.HeaderLayout;
import io.github.vhd4j.internal.vhdx.layout.RegionTableLayout;
import io.github.vhd4j.testing.VhdxBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The VHDX cases 20 to 30 of {@code conformance/DIVERGENCES.md}: the map, the log, ZERO blocks in
 * children, fixed disks past 4 GiB, present blocks at offset 0, sizes over 64 TiB, damaged header
 * and region table copies, odd sector counts and equal header sequence numbers, each observed here
 * with qemu-img 7.2, 7-Zip 26.02 and libvhdi 20210425 next to what vhd4j does. Most are the bugs of
 * {@code vhdx.md} §11 (X-n) reproduced; a peer that changes its behaviour fails the test naming it.
 */
@RequiresPeers({Peers.QEMU_IMG, Peers.QEMU_IO, Peers.SEVEN_ZIP, Peers.VHDIINFO, Peers.PYVHDI})
class VhdxDivergenceTest extends VhdxDivergenceCases {
  // ---- 20: the allocation map ------------------------------------------------------------------

  @Test
  void shouldMapTheTableWhereQemuMapsOneDataExtent() throws Exception {
    Path img = dir.resolve("map.vhdx");
    QemuVhdx.create(img, 64 * MIB, false, MIB, false);
    QemuVhdx.io(img, List.of("write -P 0xab 1M 2M", "write -P 0xcd 40M 512K"));

    List<Map<String, Object>> qemuMap = QemuVhdx.mapJson(img);
    byte[] qemuContent = qemu(img).bytes();
    try (VhdxImage image = Vhdx.open(img)) {
      List<Run> data = Run.data(Run.fromExtents(image.map()));
      assertAll(
          () -> assertEquals(1, qemuMap.size(), qemuMap::toString),
          () -> assertEquals(0L, qemuMap.get(0).get("start")),
          () -> assertEquals(64 * MIB, qemuMap.get(0).get("length")),
          () -> assertEquals(Boolean.TRUE, qemuMap.get(0).get("data")),
          () -> assertEquals(Boolean.FALSE, qemuMap.get(0).get("zero")),
          () -> assertFalse(qemuMap.get(0).containsKey("offset"), "no file offset"),
          () -> assertEquals(List.of(1 * MIB, 40 * MIB), data.stream().map(Run::start).toList(), data::toString),
          () -> assertEquals(List.of(2 * MIB, MIB), data.stream().map(Run::length).toList(), data::toString),
          () -> assertArrayEquals(qemuContent, Content.read(image, 0, qemuContent.length), "content agrees"));
    }
  }

  // ---- 21: a dirty log, read-only (X-9, X-10) --------------------------------------------------

  @Test
  void shouldReplayADirtyLogWhereQemuRefusesAndLibvhdiAnd7ZipReadStaleData() throws Exception {
    VhdxSamples.Dirty d = VhdxSamples.dirty(dir.resolve("dirty.vhdx"));
    String before = Content.sha256(d.file());

    Peers.Result info = QemuVhdx.infoResult(d.file());
    Peers.Result convert = QemuVhdx.toRawResult(d.file(), dir.resolve("dirty.raw"));
    Peers.Result ioRead = Peers.run(List.of(Peers.QEMU_IO, "-r", "-f", "vhdx", "-c", "read 0 512",
        d.file().toString()), 60);
    Readings r = readings(d.file());
    ValidationReport report = Vhdx.check(d.file());
    String needsReplay = "opened read-only, but contains a log that needs to be replayed";

    assertAll(
        () -> assertEquals(1, info.code(), info::describe),
        () -> assertTrue(info.stderr().contains(needsReplay), info::describe),
        () -> assertTrue(convert.stderr().contains(needsReplay), convert::describe),
        () -> assertTrue((ioRead.out() + ioRead.stderr()).contains(needsReplay), ioRead::describe),
        () -> assertArrayEquals(d.stale(), r.libvhdi().bytes(), "libvhdi reads the stale table, silently"),
        () -> assertSevenZipComplains(r.sevenZip(), "non-empty LOG was not replayed", d.stale()),
        () -> assertArrayEquals(d.content(), r.strict().bytes(), "vhd4j replays the log in memory"),
        () -> assertTrue(report.problems().stream().anyMatch(p -> p.code() == ProblemCode.VHDX_LOG_DIRTY),
            report::toString),
        () -> assertEquals(before, Content.sha256(d.file()), "no reader wrote the file"));
  }

  // ---- 22: ZERO, UNDEFINED and UNMAPPED blocks in a child (X-6) --------------------------------

  @Test
  void shouldReadZerosForZeroUndefinedAndUnmappedChildBlocksWhereLibvhdiReadsTheParent() throws Exception {
    VhdxSamples.Modelled parent = VhdxSamples.Modelled.dynamic(16 * MIB, 2 * MIB, 512);
    for (int blk = 0; blk < 8; blk++) {
      parent.full(blk, (int) (2 * MIB), 20 + blk);
    }
    VhdxSamples.Modelled child = VhdxSamples.Modelled.child(parent, "zparent.vhdx");
    int[] states = {BatLayout.PAYLOAD_ZERO, BatLayout.PAYLOAD_ZERO, BatLayout.PAYLOAD_UNDEFINED,
        BatLayout.PAYLOAD_UNMAPPED};
    for (int blk = 0; blk < states.length; blk++) {
      child.builder.entry(blk, states[blk], 0);
    }
    byte[] right = parent.content.clone();
    Arrays.fill(right, 0, (int) (8 * MIB), (byte) 0);
    Path p = write("zparent.vhdx", parent);
    Path c = write("zchild.vhdx", child);

    // libvhdi reads these blocks as partly present: each sector from the parent where the chunk's
    // sector bitmap has a 0, from this file at FileOffsetMB (0 here) where it has a 1. With no
    // bitmap present it takes the bitmap from file offset 0 too: the identifier's bits.
    byte[] file = Files.readAllBytes(c);
    byte[] libvhdiWay = parent.content.clone();
    for (int s = 0; s < 4 * 4096; s++) {
      if (((file[s >>> 3] >> (s & 7)) & 1) == 1) {
        int inBlock = (s % 4096) * 512;
        System.arraycopy(file, inBlock, libvhdiWay, s * 512, 512);
      }
    }
    Readings r = readings(c, p);
    Peers.Result qemu = QemuVhdx.infoResult(c);

    assertAll(
        () -> assertArrayEquals(libvhdiWay, r.libvhdi().bytes(), "libvhdi"),
        () -> assertArrayEquals(Arrays.copyOfRange(parent.content, (int) (2 * MIB), (int) (8 * MIB)),
            Arrays.copyOfRange(r.libvhdi().bytes(), (int) (2 * MIB), (int) (8 * MIB)),
            "libvhdi: blocks 1-3 are the parent's"),
        () -> assertSevenZipReads(r.sevenZip(), right),
        () -> assertArrayEquals(right, r.strict().bytes(), "vhd4j"),
        () -> assertTrue(qemu.stderr().contains("Operation not supported"), qemu::describe));
  }

  // ---- 23: a fixed disk past 4 GiB (X-7) -------------------------------------------------------

  @Test
  void shouldReadFixedDisksPastTheFirstChunkWhereLibvhdiShiftsEveryBlock() throws Exception {
    VhdxQemuImages.Case c = VhdxQemuImages.fixedPastOneChunk();
    Path img = c.make(dir);
    long chunk = 4 * GIB;
    // Around 4 GiB: 0x62 in the last sector of chunk 0 and the first of chunk 1; 0x63 in the
    // block after (4 GiB + 1 MiB). Windows of 3 MiB from 4 GiB - 1 MiB.
    long at = chunk - MIB;
    int len = (int) (3 * MIB);
    byte[] theirs = QemuVhdx.readRange(img, at, len, dir.resolve("w.raw"));
    byte[] lib = VhdxReaders.libvhdiWindows(List.of(img), new long[] {at, len})[0];
    byte[] want = new byte[len];
    Arrays.fill(want, (int) (MIB - 512), (int) (MIB + 512), (byte) 0x62);
    Arrays.fill(want, (int) (2 * MIB), (int) (2 * MIB + 4096), (byte) 0x63);
    // libvhdi takes block b's entry from index b, not b + floor(b / 4096): block 4096 reads the
    // bitmap entry (zeros), and every later block the block before it.
    byte[] libWay = new byte[len];
    Arrays.fill(libWay, (int) (MIB - 512), (int) MIB, (byte) 0x62);
    Arrays.fill(libWay, (int) (2 * MIB), (int) (2 * MIB + 512), (byte) 0x62);
    try (VhdxImage image = Vhdx.open(img)) {
      byte[] ours = Content.read(image, at, len);
      assertAll(
          () -> assertArrayEquals(want, theirs, "qemu-img"),
          () -> assertArrayEquals(want, ours, "vhd4j"),
          () -> assertArrayEquals(libWay, lib, "libvhdi"));
    }
  }

  // ---- 24: a present block at FileOffsetMB 0 (X-3) ---------------------------------------------

  @Test
  void shouldRefuseAPresentBlockAtOffsetZeroThatQemuAndLibvhdiReadAsTheIdentifier() throws Exception {
    VhdxSamples.Modelled m = disk();
    m.builder.entry(1, BatLayout.PAYLOAD_FULLY_PRESENT, 0);
    Path img = write("offset0.vhdx", m);
    byte[] identifierWay = m.content.clone();
    System.arraycopy(Files.readAllBytes(img), 0, identifierWay, (int) MIB, (int) MIB);

    Readings r = readings(img);
    assertAll(
        () -> assertArrayEquals(identifierWay, r.qemu().bytes(), "qemu-img: block 1 is the file's first MiB"),
        () -> assertEquals("vhdxfile", new String(r.qemu().bytes(), (int) MIB, 8, StandardCharsets.US_ASCII)),
        () -> assertArrayEquals(identifierWay, r.libvhdi().bytes(), "libvhdi"),
        () -> assertSevenZipRefuses(r.sevenZip()),
        () -> assertEquals(ProblemCode.VHDX_BAT_OFFSET, code(r.strict())),
        () -> assertEquals("entry[1]", ((VhdFormatException) r.strict().refused()).getField()),
        () -> assertEquals(ProblemCode.VHDX_BAT_OFFSET, code(r.lenient()), "not even leniently"));
  }

  // ---- 25: a virtual size over 64 TiB (X-2) ----------------------------------------------------

  @Test
  void shouldRefuseSizesOver64TibThatQemuAndLibvhdiOpen() throws Exception {
    // 2^52 + 2 MiB in 1 MiB blocks with a 1 MiB table: QEMU's 32-bit block count wraps to 2. Only
    // the headers are asked for; a read through QEMU can crash it (vhdx.md X-2).
    long size = (1L << 52) + 2 * MIB;
    VhdxBuilder b = VhdxBuilder.dynamic(size, MIB);
    b.batRegionLength = MIB;
    Path img = b.write(dir.resolve("huge.vhdx"));

    Map<String, Object> info = QemuVhdx.info(img);
    long lib = VhdxReaders.vhdiinfoMediaSize(img);
    Peers.Result z = Peers.run(List.of(Peers.SEVEN_ZIP, "l", "-tvhdx", img.toString()), 60);
    VhdxPeerRuns.Ours ours = VhdxPeerRuns.vhd4j(img, true);
    assertAll(
        () -> assertEquals(size, info.get("virtual-size"), "qemu-img info"),
        () -> assertEquals(size, lib, "vhdiinfo"),
        () -> assertEquals(2, z.code(), z::describe),
        () -> assertTrue((z.out() + z.stderr()).contains("Cannot open the file as [VHDX] archive"), z::describe),
        () -> assertEquals(ProblemCode.VHDX_VIRTUAL_SIZE, code(ours), "refused, even leniently"));
  }

  // ---- 26: one damaged header copy (X-16) ------------------------------------------------------

  @Test
  void shouldReadAFileWithOneDamagedHeaderThat7ZipRefuses() throws Exception {
    VhdxSamples.Modelled m = disk();
    Path olderCrc = changed("h1-crc.vhdx", m, v -> v.header(1).set(HeaderLayout.SEQUENCE_NUMBER, 0));
    Path newerCrc = changed("h2-crc.vhdx", m, v -> v.header(2).set(HeaderLayout.SEQUENCE_NUMBER, 9));
    Path olderSignature = changed("h1-sig.vhdx", m, v -> v.header(1).set(HeaderLayout.SIGNATURE, 0x64616569L));

    for (Path img : List.of(olderCrc, newerCrc, olderSignature)) {
      Readings r = readings(img);
      boolean badSignature = img == olderSignature;
      assertAll(img.getFileName().toString(),
          () -> assertArrayEquals(m.content, r.qemu().bytes(), "qemu-img"),
          () -> assertSevenZipRefuses(r.sevenZip()),
          () -> {
            if (badSignature) {
              assertTrue(r.libvhdi().refused() && r.libvhdi().error().contains("unsupported signature"),
                  r.libvhdi()::toString);
            } else {
              assertArrayEquals(m.content, r.libvhdi().bytes(), "libvhdi checks no header checksum");
            }
          },
          () -> assertArrayEquals(m.content, r.strict().bytes(), "vhd4j"),
          () -> assertTrue(warns(r.strict(), badSignature ? ProblemCode.VHDX_HEADER_SIGNATURE
              : ProblemCode.VHDX_HEADER_CHECKSUM), r.strict().warnings()::toString));
    }
  }

  // ---- 27: the region table copies (X-20) ------------------------------------------------------

  @Test
  void shouldReadEitherValidRegionTableWherePeersNeedTheFirstOrBoth() throws Exception {
    VhdxSamples.Modelled m = disk();
    Path first = changed("rt1.vhdx", m, v -> v.regionTable(1).set(RegionTableLayout.ENTRY_COUNT, 9));
    Path second = changed("rt2.vhdx", m, v -> v.regionTable(2).set(RegionTableLayout.ENTRY_COUNT, 9));

    Readings r1 = readings(first);
    Readings r2 = readings(second);
    assertAll(
        () -> assertTrue(r1.qemu().refused() && r1.qemu().error().contains("Invalid argument"), r1.qemu()::toString),
        () -> assertTrue(r1.libvhdi().refused() && r1.libvhdi().error().contains("unable to read first region table"),
            r1.libvhdi()::toString),
        () -> assertSevenZipRefuses(r1.sevenZip()),
        () -> assertArrayEquals(m.content, r1.strict().bytes(), "vhd4j: table 2"),
        () -> assertTrue(warns(r1.strict(), ProblemCode.VHDX_REGION_TABLE_CHECKSUM),
            r1.strict().warnings()::toString),
        () -> assertArrayEquals(m.content, r2.qemu().bytes(), "qemu-img reads table 1 only"),
        () -> assertTrue(r2.libvhdi().refused() && r2.libvhdi().error().contains("unable to read second region table"),
            r2.libvhdi()::toString),
        () -> assertSevenZipComplains(r2.sevenZip(), "Region tables mismatch", m.content),
        () -> assertArrayEquals(m.content, r2.strict().bytes(), "vhd4j: table 1"));
  }

  // ---- 28: an odd number of sectors (X-27) -----------------------------------------------------

  @Test
  void shouldReadAnOddSectorCountThat7ZipRefuses() throws Exception {
    Path img = dir.resolve("odd.vhdx");
    QemuVhdx.create(img, MIB + 512, false, MIB, false);
    QemuVhdx.io(img, List.of("write -P 0x2a 1M 512"));
    byte[] want = new byte[(int) (MIB + 512)];
    Arrays.fill(want, (int) MIB, want.length, (byte) 0x2a);

    Readings r = readings(img);
    assertAll(
        () -> assertArrayEquals(want, r.qemu().bytes(), "qemu-img"),
        () -> assertArrayEquals(want, r.libvhdi().bytes(), "libvhdi"),
        () -> assertSevenZipRefuses(r.sevenZip()),
        () -> assertArrayEquals(want, r.strict().bytes(), "vhd4j"));
  }

  // ---- 29: a LogGuid with no log entry (X-11) --------------------------------------------------

  @Test
  void shouldRefuseALogGuidWithoutEntriesThatQemuOpensSilently() throws Exception {
    VhdxSamples.Modelled m = disk();
    m.builder.logGuid(UUID.randomUUID());
    Path img = write("no-entries.vhdx", m);

    Readings r = readings(img);
    assertAll(
        () -> assertArrayEquals(m.content, r.qemu().bytes(), "qemu-img, without a word"),
        () -> assertArrayEquals(m.content, r.libvhdi().bytes(), "libvhdi"),
        () -> assertSevenZipComplains(r.sevenZip(), "non-empty LOG was not replayed", m.content),
        () -> assertEquals(ProblemCode.VHDX_LOG_NO_ACTIVE_SEQUENCE, code(r.strict())),
        () -> assertArrayEquals(m.content, r.lenient().bytes(), "vhd4j leniently: the structures as stored"),
        () -> assertTrue(warns(r.lenient(), ProblemCode.VHDX_LOG_NO_ACTIVE_SEQUENCE),
            r.lenient().warnings()::toString));
  }

  // ---- 30: equal sequence numbers, different headers (X-18) ------------------------------------

  @Test
  void shouldRefuseEqualSequenceNumbersOnDifferentHeadersThatLibvhdiOpens() throws Exception {
    VhdxSamples.Modelled m = disk();
    m.builder.header1.sequenceNumber = 5;
    m.builder.header2.sequenceNumber = 5;
    m.builder.header2.fileWriteGuid = UUID.randomUUID();
    Path img = write("equal-seq.vhdx", m);

    Readings r = readings(img);
    assertAll(
        () -> assertTrue(r.qemu().refused() && r.qemu().error().contains("No valid VHDX header found"),
            r.qemu()::toString),
        () -> assertArrayEquals(m.content, r.libvhdi().bytes(), "libvhdi"),
        () -> assertSevenZipRefuses(r.sevenZip()),
        () -> assertEquals(ProblemCode.VHDX_HEADER_SEQUENCE, code(r.strict())),
        () -> assertArrayEquals(m.content, r.lenient().bytes(), "vhd4j leniently: header 1"),
        () -> assertTrue(warns(r.lenient(), ProblemCode.VHDX_HEADER_SEQUENCE), r.lenient().warnings()::toString));
  }
}
