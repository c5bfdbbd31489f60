package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.DiskType;
import io.github.vhd4j.Extent;
import io.github.vhd4j.Geometry;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.testing.TestImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code vhd create}: every option checked on the image it makes (reopened with {@link Vhd#open}),
 * and every refusal checked to leave no file behind and an existing one untouched.
 */
class CreateCommandTest {
  private static final long MIB = Images.MIB;
  private static final long GIB = 1L << 30;
  /** 64 MiB rounded up to the next CHS geometry (qemu-img create -f vpc prints the same). */
  private static final long CHS_64M = 67125248L;

  @TempDir
  Path dir;

  private Set<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }

  /** A parent with content in two blocks, so that reads through a child can be told from zeros. */
  private static TestImage base() {
    return TestImage.dynamic(8 * MIB, 2 * MIB).fill(0, 4096, 0x11).random(5 * MIB + 512, 8192, 3);
  }

  private static byte[] content(VhdImage img) throws IOException {
    try (var in = img.newInputStream()) {
      return in.readAllBytes();
    }
  }


  // --- what each option makes ---

  /** Without -t the disk is dynamic, in 2 MiB blocks, with nothing allocated. */
  @ParameterizedTest
  @ValueSource(strings = {"disk.vhdx", "Disk.VHDX", "checkpoint.avhdx"})
  void shouldRefuseToWriteAVhdUnderAVhdxName(String name) throws Exception {
    Path out = dir.resolve(name);
    Path raw = Files.write(dir.resolve("in.raw"), new byte[4096]);
    String why = "is named as a VHDX, but vhd writes VHD images only (Hyper-V takes the format from the name"
        + " and would refuse this file); name it .vhd";

    Cli.Result create = Cli.run("create", "--size", "1G", out.toString());
    Cli.Result convert = Cli.run("convert", "-O", "dynamic", raw.toString(), out.toString());
    Cli.Result fixed = Cli.run("convert", "--azure", raw.toString(), out.toString());

    create.assertFailed(out, why);
    convert.assertFailed(out, why);
    fixed.assertFailed(out, why);
    assertEquals(Set.of("in.raw"), names(), "nothing made, no temporary file left");
    Cli.Result asRaw = Cli.run("convert", "-O", "raw", raw.toString(), out.toString());
    assertEquals(0, asRaw.code(), asRaw.err() + ": raw bytes are no VHD, whatever the name");
  }

  @Test
  void shouldCreateDynamicDiskByDefault() throws Exception {
    Path out = dir.resolve("disk.vhd");

    Cli.Result r = Cli.run("create", "--size", "1G", out.toString());

    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err());
    assertEquals(List.of("created " + out + ": dynamic, virtual size 1 GiB (1073995776 bytes), block size 2 MiB"
        + " (2097152 bytes)"),
        r.outLines());
    try (VhdImage img = Vhd.open(out)) {
      assertEquals(DiskType.DYNAMIC, img.getDiskType());
      assertEquals(1073995776L, img.getSize());
      assertEquals(2 * MIB, img.getBlockSize());
      assertEquals(1073995776L, img.getFooter().geometry().capacity());
      assertEquals(List.of(new Extent(0, img.getSize(), 0, false, -1)), img.map());
    }
    // Footer copy, header, a 2 KiB table for 513 blocks, footer: no block is allocated.
    assertTrue(Files.size(out) < 8192, "file length " + Files.size(out));
  }

  /** CHS mode, the default, makes current size and geometry agree, as qemu-img does. */
  @ParameterizedTest
  @CsvSource({"fixed, FIXED", "dynamic, DYNAMIC"})
  void shouldRoundSizeUpToChsGeometryByDefault(String type, DiskType expected) throws Exception {
    Path out = dir.resolve(type + ".vhd");

    Cli.Result r = Cli.run("create", "-t", type, "--size", "64M", out.toString());
    Path explicit = dir.resolve(type + "-chs.vhd");
    Cli.Result rChs = Cli.run("create", "-t", type, "--size", "64M", "--size-mode", "chs", explicit.toString());

    assertEquals(0, r.code(), r.err());
    assertEquals(0, rChs.code(), rChs.err());
    for (Path p : List.of(out, explicit)) {
      try (VhdImage img = Vhd.open(p)) {
        assertEquals(expected, img.getDiskType());
        assertEquals(CHS_64M, img.getSize());
        assertEquals(CHS_64M, img.getSizeInfo().currentSize());
        Geometry g = img.getFooter().geometry();
        assertEquals(CHS_64M, g.capacity(), g.toString());
        assertFalse(g.isMaximum());
      }
    }
    assertTrue(r.out().startsWith("created " + out + ": " + type + ", virtual size 64 MiB (67125248 bytes)"),
        r.out());
  }

  /** Exact mode keeps the requested size, which Hyper-V and Azure need. */
  @ParameterizedTest
  @CsvSource({"fixed, FIXED", "dynamic, DYNAMIC"})
  void shouldKeepExactSizeInExactMode(String type, DiskType expected) throws Exception {
    Path out = dir.resolve(type + ".vhd");

    Cli.Result r = Cli.run("create", "-t", type, "--size", "64M", "--size-mode", "exact", out.toString());

    assertEquals(0, r.code(), r.err());
    try (VhdImage img = Vhd.open(out)) {
      assertEquals(expected, img.getDiskType());
      assertEquals(64 * MIB, img.getSize());
      assertEquals(64 * MIB, img.getSizeInfo().currentSize());
      Geometry g = img.getFooter().geometry();
      // Either a geometry that addresses exactly the size, or the maximum, which says "use current size".
      assertTrue(g.capacity() == 64 * MIB || g.isMaximum(), g.toString());
    }
  }

  /** A fixed disk is its data followed by the footer; it reads as zeros. */
  @Test
  void shouldCreateFixedDiskWithDataBeforeFooterAndNoBlockSize() throws Exception {
    Path out = dir.resolve("fixed.vhd");

    Cli.Result r = Cli.run("create", "-t", "fixed", "--size", "64M", out.toString());

    assertEquals(0, r.code(), r.err());
    assertEquals(List.of("created " + out + ": fixed, virtual size 64 MiB (67125248 bytes)"), r.outLines());
    assertEquals(CHS_64M + 512, Files.size(out));
    try (VhdImage img = Vhd.open(out)) {
      assertEquals(DiskType.FIXED, img.getDiskType());
      assertEquals(0, img.getBlockSize());
      assertEquals(List.of(new Extent(0, CHS_64M, 0, true, 0)), img.map());
      ByteBuffer b = ByteBuffer.allocate(4096);
      img.readFully(CHS_64M - 4096, b);
      assertArrayEquals(new byte[4096], b.array());
    }
  }

  /** CHS mode accepts a size that is no whole number of sectors and rounds it up. */
  @Test
  void shouldRoundOddSizeUpInChsMode() throws Exception {
    Path out = dir.resolve("odd.vhd");

    Cli.Result r = Cli.run("create", "--size", "1000", out.toString());

    assertEquals(0, r.code(), r.err());
    try (VhdImage img = Vhd.open(out)) {
      assertTrue(img.getSize() >= 1000, "size " + img.getSize());
      assertEquals(0, img.getSize() % 512);
      assertEquals(img.getSize(), img.getFooter().geometry().capacity());
    }
  }

  /** Every legal block size is written to the header and shown in the result line. */
  @ParameterizedTest
  @CsvSource({"512, 512 B", "4K, 4 KiB", "512K, 512 KiB", "1M, 1 MiB", "256M, 256 MiB"})
  void shouldUseRequestedBlockSize(String option, String shown) throws Exception {
    Path out = dir.resolve("blocks.vhd");

    Cli.Result r = Cli.run("create", "--size", "64M", "--block-size", option, out.toString());

    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().endsWith(", block size " + shown + " (" + Sizes.parse(option) + " bytes)\n"), r.out());
    try (VhdImage img = Vhd.open(out)) {
      assertEquals(Sizes.parse(option), img.getBlockSize());
      assertEquals(CHS_64M, img.getSize());
    }
    assertEquals(0, Cli.run("check", out.toString()).code());
  }

  /** --aligned is visible only once a block is allocated: where its data lands in the file. */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void shouldPlaceBlockDataOn4KiBBoundaryOnlyWhenAligned(boolean aligned) throws Exception {
    Path out = dir.resolve("a.vhd");
    List<String> args = new java.util.ArrayList<>(List.of("create", "--size", "64M"));
    if (aligned) {
      args.add("--aligned");
    }
    args.add(out.toString());

    Cli.Result r = Cli.run(args.toArray(String[]::new));

    assertEquals(0, r.code(), r.err());
    assertEquals(aligned, r.out().endsWith(", 4 KiB-aligned\n"), r.out());
    long offset = firstBlockOffsetAfterWrite(out);
    if (aligned) {
      assertEquals(0, offset % 4096, "data offset " + offset);
    } else {
      // QEMU's layout: 512 footer copy + 1024 header + 512 table + 512 bitmap.
      assertEquals(2560, offset);
    }
  }

  /** The aligned layout also holds with parent locators between the table and the first block. */
  @Test
  void shouldAlignDifferencingDiskToo() throws Exception {
    Path base = base().writeTo(dir.resolve("base.vhd"));
    Path out = dir.resolve("child.vhd");

    Cli.Result r = Cli.run("create", "-t", "differencing", "--parent", base.toString(), "--aligned",
        out.toString());

    assertEquals(0, r.code(), r.err());
    long offset = firstBlockOffsetAfterWrite(out);
    assertEquals(0, offset % 4096, "data offset " + offset);
  }

  /** Writes a sector to block 0 and returns where its data landed in the file. */
  private static long firstBlockOffsetAfterWrite(Path image) throws IOException {
    try (VhdImage img = Vhd.open(image, OpenOptions.forWriting())) {
      img.write(0, ByteBuffer.wrap(new byte[512]).put(0, (byte) 0x42));
    }
    try (VhdImage img = Vhd.open(image)) {
      Extent first = img.map().get(0);
      assertTrue(first.data(), first.toString());
      assertEquals(0, first.depth());
      return first.fileOffset();
    }
  }

  /** A differencing disk records its parent, takes its size and reads through to it. */
  @Test
  void shouldCreateDifferencingDiskOverParentWithParentsSize() throws Exception {
    TestImage t = base();
    Path base = t.writeTo(dir.resolve("base.vhd"));
    Path out = dir.resolve("child.vhd");

    Cli.Result r = Cli.run("create", "-t", "differencing", "--parent", base.toString(), out.toString());

    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err());
    assertEquals(List.of("created " + out + ": differencing, virtual size 8 MiB (8388608 bytes), block size 2 MiB"
        + " (2097152 bytes), parent " + base), r.outLines());
    try (VhdImage img = Vhd.open(out)) {
      assertEquals(DiskType.DIFFERENCING, img.getDiskType());
      assertEquals(8 * MIB, img.getSize());
      assertEquals(2 * MIB, img.getBlockSize());
      VhdImage parent = img.getParent();
      assertNotNull(parent);
      assertTrue(Files.isSameFile(base, parent.getPath()), String.valueOf(parent.getPath()));
      assertEquals(t.uuid, parent.getFooter().uniqueId());
      assertEquals(t.uuid, img.getDynamicHeader().parentUuid());
      assertEquals("base.vhd", img.getDynamicHeader().parentName());
      assertNotNull(img.getParentResolution());
      assertEquals(2, img.getChain().size());
      // Nothing is allocated in the child: every byte comes from the parent.
      assertArrayEquals(t.expectedContent(), content(img));
    }
  }

  /** --size and --block-size override what a differencing disk would take from its parent. */
  @Test
  void shouldCreateDifferencingDiskWithOwnSizeAndBlockSize() throws Exception {
    TestImage t = base();
    Path base = t.writeTo(dir.resolve("base.vhd"));
    Path out = dir.resolve("child.vhd");

    Cli.Result r = Cli.run("create", "-t", "differencing", "--parent", base.toString(), "--size", "4M",
        "--block-size", "512K", "--size-mode", "exact", out.toString());

    assertEquals(0, r.code(), r.err());
    try (VhdImage img = Vhd.open(out)) {
      assertEquals(4 * MIB, img.getSize());
      assertEquals(512 * 1024, img.getBlockSize());
      assertArrayEquals(Arrays.copyOf(t.expectedContent(), (int) (4 * MIB)), content(img));
    }
  }

  /** A differencing disk over another one makes a three-level chain whose top reads both. */
  @Test
  void shouldChainDifferencingDisksMadeByCreate() throws Exception {
    TestImage t = base();
    Path base = t.writeTo(dir.resolve("base.vhd"));
    Path child = dir.resolve("child.vhd");
    Path grandchild = dir.resolve("grandchild.vhd");

    Cli.Result r1 = Cli.run("create", "-t", "differencing", "--parent", base.toString(), child.toString());
    try (VhdImage img = Vhd.open(child, OpenOptions.forWriting())) {
      img.write(MIB, ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
    }
    Cli.Result r2 = Cli.run("create", "-t", "differencing", "--parent", child.toString(), grandchild.toString());

    assertEquals(0, r1.code(), r1.err());
    assertEquals(0, r2.code(), r2.err());
    byte[] expected = t.expectedContent();
    System.arraycopy(new byte[] {1, 2, 3, 4}, 0, expected, (int) MIB, 4);
    try (VhdImage img = Vhd.open(grandchild)) {
      assertEquals(3, img.getChain().size());
      assertTrue(Files.isSameFile(child, img.getParent().getPath()));
      assertArrayEquals(expected, content(img));
    }
  }

  /** --size-policy decides which of the parent's sizes a differencing disk takes. */
  @Test
  void shouldTakeParentSizeUnderSizePolicy() throws Exception {
    // Creator "qemu": the default policy (auto) takes the CHS size, 240/4/17 = 8355840 bytes, and
    // --size-policy current the current size; the child's default size follows what was chosen.
    TestImage t = TestImage.fixed(8 * MIB);
    t.creatorApp = "qemu";
    Path base = t.writeTo(dir.resolve("base.vhd"));
    Path auto = dir.resolve("auto.vhd");
    Path current = dir.resolve("current.vhd");

    Cli.Result r1 = Cli.run("create", "-t", "differencing", "--parent", base.toString(), auto.toString());
    Cli.Result r2 = Cli.run("create", "-t", "differencing", "--parent", base.toString(), "--size-policy", "current",
        current.toString());

    assertEquals(0, r1.code(), r1.err());
    assertEquals(0, r2.code(), r2.err());
    try (VhdImage a = Vhd.open(auto); VhdImage c = Vhd.open(current)) {
      assertEquals(8355840L, a.getSizeInfo().currentSize());
      assertEquals(8 * MIB, c.getSizeInfo().currentSize());
    }
  }

  /** A damaged parent is refused unless --lenient accepts it. */
  @Test
  void shouldCreateOverDamagedParentOnlyWhenLenient() throws Exception {
    TestImage t = TestImage.fixed(MIB).fill(0, 512, 0x77);
    t.footerChecksum = 0x1234L;
    Path base = t.writeTo(dir.resolve("base.vhd"));
    Path strict = dir.resolve("strict.vhd");
    Path lenient = dir.resolve("lenient.vhd");

    Cli.Result r1 = Cli.run("create", "-t", "differencing", "--parent", base.toString(), strict.toString());
    Cli.Result r2 = Cli.run("create", "-t", "differencing", "--parent", base.toString(), "--lenient",
        lenient.toString());

    assertEquals(2, r1.code());
    assertEquals(1, r1.errLines().size(), r1.err());
    // The problem is in the parent, so the line names it.
    assertTrue(r1.err().startsWith("vhd: " + strict + ": footer.checksum at offset " + (MIB + 64)), r1.err());
    assertTrue(r1.err().contains("(" + base + ")"), r1.err());
    assertFalse(Files.exists(strict));
    assertEquals(0, r2.code(), r2.err());
    try (VhdImage img = Vhd.open(lenient, OpenOptions.defaults().withLenient(true))) {
      assertEquals(DiskType.DIFFERENCING, img.getDiskType());
      assertArrayEquals(t.expectedContent(), content(img));
    }
  }

  /** --storage applies to reading the parent and does not change what is made. */
  @Test
  void shouldAcceptStorageOption() throws Exception {
    Path base = base().writeTo(dir.resolve("base.vhd"));
    Path out = dir.resolve("child.vhd");

    Cli.Result r = Cli.run("create", "--storage", "filechannel", "-t", "differencing", "--parent", base.toString(),
        out.toString());

    assertEquals(0, r.code(), r.err());
    try (VhdImage img = Vhd.open(out)) {
      assertEquals(DiskType.DIFFERENCING, img.getDiskType());
    }
  }

  /** --azure makes a fixed disk of exactly the size, with or without the options it implies. */
  @ParameterizedTest
  @ValueSource(strings = {"--azure", "-t fixed --azure", "--azure --size-mode exact"})
  void shouldCreateAzureDiskFixedWithExactSize(String options) throws Exception {
    Path out = dir.resolve("azure.vhd");
    List<String> args = new java.util.ArrayList<>(List.of("create", "--size", "20M"));
    args.addAll(List.of(options.split(" ")));
    args.add(out.toString());

    Cli.Result r = Cli.run(args.toArray(String[]::new));

    assertEquals(0, r.code(), r.err());
    assertEquals(List.of("created " + out + ": fixed, virtual size 20 MiB (20971520 bytes), for Azure"),
        r.outLines());
    assertEquals(20 * MIB + 512, Files.size(out));
    try (VhdImage img = Vhd.open(out)) {
      assertEquals(DiskType.FIXED, img.getDiskType());
      assertEquals(20 * MIB, img.getSize());
      assertEquals(20 * MIB, img.getSizeInfo().currentSize());
      Geometry g = img.getFooter().geometry();
      assertTrue(g.capacity() == 20 * MIB || g.isMaximum(), g.toString());
    }
  }

  // --- info and check accept what create makes ---

  /** Whatever create makes, info opens and a deep check finds no error or warning in. */
  @ParameterizedTest
  @ValueSource(strings = {"-t fixed --size 64M", "-t dynamic --size 64M", "-t dynamic --size 64M --aligned",
      "--size 64M --size-mode exact --block-size 512K", "--azure --size 20M", "-t differencing",
      "-t differencing --aligned --block-size 1M"})
  void shouldCreateImagesThatInfoAndCheckAccept(String options) throws Exception {
    Path base = base().writeTo(dir.resolve("base.vhd"));
    Path out = dir.resolve("new.vhd");
    List<String> args = new java.util.ArrayList<>(List.of("create"));
    args.addAll(List.of(options.split(" ")));
    if (options.contains("differencing")) {
      args.addAll(List.of("--parent", base.toString()));
    }
    args.add(out.toString());

    Cli.Result created = Cli.run(args.toArray(String[]::new));
    Cli.Result info = Cli.run("info", out.toString());
    Cli.Result check = Cli.run("check", "--deep", out.toString());

    assertEquals(0, created.code(), created.err());
    assertEquals(0, info.code(), info.err());
    assertEquals("", info.err());
    assertTrue(info.outLines().contains("creator: 'vhdj' 0.1 on 'Wi2k'")
        || info.outLines().contains("creator: 'vhdj' 0.1 on 'Mac '"), info.out());
    assertEquals(0, check.code(), check.out() + check.err());
    // Notes (severity info) are allowed: the test parent's geometry, a block size other than 512 KiB
    // or 2 MiB. Errors and warnings are not.
    List<String> lines = check.outLines();
    assertEquals("No errors were found on the image.", lines.get(lines.size() - 1));
    assertTrue(lines.stream().noneMatch(l -> l.startsWith("error") || l.startsWith("warning")), check.out());
    if (options.contains("differencing")) {
      assertTrue(info.outLines().contains("backing file: " + base + " (found by W2ru locator[0])"), info.out());
    }
  }

  // --- refusals ---

  /** An existing OUT is never written, not even its time stamp. */
  @Test
  void shouldRefuseExistingOutputAndLeaveItUnchanged() throws Exception {
    byte[] old = "precious".getBytes(StandardCharsets.US_ASCII);
    Path out = Files.write(dir.resolve("disk.vhd"), old);
    FileTime before = Files.getLastModifiedTime(out);

    Cli.Result r = Cli.run("create", "--size", "1G", out.toString());

    r.assertFailed(out, "already exists (create never overwrites a file)");
    assertArrayEquals(old, Files.readAllBytes(out));
    assertEquals(before, Files.getLastModifiedTime(out));
  }

  /** An image named as both OUT and parent is refused before the parent is opened. */
  @Test
  void shouldRefuseExistingImageEvenAsItsOwnParent() throws Exception {
    Path out = dir.resolve("disk.vhd");
    assertEquals(0, Cli.run("create", "--size", "8M", out.toString()).code());
    byte[] made = Files.readAllBytes(out);

    Cli.Result again = Cli.run("create", "-t", "fixed", "--size", "1M", out.toString());
    Cli.Result self = Cli.run("create", "-t", "differencing", "--parent", out.toString(), out.toString());

    again.assertFailed(out, "already exists (create never overwrites a file)");
    self.assertFailed(out, "already exists (create never overwrites a file)");
    assertArrayEquals(made, Files.readAllBytes(out));
  }

  /** A dangling link counts as existing: creating its target is not what the user asked for. */
  @Test
  void shouldRefuseDanglingSymbolicLinkAsOutput() throws Exception {
    Path out = dir.resolve("link.vhd");
    try {
      Files.createSymbolicLink(out, dir.resolve("target.vhd"));
    } catch (UnsupportedOperationException | IOException e) {
      org.junit.jupiter.api.Assumptions.abort("no symbolic links here: " + e);
    }

    Cli.Result r = Cli.run("create", "--size", "1M", out.toString());

    r.assertFailed(out, "already exists (create never overwrites a file)");
    assertFalse(Files.exists(dir.resolve("target.vhd")));
  }

  /** OUT that is a directory, or lies in a missing one, gets its own message. */
  @Test
  void shouldRefuseDirectoryAndMissingDirectoryAsOutput() throws Exception {
    Path missing = dir.resolve("nope").resolve("disk.vhd");

    Cli.Result isDir = Cli.run("create", "--size", "1M", dir.toString());
    Cli.Result noDir = Cli.run("create", "--size", "1M", missing.toString());

    isDir.assertFailed(dir, "is a directory");
    noDir.assertFailed(missing, "no such directory: " + dir.resolve("nope"));
    assertEquals(Set.of(), names());
  }

  /** Block sizes the library refuses are reported with its message and leave no file. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--size 1G --block-size 3M | block size must be a power of two from 512 to 268435456: 3145728",
      "--size 1G --block-size 256 | block size must be a power of two from 512 to 268435456: 256",
      "--size 1G --block-size 512M | block size must be a power of two from 512 to 268435456: 536870912",
      "--size 1G --block-size 0 | block size must be a power of two from 512 to 268435456: 0"})
  void shouldRefuseBadBlockSize(String options, String message) throws Exception {
    Path out = dir.resolve("x.vhd");
    List<String> args = new java.util.ArrayList<>(List.of("create"));
    args.addAll(List.of(options.split(" ")));
    args.add(out.toString());

    Cli.Result r = Cli.run(args.toArray(String[]::new));

    r.assertFailed(out, message);
    assertEquals(Set.of(), names());
  }

  /** Every contradictory or impossible combination is one error line and leaves no file. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--size 1G --parent base.vhd | --parent is only allowed with -t differencing",
      "-t dynamic --size 1G --parent base.vhd | --parent is only allowed with -t differencing",
      "-t fixed --size 1G --parent base.vhd | --parent is only allowed with -t differencing",
      "-t differencing | -t differencing needs --parent",
      "-t differencing --size 8M | -t differencing needs --parent",
      "x.vhd | --size is required for a dynamic disk",
      "-t dynamic | --size is required for a dynamic disk",
      "-t fixed | --size is required for a fixed disk",
      "--azure | --size is required for a fixed disk",
      "-t dynamic --azure --size 1G | --azure makes a fixed disk; it cannot be combined with -t dynamic",
      "-t differencing --azure --parent base.vhd | --azure makes a fixed disk; it cannot be combined with"
          + " -t differencing",
      "--azure --size 1G --size-mode chs | --azure makes a disk of exactly --size bytes; it cannot be combined"
          + " with --size-mode chs",
      "-t fixed --size 1G --block-size 1M | --block-size is only for dynamic and differencing disks",
      "--azure --size 1G --block-size 1M | --block-size is only for dynamic and differencing disks",
      "-t fixed --size 1G --aligned | --aligned is only for dynamic and differencing disks",
      "-t differencing --parent base.vhd --size-mode chs | --size-mode chs is for fixed and dynamic disks;"
          + " a differencing disk's size is exact",
      "--azure --size 10M | Azure needs a size that is a whole number of MiB from 20 MiB to 32 TiB: 10485760 bytes",
      "--azure --size 30000K | Azure needs a size that is a whole number of MiB from 20 MiB to 32 TiB:"
          + " 30720000 bytes",
      "--azure --size 33T | Azure needs a size that is a whole number of MiB from 20 MiB to 32 TiB:"
          + " 36283883716608 bytes",
      "--size 1000 --size-mode exact | an exact size must be a whole number of 512-byte sectors: 1000",
      "-t differencing --parent base.vhd --size 1000 | an exact size must be a whole number of 512-byte sectors:"
          + " 1000",
      "--size 3T | a dynamic disk holds at most 2190433320960 bytes: 3298534883328",
      "-t fixed --size 33T | a fixed disk holds at most 35184372088832 bytes: 36283883716608",
      "--size 2040G --block-size 512 | 4278190080 blocks of 512 bytes exceed the 268435456 table entries this"
          + " library opens; use a larger block size"})
  void shouldRefuseImpossibleOptionsAndCreateNothing(String options, String message) throws Exception {
    Path base = base().writeTo(dir.resolve("base.vhd"));
    Path out = dir.resolve("x.vhd");
    List<String> args = new java.util.ArrayList<>(List.of("create"));
    for (String a : options.split(" ")) {
      // "x.vhd" alone stands for "no option at all".
      if (!a.equals("x.vhd")) {
        args.add(a.equals("base.vhd") ? base.toString() : a);
      }
    }
    args.add(out.toString());

    Cli.Result r = Cli.run(args.toArray(String[]::new));

    r.assertFailed(out, message);
    assertEquals(Set.of("base.vhd"), names());
  }

  /** A missing parent is named in the error line. */
  @Test
  void shouldNameMissingParentAndCreateNothing() throws Exception {
    Path parent = dir.resolve("nope.vhd");
    Path out = dir.resolve("child.vhd");

    Cli.Result r = Cli.run("create", "-t", "differencing", "--parent", parent.toString(), out.toString());

    r.assertFailed(out, "no such file: " + parent);
    assertEquals(Set.of(), names());
  }

  /** A directory given as the parent is named in the error line. */
  @Test
  void shouldRefuseDirectoryAsParent() throws Exception {
    Path parent = Files.createDirectory(dir.resolve("base.vhd"));
    Path out = dir.resolve("child.vhd");

    Cli.Result r = Cli.run("create", "-t", "differencing", "--parent", parent.toString(), out.toString());

    r.assertFailed(out, "the parent is a directory: " + parent);
    assertEquals(Set.of("base.vhd"), names());
  }

  /** A parent that is no VHD is reported with the format error, which names the parent. */
  @Test
  void shouldRefuseParentThatIsNoVhd() throws Exception {
    Path raw = Files.write(dir.resolve("raw.img"), new byte[4096]);
    Path out = dir.resolve("child.vhd");

    Cli.Result r = Cli.run("create", "-t", "differencing", "--parent", raw.toString(), out.toString());

    assertEquals(2, r.code());
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(r.err().startsWith("vhd: " + out + ": footer.cookie at offset 3584 (0xe00): expected \"conectix\""),
        r.err());
    assertTrue(r.err().contains("(" + raw + ")"), r.err());
    assertEquals(Set.of("raw.img"), names());
  }

  /** --debug adds the stack trace after the usual error line. */
  @Test
  void shouldPrintStackTraceOnlyWithDebug() throws Exception {
    Path out = dir.resolve("x.vhd");

    Cli.Result r = Cli.run("create", "--debug", "--size", "1G", "--block-size", "3M", out.toString());

    assertEquals(2, r.code());
    assertEquals("vhd: " + out + ": block size must be a power of two from 512 to 268435456: 3145728",
        r.errLines().get(0));
    assertTrue(r.err().contains("\tat "), r.err());
  }

  /** A parent outside OUT's directory works, but the tool warns that vhd will not find it. */
  @Test
  void shouldWarnWhenParentIsInAnotherDirectory() throws Exception {
    Path base = base().writeTo(dir.resolve("base.vhd"));
    Path sub = Files.createDirectory(dir.resolve("sub"));
    Path out = sub.resolve("child.vhd");

    Cli.Result r = Cli.run("create", "-t", "differencing", "--parent", base.toString(), out.toString());

    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("created " + out + ": differencing"), r.out());
    assertEquals(List.of("vhd: " + out + ": warning: the parent is in another directory; vhd finds parents only in"
        + " the child's directory, so other vhd commands cannot open this disk"), r.errLines());
    // What the warning is about: the default open options do not follow the locator out of sub/.
    assertEquals(2, Cli.run("info", out.toString()).code());
    try (VhdImage img = Vhd.open(out, OpenOptions.defaults().withParentDirectories(List.of(dir)))) {
      assertTrue(Files.isSameFile(base, img.getParent().getPath()));
    }
  }

  /** Malformed values and arguments are picocli usage errors, which point to --help. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "-t bogus --size 1G x.vhd | Invalid value for option '-t': expected one of fixed, dynamic, differencing"
          + " but was 'bogus'",
      "--size-mode sideways --size 1G x.vhd | Invalid value for option '--size-mode': expected one of chs, exact"
          + " but was 'sideways'",
      "--size 1Q x.vhd | Invalid value for option '--size': invalid size '1Q'",
      "--size -1 x.vhd | Invalid value for option '--size': negative size '-1'",
      "--block-size 2X --size 1G x.vhd | Invalid value for option '--block-size': invalid size '2X'",
      "--size 1G | Missing required parameter: 'OUT'",
      "--size 1G a.vhd b.vhd | Unmatched argument"})
  void shouldReportUsageErrors(String options, String message) throws Exception {
    Cli.Result r = Cli.run(("create " + options).split(" "));

    assertEquals(2, r.code());
    assertEquals("", r.out());
    assertTrue(r.errLines().get(0).startsWith("vhd create: " + message), r.err());
    assertTrue(r.err().contains("Try 'vhd create --help' for more information."), r.err());
    assertEquals(Set.of(), names());
  }

  /** The help lists every option and the examples, and vhd --help lists create. */
  @Test
  void shouldShowHelpWithExamplesAndBeListedAtTopLevel() {
    Cli.Result help = Cli.run("create", "--help");
    Cli.Result top = Cli.run("--help");

    assertEquals(0, help.code(), help.err());
    assertTrue(help.out().startsWith("Usage: vhd create "), help.out());
    for (String option : List.of("-t=fixed|dynamic|differencing", "--size=N", "--parent=P", "--block-size=N",
        "--size-mode=chs|exact", "--azure", "--aligned", "--lenient", "--size-policy", "--debug")) {
      assertTrue(help.out().contains(option), "create lacks " + option);
    }
    assertTrue(help.out().contains("\nExamples:\n  vhd create --size 8G disk.vhd\n"), help.out());
    assertEquals(0, top.code(), top.err());
    assertTrue(top.out().contains("\n  create "), top.out());
    assertTrue(top.out().contains("\n  vhd create --size 8G disk.vhd\n"), top.out());
    assertEquals(List.of("vhd dev"), Cli.run("create", "--version").outLines());
  }
}
