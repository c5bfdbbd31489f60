package io.github.vhd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.ParentCandidate.Outcome;
import io.github.vhd4j.internal.vhdx.layout.BatLayout;
import io.github.vhd4j.internal.vhdx.layout.HeaderLayout;
import io.github.vhd4j.internal.vhdx.layout.ParentLocatorLayout;
import io.github.vhd4j.testing.BuiltVhdx;
import io.github.vhd4j.testing.VhdxChainModel;
import io.github.vhd4j.testing.VhdxLogBuilder;
import io.github.vhd4j.testing.VhdxPeers;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Differencing VHDX chains end to end (MS-VHDX 2.6.2.6): how a parent is found (relative_path,
 * the file names of volume_path and absolute_win32_path, a caller's resolver), what the chain
 * reads (compared with a model of the flattened disk, and with 7-Zip and libvhdi), its map, its
 * API, and the check of a chain whose parent is damaged. The refusals of hostile chains are in
 * {@code pitfalls/VhdxChainPitfallsTest}.
 */
class VhdxChainTest {
  private static final long MIB = 1L << 20;

  @TempDir
  Path dir;

  /** An 8 MiB base in 1 MiB blocks with every block stored. */
  private static VhdxChainModel fullBase(int sectorSize) {
    VhdxChainModel base = VhdxChainModel.base(8 * MIB, MIB, sectorSize, 0);
    for (int b = 0; b < 8; b++) {
      base.full(b);
    }
    return base;
  }

  /** A child of {@code base} with a stored block, a partial block and a stored last block. */
  private static VhdxChainModel mixedChild(VhdxChainModel base) {
    return base.child(1).full(1).present(2, 5, 3).present(2, 100, 1).full(7);
  }

  static byte[] readAll(DiskImage img) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(img.getSize()));
    img.readFully(0, b);
    return b.array();
  }

  @Test
  void shouldReadAChildThroughTheParentItsRelativePathNames() throws IOException {
    VhdxChainModel base = fullBase(512);
    VhdxChainModel child = mixedChild(base);
    Path parent = base.write(dir.resolve("parent.vhdx"));
    Path c = child.write(dir.resolve("child.avhdx"));

    try (VhdxImage img = Vhdx.open(c)) {
      assertArrayEquals(child.content(), readAll(img));
      ParentResolution r = img.getParentResolution();
      assertEquals("relative_path", r.source());
      assertEquals(parent.toAbsolutePath().normalize(), r.path());
      assertEquals(List.of(new ParentCandidate(r.path(), "relative_path", Outcome.ACCEPTED, "")), r.candidates());
      assertEquals(".\\parent.vhdx", img.getParentLocator().relativePath());
    }
  }

  @Test
  void shouldExposeTheChainTopFirst() throws IOException {
    VhdxChainModel base = fullBase(512);
    VhdxChainModel middle = base.child(1).full(3).relativePath("base.vhdx");
    VhdxChainModel top = middle.child(2).full(4).relativePath(".\\middle.avhdx");
    base.write(dir.resolve("base.vhdx"));
    Path m = middle.write(dir.resolve("middle.avhdx"));
    Path t = top.write(dir.resolve("top.avhdx"));

    try (VhdxImage img = Vhdx.open(t)) {
      List<VhdxImage> chain = img.getChain();
      assertEquals(3, chain.size());
      assertSame(img, chain.get(0));
      assertSame(img.getParent(), chain.get(1));
      assertSame(img.getParent().getParent(), chain.get(2));
      assertNull(chain.get(2).getParent());
      assertNull(chain.get(2).getParentResolution());
      assertEquals(List.of(DiskType.DIFFERENCING, DiskType.DIFFERENCING, DiskType.DYNAMIC),
          chain.stream().map(VhdxImage::getDiskType).toList());
      assertEquals(List.of(top.dataWriteGuid(), middle.dataWriteGuid(), base.dataWriteGuid()),
          chain.stream().map(i -> i.getHeader().dataWriteGuid()).toList());
      assertEquals(m.toAbsolutePath().normalize(), img.getParentResolution().path());
      assertEquals(dir.resolve("base.vhdx").toAbsolutePath().normalize(),
          chain.get(1).getParentResolution().path());
      assertArrayEquals(top.content(), readAll(img));
      assertArrayEquals(middle.content(), readAll(chain.get(1)), "a parent's view reads its own chain");
      assertArrayEquals(base.content(), readAll(chain.get(2)));
    }
  }

  @Test
  void shouldFindTheParentByTheFileNameOfAbsoluteWin32Path() throws IOException {
    VhdxChainModel base = fullBase(512);
    VhdxChainModel child = mixedChild(base).relativePath(null)
        .locator(ParentLocatorLayout.ABSOLUTE_WIN32_PATH, "\\\\?\\C:\\Hyper-V\\Disks\\base.vhdx");
    Path parent = base.write(dir.resolve("base.vhdx"));

    try (VhdxImage img = Vhdx.open(child.write(dir.resolve("child.avhdx")))) {
      assertEquals("absolute_win32_path", img.getParentResolution().source());
      assertEquals(parent.toAbsolutePath().normalize(), img.getParentResolution().path());
      assertArrayEquals(child.content(), readAll(img));
    }
  }

  @Test
  void shouldFindTheParentByTheFileNameOfVolumePath() throws IOException {
    VhdxChainModel base = fullBase(512);
    VhdxChainModel child = mixedChild(base).relativePath(null).locator(ParentLocatorLayout.VOLUME_PATH,
        "\\\\?\\Volume{26a21bda-a627-11d7-9931-806e6f6e6963}\\Hyper-V\\base.vhdx");
    base.write(dir.resolve("base.vhdx"));

    try (VhdxImage img = Vhdx.open(child.write(dir.resolve("child.avhdx")))) {
      assertEquals("volume_path", img.getParentResolution().source());
      assertArrayEquals(child.content(), readAll(img));
    }
  }

  /** MS-VHDX 2.6.2.6.3: relative_path, volume_path, absolute_win32_path, each tried until one is the parent. */
  @Test
  void shouldTryTheLocatorKeysInOrderUntilOneIsTheParent() throws IOException {
    VhdxChainModel base = fullBase(512);
    VhdxChainModel other = VhdxChainModel.base(8 * MIB, MIB, 512, 5);
    VhdxChainModel child = mixedChild(base).relativePath(".\\renamed.vhdx")
        .locator(ParentLocatorLayout.VOLUME_PATH, "\\\\?\\Volume{26a21bda-a627-11d7-9931-806e6f6e6963}\\other.vhdx")
        .locator(ParentLocatorLayout.ABSOLUTE_WIN32_PATH, "C:\\vms\\base.vhdx");
    Path b = base.write(dir.resolve("base.vhdx"));
    Path o = other.write(dir.resolve("other.vhdx"));

    try (VhdxImage img = Vhdx.open(child.write(dir.resolve("child.avhdx")))) {
      List<ParentCandidate> tried = img.getParentResolution().candidates();
      assertEquals(List.of("relative_path", "volume_path", "absolute_win32_path"),
          tried.stream().map(ParentCandidate::source).toList());
      assertEquals(List.of(Outcome.MISSING, Outcome.UUID_MISMATCH, Outcome.ACCEPTED),
          tried.stream().map(ParentCandidate::outcome).toList());
      assertEquals(o.toAbsolutePath().normalize(), tried.get(1).path());
      assertTrue(tried.get(1).detail().contains(other.dataWriteGuid().toString()), tried.get(1).detail());
      assertEquals(b.toAbsolutePath().normalize(), img.getParentResolution().path());
      assertArrayEquals(child.content(), readAll(img));
    }
  }

  @Test
  void shouldUseTheCallersResolverInsteadOfTheLocator() throws IOException {
    VhdxChainModel base = fullBase(512);
    VhdxChainModel child = mixedChild(base);
    Path store = Files.createDirectories(dir.resolve("store"));
    Path parent = base.write(store.resolve("golden.vhdx"));
    Path c = child.write(dir.resolve("child.avhdx"));
    List<ParentReference> asked = new ArrayList<>();
    OpenOptions options = OpenOptions.defaults().withParentResolver(ref -> {
      asked.add(ref);
      return List.of(dir.resolve("nothing-here.vhdx"), parent);
    });

    try (VhdxImage img = Vhdx.open(c, options)) {
      assertEquals("resolver", img.getParentResolution().source());
      assertEquals(parent.toAbsolutePath().normalize(), img.getParentResolution().path());
      assertEquals(List.of(Outcome.MISSING, Outcome.ACCEPTED),
          img.getParentResolution().candidates().stream().map(ParentCandidate::outcome).toList());
      assertArrayEquals(child.content(), readAll(img));
    }
    assertEquals(1, asked.size());
    ParentReference ref = asked.get(0);
    assertEquals(base.dataWriteGuid(), ref.parentUuid(), "the resolver is told the parent_linkage");
    assertEquals(c.toString(), ref.child());
    assertEquals(".\\parent.vhdx", ref.parentName());
    assertEquals(List.of(dir.resolve("parent.vhdx").toAbsolutePath().normalize()), ref.suggestedPaths());
    assertThrows(ParentNotFoundException.class, () -> Vhdx.open(c), "without the resolver the parent is missing");
  }

  /** A caller's resolver is trusted with where, not with what: the linkage is still checked. */
  @Test
  void shouldStillCheckTheLinkageOfWhatTheResolverOffers() throws IOException {
    VhdxChainModel base = fullBase(512);
    Path wrong = VhdxChainModel.base(8 * MIB, MIB, 512, 3).write(dir.resolve("wrong.vhdx"));
    Path c = mixedChild(base).write(dir.resolve("child.avhdx"));

    ParentMismatchException e = assertThrows(ParentMismatchException.class,
        () -> Vhdx.open(c, OpenOptions.defaults().withParentResolver(ref -> List.of(wrong))));
    assertEquals(Outcome.UUID_MISMATCH, e.getCandidates().get(0).outcome());
  }

  /** together: every block state of a child over a parent whose blocks all hold data. */
  @Test
  void shouldReadEveryBlockStateOfAChild() throws IOException {
    VhdxChainModel base = fullBase(512);
    VhdxChainModel child = base.child(1).full(0).state(1, BatLayout.PAYLOAD_ZERO)
        .state(2, BatLayout.PAYLOAD_UNDEFINED).state(3, BatLayout.PAYLOAD_UNMAPPED)
        .state(4, BatLayout.PAYLOAD_NOT_PRESENT).present(5, 0, 1).present(5, 2047, 1);
    base.write(dir.resolve("parent.vhdx"));

    try (VhdxImage img = Vhdx.open(child.write(dir.resolve("child.avhdx")))) {
      byte[] all = readAll(img);
      assertArrayEquals(child.content(), all);
      for (int b = 1; b <= 3; b++) {
        assertArrayEquals(new byte[(int) MIB], slice(all, b * MIB, (int) MIB), "block " + b + " reads zeros");
      }
      assertArrayEquals(VhdxChainModel.stamp(0, 4 * MIB, (int) MIB), slice(all, 4 * MIB, (int) MIB));
    }
  }

  /** Reads at odd offsets and lengths across blocks and layers equal the model. */
  @Test
  void shouldReadAnyRangeOfAChain() throws IOException {
    VhdxChainModel base = fullBase(512);
    VhdxChainModel child = mixedChild(base).present(3, 1, 2046);
    base.write(dir.resolve("parent.vhdx"));
    byte[] want = child.content();

    try (VhdxImage img = Vhdx.open(child.write(dir.resolve("child.avhdx")))) {
      long[][] ranges = {{0, 1}, {MIB - 3, 7}, {2 * MIB + 5 * 512 - 1, 3 * 512 + 2}, {2 * MIB + 4000, 3 * MIB},
          {3 * MIB - 511, 1024}, {8 * MIB - 100, 100}, {MIB + 17, 6 * MIB}};
      for (long[] r : ranges) {
        ByteBuffer b = ByteBuffer.allocate((int) r[1]);
        img.readFully(r[0], b);
        assertArrayEquals(slice(want, r[0], (int) r[1]), b.array(), "at " + r[0] + " for " + r[1]);
      }
    }
  }

  @Test
  void shouldReadZerosPastTheEndOfASmallerParent() throws IOException {
    long parentSize = 5 * MIB + MIB / 2;
    VhdxChainModel base = VhdxChainModel.base(parentSize, MIB, 512, 0);
    for (int b = 0; b < 6; b++) {
      base.full(b);
    }
    VhdxChainModel child = base.child(10 * MIB, 1).full(0).present(5, 2047, 1).full(9);
    base.write(dir.resolve("parent.vhdx"));

    try (VhdxImage img = Vhdx.open(child.write(dir.resolve("child.avhdx")))) {
      assertEquals(10 * MIB, img.getSize());
      byte[] all = readAll(img);
      assertArrayEquals(child.content(), all);
      assertArrayEquals(VhdxChainModel.stamp(0, 5 * MIB, (int) (MIB / 2)), slice(all, 5 * MIB, (int) (MIB / 2)));
      assertArrayEquals(new byte[(int) (MIB / 2 - 512)], slice(all, parentSize, (int) (MIB / 2 - 512)));
      assertArrayEquals(VhdxChainModel.stamp(1, 6 * MIB - 512, 512), slice(all, 6 * MIB - 512, 512));
      assertArrayEquals(new byte[(int) (3 * MIB)], slice(all, 6 * MIB, (int) (3 * MIB)));
      List<Problem> smaller = img.getWarnings().stream().filter(p -> p.code() == ProblemCode.PARENT_SIZE_SMALLER)
          .toList();
      assertEquals(1, smaller.size(), img.getWarnings().toString());
      assertEquals(Severity.INFO, smaller.get(0).severity());
    }
  }

  /** 4096-byte logical sectors, a bitmap bit per 4 KiB sector, in both files of the chain. */
  @Test
  void shouldReadAChainOf4096ByteSectors() throws IOException {
    VhdxChainModel base = fullBase(4096);
    VhdxChainModel child = base.child(1).full(1).present(2, 1, 2).bitmapBytes(3, (byte) 0xf0, (byte) 0x0f)
        .state(4, BatLayout.PAYLOAD_ZERO);
    base.write(dir.resolve("parent.vhdx"));

    try (VhdxImage img = Vhdx.open(child.write(dir.resolve("child.avhdx")))) {
      assertEquals(4096, img.getLogicalSectorSize());
      byte[] all = readAll(img);
      assertArrayEquals(child.content(), all);
      assertArrayEquals(VhdxChainModel.stamp(0, 2 * MIB, 4096), slice(all, 2 * MIB, 4096));
      assertArrayEquals(VhdxChainModel.stamp(1, 2 * MIB + 4096, 8192), slice(all, 2 * MIB + 4096, 8192));
      assertArrayEquals(VhdxChainModel.stamp(0, 2 * MIB + 12288, 4096), slice(all, 2 * MIB + 12288, 4096));
      // 0xf0 0x0f: sectors 0-3 parent, 4-11 this file (across the byte boundary), 12-15 parent.
      assertArrayEquals(VhdxChainModel.stamp(0, 3 * MIB, 4 * 4096), slice(all, 3 * MIB, 4 * 4096));
      assertArrayEquals(VhdxChainModel.stamp(1, 3 * MIB + 4 * 4096, 8 * 4096),
          slice(all, 3 * MIB + 4 * 4096, 8 * 4096));
      assertArrayEquals(VhdxChainModel.stamp(0, 3 * MIB + 12 * 4096, 4 * 4096),
          slice(all, 3 * MIB + 12 * 4096, 4 * 4096));
    }
  }

  /** The map names, per run, the layer the bytes come from: 0 the child, 1 the parent. */
  @Test
  void shouldMapAChainByDepth() throws IOException {
    VhdxChainModel base = VhdxChainModel.base(8 * MIB, MIB, 512, 0).full(0).full(1).full(2).full(3);
    VhdxChainModel child = base.child(1).full(1).state(2, BatLayout.PAYLOAD_ZERO).present(3, 0, 8);
    BuiltVhdx parentFile = base.builder.build();
    BuiltVhdx childFile = child.builder.build();
    parentFile.write(dir.resolve("parent.vhdx"));
    Path c = childFile.write(dir.resolve("child.avhdx"));
    long cr = child.builder.chunkRatio();

    try (VhdxImage img = Vhdx.open(c)) {
      assertEquals(List.of(
          new Extent(0, MIB, 1, true, parentFile.blockOffset(0, cr)),
          new Extent(MIB, MIB, 0, true, childFile.blockOffset(1, cr)),
          new Extent(2 * MIB, MIB, 0, false, -1),
          new Extent(3 * MIB, 4096, 0, true, childFile.blockOffset(3, cr)),
          new Extent(3 * MIB + 4096, MIB - 4096, 1, true, parentFile.blockOffset(3, cr) + 4096),
          new Extent(4 * MIB, 4 * MIB, 1, false, -1)), img.map());
    }
  }

  /**
   * A parent left with a dirty log whose on-disk table stores nothing: the chain reads it as the
   * log says, replayed in memory, and the parent's file is not written (X-9, X-43 for a parent).
   */
  @Test
  void shouldReadThroughAParentWhoseLogIsReplayedInMemory() throws IOException {
    VhdxChainModel base = fullBase(512);
    VhdxChainModel child = mixedChild(base);
    BuiltVhdx dirty = base.builder.build();
    byte[] batSector = dirty.file.read(dirty.batOffset, VhdxLogBuilder.SECTOR);
    dirty.file.put(dirty.batOffset, new byte[VhdxLogBuilder.SECTOR]);
    UUID logGuid = UUID.randomUUID();
    VhdxLogBuilder log = new VhdxLogBuilder(logGuid, (int) MIB);
    log.entry(1).data(dirty.batOffset, batSector).write();
    dirty.file.put(dirty.logOffset, log.bytes());
    for (int copy = 1; copy <= 2; copy++) {
      dirty.header(copy).setGuid(0, HeaderLayout.LOG_GUID, logGuid).reseal();
    }
    Path parent = dirty.write(dir.resolve("parent.vhdx"));
    byte[] before = Files.readAllBytes(parent);

    try (VhdxImage img = Vhdx.open(child.write(dir.resolve("child.avhdx")))) {
      assertTrue(img.getParent().getLogState().replayedInMemory());
      assertArrayEquals(child.content(), readAll(img));
    }
    assertArrayEquals(before, Files.readAllBytes(parent));
  }

  @Test
  void shouldOpenAChildThroughDiskImages() throws IOException {
    VhdxChainModel base = fullBase(512);
    VhdxChainModel child = mixedChild(base);
    base.write(dir.resolve("parent.vhdx"));
    Path c = child.write(dir.resolve("child.avhdx"));

    assertEquals(DiskFormat.VHDX, DiskImages.probe(c).format());
    try (DiskImage img = DiskImages.open(c, OpenOptions.defaults())) {
      VhdxImage vhdx = assertInstanceOf(VhdxImage.class, img);
      assertEquals(DiskFormat.VHDX, img.getFormat());
      assertEquals(2, vhdx.getChain().size());
      assertEquals(2, img.getLayers().size());
      assertArrayEquals(child.content(), readAll(img));
    }
    assertFalse(DiskImages.check(c, CheckOptions.defaults()).hasErrors());
  }

  /** A parent whose own table is damaged: the check of the child reports the parent's problem as the parent's. */
  @Test
  void shouldReportTheProblemsOfADamagedParent() throws IOException {
    VhdxChainModel base = fullBase(512);
    BuiltVhdx parentFile = base.builder.build();
    long cr = base.builder.chunkRatio();
    // Block 6 moved past the end of the file.
    parentFile.batEntry(BatLayout.payloadIndex(6, cr), BatLayout.entry(BatLayout.PAYLOAD_FULLY_PRESENT, 1L << 40));
    Path parent = parentFile.write(dir.resolve("parent.vhdx"));
    Path c = mixedChild(base).write(dir.resolve("child.avhdx"));

    ValidationReport r = Vhdx.check(c);

    assertTrue(r.hasErrors());
    List<Problem> errors = r.problems(Severity.ERROR);
    assertEquals(List.of(ProblemCode.VHDX_BAT_OFFSET), errors.stream().map(Problem::code).toList(), errors.toString());
    assertEquals(parent.toAbsolutePath().normalize().toString(), errors.get(0).resource());
    ParentNotFoundException e = assertThrows(ParentNotFoundException.class, () -> Vhdx.open(c));
    assertEquals(Outcome.INVALID, e.getCandidates().get(0).outcome());
    assertTrue(e.getMessage().contains("VHDX_BAT_OFFSET") || e.getMessage().contains("past"), e.getMessage());
    assertFalse(Vhdx.check(c, CheckOptions.defaults().withCheckParents(false)).hasErrors());
  }

  /** A parent no reader can parse (both headers damaged): the check says why it was not taken. */
  @Test
  void shouldReportAParentThatCannotBeParsed() throws IOException {
    VhdxChainModel base = fullBase(512);
    BuiltVhdx parentFile = base.builder.build();
    parentFile.header(1).set(0, HeaderLayout.SEQUENCE_NUMBER, 7);
    parentFile.header(2).set(0, HeaderLayout.SEQUENCE_NUMBER, 7);
    parentFile.write(dir.resolve("parent.vhdx"));
    Path c = mixedChild(base).write(dir.resolve("child.avhdx"));

    ValidationReport r = Vhdx.check(c);

    List<Problem> errors = r.problems(Severity.ERROR);
    assertEquals(List.of(ProblemCode.PARENT_NOT_FOUND), errors.stream().map(Problem::code).toList(), errors.toString());
    assertEquals(c.toString(), errors.get(0).resource());
    assertTrue(errors.get(0).message().contains("invalid"), errors.get(0).message());
  }

  /**
   * A chain in Hyper-V's geometry: a child in small blocks over a parent in larger ones, with
   * whole, partial and untouched blocks (no ZERO, UNDEFINED or UNMAPPED ones, which libvhdi reads
   * from the parent: X-6).
   */
  private static VhdxChainModel[] hyperVChain() {
    VhdxChainModel base = VhdxChainModel.base(16 * MIB, 4 * MIB, 512, 0).full(0).full(1).full(3);
    VhdxChainModel child = base.child(16 * MIB, MIB, 1).full(1).present(2, 5, 3).present(5, 100, 1)
        .bitmapBytes(6, (byte) 0xf0, (byte) 0xf0, (byte) 0x81).full(9).present(13, 0, 2047);
    return new VhdxChainModel[] {base, child};
  }

  /** Blocks of another size than the parent's: each layer is read in its own geometry. */
  @Test
  void shouldReadLayersOfDifferentBlockSizes() throws IOException {
    VhdxChainModel[] chain = hyperVChain();
    VhdxChainModel top = chain[1].child(16 * MIB, 2 * MIB, 2).full(3).present(6, 1, 1)
        .state(7, BatLayout.PAYLOAD_ZERO).relativePath(".\\middle.avhdx");
    chain[0].write(dir.resolve("parent.vhdx"));
    chain[1].write(dir.resolve("middle.avhdx"));

    try (VhdxImage img = Vhdx.open(top.write(dir.resolve("top.avhdx")))) {
      assertEquals(List.of(2 * MIB, MIB, 4 * MIB), img.getChain().stream().map(VhdxImage::getBlockSize).toList());
      assertArrayEquals(top.content(), readAll(img));
      assertArrayEquals(chain[1].content(), readAll(img.getParent()));
    }
  }

  /** 7-Zip reads the chain as vhd4j does (it finds the parent by relative_path beside the child). */
  @Test
  void shouldReadAChainAs7ZipDoes() throws IOException {
    VhdxPeers.require(VhdxPeers.SEVEN_ZIP);
    VhdxChainModel[] chain = hyperVChain();
    VhdxChainModel child = chain[1].state(10, BatLayout.PAYLOAD_ZERO).state(11, BatLayout.PAYLOAD_UNMAPPED);
    chain[0].write(dir.resolve("parent.vhdx"));
    Path c = child.write(dir.resolve("child.avhdx"));

    byte[] ours;
    try (VhdxImage img = Vhdx.open(c)) {
      ours = readAll(img);
    }
    assertArrayEquals(child.content(), ours);
    assertArrayEquals(ours, VhdxPeers.sevenZip(c));
  }

  /** 7-Zip and libvhdi agree on a chain of 4096-byte sectors too. */
  @Test
  void shouldReadA4096ByteSectorChainAsThePeersDo() throws IOException {
    VhdxPeers.require(VhdxPeers.SEVEN_ZIP);
    VhdxPeers.require(VhdxPeers.PYVHDI);
    VhdxChainModel base = fullBase(4096);
    VhdxChainModel child = base.child(1).full(1).present(2, 1, 2).bitmapBytes(3, (byte) 0xf0, (byte) 0x0f);
    Path p = base.write(dir.resolve("parent.vhdx"));
    Path c = child.write(dir.resolve("child.avhdx"));

    assertArrayEquals(child.content(), VhdxPeers.sevenZip(c));
    assertArrayEquals(child.content(), VhdxPeers.libvhdi(c, p));
  }

  /** libvhdi reads the chain as vhd4j does once its parent is set (it checks parent_linkage too). */
  @Test
  void shouldReadAChainAsLibvhdiDoes() throws IOException {
    VhdxPeers.require(VhdxPeers.PYVHDI);
    VhdxChainModel[] chain = hyperVChain();
    Path p = chain[0].write(dir.resolve("parent.vhdx"));
    Path c = chain[1].write(dir.resolve("child.avhdx"));

    byte[] ours;
    try (VhdxImage img = Vhdx.open(c)) {
      ours = readAll(img);
    }
    assertArrayEquals(chain[1].content(), ours);
    assertArrayEquals(ours, VhdxPeers.libvhdi(c, p));
  }

  static byte[] slice(byte[] all, long from, int length) {
    byte[] out = new byte[length];
    System.arraycopy(all, (int) from, out, 0, length);
    return out;
  }
}
