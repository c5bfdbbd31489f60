package io.github.vhd4j.pitfalls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.DiskImage;
import io.github.vhd4j.Extent;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ParentCandidate;
import io.github.vhd4j.ParentCandidate.Outcome;
import io.github.vhd4j.ParentCycleException;
import io.github.vhd4j.ParentMismatchException;
import io.github.vhd4j.ParentNotFoundException;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.ValidationReport;
import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.VhdLimitException;
import io.github.vhd4j.Vhdx;
import io.github.vhd4j.VhdxImage;
import io.github.vhd4j.internal.vhdx.layout.BatLayout;
import io.github.vhd4j.internal.vhdx.layout.Guids;
import io.github.vhd4j.internal.vhdx.layout.ParentLocatorLayout;
import io.github.vhd4j.testing.TestImage;
import io.github.vhd4j.testing.VhdxChainModel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Known pitfalls of VHDX chains (vhdx.md §11) as tests: X-6 (only NOT_PRESENT reads the parent),
 * X-35 (partial blocks per sector, least significant bit first), X-41 (parents read at the virtual
 * offset) and X-44 (parent identity by DataWriteGuid against parent_linkage and a non-zero
 * parent_linkage2, cycles, depth, confinement of the locator's paths, a missing parent is an
 * error and never zeros), plus a parent of another sector size or format.
 */
class VhdxChainPitfallsTest {
  private static final long MIB = 1L << 20;

  @TempDir
  Path dir;

  private static VhdxChainModel fullBase() {
    VhdxChainModel base = VhdxChainModel.base(8 * MIB, MIB, 512, 0);
    for (int b = 0; b < 8; b++) {
      base.full(b);
    }
    return base;
  }

