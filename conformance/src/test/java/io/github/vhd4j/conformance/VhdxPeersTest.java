package io.github.vhd4j.conformance;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.DiskType;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ParentCycleException;
import io.github.vhd4j.ParentMismatchException;
import io.github.vhd4j.ParentNotFoundException;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.RepairAction;
import io.github.vhd4j.VhdLimitException;
import io.github.vhd4j.Vhdx;
import io.github.vhd4j.VhdxImage;
import io.github.vhd4j.internal.vhdx.layout.HeaderLayout;
import io.github.vhd4j.internal.vhdx.layout.ParentLocatorLayout;
import io.github.vhd4j.internal.vhdx.layout.RegionTableLayout;
import io.github.vhd4j.testing.BuiltVhdx;
import io.github.vhd4j.testing.VhdxBuilder;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * VHDX files read by 7-Zip and libvhdi where they read them right (vhdx.md §10-11; where they do
 * not, {@link VhdxDivergenceTest} and {@link VhdxStructureDivergenceTest} pin what they do): the
 * files qemu-img makes, compared with {@code qemu-img convert}, and files QEMU cannot make, built
 * with the core test builder and compared with the content they were built to hold: 4 KiB logical
 * sectors, differencing chains with partly present blocks, Disk2vhd's equal headers, a damaged
 * header or region table copy, chains every reader refuses, reads at the virtual end, and a dirty
 * log, whose reference is what QEMU replays into a copy.
 */
@RequiresPeers({Peers.QEMU_IMG, Peers.QEMU_IO, Peers.SEVEN_ZIP, Peers.VHDIINFO, Peers.PYVHDI})
class VhdxPeersTest {
  private static final long MIB = VhdxSamples.MIB;
  private static final long GIB = 1024 * MIB;

  @TempDir
  Path dir;

  @BeforeAll
  static void requirePeers() {
    Peers.require(Peers.QEMU_IMG, Peers.QEMU_IO, Peers.SEVEN_ZIP, Peers.VHDIINFO, Peers.PYVHDI);
  }

  // ---- files qemu-img made ----------------------------------------------------------------------

