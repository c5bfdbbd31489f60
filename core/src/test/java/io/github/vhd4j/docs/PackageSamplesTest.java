package io.github.vhd4j.docs;

import static io.github.vhd4j.testing.VhdAssertions.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.DiskFormat;
import io.github.vhd4j.DiskImage;
import io.github.vhd4j.DiskImages;
import io.github.vhd4j.DiskType;
import io.github.vhd4j.Durability;
import io.github.vhd4j.Extent;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ParentNotFoundException;
import io.github.vhd4j.ParentResolution;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.ProgressListener;
import io.github.vhd4j.RepairAction;
import io.github.vhd4j.Severity;
import io.github.vhd4j.SizeInfo;
import io.github.vhd4j.SizeMode;
import io.github.vhd4j.SizePolicy;
import io.github.vhd4j.StorageMode;
import io.github.vhd4j.UnsupportedFormatException;
import io.github.vhd4j.ValidationReport;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.testing.DocSamples;
import io.github.vhd4j.testing.ForeignImages;
import io.github.vhd4j.testing.TestImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every code sample of the {@code io.github.vhd4j} package overview (package-info.java) on
 * real files and checks what it computes. Each sample is copied verbatim between the lines that
 * prepare its files and the assertions; {@link #everySampleOfThePackageOverviewIsRunHere} fails
 * when the overview holds a sample that is not copied here.
 */
class PackageSamplesTest {
  private static final int KIB = 1024;
  private static final int MIB = 1024 * KIB;

  @TempDir Path dir;

  @Test
  void everySampleOfThePackageOverviewIsRunHere() throws IOException {
    DocSamples.assertSamplesTested(
        DocSamples.projectFile("core/src/main/java/io/github/vhd4j/package-info.java"),
        DocSamples.projectFile("core/src/test/java/io/github/vhd4j/docs/PackageSamplesTest.java"), 17);
  }

  @Test
  void theExtractionFindsCodeAndStripsCommentStars() throws IOException {
    Path source = Files.writeString(dir.resolve("Sample.java"), String.join("\n",
        "/**",
        " * Text.",
        " *",
        " * <pre>{@code",
        " * try (VhdImage image = Vhd.open(disk)) {",
        " *   int x = 2 * 3;",
        " * }",
        " * }</pre>",
        " */",
        "class Sample {}"));
    List<String> blocks = DocSamples.codeBlocks(source);
    assertEquals(1, blocks.size(), blocks::toString);
    assertEquals("try(VhdImageimage=Vhd.open(disk)){intx=2*3;}", DocSamples.squeeze(blocks.get(0)));
  }

  // ---- helpers: the files the samples work on ----------------------------------------------------

  private static byte[] random(int length, long seed) {
    byte[] b = new byte[length];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** A dynamic disk of {@code size} bytes (exact) holding {@code content} from offset 0. */
  private static Path dynamic(Path file, long size, long blockSize, byte[] content) throws IOException {
    try (VhdImage image = Vhd.create(file,
        CreateOptions.dynamic(size).withSizeMode(SizeMode.EXACT).withBlockSize(blockSize))) {
      image.write(0, ByteBuffer.wrap(content));
    }
    return file;
  }

  /** A dynamic disk with data whose header checksum (header offset 36) is wrong. */
  private Path damaged() throws IOException {
    Path file = dynamic(dir.resolve("damaged.vhd"), 4 * MIB, 2 * MIB, random(64 * KIB, 7));
    byte[] bytes = Files.readAllBytes(file);
    bytes[512 + 36 + 3] ^= 0x5A;
    return Files.write(file, bytes);
  }

  private static byte[] sha256(byte[] data) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(data);
  }

  // ---- any format ---------------------------------------------------------------------------------

  @Test
  void anyFormatSampleNamesAQcow2FileAndOpensAVhd() throws Exception {
    Path unknown = Files.write(dir.resolve("disk.qcow2"), ForeignImages.qcow2(4 * MIB));
    Path disk = dynamic(dir.resolve("disk.vhd"), 4 * MIB, 2 * MIB, random(64 * KIB, 3));

    DiskFormat format = DiskImages.probe(unknown).format();   // DiskFormat.QCOW2 for a QCOW2 file
    UnsupportedFormatException refused = null;
    try (DiskImage image = DiskImages.open(unknown, OpenOptions.defaults())) {
      image.readFully(0, ByteBuffer.allocate(Vhd.SECTOR_SIZE));
    } catch (UnsupportedFormatException e) {
      refused = e;   // getFormat(); the message names the format: "a QCOW2 image; vhd4j reads VHD and VHDX images (...)"
    }
    long size;
    boolean vhd;
    try (DiskImage image = DiskImages.open(disk, OpenOptions.defaults())) {
      size = image.getSize();
      vhd = image instanceof VhdImage;   // the format's own interface, with its structures
    }

    assertEquals(DiskFormat.QCOW2, format);
    assertNotNull(refused);
    assertEquals(DiskFormat.QCOW2, refused.getFormat());
    assertEquals("a QCOW2 image; vhd4j reads VHD and VHDX images (" + unknown + ")", refused.getMessage());
    assertEquals(4 * MIB, size);
    assertTrue(vhd);
  }

  // ---- the format in brief: differencing chains --------------------------------------------------

  @Test
  void chainSampleOpensTheParentFromAnAllowedDirectory() throws Exception {
    Path bases = Files.createDirectories(dir.resolve("bases"));
    Path vms = Files.createDirectories(dir.resolve("vms"));
    byte[] baseData = random(256 * KIB, 1);
    Path base = dynamic(bases.resolve("base.vhd"), 4 * MIB, 2 * MIB, baseData);
    Path child = vms.resolve("child.vhd");
    Vhd.create(child, CreateOptions.differencing(base)).close();
    // The parent lies outside the child's directory: without the option it is not opened.
    assertThrows(ParentNotFoundException.class, () -> Vhd.open(child).close());

    int depth;
    ParentResolution foundBy;
    try (VhdImage image = Vhd.open(child, OpenOptions.defaults().withParentDirectories(List.of(bases)))) {
      depth = image.getChain().size();            // 2: the child and its parent
      foundBy = image.getParentResolution();      // the parent's path and the locator that named it
    }

    assertEquals(2, depth);
    assertNotNull(foundBy);
    assertTrue(Files.isSameFile(base, foundBy.path()), foundBy::toString);
    assertTrue(foundBy.source().contains("locator"), foundBy::toString);
  }

  // ---- reading -----------------------------------------------------------------------------------

  @Test
  void openAndReadSampleReadsTheFirstSector() throws IOException {
    byte[] content = random(3 * KIB, 2);
    Path disk = dynamic(dir.resolve("disk.vhd"), 8 * MIB, 2 * MIB, content);

    ByteBuffer bootSector = ByteBuffer.allocate(Vhd.SECTOR_SIZE);
    DiskType type;
    long size;
    try (VhdImage image = Vhd.open(disk)) {
      type = image.getDiskType();
      size = image.getSize();
      image.readFully(0, bootSector);
    }

    assertEquals(DiskType.DYNAMIC, type);
    assertEquals(8 * MIB, size);
    assertArrayEquals(Arrays.copyOf(content, Vhd.SECTOR_SIZE), bootSector.array());
    assertFalse(bootSector.hasRemaining());
  }

  @Test
  void streamSampleDigestsTheWholeVirtualDisk() throws Exception {
    byte[] content = random(700 * KIB, 3);
    Path disk = dynamic(dir.resolve("disk.vhd"), 4 * MIB, 512 * KIB, content);

    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    try (VhdImage image = Vhd.open(disk);
        InputStream in = new DigestInputStream(image.newInputStream(), sha256)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    byte[] digest = sha256.digest();

    // The whole disk: the content, then zeros up to 4 MiB.
    assertArrayEquals(sha256(Arrays.copyOf(content, 4 * MIB)), digest);
  }

  @Test
  void mapSampleCountsTheStoredBytes() throws IOException {
    Path disk = dynamic(dir.resolve("disk.vhd"), 8 * MIB, 512 * KIB, new byte[0]);
    try (VhdImage image = Vhd.open(disk, OpenOptions.forWriting())) {
      image.write(100, ByteBuffer.wrap(random(1000, 4)));             // block 0
      image.write(5 * MIB + 1, ByteBuffer.wrap(random(600 * KIB, 5))); // blocks 10 and 11
    }

    long stored = 0;
    try (VhdImage image = Vhd.open(disk)) {
      for (Extent run : image.map()) {
        if (run.data()) {
          stored += run.length();   // held by chain level run.depth(), at run.fileOffset() in its file
        }
      }
    }

    // A dynamic disk stores whole blocks: three of 512 KiB.
    assertEquals(3 * 512 * KIB, stored);
  }

  // ---- validation --------------------------------------------------------------------------------

  @Test
  void strictAndLenientSampleRefusesThenAcceptsABadChecksum() throws IOException {
    Path damaged = damaged();

    VhdFormatException refused = null;
    try (VhdImage image = Vhd.open(damaged)) {
      image.readFully(0, ByteBuffer.allocate(Vhd.SECTOR_SIZE));
    } catch (VhdFormatException e) {
      refused = e;   // getCode(), getStructure(), getField(), getFileOffset(), getExpected(), getActual()
    }
    List<Problem> accepted;
    try (VhdImage image = Vhd.open(damaged, OpenOptions.defaults().withLenient(true))) {
      accepted = image.getWarnings();
    }

    assertNotNull(refused);
    assertEquals(ProblemCode.HEADER_CHECKSUM, refused.getCode());
    assertEquals("header", refused.getStructure());
    assertEquals("checksum", refused.getField());
    assertEquals(548, refused.getFileOffset());
    assertTrue(accepted.stream().anyMatch(
        p -> p.code() == ProblemCode.HEADER_CHECKSUM && p.severity() == Severity.ERROR), accepted::toString);
  }

  @Test
  void checkSampleReportsEveryError() throws IOException {
    Path damaged = damaged();

    ValidationReport report = Vhd.check(damaged, CheckOptions.defaults().withDeep(true));
    for (Problem problem : report.problems(Severity.ERROR)) {
      System.out.println(problem);   // error: header.checksum at offset 548 (0x224): expected ...
    }
    boolean valid = !report.hasErrors();

    assertFalse(valid);
    assertTrue(report.deep());
    assertTrue(report.contains(ProblemCode.HEADER_CHECKSUM));
    assertTrue(report.problems(Severity.ERROR).get(0).toString()
        .startsWith("error: header.checksum at offset 548 (0x224): expected "), report.problems()::toString);
  }

  // ---- size policy -------------------------------------------------------------------------------

  @Test
  void sizePolicySampleTakesTheCurrentSize() throws IOException {
    // A QEMU-made image whose geometry addresses less than its current size.
    TestImage t = TestImage.dynamic(10_000_000L / 512 * 512, 2 * MIB);
    t.creatorApp = "qemu";
    Path disk = t.writeTo(dir.resolve("disk.vhd"));
    long chs = t.cylinders * t.heads * t.sectorsPerTrack * 512L;
    assertTrue(chs < t.currentSize, "the test needs a geometry smaller than the current size");
    try (VhdImage image = Vhd.open(disk)) {
      assertEquals(chs, image.getSize(), "QEMU's rule reads a qemu image by its geometry");
    }

    SizeInfo sizes;
    try (VhdImage image = Vhd.open(disk, OpenOptions.defaults().withSizePolicy(SizePolicy.CURRENT_SIZE))) {
      sizes = image.getSizeInfo();
    }
    long fromGeometry = sizes.chsSize();   // what Virtual PC would read
    long used = sizes.virtualSize();       // here the current size, sizes.currentSize()

    assertEquals(chs, fromGeometry);
    assertEquals(t.currentSize, used);
    assertEquals(t.currentSize, sizes.currentSize());
    assertEquals(SizePolicy.CURRENT_SIZE, sizes.policy());
  }

  // ---- creating and writing ----------------------------------------------------------------------

  @Test
  void createSampleMakesFixedDynamicAndDifferencingDisks() throws IOException {
    Path fixed = dir.resolve("fixed.vhd");
    Path base = dir.resolve("base.vhd");
    Path child = dir.resolve("child.vhd");
    byte[] bootCode = random(Vhd.SECTOR_SIZE, 6);

    Vhd.create(fixed, CreateOptions.fixed(64L << 20)).close();
    Vhd.create(base, CreateOptions.dynamic(8L << 30).withBlockSize(512 << 10)).close();
    try (VhdImage overlay = Vhd.create(child, CreateOptions.differencing(base))) {
      overlay.write(0, ByteBuffer.wrap(bootCode));   // stored in the child; base is not touched
    }

    try (VhdImage image = Vhd.open(fixed)) {
      assertEquals(DiskType.FIXED, image.getDiskType());
      // CHS rounding: at least the requested size, and geometry and current size agree.
      assertTrue(image.getSize() >= 64L << 20, () -> "size " + image.getSize());
      assertEquals(image.getSizeInfo().chsSize(), image.getSizeInfo().currentSize());
    }
    try (VhdImage image = Vhd.open(base)) {
      assertEquals(DiskType.DYNAMIC, image.getDiskType());
      assertEquals(512 * KIB, image.getBlockSize());
      assertTrue(image.getSize() >= 8L << 30);
      assertArrayEquals(new byte[Vhd.SECTOR_SIZE], readAt(image, 0, Vhd.SECTOR_SIZE));
    }
    try (VhdImage image = Vhd.open(child)) {
      assertEquals(DiskType.DIFFERENCING, image.getDiskType());
      assertEquals(2, image.getChain().size());
      assertArrayEquals(bootCode, readAt(image, 0, Vhd.SECTOR_SIZE));
    }
  }

  private static byte[] readAt(VhdImage image, long position, int length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length);
    image.readFully(position, b);
    return b.array();
  }

  @Test
  void writeSampleStoresDataInAnExistingImage() throws IOException {
    Path disk = dynamic(dir.resolve("disk.vhd"), 4 * MIB, 2 * MIB, new byte[0]);
    byte[] data = random(10_000, 8);

    try (VhdImage image = Vhd.open(disk, OpenOptions.forWriting())) {
      image.write(1 << 20, ByteBuffer.wrap(data));
      image.flush();   // forces the data too, not only the new block's metadata
    }

    try (VhdImage image = Vhd.open(disk)) {
      byte[] all = readAll(image);
      byte[] expected = new byte[4 * MIB];
      System.arraycopy(data, 0, expected, 1 << 20, data.length);
      assertArrayEquals(expected, all);
    }
    assertFalse(Vhd.check(disk).hasErrors());
  }

  // ---- converting --------------------------------------------------------------------------------

  @Test
  void convertSampleMakesVhdsFromRawAndFromAChain() throws IOException {
    byte[] rawData = random(3 * MIB + 4096, 9);
    Arrays.fill(rawData, MIB, 2 * MIB, (byte) 0);
    Path raw = Files.write(dir.resolve("disk.raw"), rawData);
    Path disk = dir.resolve("disk.vhd");
    Path base = dynamic(dir.resolve("base.vhd"), 4 * MIB, 2 * MIB, random(100 * KIB, 10));
    Path child = dir.resolve("child.vhd");
    byte[] patch = random(5000, 11);
    try (VhdImage overlay = Vhd.create(child, CreateOptions.differencing(base))) {
      overlay.write(50 * KIB, ByteBuffer.wrap(patch));
    }
    byte[] chainContent;
    try (VhdImage chain = Vhd.open(child)) {
      chainContent = readAll(chain);
    }
    Path flat = dir.resolve("flat.vhd");

    Vhd.convertRaw(raw, disk, CreateOptions.dynamic(0), ProgressListener.none());
    try (VhdImage chain = Vhd.open(child)) {
      Vhd.convert(chain, flat, CreateOptions.fixed(0).withSizeMode(SizeMode.EXACT),
          (done, total) -> System.out.println(done + " of " + total + " bytes"));
    }

    try (VhdImage image = Vhd.open(disk)) {
      assertEquals(DiskType.DYNAMIC, image.getDiskType());
      byte[] got = readAll(image);
      assertTrue(got.length >= rawData.length);
      assertArrayEquals(rawData, Arrays.copyOf(got, rawData.length));
      assertArrayEquals(new byte[got.length - rawData.length], Arrays.copyOfRange(got, rawData.length, got.length));
    }
    try (VhdImage image = Vhd.open(flat)) {
      assertEquals(DiskType.FIXED, image.getDiskType());
      assertEquals(4 * MIB, image.getSize());
      assertArrayEquals(chainContent, readAll(image));
    }
  }

  @Test
  void convertToRawSampleWritesTheGuestBytes() throws IOException {
    byte[] content = random(MIB + 77, 12);
    Path disk = dynamic(dir.resolve("disk.vhd"), 3 * MIB, 512 * KIB, content);
    Path raw = dir.resolve("disk.raw");

    try (DiskImage image = DiskImages.open(disk)) {
      DiskImages.convertToRaw(image, raw, Durability.SYNC_ALLOCATIONS, ProgressListener.none());
    }

    assertArrayEquals(Arrays.copyOf(content, 3 * MIB), Files.readAllBytes(raw));
  }

  // ---- maintenance -------------------------------------------------------------------------------

  @Test
  void commitSampleWritesTheChildIntoItsParent() throws IOException {
    byte[] baseData = random(300 * KIB, 13);
    Path base = dynamic(dir.resolve("base.vhd"), 4 * MIB, 2 * MIB, baseData);
    Path child = dir.resolve("child.vhd");
    byte[] patch = random(8 * KIB, 14);
    try (VhdImage overlay = Vhd.create(child, CreateOptions.differencing(base))) {
      overlay.write(3 * MIB, ByteBuffer.wrap(patch));
    }

    Path parent = Vhd.commit(child, OpenOptions.defaults(), ProgressListener.none());

    assertTrue(Files.isSameFile(base, parent), parent::toString);
    byte[] expected = Arrays.copyOf(baseData, 4 * MIB);
    System.arraycopy(patch, 0, expected, 3 * MIB, patch.length);
    try (VhdImage image = Vhd.open(base)) {
      assertEquals(DiskType.DYNAMIC, image.getDiskType());
      assertArrayEquals(expected, readAll(image));
    }
  }

  @Test
  void resizeSampleGrowsTheDisk() throws IOException {
    byte[] content = random(100 * KIB, 15);
    Path disk = dynamic(dir.resolve("disk.vhd"), 4 * MIB, 2 * MIB, content);

    long newSize = Vhd.resize(disk, 16L << 30, SizeMode.EXACT);

    assertEquals(16L << 30, newSize);
    try (VhdImage image = Vhd.open(disk)) {
      assertEquals(16L << 30, image.getSize());
      assertArrayEquals(content, readAt(image, 0, content.length));
      assertArrayEquals(new byte[4096], readAt(image, (16L << 30) - 4096, 4096));
    }
    assertFalse(Vhd.check(disk).hasErrors());
  }

  @Test
  void compactSampleDropsAllZeroBlocks() throws IOException {
    byte[] content = random(4 * MIB, 16);
    Path disk = dynamic(dir.resolve("disk.vhd"), 4 * MIB, 2 * MIB, content);
    try (VhdImage image = Vhd.open(disk, OpenOptions.forWriting())) {
      image.write(0, ByteBuffer.wrap(new byte[2 * MIB]));   // block 0 now holds only zeros
    }
    long before = Files.size(disk);

    long freed = Vhd.compact(disk, ProgressListener.none());   // bytes the file shrank by

    assertEquals(before - Files.size(disk), freed);
    assertTrue(freed >= 2 * MIB, "freed " + freed);
    byte[] expected = content.clone();
    Arrays.fill(expected, 0, 2 * MIB, (byte) 0);
    try (VhdImage image = Vhd.open(disk)) {
      assertArrayEquals(expected, readAll(image));
      assertEquals(2 * MIB, image.map().stream().filter(Extent::data).mapToLong(Extent::length).sum());
    }
  }

  @Test
  void repairSampleFixesTheChecksum() throws IOException {
    Path damaged = damaged();
    byte[] before = Files.readAllBytes(damaged);

    List<RepairAction> planned = Vhd.planRepair(damaged);   // dry run
    List<RepairAction> made = Vhd.repair(damaged);

    assertFalse(planned.isEmpty());
    assertEquals(planned, made);
    assertTrue(planned.stream().anyMatch(a -> a.structure().equals("header")), planned::toString);
    assertFalse(Arrays.equals(before, Files.readAllBytes(damaged)));
    assertFalse(Vhd.check(damaged).hasErrors());
    try (VhdImage image = Vhd.open(damaged)) {
      assertArrayEquals(random(64 * KIB, 7), readAt(image, 0, 64 * KIB));
    }
  }

  // ---- storage -----------------------------------------------------------------------------------

  @Test
  void mappedStorageSampleReadsWithOrWithoutTheMmapModule() throws IOException {
    byte[] content = random(Vhd.SECTOR_SIZE, 17);
    Path disk = dynamic(dir.resolve("disk.vhd"), 4 * MIB, 2 * MIB, content);

    ByteBuffer bootSector = ByteBuffer.allocate(Vhd.SECTOR_SIZE);
    boolean fellBack;
    try (VhdImage image = Vhd.open(disk, OpenOptions.defaults().withStorage(StorageMode.MAPPED))) {
      image.readFully(0, bootSector);
      fellBack = image.getWarnings().stream().anyMatch(p -> p.code() == ProblemCode.STORAGE_FALLBACK);
    }

    assertArrayEquals(content, bootSector.array());
    // Core's own test run has no vhd4j-mmap; the mmap module runs this suite again with it.
    assertEquals(!mmapPresent(), fellBack);
  }

  private static boolean mmapPresent() {
    try {
      Class.forName("io.github.vhd4j.mmap.MappedStorage");
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
