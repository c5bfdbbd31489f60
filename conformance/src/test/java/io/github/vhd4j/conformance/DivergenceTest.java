package io.github.vhd4j.conformance;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.DiskType;
import io.github.vhd4j.Extent;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.SizeMode;
import io.github.vhd4j.SizePolicy;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.internal.vhd.Resizer;
import io.github.vhd4j.testing.TestImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every case of {@code conformance/DIVERGENCES.md}: where the peers disagree with each other or
 * with the VHD specification, what each installed peer really does (observed here, not quoted), and
 * that vhd4j does what DESIGN.md says. A peer changing its behaviour fails the test that names it,
 * so the document cannot silently go stale.
 */
@RequiresPeers({Peers.QEMU_IMG, Peers.QEMU_IO, Peers.SEVEN_ZIP, Peers.VHDIINFO, Peers.PYVHDI})
class DivergenceTest {
  private static final long KIB = 1024;
  private static final long MIB = KIB * KIB;

  @TempDir
  Path dir;

  @BeforeAll
  static void requirePeers() {
    Peers.require(Peers.QEMU_IMG, Peers.QEMU_IO, Peers.SEVEN_ZIP, Peers.VHDIINFO, Peers.PYVHDI);
  }

  // ---- peer helpers -------------------------------------------------------------------------

  /** What {@code 7zz x} did: its exit code, the one extracted file's bytes (null if none) and its output. */
  record SevenZip(int code, byte[] content, String output) {}