  /**
   * The qemu-made files 7-Zip and libvhdi read right. Left out: the fixed file past 4 GiB, which
   * libvhdi misreads (DIVERGENCES.md case 23) and whose 5 GiB of holes 7-Zip reads for seconds;
   * the odd sector count, which 7-Zip refuses (case 28); for 7-Zip also the second 9 GiB disk (its
   * chunk boundaries are the first one's, at three seconds per extraction).
   */
  static Stream<VhdxQemuImages.Case> qemuCases() {
    return VhdxQemuImages.all().stream().filter(c -> !c.name().startsWith("fixed-5G"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("qemuCases")
  void shouldReadQemusFilesAsQemuDoes(VhdxQemuImages.Case c) throws Exception {
    Path img = c.make(dir);
    Path raw = QemuVhdx.toRaw(img, dir.resolve(c.name() + ".raw"));
    ContentPrint qemu = ContentPrint.ofRaw(raw);
    Files.delete(raw);
    boolean sevenZip = !c.name().equals("odd-sectors") && !c.name().equals("dynamic-9G-32M");
    // A fixed file that ends inside its last block (300 MiB in 256 MiB blocks) makes 7-Zip exit 2
    // with the right content (DIVERGENCES.md case 41).
    boolean cutLastBlock = c.fixed() && !c.blockStateZero() && c.size() % c.blockSize() != 0;

    VhdxReaders.Libvhdi lib = VhdxReaders.libvhdi(List.of(img));
    VhdxReaders.SevenZip z = sevenZip ? VhdxReaders.sevenZip(img) : null;
    assertAll(c.name(),
        () -> assertEquals(c.size(), VhdxReaders.vhdiinfoMediaSize(img), "vhdiinfo media size"),
        () -> assertNull(lib.print() == null ? lib.error() : lib.print().difference(qemu), "libvhdi"),
        () -> assertTrue(z == null || z.code() == 0 || cutLastBlock, () -> z.describe()),
        () -> assertNull(z == null ? null : z.print().difference(qemu), "7-Zip"));
  }

  // ---- files QEMU cannot make ------------------------------------------------------------------

  /** Reads a small file (and its parents) with every peer that can, against the model's content. */
  private void assertReadByEveryone(Path img, List<Path> chain, byte[] expected, boolean qemuReads)
      throws IOException {
    ContentPrint want = ContentPrint.of(expected);
    VhdxReaders.Libvhdi lib = VhdxReaders.libvhdi(chain);
    VhdxReaders.SevenZip z = VhdxReaders.sevenZip(img);
    try (VhdxImage image = Vhdx.open(img)) {
      assertAll(img.getFileName().toString(),
          () -> assertArrayEquals(expected, Content.read(image, 0, expected.length), "vhd4j"),
          () -> assertNull(lib.print() == null ? lib.error() : lib.print().difference(want), "libvhdi"),
          () -> assertEquals(0, z.code(), z::describe),
          () -> assertNull(z.print().difference(want), "7-Zip"),
          () -> {
            if (qemuReads) {
              Path raw = QemuVhdx.toRaw(img, dir.resolve("qemu.raw"));
              assertArrayEquals(expected, Files.readAllBytes(raw), "qemu-img convert");
            }
          });
    }
  }

  @Test
  void shouldReadFourKibSectorsLike7ZipAndLibvhdiWhereQemuRefuses() throws Exception {
    VhdxSamples.Modelled m = VhdxSamples.Modelled.dynamic(64 * MIB, 2 * MIB, 4096)
        .full(0, 4096, 1).full(5, (int) (2 * MIB), 2).full(31, 8192, 3);
    Path img = m.write(dir.resolve("4k.vhdx"));

    assertReadByEveryone(img, List.of(img), m.content, false);
    Peers.Result qemu = QemuVhdx.infoResult(img);
    assertAll(
        () -> assertEquals(1, qemu.code(), qemu::describe),
        () -> assertTrue(qemu.stderr().contains("Operation not supported"), qemu::describe));
    try (VhdxImage image = Vhdx.open(img)) {
      assertEquals(4096, image.getLogicalSectorSize());
    }
  }

  @Test
  void shouldFindTheChunkOfFourKibSectorsAt32GibLikeLibvhdi() throws Exception {
    // 32 MiB blocks and 4 KiB sectors: 1024 blocks per chunk, so the first chunk boundary is at
    // 32 GiB (with 512-byte sectors it would be at 4 GiB). Compared in windows around each block:
    // reading 33 GiB of zeros through both readers costs seconds and adds nothing the map does not say.
    long size = 33 * GIB;
    long block = 32 * MIB;
    VhdxBuilder b = VhdxBuilder.dynamic(size, block);
    b.logicalSectorSize = 4096;
    assertEquals(1024, b.chunkRatio());
    int[] blocks = {0, 1023, 1024, 1025, 1055};
    for (int blk : blocks) {
      b.block(blk, VhdxSamples.pattern((int) MIB, blk));
    }
    Path img = b.write(dir.resolve("4k-33g.vhdx"));
    long[][] windows = new long[blocks.length][];
    for (int i = 0; i < blocks.length; i++) {
      windows[i] = new long[] {blocks[i] * block, 2 * MIB};
    }

    byte[][] lib = VhdxReaders.libvhdiWindows(List.of(img), windows);
    try (VhdxImage image = Vhdx.open(img)) {
      List<Run> data = Run.data(Run.fromExtents(image.map()));
      assertEquals(blocks.length * block, data.stream().mapToLong(Run::length).sum(), data::toString);
      for (int i = 0; i < blocks.length; i++) {
        byte[] want = Arrays.copyOf(VhdxSamples.pattern((int) MIB, blocks[i]), (int) (2 * MIB));
        long at = windows[i][0];
        int k = i;
        assertAll("block " + blocks[i],
            () -> assertTrue(data.stream().anyMatch(r -> r.start() <= at && at + block <= r.end()), "map"),
            () -> assertArrayEquals(want, Content.read(image, at, want.length), "vhd4j"),
            () -> assertArrayEquals(want, lib[k], "libvhdi"));
      }
    }
  }

  @Test
  void shouldReadDifferencingChainsWithPartlyPresentBlocksLike7ZipAndLibvhdi() throws Exception {
    // 512-byte sectors, three levels; runs alternate at sector granularity and cross bitmap bytes.
    VhdxSamples.Modelled base = VhdxSamples.Modelled.dynamic(16 * MIB, 2 * MIB, 512);
    for (int blk = 0; blk < 8; blk++) {
      if (blk != 6) {
        base.full(blk, (int) (2 * MIB), 10 + blk);
      }
    }
    VhdxSamples.Modelled child = VhdxSamples.Modelled.child(base, "base.vhdx")
        .partial(0, 50, 4, 4, 12, 4, 17, 1, 4000, 96)
        .full(1, (int) (2 * MIB), 51)
        .partial(2, 52, 0, 1, 9, 3, 4095, 1)
        .partial(6, 56, 100, 200);
    VhdxSamples.Modelled grandchild = VhdxSamples.Modelled.child(child, "child.vhdx")
        .partial(0, 90, 5, 2, 4001, 1)
        .partial(3, 93, 7, 9)
        .partial(6, 96, 0, 4096);
    Path b = base.write(dir.resolve("base.vhdx"));
    Path c = child.write(dir.resolve("child.vhdx"));
    Path g = grandchild.write(dir.resolve("grandchild.vhdx"));

    assertReadByEveryone(c, List.of(c, b), child.content, false);
    assertReadByEveryone(g, List.of(g, c, b), grandchild.content, false);
    try (VhdxImage image = Vhdx.open(g)) {
      assertEquals(DiskType.DIFFERENCING, image.getDiskType());
      assertEquals(3, image.getChain().size());
    }
  }

  @Test
  void shouldReadFourKibSectorChainsLike7ZipAndLibvhdi() throws Exception {
    VhdxSamples.Modelled base = VhdxSamples.Modelled.dynamic(16 * MIB, 2 * MIB, 4096)
        .full(0, (int) (2 * MIB), 1).full(3, (int) MIB, 3).full(7, (int) (2 * MIB), 7);
    // 512 sectors of 4 KiB per block: one bitmap bit per 4 KiB.
    VhdxSamples.Modelled child = VhdxSamples.Modelled.child(base, "base4k.vhdx")
        .partial(0, 40, 1, 1, 3, 4, 500, 12)
        .partial(3, 43, 0, 512)
        .partial(6, 46, 100, 200);
    Path b = base.write(dir.resolve("base4k.vhdx"));
    Path c = child.write(dir.resolve("child4k.vhdx"));

    assertReadByEveryone(c, List.of(c, b), child.content, false);
  }

  @Test
  void shouldReadDisk2vhdsEqualHeadersAndTrailingSectorLikeEveryPeer() throws Exception {
    VhdxSamples.Modelled m = VhdxSamples.Modelled.dynamic(16 * MIB, 2 * MIB, 512).full(0, 4096, 1).full(7, 512, 2);
    m.builder.header1.sequenceNumber = 1;
    m.builder.header2.sequenceNumber = 1;
    m.builder.creator = "d2v";
    m.builder.tailBytes = 512;
    Path img = m.write(dir.resolve("d2v.vhdx"));

    assertEquals(1, Files.size(img) % MIB / 512, "the file ends 512 bytes after a MiB");
    assertReadByEveryone(img, List.of(img), m.content, true);
  }

  /** The same small disk with one structure copy damaged. */
  private Path damaged(VhdxSamples.Modelled m, String name, java.util.function.Consumer<BuiltVhdx> damage)
      throws IOException {
    BuiltVhdx v = m.builder.build();
    damage.accept(v);
    return v.write(dir.resolve(name));
  }

  @Test
  void shouldReadAFileWithOneDamagedHeaderLikeQemuAndLibvhdi() throws Exception {
    // 7-Zip refuses both (DIVERGENCES.md case 26); libvhdi checks no header checksum.
    VhdxSamples.Modelled m = VhdxSamples.Modelled.dynamic(16 * MIB, 2 * MIB, 512).full(0, 4096, 1).full(4, 4096, 2);
    Path olderBad = damaged(m, "h1.vhdx", v -> v.header(1).set(HeaderLayout.SEQUENCE_NUMBER, 0));
    Path newerBad = damaged(m, "h2.vhdx", v -> v.header(2).set(HeaderLayout.SEQUENCE_NUMBER, 7));

    for (Path img : List.of(olderBad, newerBad)) {
      Path raw = QemuVhdx.toRaw(img, dir.resolve("h.raw"));
      PeerVerifier.LibvhdiRead lib = PeerVerifier.libvhdiRead(List.of(img), "chunks");
      try (VhdxImage image = Vhdx.open(img)) {
        assertAll(img.getFileName().toString(),
            () -> assertArrayEquals(m.content, Content.read(image, 0, m.content.length), "vhd4j"),
            () -> assertEquals(img == olderBad ? 2 : 1, image.getHeader().copy(), "the valid header is used"),
            () -> assertFalse(image.getWarnings().isEmpty(), "the damaged copy is reported"),
            () -> assertArrayEquals(m.content, Files.readAllBytes(raw), "qemu-img"),
            () -> assertArrayEquals(m.content, lib.content(), "libvhdi"));
      }
    }
  }

  @Test
  void shouldReadAFileWhoseSecondRegionTableIsDamagedLikeQemu() throws Exception {
    // libvhdi refuses it and 7-Zip exits 2 (DIVERGENCES.md case 27).
    VhdxSamples.Modelled m = VhdxSamples.Modelled.dynamic(16 * MIB, 2 * MIB, 512).full(0, 4096, 1).full(4, 4096, 2);
    Path img = damaged(m, "rt2.vhdx", v -> v.regionTable(2).set(RegionTableLayout.ENTRY_COUNT, 9));

    Path raw = QemuVhdx.toRaw(img, dir.resolve("rt2.raw"));
    try (VhdxImage image = Vhdx.open(img)) {
      assertArrayEquals(m.content, Content.read(image, 0, m.content.length), "vhd4j");
      assertArrayEquals(m.content, Files.readAllBytes(raw), "qemu-img");
    }
  }

  // ---- a dirty log -----------------------------------------------------------------------------

  @Test
  void shouldReplayADirtyLogInMemoryAsQemuReplaysItIntoTheFile() throws Exception {
    VhdxSamples.Dirty d = VhdxSamples.dirty(dir.resolve("dirty.vhdx"));
    String before = Content.sha256(d.file());

    // The reference: QEMU replays the log into a copy, then reads it.
    Path qemuCopy = copy(d.file(), "qemu-replayed.vhdx");
    Peers.Result check = QemuVhdx.checkRepair(qemuCopy);
    assertEquals(0, check.code(), check::describe);
    byte[] reference = Files.readAllBytes(QemuVhdx.toRaw(qemuCopy, dir.resolve("reference.raw")));

    // vhd4j reads the same through its in-memory replay, and leaves the file as it was.
    try (VhdxImage image = Vhdx.open(d.file())) {
      assertAll(
          () -> assertArrayEquals(reference, Content.read(image, 0, reference.length), "in-memory replay"),
          () -> assertArrayEquals(d.content(), reference, "QEMU's replay gives the content the file was built with"),
          () -> assertTrue(image.getLogState().dirty()),
          () -> assertTrue(image.getLogState().replayedInMemory()),
          () -> assertEquals(1, image.getLogState().entries()));
    }
    assertEquals(before, Content.sha256(d.file()), "the read-only open left the file unchanged");

    // Vhdx.repair and vhd repair write the same replay into copies, which QEMU then opens cleanly.
    Path api = copy(d.file(), "api-repaired.vhdx");
    List<RepairAction> actions = Vhdx.repair(api, OpenOptions.defaults());
    Path cli = copy(d.file(), "cli-repaired.vhdx");
    VhdCli.Result r = VhdCli.run("repair", cli.toString());
    assertEquals(0, r.code(), r::describe);
    assertEquals(1, actions.size(), actions::toString);
    for (Path repaired : List.of(api, cli)) {
      Peers.Result info = QemuVhdx.infoResult(repaired);
      Peers.Result qcheck = QemuVhdx.check(repaired);
      byte[] qemuReads = Files.readAllBytes(QemuVhdx.toRaw(repaired, dir.resolve("repaired.raw")));
      VhdxReaders.SevenZip z = VhdxReaders.sevenZip(repaired);
      PeerVerifier.LibvhdiRead lib = PeerVerifier.libvhdiRead(List.of(repaired), "chunks");
      try (VhdxImage image = Vhdx.open(repaired)) {
        assertAll(repaired.getFileName().toString(),
            () -> assertEquals(0, info.code(), info::describe),
            () -> assertEquals(0, qcheck.code(), qcheck::describe),
            () -> assertTrue(qcheck.out().contains("No errors were found"), qcheck::describe),
            () -> assertArrayEquals(reference, qemuReads, "qemu-img after the repair"),
            () -> assertFalse(image.getLogState().dirty(), "clean after the repair"),
            () -> assertArrayEquals(reference, Content.read(image, 0, reference.length), "vhd4j after the repair"),
            () -> assertEquals(0, z.code(), z::describe),
            () -> assertNull(z.print().difference(ContentPrint.of(reference)), "7-Zip after the repair"),
            () -> assertArrayEquals(reference, lib.content(), "libvhdi after the repair"));
      }
    }
  }

  private Path copy(Path from, String name) throws IOException {
    return Files.copy(from, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
  }

  // ---- reads at the virtual end (X-42) ---------------------------------------------------------

  @Test
  void shouldEndReadsAtTheVirtualEndNotInTheLastBlocksRest() throws Exception {
    // 3 MiB in 2 MiB blocks: the last block's second MiB is in the file, past the disk's end,
    // holding bytes no reader may return.
    VhdxSamples.Modelled m = VhdxSamples.Modelled.dynamic(3 * MIB, 2 * MIB, 512).full(0, 4096, 1);
    byte[] last = VhdxSamples.pattern((int) (2 * MIB), 9);
    m.builder.block(1, last);
    System.arraycopy(last, 0, m.content, (int) (2 * MIB), (int) MIB);
    Path img = m.write(dir.resolve("end.vhdx"));

    assertReadByEveryone(img, List.of(img), m.content, true);
    try (VhdxImage image = Vhdx.open(img)) {
      ByteBuffer b = ByteBuffer.allocate(4096);
      assertEquals(512, image.read(3 * MIB - 512, b), "a read across the end stops there");
      assertEquals(-1, image.read(3 * MIB, b.clear()), "a read at the end reads nothing");
      assertThrows(EOFException.class, () -> image.readFully(3 * MIB - 512, ByteBuffer.allocate(1024)));
      assertEquals(3 * MIB, Run.fromExtents(image.map()).stream().mapToLong(Run::end).max().orElseThrow(),
          "the map ends at the virtual end");
    }
  }

  // ---- parents (X-44, X-41) --------------------------------------------------------------------

  @Test
  void shouldRefuseTheChainsEveryPeerRefusesAndReadTheOthersAlike() throws Exception {
    VhdxSamples.Modelled base = VhdxSamples.Modelled.dynamic(16 * MIB, 2 * MIB, 512)
        .full(0, (int) (2 * MIB), 1).full(1, (int) (2 * MIB), 2);
    Path b = base.write(dir.resolve("p.vhdx"));
    // parent_linkage2 present but zero, as Windows 10 writes it: ignored.
    VhdxSamples.Modelled zero2 = VhdxSamples.Modelled.child(base, "p.vhdx").partial(0, 30, 4, 4).partial(1, 31, 0, 8);
    zero2.builder.locator.put(ParentLocatorLayout.PARENT_LINKAGE2, VhdxSamples.guid(new UUID(0, 0)));
    Path z2 = zero2.write(dir.resolve("zero2.vhdx"));
    assertReadByEveryone(z2, List.of(z2, b), zero2.content, false);

    // The parent's DataWriteGuid is not the linkage.
    VhdxSamples.Modelled other = VhdxSamples.Modelled.child(base, "p.vhdx").partial(0, 32, 4, 4);
    other.builder.locator.put(ParentLocatorLayout.PARENT_LINKAGE, VhdxSamples.guid(UUID.randomUUID()));
    Path mismatch = other.write(dir.resolve("mismatch.vhdx"));
    // The parent is missing.
    VhdxSamples.Modelled orphan = VhdxSamples.Modelled.child(base, "gone.vhdx").partial(0, 33, 4, 4);
    Path missing = orphan.write(dir.resolve("orphan.vhdx"));
    // A cycle: each file names the other as its parent.
    VhdxSamples.Modelled a = VhdxSamples.Modelled.child(base, "cycle-b.vhdx");
    VhdxSamples.Modelled c = VhdxSamples.Modelled.child(base, "cycle-a.vhdx");
    a.builder.locator.put(ParentLocatorLayout.PARENT_LINKAGE, VhdxSamples.guid(c.builder.header2.dataWriteGuid));
    c.builder.locator.put(ParentLocatorLayout.PARENT_LINKAGE, VhdxSamples.guid(a.builder.header2.dataWriteGuid));
    Path cycle = a.write(dir.resolve("cycle-a.vhdx"));
    c.write(dir.resolve("cycle-b.vhdx"));
    // A relative path out of the child's directory.
    Files.createDirectories(dir.resolve("sub"));
    VhdxSamples.Modelled up = VhdxSamples.Modelled.child(base, "..\\p.vhdx").partial(0, 34, 4, 4);
    Path escape = up.write(dir.resolve("sub").resolve("escape.vhdx"));

    assertAll(
        () -> assertRefusedByEveryone(mismatch, b, ParentMismatchException.class, "Unsupported Method",
            "mismatch in identifier"),
        () -> assertRefusedByEveryone(missing, null, ParentNotFoundException.class, "Missing parent VHDX file", null),
        () -> assertRefusedByEveryone(cycle, null, ParentCycleException.class, "Cyclic parent archive was blocked",
            null),
        () -> assertRefusedByEveryone(escape, null, ParentNotFoundException.class, "Missing parent VHDX file", null));
    ParentNotFoundException e = assertThrows(ParentNotFoundException.class, () -> Vhdx.open(escape).close());
    assertTrue(e.getMessage().contains("outside the child's directory"), e::getMessage);

    // Only a Windows path: vhd4j looks for its file name in the child's directory and finds the
    // parent there; 7-Zip looks for the Windows path itself.
    VhdxSamples.Modelled windows = VhdxSamples.Modelled.child(base, "p.vhdx").partial(0, 35, 4, 4);
    windows.builder.locator.remove(ParentLocatorLayout.RELATIVE_PATH);
    windows.builder.locator.put(ParentLocatorLayout.ABSOLUTE_WIN32_PATH, "\\\\?\\C:\\images\\p.vhdx");
    Path abs = windows.write(dir.resolve("windows-path.vhdx"));
    VhdxReaders.SevenZip z = VhdxReaders.sevenZip(abs);
    try (VhdxImage image = Vhdx.open(abs)) {
      assertArrayEquals(windows.content, Content.read(image, 0, windows.content.length));
      assertEquals(b.toRealPath(), Path.of(image.getParent().getResource()).toRealPath(), "the parent beside it");
    }
    assertEquals(2, z.code(), z::describe);
    assertTrue(z.messages().contains("Missing parent VHDX file"), z::describe);
  }

  @Test
  void shouldStopAtTheChainDepthLimitWhere7ZipReadsOn() throws Exception {
    // Five levels; vhd4j told to follow at most three parents refuses, naming the limit.
    VhdxSamples.Modelled level = VhdxSamples.Modelled.dynamic(16 * MIB, 2 * MIB, 512).full(0, 4096, 1);
    Path top = level.write(dir.resolve("d0.vhdx"));
    for (int i = 1; i < 5; i++) {
      level = VhdxSamples.Modelled.child(level, "d" + (i - 1) + ".vhdx").partial(i, 40 + i, 0, 8);
      top = level.write(dir.resolve("d" + i + ".vhdx"));
    }
    Path deepest = top;
    VhdxReaders.SevenZip z = VhdxReaders.sevenZip(deepest);
    try (VhdxImage image = Vhdx.open(deepest)) {
      assertEquals(5, image.getChain().size());
      assertArrayEquals(level.content, Content.read(image, 0, level.content.length));
    }
    assertEquals(0, z.code(), z::describe);
    assertNull(z.print().difference(ContentPrint.of(level.content)), "7-Zip");
    VhdLimitException e = assertThrows(VhdLimitException.class,
        () -> Vhdx.open(deepest, OpenOptions.defaults().withMaxChainDepth(3)).close());
    assertEquals(ProblemCode.CHAIN_DEPTH_LIMIT, e.getCode(), e::getMessage);
  }

  /**
   * vhd4j refuses a chain with {@code refusal}, 7-Zip with {@code sevenZip} (exit 2, nothing
   * extracted), and libvhdi, when given the parent, with {@code libvhdi}.
   */
  private void assertRefusedByEveryone(Path child, Path parent, Class<? extends Exception> refusal, String sevenZip,
      String libvhdi) throws IOException {
    Exception e = assertThrows(Exception.class, () -> Vhdx.open(child).close());
    assertInstanceOf(refusal, e, child + ": " + e);
    VhdxReaders.SevenZip z = VhdxReaders.sevenZip(child);
    assertEquals(2, z.code(), z::describe);
    assertTrue(z.messages().contains(sevenZip), z::describe);
    assertEquals(0, z.print().size(), z::describe);
    if (parent != null) {
      VhdxReaders.Libvhdi lib = VhdxReaders.libvhdi(List.of(child, parent));
      assertTrue(lib.refused() && lib.error().contains(libvhdi), lib::error);
    }
  }
}