  private static byte[] readAll(DiskImage img) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(img.getSize()));
    img.readFully(0, b);
    return b.array();
  }

  private static byte[] read(DiskImage img, long at, int length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length);
    img.readFully(at, b);
    return b.array();
  }

  private static List<Outcome> outcomes(List<ParentCandidate> tried) {
    return tried.stream().map(ParentCandidate::outcome).toList();
  }

  private static List<ProblemCode> errors(ValidationReport r) {
    return r.problems(Severity.ERROR).stream().map(Problem::code).toList();
  }

  // ---- ZERO, UNDEFINED and UNMAPPED in a child are zeros; only NOT_PRESENT reads the parent

  /** libvhdi returns the parent's data for ZERO, UNDEFINED and UNMAPPED blocks of a child. */
  @Test
  void x6_shouldReadZerosForEveryStateButNotPresent() throws IOException {
    VhdxChainModel base = fullBase();
    VhdxChainModel child = base.child(1).state(0, BatLayout.PAYLOAD_ZERO).state(1, BatLayout.PAYLOAD_UNDEFINED)
        .state(2, BatLayout.PAYLOAD_UNMAPPED).state(3, BatLayout.PAYLOAD_NOT_PRESENT);
    base.write(dir.resolve("parent.vhdx"));

    try (VhdxImage img = Vhdx.open(child.write(dir.resolve("child.vhdx")))) {
      for (int b = 0; b < 3; b++) {
        assertArrayEquals(new byte[(int) MIB], read(img, b * MIB, (int) MIB), "block " + b);
      }
      for (int b = 3; b < 8; b++) {
        assertArrayEquals(VhdxChainModel.stamp(0, b * MIB, (int) MIB), read(img, b * MIB, (int) MIB), "block " + b);
      }
      assertEquals(List.of(new Extent(0, 3 * MIB, 0, false, -1)), img.map(0, 3 * MIB),
          "zeros of the child itself, not the parent's data");
    }
  }

  // ---- partially present blocks, sector by sector, least significant bit first

  /** go-vhdx read partial blocks as fully present; dissect's case 0xf0f0 is 4 parent, 4 child, ... */
  @Test
  void x35_shouldSplitAPartialBlockAtSectorGranularity() throws IOException {
    VhdxChainModel base = fullBase();
    VhdxChainModel child = base.child(1).bitmapBytes(1, (byte) 0xf0, (byte) 0xf0);
    base.write(dir.resolve("parent.vhdx"));

    try (VhdxImage img = Vhdx.open(child.write(dir.resolve("child.vhdx")))) {
      long start = MIB;
      int[] owner = {0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0};
      for (int s = 0; s < owner.length; s++) {
        assertArrayEquals(VhdxChainModel.stamp(owner[s], start + s * 512L, 512), read(img, start + s * 512L, 512),
            "sector " + s);
      }
      assertArrayEquals(child.content(), readAll(img));
    }
  }

  /** runs that cross a byte of the bitmap, single sectors, and bit 0 meaning the first sector. */
  @Test
  void x35_shouldReadBitmapsLeastSignificantBitFirstAcrossBytes() throws IOException {
    VhdxChainModel base = fullBase();
    VhdxChainModel child = base.child(1)
        .bitmapBytes(2, (byte) 0x80, (byte) 0x01)          // sectors 7 and 8: one run over a byte boundary
        .bitmapBytes(3, (byte) 0x01)                       // sector 0 only, not sector 7
        .bitmapBytes(4, (byte) 0xaa, (byte) 0xaa)          // alternating sectors, odd ones here
        .bitmapBytes(5, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x7f); // sectors 0-30 in one run
    base.write(dir.resolve("parent.vhdx"));

    try (VhdxImage img = Vhdx.open(child.write(dir.resolve("child.vhdx")))) {
      byte[] all = readAll(img);
      assertArrayEquals(child.content(), all);
      assertArrayEquals(VhdxChainModel.stamp(0, 2 * MIB, 7 * 512), read(img, 2 * MIB, 7 * 512));
      assertArrayEquals(VhdxChainModel.stamp(1, 2 * MIB + 7 * 512, 1024), read(img, 2 * MIB + 7 * 512, 1024));
      assertArrayEquals(VhdxChainModel.stamp(1, 3 * MIB, 512), read(img, 3 * MIB, 512));
      assertArrayEquals(VhdxChainModel.stamp(0, 3 * MIB + 7 * 512, 512), read(img, 3 * MIB + 7 * 512, 512));
      for (int s = 0; s < 16; s++) {
        int owner = s % 2;
        assertArrayEquals(VhdxChainModel.stamp(owner, 4 * MIB + s * 512L, 512), read(img, 4 * MIB + s * 512L, 512),
            "alternating sector " + s);
      }
      assertArrayEquals(VhdxChainModel.stamp(1, 5 * MIB, 31 * 512), read(img, 5 * MIB, 31 * 512));
      assertArrayEquals(VhdxChainModel.stamp(0, 5 * MIB + 31 * 512, 512), read(img, 5 * MIB + 31 * 512, 512));
    }
  }

  // ---- parent reads at the virtual offset

  /**
   * DiscUtils read the parent at the child's file position. The child stores its blocks in
   * another order than the parent, so any such mix-up returns other words than the model's.
   */
  @Test
  void x41_shouldReadTheParentAtTheVirtualOffset() throws IOException {
    VhdxChainModel base = VhdxChainModel.base(8 * MIB, MIB, 512, 0).full(6).full(5).full(4).full(3);
    VhdxChainModel child = base.child(1).full(0).full(1).full(2).present(4, 3, 5).present(6, 0, 2040);
    base.write(dir.resolve("parent.vhdx"));

    try (VhdxImage img = Vhdx.open(child.write(dir.resolve("child.vhdx")))) {
      assertArrayEquals(child.content(), readAll(img));
      assertArrayEquals(VhdxChainModel.stamp(0, 3 * MIB + 100 * 8, 4096), read(img, 3 * MIB + 100 * 8, 4096));
      assertArrayEquals(VhdxChainModel.stamp(0, 6 * MIB + 2040 * 512, 8 * 512), read(img, 6 * MIB + 2040 * 512, 4096));
    }
  }

  // ---- identity

  @Test
  void x44_shouldRefuseAParentWhoseDataWriteGuidIsNotTheLinkage() throws IOException {
    VhdxChainModel base = fullBase();
    VhdxChainModel child = base.child(1).full(1);
    UUID linkage = base.dataWriteGuid();
    base.dataWriteGuid(UUID.fromString("11111111-2222-3333-4444-555555555555"));
    base.write(dir.resolve("parent.vhdx"));
    Path c = child.write(dir.resolve("child.vhdx"));

    ParentMismatchException e = assertThrows(ParentMismatchException.class, () -> Vhdx.open(c));
    assertEquals(linkage, e.getParentUuid());
    assertEquals(List.of(Outcome.UUID_MISMATCH), outcomes(e.getCandidates()));
    assertTrue(e.getMessage().contains("11111111-2222-3333-4444-555555555555"), e.getMessage());
    assertTrue(e.getMessage().contains(linkage.toString()), e.getMessage());
    assertThrows(ParentMismatchException.class, () -> Vhdx.open(c, OpenOptions.defaults().withLenient(true)),
        "a lenient open is no looser about identity");

    ValidationReport r = Vhdx.check(c);
    assertEquals(List.of(ProblemCode.VHDX_PARENT_LINKAGE), errors(r), r::toString);
    Problem p = r.problems(Severity.ERROR).get(0);
    assertEquals(c.toString(), p.resource());
    assertEquals("parent locator", p.structure());
    assertEquals(ParentLocatorLayout.PARENT_LINKAGE, p.field());
  }

  /** With verification off the linkage is not compared; the chain reads through the parent anyway. */
  @Test
  void x44_shouldAcceptAnyDataWriteGuidWhenVerificationIsOff() throws IOException {
    VhdxChainModel base = fullBase();
    VhdxChainModel child = base.child(1).full(1);
    base.dataWriteGuid(UUID.randomUUID());
    base.write(dir.resolve("parent.vhdx"));
    Path c = child.write(dir.resolve("child.vhdx"));

    try (VhdxImage img = Vhdx.open(c, OpenOptions.defaults().withVerifyParentUuid(false))) {
      assertArrayEquals(child.content(), readAll(img));
    }
    assertFalse(Vhdx.check(c, CheckOptions.defaults().withOpenOptions(OpenOptions.defaults()
        .withVerifyParentUuid(false))).hasErrors());
  }

  /** MS-VHDX 2.6.2.6.3: the parent may carry parent_linkage2 instead (a merge in progress). */
  @Test
  void x44_shouldAcceptAParentMatchingParentLinkage2() throws IOException {
    VhdxChainModel base = fullBase();
    VhdxChainModel child = base.child(1).full(1)
        .locator(ParentLocatorLayout.PARENT_LINKAGE, Guids.text(UUID.randomUUID()))
        .locator(ParentLocatorLayout.PARENT_LINKAGE2, Guids.text(base.dataWriteGuid()));
    base.write(dir.resolve("parent.vhdx"));

    try (VhdxImage img = Vhdx.open(child.write(dir.resolve("child.vhdx")))) {
      assertArrayEquals(child.content(), readAll(img));
    }
  }

  /** Windows 10 writes parent_linkage2 as the zero GUID: it matches nothing, not even a zero DataWriteGuid. */
  @Test
  void x44_shouldIgnoreAZeroParentLinkage2() throws IOException {
    VhdxChainModel base = fullBase();
    VhdxChainModel child = base.child(1).full(1)
        .locator(ParentLocatorLayout.PARENT_LINKAGE2, Guids.text(Guids.ZERO));
    base.write(dir.resolve("parent.vhdx"));
    Path c = child.write(dir.resolve("child.vhdx"));
    try (VhdxImage img = Vhdx.open(c)) {
      assertArrayEquals(child.content(), readAll(img), "the key is accepted");
    }

    base.dataWriteGuid(Guids.ZERO).write(dir.resolve("parent.vhdx"));
    ParentMismatchException e = assertThrows(ParentMismatchException.class, () -> Vhdx.open(c));
    assertEquals(List.of(Outcome.UUID_MISMATCH), outcomes(e.getCandidates()));
    assertFalse(e.getMessage().contains("parent_linkage2"), "a zero linkage2 is not offered: " + e.getMessage());
  }

  /** MS-VHDX 2.6.2.4: a child and its parent have the same logical sector size. */
  @Test
  void shouldRefuseAParentOfAnotherLogicalSectorSize() throws IOException {
    VhdxChainModel base = fullBase();
    VhdxChainModel child = base.child(1).full(1);
    base.builder.logicalSectorSize = 4096;
    base.write(dir.resolve("parent.vhdx"));
    Path c = child.write(dir.resolve("child.vhdx"));

    ParentMismatchException e = assertThrows(ParentMismatchException.class, () -> Vhdx.open(c));
    assertEquals(List.of(Outcome.SIZE_MISMATCH), outcomes(e.getCandidates()));
    assertTrue(e.getCandidates().get(0).detail().contains("4096"), e.getCandidates().get(0).detail());
    assertThrows(ParentMismatchException.class, () -> Vhdx.open(c, OpenOptions.defaults()
        .withVerifyParentUuid(false)), "not even without identity checks");
    assertEquals(List.of(ProblemCode.VHDX_PARENT_SECTOR_SIZE), errors(Vhdx.check(c)));
  }

  /** A VHDX child names a VHDX parent: a VHD of the right name is refused as a format mismatch. */
  @Test
  void shouldRefuseAParentThatIsAVhd() throws IOException {
    VhdxChainModel child = fullBase().child(1).full(1);
    TestImage.dynamic(8 * MIB, 2 * MIB).writeTo(dir.resolve("parent.vhdx"));
    Path c = child.write(dir.resolve("child.vhdx"));

    ParentNotFoundException e = assertThrows(ParentNotFoundException.class, () -> Vhdx.open(c));
    assertEquals(List.of(Outcome.INVALID), outcomes(e.getCandidates()));
    assertTrue(e.getCandidates().get(0).detail().contains("VHD image"), e.getCandidates().get(0).detail());
    ValidationReport r = Vhdx.check(c);
    assertEquals(List.of(ProblemCode.VHDX_PARENT_FORMAT), errors(r), r::toString);
  }

  /** A child that cannot name its parent: the check reports the locator, not a parent it cannot identify. */
  @Test
  void shouldReportAnUnusableLocatorOnlyOnce() throws IOException {
    VhdxChainModel base = fullBase();
    base.write(dir.resolve("parent.vhdx"));
    Path bad = base.child(1).locator(ParentLocatorLayout.PARENT_LINKAGE, "{not-a-guid}")
        .write(dir.resolve("bad.vhdx"));
    VhdxChainModel none = base.child(1);
    none.builder.writeLocator = false;
    Path missing = none.write(dir.resolve("none.vhdx"));

    ValidationReport r = Vhdx.check(bad);
    assertEquals(List.of(ProblemCode.VHDX_PARENT_LOCATOR), errors(r), r::toString);
    r = Vhdx.check(missing);
    assertEquals(List.of(ProblemCode.VHDX_PARENT_LOCATOR_PRESENCE), errors(r), r::toString);
    assertThrows(VhdFormatException.class, () -> Vhdx.open(bad));
    assertThrows(VhdFormatException.class, () -> Vhdx.open(missing));
  }

  // ---- missing parents

  /** dissect's test expects "Failed to open parent"; every path tried is named, nothing reads zeros. */
  @Test
  void x44_shouldNameEveryPathTriedAndNeverZeroFill() throws IOException {
    Path c = fullBase().child(1).full(1).relativePath(".\\gone.vhdx")
        .locator(ParentLocatorLayout.VOLUME_PATH, "\\\\?\\Volume{26a21bda-a627-11d7-9931-806e6f6e6963}\\v\\vol.vhdx")
        .locator(ParentLocatorLayout.ABSOLUTE_WIN32_PATH, "\\\\?\\D:\\vms\\abs.vhdx")
        .write(dir.resolve("child.vhdx"));

    for (OpenOptions o : List.of(OpenOptions.defaults(), OpenOptions.defaults().withLenient(true))) {
      ParentNotFoundException e = assertThrows(ParentNotFoundException.class, () -> Vhdx.open(c, o));
      assertEquals(ParentNotFoundException.class, e.getClass());
      List<Path> tried = List.of(dir.resolve("gone.vhdx"), dir.resolve("vol.vhdx"), dir.resolve("abs.vhdx"));
      assertEquals(tried, e.getCandidates().stream().map(ParentCandidate::path).toList());
      assertEquals(List.of("relative_path", "volume_path", "absolute_win32_path"),
          e.getCandidates().stream().map(ParentCandidate::source).toList());
      assertEquals(List.of(Outcome.MISSING, Outcome.MISSING, Outcome.MISSING), outcomes(e.getCandidates()));
      for (Path p : tried) {
        assertTrue(e.getMessage().contains(p.toString()), p + " not in " + e.getMessage());
      }
    }
    ValidationReport r = Vhdx.check(c);
    assertEquals(List.of(ProblemCode.PARENT_NOT_FOUND), errors(r), r::toString);
    assertTrue(r.problems(Severity.ERROR).get(0).message().contains(dir.resolve("abs.vhdx").toString()));
  }

  // ---- confinement

  /** Without parentDirectories only files directly beside the child are parents. */
  @Test
  void x44_shouldRefuseARelativePathIntoASubdirectory() throws IOException {
    VhdxChainModel base = fullBase();
    Files.createDirectories(dir.resolve("sub"));
    Path p = base.write(dir.resolve("sub/p.vhdx"));
    Path c = base.child(1).full(1).relativePath("sub\\p.vhdx").write(dir.resolve("child.vhdx"));

    ParentNotFoundException e = assertThrows(ParentNotFoundException.class, () -> Vhdx.open(c));
    assertEquals(List.of(Outcome.NOT_ALLOWED), outcomes(e.getCandidates()));
    assertEquals(p.toAbsolutePath().normalize(), e.getCandidates().get(0).path());
    try (VhdxImage img = Vhdx.open(c, OpenOptions.defaults().withParentDirectories(List.of(dir.resolve("sub"))))) {
      assertEquals(p.toAbsolutePath().normalize(), img.getParentResolution().path());
    }
  }

  /** "..\" escaping the child's directory is refused unless the target lies in parentDirectories. */
  @Test
  void x44_shouldRefuseARelativePathEscapingTheChildsDirectory() throws IOException {
    VhdxChainModel base = fullBase();
    Path vms = Files.createDirectories(dir.resolve("vms"));
    Path x = Files.createDirectories(dir.resolve("x"));
    base.write(x.resolve("p.vhdx"));
    VhdxChainModel child = base.child(1).full(1).relativePath("..\\x\\p.vhdx");
    Path c = child.write(vms.resolve("child.vhdx"));

    ParentNotFoundException e = assertThrows(ParentNotFoundException.class, () -> Vhdx.open(c));
    assertEquals(List.of(Outcome.NOT_ALLOWED), outcomes(e.getCandidates()));
    assertEquals(x.resolve("p.vhdx").toAbsolutePath().normalize(), e.getCandidates().get(0).path());
    assertEquals(List.of(ProblemCode.PARENT_NOT_FOUND), errors(Vhdx.check(c)));
    try (VhdxImage img = Vhdx.open(c, OpenOptions.defaults().withParentDirectories(List.of(x)))) {
      assertArrayEquals(child.content(), readAll(img));
    }
  }

  /** Confinement is judged on the real path: a link beside the child to a file elsewhere is refused. */
  @Test
  void x44_shouldRefuseASymbolicLinkOutOfTheChildsDirectory() throws IOException {
    VhdxChainModel base = fullBase();
    Path vms = Files.createDirectories(dir.resolve("vms"));
    Path elsewhere = base.write(Files.createDirectories(dir.resolve("elsewhere")).resolve("real.vhdx"));
    Files.createSymbolicLink(vms.resolve("parent.vhdx"), elsewhere);
    Path c = base.child(1).full(1).write(vms.resolve("child.vhdx"));

    ParentNotFoundException e = assertThrows(ParentNotFoundException.class, () -> Vhdx.open(c));
    assertEquals(List.of(Outcome.NOT_ALLOWED), outcomes(e.getCandidates()));
    assertTrue(e.getCandidates().get(0).detail().contains(elsewhere.toRealPath().toString()));
  }

  /** absolute paths are never followed as such, only their file names beside the child. */
  @Test
  void x44_shouldNotFollowAnAbsolutePath() throws IOException {
    VhdxChainModel base = fullBase();
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Path p = base.write(elsewhere.resolve("base.vhdx"));
    Path vms = Files.createDirectories(dir.resolve("vms"));
    Path c = base.child(1).full(1).relativePath(null)
        .locator(ParentLocatorLayout.ABSOLUTE_WIN32_PATH, p.toAbsolutePath().toString())
        .write(vms.resolve("child.vhdx"));

    ParentNotFoundException e = assertThrows(ParentNotFoundException.class, () -> Vhdx.open(c));
    assertEquals(List.of(vms.resolve("base.vhdx")), e.getCandidates().stream().map(ParentCandidate::path).toList());
  }

  // ---- cycles and depth

  @Test
  @Timeout(10)
  void x44_shouldRefuseAChildThatIsItsOwnParent() throws IOException {
    VhdxChainModel self = fullBase().child(1).full(1).relativePath(".\\self.vhdx");
    self.locator(ParentLocatorLayout.PARENT_LINKAGE, Guids.text(self.dataWriteGuid()));
    Path p = self.write(dir.resolve("self.vhdx"));

    ParentCycleException e = assertThrows(ParentCycleException.class, () -> Vhdx.open(p));
    assertEquals(List.of(Outcome.CYCLE), outcomes(e.getCandidates()));
    assertEquals(List.of(ProblemCode.PARENT_CYCLE), errors(Vhdx.check(p)));
  }

  @Test
  @Timeout(10)
  void x44_shouldRefuseATwoFileCycle() throws IOException {
    VhdxChainModel a = fullBase().child(1).full(1).relativePath(".\\b.vhdx");
    VhdxChainModel b = a.child(2).full(2).relativePath(".\\a.vhdx");
    a.locator(ParentLocatorLayout.PARENT_LINKAGE, Guids.text(b.dataWriteGuid()));
    Path pa = a.write(dir.resolve("a.vhdx"));
    Path pb = b.write(dir.resolve("b.vhdx"));

    ParentCycleException e = assertThrows(ParentCycleException.class, () -> Vhdx.open(pa));
    assertTrue(e.getCandidates().stream().anyMatch(c -> c.outcome() == Outcome.CYCLE && c.path().equals(pa)),
        e.getCandidates().toString());
    assertThrows(ParentCycleException.class, () -> Vhdx.open(pb));
    assertEquals(List.of(ProblemCode.PARENT_CYCLE), errors(Vhdx.check(pa)));
  }

  /** A copy of the child under another name closes the cycle by identity (the DataWriteGuid), not by path. */
  @Test
  @Timeout(10)
  void x44_shouldRefuseACycleThroughACopy() throws IOException {
    VhdxChainModel a = fullBase().child(1).full(1).relativePath(".\\b.vhdx");
    VhdxChainModel b = a.child(2).full(2).relativePath(".\\a-copy.vhdx");
    a.locator(ParentLocatorLayout.PARENT_LINKAGE, Guids.text(b.dataWriteGuid()));
    Path pa = a.write(dir.resolve("a.vhdx"));
    a.write(dir.resolve("a-copy.vhdx"));
    b.write(dir.resolve("b.vhdx"));

    ParentCycleException e = assertThrows(ParentCycleException.class, () -> Vhdx.open(pa));
    ParentCandidate last = e.getCandidates().get(e.getCandidates().size() - 1);
    assertEquals(Outcome.CYCLE, last.outcome());
    assertTrue(last.detail().contains(a.dataWriteGuid().toString()), last.detail());
  }

  /**
   * A chain of {@code levels} parents over a base that stores blocks 0 and 1: layer k (the base is
   * 0) stores sector k of block 0.
   */
  private static Path chain(Path in, int levels) throws IOException {
    Files.createDirectories(in);
    VhdxChainModel layer = VhdxChainModel.base(2 * MIB, MIB, 512, 0).full(0).full(1);
    layer.builder.logLength = 0;
    layer.write(in.resolve("l0.vhdx"));
    for (int k = 1; k <= levels; k++) {
      layer = layer.child(k).present(0, k, 1).relativePath("l" + (k - 1) + ".vhdx");
      layer.write(in.resolve("l" + k + ".vhdx"));
    }
    return in.resolve("l" + levels + ".vhdx");
  }

  @Test
  void x44_shouldRefuseAChainDeeperThanTheLimit() throws IOException {
    int limit = 5;
    Path ok = chain(dir.resolve("ok"), limit);
    Path deep = chain(dir.resolve("deep"), limit + 1);

    try (VhdxImage img = Vhdx.open(ok, OpenOptions.defaults().withMaxChainDepth(limit))) {
      assertEquals(limit + 1, img.getChain().size());
    }
    VhdLimitException e = assertThrows(VhdLimitException.class,
        () -> Vhdx.open(deep, OpenOptions.defaults().withMaxChainDepth(limit)));
    assertEquals(ProblemCode.CHAIN_DEPTH_LIMIT, e.getCode());
    ValidationReport r = Vhdx.check(deep, CheckOptions.defaults().withOpenOptions(OpenOptions.defaults()
        .withMaxChainDepth(limit)));
    assertEquals(List.of(ProblemCode.CHAIN_DEPTH_LIMIT), errors(r), r::toString);
  }

  /**
   * 7-Zip caps chains at 256 levels; with a raised limit a chain of 300 opens and reads, on a
   * small stack, so that nothing recurses per level.
   */
  @Test
  @Timeout(120)
  void x44_shouldOpenAndReadAChainOf300WithoutRecursion() throws Exception {
    int levels = 300;
    Path top = chain(dir, levels);
    OpenOptions options = OpenOptions.defaults().withMaxChainDepth(levels);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicReference<byte[]> block0 = new AtomicReference<>();
    Thread t = new Thread(null, () -> {
      try (VhdxImage img = Vhdx.open(top, options)) {
        assertEquals(levels + 1, img.getChain().size());
        block0.set(read(img, 0, (int) MIB));
        assertArrayEquals(VhdxChainModel.stamp(0, MIB, (int) MIB), read(img, MIB, (int) MIB));
        assertEquals(levels, img.map(MIB, MIB).get(0).depth());
      } catch (Throwable e) {
        failure.set(e);
      }
    }, "small-stack", 256 * 1024);
    t.start();
    t.join();
    if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
    for (int k = 0; k <= levels; k++) {
      byte[] sector = new byte[512];
      System.arraycopy(block0.get(), k * 512, sector, 0, 512);
      assertArrayEquals(VhdxChainModel.stamp(k, k * 512L, 512), sector, "sector " + k + " comes from layer " + k);
    }
    assertArrayEquals(VhdxChainModel.stamp(0, (levels + 1) * 512L, 512),
        Arrays.copyOfRange(block0.get(), (levels + 1) * 512, (levels + 2) * 512));
    assertThrows(VhdLimitException.class, () -> Vhdx.open(top),
        "the default limit is " + OpenOptions.DEFAULT_MAX_CHAIN_DEPTH);
  }
}