  private SevenZip sevenZip(Path img) throws IOException {
    Path out = Files.createTempDirectory(dir, "7z");
    Peers.Result r = Peers.run(List.of(Peers.SEVEN_ZIP, "x", "-y", "-bd", "-o" + out, img.toString()), 300);
    List<Path> files;
    try (Stream<Path> s = Files.list(out)) {
      files = s.toList();
    }
    byte[] content = files.size() == 1 ? Files.readAllBytes(files.get(0)) : null;
    try (Stream<Path> w = Files.walk(out)) {
      for (Path p : w.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
    return new SevenZip(r.code(), content, r.out() + r.stderr());
  }

  private static Peers.Result vhdiinfo(Path img) throws IOException {
    return Peers.run(List.of(Peers.VHDIINFO, img.toString()), 60);
  }

  private static long vhdiinfoMediaSize(Path img) throws IOException {
    Peers.Result r = vhdiinfo(img);
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("Media size\\s*:.*\\((\\d+) bytes\\)").matcher(r.out());
    assertTrue(r.code() == 0 && m.find(), r::describe);
    return Long.parseLong(m.group(1));
  }

  /** The guest content as qemu-img reads it, with an explicit size rule. */
  private byte[] qemuContent(Path img, String sizeCalc) throws IOException {
    Path raw = dir.resolve(img.getFileName() + ".qemu.raw");
    Qemu.toRaw(img, sizeCalc, raw);
    byte[] b = Files.readAllBytes(raw);
    Files.delete(raw);
    return b;
  }

  private static byte[] vhd4jContent(Path img) throws IOException {
    try (VhdImage image = Vhd.open(img)) {
      return Content.read(image, 0, Math.toIntExact(image.getSize()));
    }
  }

  /** Sectors (512-byte units) where two equally long contents differ. */
  private static List<Long> differingSectors(byte[] expected, byte[] actual) {
    assertEquals(expected.length, actual.length, "length");
    List<Long> out = new ArrayList<>();
    for (int s = 0; s < expected.length / 512; s++) {
      if (!Arrays.equals(expected, s * 512, s * 512 + 512, actual, s * 512, s * 512 + 512)) {
        out.add((long) s);
      }
    }
    return out;
  }

  private Path write(String name, TestImage t) throws IOException {
    return t.writeTo(dir.resolve(name));
  }

  // ---- size -------------------------------------------------------------------------------

  @Test
  void shouldSizeUnknownCreatorsByCurrentSizeWhereDebianQemuUsesChs() throws Exception {
    // 100 MiB is no CHS multiple: the specification's geometry gives 104,761,344 bytes.
    long size = 100 * MIB;
    TestImage t = TestImage.dynamic(size, 2 * MIB).fill(0, 4096, 0x41).fill(size - 512, 512, 0x42);
    Path img = write("creator-jvhd.vhd", t);
    long chs = (long) t.cylinders * t.heads * t.sectorsPerTrack * 512;

    try (VhdImage auto = Vhd.open(img);
        VhdImage byChs = Vhd.open(img, OpenOptions.defaults().withSizePolicy(SizePolicy.CHS))) {
      SevenZip z = sevenZip(img);
      assertAll(
          () -> assertEquals(104_761_344L, chs),
          () -> assertEquals(chs, Qemu.virtualSize(img), "qemu-img 7.2 default: CHS for creator 'jvhd'"),
          () -> assertEquals(size, Qemu.info(img, "current_size").get("virtual-size"),
              "qemu-img force_size_calc=current_size (QEMU 10's default for this creator)"),
          () -> assertEquals(size, auto.getSize(), "vhd4j AUTO = QEMU 10's rule"),
          () -> assertEquals(chs, byChs.getSize(), "vhd4j CHS policy = qemu-img 7.2"),
          () -> assertEquals(chs, auto.getSizeInfo().chsSize(), "both sizes reported"),
          () -> assertEquals(size, vhdiinfoMediaSize(img), "libvhdi (original size, equal here)"),
          () -> assertEquals(0, z.code(), z.output()),
          () -> assertEquals(size, z.content().length, "7-Zip: current size"));
    }
  }

  @Test
  void shouldReportCurrentSizeWhereLibvhdiReportsOriginalSize() throws Exception {
    TestImage t = TestImage.dynamic(16 * MIB, 2 * MIB).fill(0, 512, 0x66).fill(12 * MIB, 4096, 0x67);
    t.originalSize = 8 * MIB;   // grown from 8 to 16 MiB: original size stays, current size grows
    Path img = write("grown.vhd", t);

    PeerVerifier.LibvhdiRead lib = PeerVerifier.libvhdiRead(List.of(img), "chunks");
    SevenZip z = sevenZip(img);
    try (VhdImage image = Vhd.open(img)) {
      assertAll(
          () -> assertEquals(16 * MIB, image.getSize(), "vhd4j: current size"),
          () -> assertEquals(8 * MIB, image.getSizeInfo().originalSize(), "original size reported"),
          () -> assertEquals(8 * MIB, vhdiinfoMediaSize(img), "vhdiinfo: original size"),
          () -> assertEquals(8 * MIB, lib.mediaSize(), "pyvhdi media_size: original size"),
          () -> assertEquals(8 * MIB, lib.content().length, "libvhdi cannot read the grown part"),
          () -> assertEquals(16 * MIB, (Long) Qemu.info(img, "current_size").get("virtual-size"), "qemu-img"),
          () -> assertEquals(16 * MIB, z.content().length, "7-Zip: current size"),
          () -> assertArrayEquals(t.expectedContent(), z.content(), "7-Zip content"));
    }
  }

  @Test
  void shouldCapTheChsSizeAtTheCurrentSize() throws Exception {
    // Creator "qemu" selects CHS in every QEMU, but 100/16/17 describes 13,926,400 bytes of a 4 MiB disk.
    TestImage fixed = TestImage.fixed(4 * MIB).fill(0, 4096, 0x31).fill(4 * MIB - 512, 512, 0x32);
    TestImage dynamic = TestImage.dynamic(4 * MIB, 2 * MIB).fill(0, 4096, 0x31).fill(4 * MIB - 512, 512, 0x32);
    for (TestImage t : List.of(fixed, dynamic)) {
      t.creatorApp = "qemu";
      t.cylinders = 100;
      t.heads = 16;
      t.sectorsPerTrack = 17;
    }
    Path f = write("chs-over-fixed.vhd", fixed);
    Path d = write("chs-over-dynamic.vhd", dynamic);

    byte[] qemuFixed = qemuContent(f, "chs");
    Peers.Result qemuDynamic = Peers.run(List.of(Peers.QEMU_IMG, "info", "-f", "vpc", d.toString()), 60);
    SevenZip zf = sevenZip(f);
    SevenZip zd = sevenZip(d);
    for (Path p : List.of(f, d)) {
      try (VhdImage image = Vhd.open(p)) {
        assertAll(p.toString(),
            () -> assertEquals(4 * MIB, image.getSize(), "vhd4j caps at the current size"),
            () -> assertEquals(13_926_400L, image.getSizeInfo().chsSize()),
            () -> assertTrue(image.getWarnings().stream().anyMatch(w -> w.code() == ProblemCode.FOOTER_GEOMETRY
                && w.severity() == Severity.WARNING), () -> "FOOTER_GEOMETRY warning: " + image.getWarnings()),
            () -> assertEquals(4 * MIB, vhdiinfoMediaSize(p), "libvhdi"));
      }
    }
    assertAll(
        () -> assertArrayEquals(fixed.expectedContent(), vhd4jContent(f)),
        () -> assertArrayEquals(dynamic.expectedContent(), vhd4jContent(d)),
        () -> assertEquals(13_926_400L, qemuFixed.length, "qemu-img: the CHS size"),
        () -> assertArrayEquals(fixed.expectedContent(), Arrays.copyOf(qemuFixed, (int) (4 * MIB))),
        () -> assertEquals("conectix", new String(qemuFixed, (int) (4 * MIB), 8, StandardCharsets.US_ASCII),
            "qemu-img reads the footer as guest data past the current size"),
        () -> assertNotEquals(0, qemuDynamic.code()),
        () -> assertTrue(qemuDynamic.stderr().contains("Page table too small"), qemuDynamic::describe),
        () -> assertArrayEquals(fixed.expectedContent(), zf.content(), "7-Zip fixed: current size"),
        () -> assertArrayEquals(dynamic.expectedContent(), zd.content(), "7-Zip dynamic: current size"));
  }

  @Test
  void shouldOpenZeroSizeFixedImagesThatQemuCreatesButCannotOpen() throws Exception {
    Path img = dir.resolve("zero-fixed.vhd");
    Qemu.create(img, 0, true, false);

    Peers.Result qemu = Peers.run(List.of(Peers.QEMU_IMG, "info", "-f", "vpc", img.toString()), 60);
    Peers.Result libvhdi = vhdiinfo(img);
    SevenZip z = sevenZip(img);
    try (VhdImage image = Vhd.open(img)) {
      assertAll(
          () -> assertEquals(512L, Files.size(img), "qemu-img writes only the footer"),
          () -> assertEquals(DiskType.FIXED, image.getDiskType()),
          () -> assertEquals(0L, image.getSize()),
          () -> assertEquals(List.of(), image.map()),
          () -> assertNotEquals(0, qemu.code()),
          // The footer at offset 0 makes QEMU take the file for a dynamic disk's head copy.
          () -> assertTrue(qemu.stderr().contains("Error reading dynamic VHD header"), qemu::describe),
          () -> assertNotEquals(0, libvhdi.code(), "libvhdi refuses"),
          () -> assertEquals(0, z.code(), z.output()),
          () -> assertEquals(0, z.content().length, "7-Zip: an empty disk"));
    }
  }

  // ---- differencing -------------------------------------------------------------------------

  @Test
  void shouldReadParentDataWhereQemuReadsZeros() throws Exception {
    TestImage parent = TestImage.dynamic(8 * MIB, 2 * MIB).fill(0, (int) (8 * MIB), 0x11);
    write("parent.vhd", parent);
    TestImage child = TestImage.differencing(parent, "parent.vhd", 2 * MIB).fill(0, 4096, 0x22)
        .fill(3 * MIB, 4096, 0x44);
    Path img = write("child.vhd", child);
    byte[] expected = child.expectedContent(parent.expectedContent());

    byte[] qemu = qemuContent(img, "current_size");
    Map<String, Object> info = Qemu.info(img, "current_size");
    SevenZip z = sevenZip(img);
    PeerVerifier.LibvhdiRead lib = PeerVerifier.libvhdiRead(List.of(img, dir.resolve("parent.vhd")), "chunks");
    assertAll(
        () -> assertArrayEquals(expected, vhd4jContent(img), "vhd4j: bitmap-exact through the chain"),
        () -> assertFalse(info.containsKey("backing-filename"), "QEMU sees no parent"),
        () -> assertArrayEquals(Arrays.copyOf(expected, 4096), Arrays.copyOf(qemu, 4096), "child sectors"),
        () -> assertEquals(0, qemu[4096], "QEMU: parent data of an allocated child block reads as zero"),
        () -> assertEquals(0, qemu[(int) (2 * MIB)], "QEMU: an unallocated child block reads as zero"),
        () -> assertEquals(0x11, expected[4096]),
        () -> assertArrayEquals(expected, lib.content(), "libvhdi with the parent wired by hand"),
        () -> assertEquals(0, z.code(), z.output()),
        () -> assertArrayEquals(expected, z.content(), "7-Zip follows the chain itself"));
  }

  @Test
  void shouldReadParentSectorsThatLibvhdiZeroesInPartlyWrittenPages() throws Exception {
    TestImage parent = TestImage.dynamic(4 * MIB, 2 * MIB).fill(0, (int) (4 * MIB), 0x11);
    write("parent.vhd", parent);
    // Page 0 (sectors 0-7): child sectors 0-3 and 5-6; page 1 (sectors 8-15): child sectors 9-11.
    TestImage child = TestImage.differencing(parent, "parent.vhd", 2 * MIB)
        .fill(0, 2048, 0x22).fill(5 * 512, 1024, 0x33).fill(9 * 512, 3 * 512, 0x55);
    Path img = write("child.vhd", child);
    byte[] expected = child.expectedContent(parent.expectedContent());
    List<Path> chain = List.of(img, dir.resolve("parent.vhd"));

    byte[] chunks = PeerVerifier.libvhdiRead(chain, "chunks").content();
    byte[] sectors = PeerVerifier.libvhdiRead(chain, "sectors").content();
    SevenZip z = sevenZip(img);
    List<Long> zeroed = List.of(4L, 7L, 12L, 13L, 14L, 15L);
    assertAll(
        () -> assertArrayEquals(expected, vhd4jContent(img)),
        // The parent's sectors that follow a child run inside the same 4 KiB page come back as zeros.
        () -> assertEquals(zeroed, differingSectors(expected, chunks), "libvhdi, 64 KiB reads"),
        () -> assertEquals(zeroed, differingSectors(expected, sectors), "libvhdi, 512-byte reads"),
        () -> assertEquals(0, chunks[4 * 512], "zeros, not stale data"),
        () -> assertArrayEquals(expected, z.content(), "7-Zip"));
  }

  @Test
  void shouldReadLargeRangesWhereLibvhdiReturnsZeros() throws Exception {
    // 512 KiB blocks, each partly written, stored out of table order.
    TestImage partly = TestImage.dynamic(16 * MIB, 512 * KIB);
    java.util.Random rng = new java.util.Random(5);
    for (int b : new int[] {7, 3, 0, 12, 1, 2, 30, 9, 8}) {
      partly.random(b * 512 * KIB + 512L * rng.nextInt(100), 512 * (1 + rng.nextInt(900)), b);
    }
    TestImage full = TestImage.dynamic(16 * MIB, 512 * KIB).random(0, (int) (16 * MIB), 8);
    Path p = write("partly.vhd", partly);
    Path f = write("full.vhd", full);

    byte[] whole = PeerVerifier.libvhdiRead(List.of(p), "whole").content();
    byte[] chunks = PeerVerifier.libvhdiRead(List.of(p), "chunks").content();
    byte[] fullWhole = PeerVerifier.libvhdiRead(List.of(f), "whole").content();
    assertAll(
        () -> assertArrayEquals(partly.expectedContent(), vhd4jContent(p), "vhd4j: one read of the whole disk"),
        () -> assertArrayEquals(partly.expectedContent(), chunks, "libvhdi, 64 KiB reads: right"),
        () -> {
          List<Long> bad = differingSectors(partly.expectedContent(), whole);
          assertFalse(bad.isEmpty(), "libvhdi, one 16 MiB read: some sectors wrong");
          for (long s : bad) {
            assertTrue(Arrays.equals(new byte[512], 0, 512, whole, (int) s * 512, (int) s * 512 + 512),
                "the wrong sectors read as zeros: sector " + s);
          }
        },
        () -> assertArrayEquals(full.expectedContent(), fullWhole, "fully written blocks: one large read is right"),
        () -> assertArrayEquals(partly.expectedContent(), qemuContent(p, "current_size"), "qemu-img"),
        () -> assertArrayEquals(partly.expectedContent(), sevenZip(p).content(), "7-Zip"));
  }

  // ---- footers and blocks -------------------------------------------------------------------

  @Test
  void shouldReadShortFootersThatLibvhdiAnd7ZipRefuse() throws Exception {
    TestImage fixed = TestImage.fixed(MIB).fill(0, 4096, 0x77);
    TestImage dynamic = TestImage.dynamic(4 * MIB, 2 * MIB).fill(0, 4096, 0x78);
    fixed.shortFooter = true;
    dynamic.shortFooter = true;
    Path f = write("short-fixed.vhd", fixed);
    Path d = write("short-dynamic.vhd", dynamic);

    SevenZip zf = sevenZip(f);
    SevenZip zd = sevenZip(d);
    assertAll(
        () -> assertEquals(MIB + 511, Files.size(f)),
        () -> assertArrayEquals(fixed.expectedContent(), vhd4jContent(f), "vhd4j fixed"),
        () -> assertArrayEquals(dynamic.expectedContent(), vhd4jContent(d), "vhd4j dynamic"),
        // QEMU rounds the file length up to a whole sector, so the footer lands where it looks.
        () -> assertArrayEquals(fixed.expectedContent(), qemuContent(f, "current_size"), "qemu-img fixed"),
        () -> assertArrayEquals(dynamic.expectedContent(), qemuContent(d, "current_size"), "qemu-img dynamic"),
        () -> assertNotEquals(0, vhdiinfo(f).code(), "libvhdi refuses the fixed disk"),
        () -> assertNotEquals(0, vhdiinfo(d).code(), "libvhdi refuses the dynamic disk"),
        () -> assertNotEquals(0, zf.code(), zf.output()),
        () -> assertEquals(null, zf.content(), "7-Zip cannot open the fixed disk"),
        () -> assertTrue(zf.output().contains("Cannot open the file as [VHD] archive"), zf.output()),
        // The dynamic disk opens through the head copy; 7-Zip still flags the archive and exits 2.
        () -> assertEquals(2, zd.code(), zd.output()),
        () -> assertTrue(zd.output().contains("Unexpected end of archive"), zd.output()),
        () -> assertArrayEquals(dynamic.expectedContent(), zd.content(), "7-Zip extracts the right bytes"));
  }

  @Test
  void shouldReadHalfKilobyteBlocksThatQemuMisplacesAndLibvhdiRefuses() throws Exception {
    // The sector bitmap of a 512-byte block is 1 bit, padded to one 512-byte sector.
    TestImage t = TestImage.dynamic(64 * KIB, 512).fill(0, 512, 0xA1).fill(1024, 1024, 0xA2);
    Path img = write("bs512.vhd", t);

    byte[] qemu = qemuContent(img, "current_size");
    List<Run> qemuMap = Run.fromQemu(Qemu.mapJson(img, "current_size"));
    List<Run> ours;
    try (VhdImage image = Vhd.open(img)) {
      ours = Run.fromExtents(image.map());
    }
    Peers.Result lib = Peers.run(List.of(Peers.PYTHON, "-c", PeerVerifier.PYVHDI_READ, "chunks", img.toString()), 60);
    SevenZip z = sevenZip(img);
    List<Run> oursData = Run.data(ours);
    List<Run> qemuData = Run.data(qemuMap);
    assertAll(
        () -> assertArrayEquals(t.expectedContent(), vhd4jContent(img), "vhd4j"),
        () -> assertEquals(oursData.size(), qemuData.size()),
        () -> {
          // QEMU sizes the bitmap as (block size / 4096) rounded to sectors: 0 bytes here.
          for (int i = 0; i < oursData.size(); i++) {
            assertEquals(oursData.get(i).offset() - 512, qemuData.get(i).offset(), "QEMU's data offset, run " + i);
          }
        },
        () -> assertEquals((byte) 0x80, qemu[0], "QEMU returns block 0's bitmap byte as guest data"),
        () -> assertNotEquals(0, lib.code()),
        () -> assertTrue(lib.stderr().contains("sector bitmap size value out of bounds"), lib::describe),
        () -> assertEquals(0, z.code(), z.output()),
        () -> assertArrayEquals(t.expectedContent(), z.content(), "7-Zip"));
  }

  @Test
  void shouldReadDynamicBlocksAsStoredLikeQemu() throws Exception {
    // Block 0: sector 0 written (bit set), sector 1 holds 0xBB under a clear bit.
    TestImage t = TestImage.dynamic(4 * MIB, 2 * MIB).fill(0, 512, 0xAA);
    Arrays.fill(t.block(0).data, 512, 1024, (byte) 0xBB);
    Path img = write("stale.vhd", t);

    byte[] qemu = qemuContent(img, "current_size");
    byte[] lib = PeerVerifier.libvhdiRead(List.of(img), "chunks").content();
    SevenZip z = sevenZip(img);
    byte[] ours = vhd4jContent(img);
    var deep = Vhd.check(img, CheckOptions.defaults().withDeep(true));
    assertAll(
        () -> assertEquals((byte) 0xBB, ours[512], "vhd4j: as stored"),
        () -> assertArrayEquals(qemu, ours, "vhd4j = qemu-img"),
        () -> assertEquals((byte) 0xBB, lib[512], "libvhdi 20210425 reads dynamic blocks as stored too"),
        () -> assertEquals(2, z.code(), z.output()),
        () -> assertTrue(z.output().contains("Data Error"), z.output()),
        () -> assertTrue(deep.problems().stream().anyMatch(p -> p.code() == ProblemCode.BLOCK_DATA_UNDER_CLEAR_BIT),
            () -> "check --deep reports it: " + deep.problems()));
  }

  // ---- allocation map -----------------------------------------------------------------------

  @Test
  void shouldMapFixedImagesAsOneDataRun() throws Exception {
    Path img = dir.resolve("fixed.vhd");
    Qemu.create(img, 8 * MIB, true, true);
    Qemu.write(img, List.of(new Qemu.Write(MIB, 4096, 0x5A)));

    List<Map<String, Object>> qemu = Qemu.mapJson(img);
    List<Extent> ours;
    try (VhdImage image = Vhd.open(img)) {
      ours = image.map();
    }
    assertAll(
        () -> assertTrue(qemu.size() > 1, () -> "qemu-img splits at the host file's holes: " + qemu),
        () -> assertTrue(qemu.stream().anyMatch(e -> Boolean.TRUE.equals(e.get("zero"))), "holes read as zero"),
        () -> assertTrue(qemu.stream().allMatch(e -> Boolean.TRUE.equals(e.get("data"))), "all of it is data"),
        () -> assertEquals(List.of(new Extent(0, 8 * MIB, 0, true, 0)), ours, "vhd4j: one data run"),
        () -> assertEquals(Run.covered(Run.fromQemu(qemu)), Run.covered(Run.fromExtents(ours))));
  }

  // ---- footer copy and fixed-disk size --------------------------------------------------------

  /**
   * Case 14: a growth from 4 to 8 MiB interrupted between its two footer writes (the copy at
   * offset 0 and the header already say 8 MiB, the footer at the end still 4 MiB).
   */
  @Test
  void shouldReadTheFootersSizeWhereQemuAnd7ZipReadTheCopys() throws Exception {
    Path img = dir.resolve("interrupted-growth.vhd");
    long block = 64 * KIB;
    try (VhdImage image = Vhd.create(img, CreateOptions.dynamic(4 * MIB).withBlockSize(block)
        .withSizeMode(SizeMode.EXACT))) {
      image.write(512, java.nio.ByteBuffer.wrap(new byte[] {0x5A, 0x5A, 0x5A, 0x5A}));
    }
    byte[] start = Files.readAllBytes(img);
    KilledStorage[] last = new KilledStorage[1];
    Resizer.resize(img, 8 * MIB, SizeMode.EXACT, true, KilledStorage.opener(Integer.MAX_VALUE, last));
    int total = last[0].operations();
    Files.write(img, start);
    // The truncation that puts the new footer at the end is the last write but one (a force follows).
    assertThrows(KilledStorage.Killed.class,
        () -> Resizer.resize(img, 8 * MIB, SizeMode.EXACT, true, KilledStorage.opener(total - 1, last)));

    byte[] qemu = qemuContent(img, "current_size");
    PeerVerifier.LibvhdiRead lib = PeerVerifier.libvhdiRead(List.of(img), "chunks");
    SevenZip z = sevenZip(img);
    try (VhdImage image = Vhd.open(img)) {
      assertAll(
          () -> assertEquals(8 * MIB, qemu.length, "QEMU reads the copy at offset 0"),
          () -> assertEquals(0x5A, qemu[512]),
          () -> assertEquals(4 * MIB, lib.mediaSize(), "libvhdi reads the footer at the end"),
          () -> assertEquals(0x5A, lib.content()[512]),
          () -> assertEquals(0, z.code(), z.output()),
          () -> assertEquals(8 * MIB, z.content().length, "7-Zip reads the copy, and finds it again where it looks"),
          () -> assertEquals(4 * MIB, image.getSize(), "vhd4j reads the footer at the end"),
          () -> assertTrue(image.getWarnings().stream().anyMatch(w -> w.code() == ProblemCode.FOOTER_COPY_MISMATCH
              && w.severity() == Severity.WARNING && w.field().equals("currentSize")), image.getWarnings()::toString),
          () -> assertTrue(Vhd.check(img).problems().stream().anyMatch(p -> p.code() == ProblemCode.FOOTER_COPY_MISMATCH
              && p.severity() == Severity.ERROR), "check reports the disagreement as an error"));
    }
    Vhd.resize(img, 8 * MIB, SizeMode.EXACT);
    assertAll(
        () -> assertEquals(8 * MIB, qemuContent(img, "current_size").length),
        () -> assertEquals(8 * MIB, PeerVerifier.libvhdiRead(List.of(img), "chunks").mediaSize()),
        () -> assertFalse(Vhd.check(img).hasErrors(), "running the resize again completes it"));
  }

  /** Case 15: a fixed disk whose footer's current size is 0 while 6 MiB of data precede it. */
  @Test
  void shouldSizeAFixedDiskByItsDataOnlyWhenLenient() throws Exception {
    Path img = dir.resolve("fixed-size-zero.vhd");
    // Creator "qemu": QEMU 7.2 sizes it by its geometry, which covers exactly the data here.
    Qemu.create(img, 6 * MIB, true, false);
    Qemu.write(img, List.of(new Qemu.Write(0, 4096, 0x3C)));
    byte[] file = Files.readAllBytes(img);
    int at = file.length - 512;
    Arrays.fill(file, at + 40, at + 56, (byte) 0);
    Arrays.fill(file, at + 64, at + 68, (byte) 0);
    long sum = 0;
    for (int i = at; i < file.length; i++) {
      sum += file[i] & 0xFF;
    }
    java.nio.ByteBuffer.wrap(file).putInt(at + 64, (int) ~sum);
    Files.write(img, file);
    long data = file.length - 512;

    SevenZip z = sevenZip(img);
    assertAll(
        () -> assertEquals(data, Qemu.virtualSize(img), "QEMU 7.2 by the geometry, which covers the data"),
        () -> assertEquals(0L, Qemu.info(img, "current_size").get("virtual-size"), "QEMU by the current size"),
        () -> assertEquals(0, vhdiinfoMediaSize(img), "libvhdi takes the (zero) original size"),
        () -> assertNotEquals(0, z.code(), "7-Zip refuses it: " + z.output()),
        () -> assertEquals(ProblemCode.FIXED_SIZE_MISMATCH,
            assertThrows(io.github.vhd4j.VhdFormatException.class, () -> Vhd.open(img)).getCode(),
            "vhd4j refuses it strictly"));
    try (VhdImage image = Vhd.open(img, OpenOptions.defaults().withLenient(true))) {
      assertEquals(data, image.getSize(), "and sizes it by its data when lenient");
      assertEquals(io.github.vhd4j.SizeSource.FILE_LENGTH, image.getSizeInfo().source());
      assertArrayEquals(Arrays.copyOf(qemuContent(img, "chs"), 4096), Content.read(image, 0, 4096));
    }
  }
}
