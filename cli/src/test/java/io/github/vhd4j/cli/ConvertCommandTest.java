package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vhd4j.testing.SparseFiles;
import io.github.vhd4j.testing.TestImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vhd convert}: raw and VHD output, content, sparseness, atomic replacement, refusals. */
class ConvertCommandTest {
  private static final long MIB = Images.MIB;
  private static final int KIB = 1024;

  @TempDir
  Path dir;

  private Set<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }

  @Test
  void shouldConvertDynamicImageToRaw() throws Exception {
    TestImage t = Images.smallDynamic();
    Path in = t.writeTo(dir.resolve("d.vhd"));
    Path out = dir.resolve("d.raw");

    Cli.Result r = Cli.run("convert", "-O", "raw", in.toString(), out.toString());

    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err());
    assertEquals("", r.out());
    assertArrayEquals(t.expectedContent(), Files.readAllBytes(out));
    assertEquals(Set.of("d.vhd", "d.raw"), names());
  }

  @Test
  void shouldConvertDifferencingChain() throws Exception {
    Images.Chain c = Images.chain(dir);
    Path out = dir.resolve("flat.raw");

    Cli.Result r = Cli.run("convert", c.childPath().toString(), out.toString());

    assertEquals(0, r.code(), r.err());
    assertArrayEquals(c.content(), Files.readAllBytes(out));
  }

  @Test
  void shouldLeaveHolesForUnallocatedAndZeroRanges() throws Exception {
    assumeTrue(SparseFiles.supported(dir), "file system or stat(1) cannot show sparse files");
    TestImage t = TestImage.dynamic(64 * MIB, 2 * MIB).random(10 * MIB + 100, 4096, 9);
    t.fill(20 * MIB, (int) (2 * MIB), 0); // allocated, but all zeros
    Path in = t.writeTo(dir.resolve("sparse.vhd"));
    Path out = dir.resolve("sparse.raw");

    Cli.Result r = Cli.run("convert", in.toString(), out.toString());

    assertEquals(0, r.code(), r.err());
    assertEquals(64 * MIB, Files.size(out));
    assertArrayEquals(t.expectedContent(), Files.readAllBytes(out));
    // Only the 64 KiB chunk holding the 4 KiB of data (plus file system slack) is allocated.
    assertTrue(SparseFiles.allocatedBytes(out) <= 1 * MIB, "allocated: " + SparseFiles.allocatedBytes(out));
  }

  @Test
  void shouldReplaceExistingOutputByRename() throws Exception {
    TestImage t = Images.smallDynamic();
    Path in = t.writeTo(dir.resolve("d.vhd"));
    Path out = Files.write(dir.resolve("d.raw"), "old content".getBytes(StandardCharsets.US_ASCII));
    Object inodeBefore = inode(out);

    Cli.Result r = Cli.run("convert", in.toString(), out.toString());

    assertEquals(0, r.code(), r.err());
    assertArrayEquals(t.expectedContent(), Files.readAllBytes(out));
    assertEquals(Set.of("d.vhd", "d.raw"), names());
    if (inodeBefore != null) {
      // A new file renamed over the old one, not the old one rewritten in place.
      assertNotEquals(inodeBefore, inode(out));
    }
  }

  @Test
  void shouldLeaveExistingOutputAloneWhenInputIsInvalid() throws Exception {
    TestImage t = TestImage.fixed(MIB);
    t.footerChecksum = 0x1234L;
    Path in = t.writeTo(dir.resolve("bad.vhd"));
    byte[] old = "precious".getBytes(StandardCharsets.US_ASCII);
    Path out = Files.write(dir.resolve("out.raw"), old);

    Cli.Result r = Cli.run("convert", in.toString(), out.toString());

    assertEquals(2, r.code());
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(r.err().startsWith("vhd: " + in + ": footer.checksum at offset " + (MIB + 64) + " (0x100040): expected 0x"), r.err());
    assertArrayEquals(old, Files.readAllBytes(out));
    assertEquals(Set.of("bad.vhd", "out.raw"), names());
  }

  @Test
  void shouldRemoveTemporaryFileWhenReadingFailsMidway() throws Exception {
    // Block 0 converts; block 40 (80 MiB, in the second 64 MiB map window) points outside the file,
    // which lenient mode accepts at open and reports when the block is needed.
    TestImage t = TestImage.dynamic(128 * MIB, 2 * MIB).random(0, 4096, 5);
    t.batOverride.put(40, 0x00100000);
    Path in = t.writeTo(dir.resolve("half.vhd"));
    byte[] old = "precious".getBytes(StandardCharsets.US_ASCII);
    Path out = Files.write(dir.resolve("out.raw"), old);

    Cli.Result r = Cli.run("convert", "--lenient", "-p", in.toString(), out.toString());

    assertEquals(2, r.code(), r.err());
    String last = r.errLines().get(r.errLines().size() - 1);
    assertTrue(last.startsWith("vhd: " + in + ": bat."), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
    assertArrayEquals(old, Files.readAllBytes(out));
    assertEquals(Set.of("half.vhd", "out.raw"), names());
  }

  @Test
  void shouldRefuseToOverwriteInputOrItsParent() throws Exception {
    byte[] raw = new byte[4096];
    new Random(1).nextBytes(raw);
    Path in = Files.write(dir.resolve("in.raw"), raw);
    Images.Chain c = Images.chain(dir);
    byte[] base = Files.readAllBytes(c.basePath());

    Cli.Result same = Cli.run("convert", in.toString(), in.toString());
    Cli.Result parent = Cli.run("convert", c.childPath().toString(), c.basePath().toString());

    assertEquals(2, same.code());
    assertEquals("vhd: " + in + ": is the input file", same.err().strip());
    assertArrayEquals(raw, Files.readAllBytes(in));
    assertEquals(2, parent.code());
    assertTrue(parent.err().startsWith("vhd: " + c.basePath() + ": is a parent of the input"), parent.err());
    assertArrayEquals(base, Files.readAllBytes(c.basePath()));
    assertEquals(Set.of("in.raw", "base.vhd", "child.vhd"), names());
  }

  @Test
  void shouldCopyRawInputAndHonourForcedFormat() throws Exception {
    byte[] raw = new byte[(int) (3 * MIB + 1000)];
    new Random(2).nextBytes(raw);
    Arrays.fill(raw, (int) MIB, (int) (2 * MIB), (byte) 0);
    Path in = Files.write(dir.resolve("in.img"), raw);
    TestImage fixed = TestImage.fixed(MIB).random(0, 4096, 4);
    Path vhd = fixed.writeTo(dir.resolve("f.vhd"));

    Cli.Result copy = Cli.run("convert", in.toString(), dir.resolve("copy.raw").toString());
    Cli.Result asRaw = Cli.run("convert", "-f", "raw", vhd.toString(), dir.resolve("whole.raw").toString());
    Cli.Result asVhd = Cli.run("convert", "-f", "vhd", in.toString(), dir.resolve("never.raw").toString());

    assertEquals(0, copy.code(), copy.err());
    assertArrayEquals(raw, Files.readAllBytes(dir.resolve("copy.raw")));
    assertEquals(0, asRaw.code(), asRaw.err());
    assertArrayEquals(fixed.toBytes(), Files.readAllBytes(dir.resolve("whole.raw")));
    assertEquals(2, asVhd.code());
    assertTrue(asVhd.err().startsWith("vhd: " + in + ": footer.cookie"), asVhd.err());
    assertFalse(Files.exists(dir.resolve("never.raw")));
  }

  @Test
  void shouldDetectVhdByHeadCopyOrShortFooter() throws Exception {
    TestImage noTail = Images.smallDynamic();
    noTail.tailFooter = false;
    Path a = noTail.writeTo(dir.resolve("notail.vhd"));
    TestImage shortFooter = TestImage.fixed(MIB).random(512, 512, 8);
    shortFooter.shortFooter = true;
    Path b = shortFooter.writeTo(dir.resolve("short.vhd"));

    Cli.Result ra = Cli.run("convert", a.toString(), dir.resolve("a.raw").toString());
    Cli.Result rb = Cli.run("convert", b.toString(), dir.resolve("b.raw").toString());

    assertEquals(0, ra.code(), ra.err());
    assertArrayEquals(noTail.expectedContent(), Files.readAllBytes(dir.resolve("a.raw")));
    assertEquals(0, rb.code(), rb.err());
    assertArrayEquals(shortFooter.expectedContent(), Files.readAllBytes(dir.resolve("b.raw")));
  }

  @Test
  void shouldRejectUnknownOutputFormatAndVhdOptionsForRaw() throws Exception {
    Path in = Images.smallDynamic().writeTo(dir.resolve("d.vhd"));

    Cli.Result r = Cli.run("convert", "-O", "qcow2", in.toString(), dir.resolve("o.img").toString());
    Cli.Result r2 = Cli.run("convert", "-O", "raw", "--block-size", "1M", in.toString(),
        dir.resolve("o.raw").toString());
    Cli.Result r3 = Cli.run("convert", "-O", "fixed", "--aligned", in.toString(), dir.resolve("o.vhd").toString());

    assertEquals(2, r.code());
    assertTrue(r.err().contains("-O"), r.err());
    assertEquals(2, r2.code());
    assertTrue(r2.err().contains("--block-size"), r2.err());
    assertEquals(2, r3.code());
    assertTrue(r3.err().contains("--aligned"), r3.err());
    assertEquals(Set.of("d.vhd"), names());
  }

  @Test
  void shouldConvertRawAndChainsToDynamicAndFixedImages() throws Exception {
    Images.Chain c = Images.chain(dir);
    byte[] raw = new byte[(int) (3 * MIB) + 512];
    new Random(3).nextBytes(raw);
    Arrays.fill(raw, (int) MIB, (int) (2 * MIB), (byte) 0);
    Path rawIn = Files.write(dir.resolve("in.raw"), raw);
    Path dyn = dir.resolve("dyn.vhd");
    Path fixed = dir.resolve("fixed.vhd");
    Path flat = dir.resolve("flat.vhd");

    Cli.Result a = Cli.run("convert", "-O", "dynamic", "--block-size", "512K", rawIn.toString(), dyn.toString());
    Cli.Result b = Cli.run("convert", "-O", "fixed", "--size-mode", "chs", rawIn.toString(), fixed.toString());
    Cli.Result f = Cli.run("convert", "-O", "vhd", c.childPath().toString(), flat.toString());

    assertEquals(0, a.code(), a.err());
    assertEquals(0, b.code(), b.err());
    assertEquals(0, f.code(), f.err());
    try (io.github.vhd4j.VhdImage img = io.github.vhd4j.Vhd.open(dyn)) {
      assertEquals(io.github.vhd4j.DiskType.DYNAMIC, img.getDiskType());
      assertEquals(512 << 10, img.getBlockSize());
      assertEquals(raw.length, img.getSize(), "exact size by default");
      assertArrayEquals(raw, io.github.vhd4j.testing.VhdAssertions.readAll(img));
      // The zero MiB is two unallocated 512 KiB blocks.
      assertTrue(img.map(MIB, MIB).stream().noneMatch(io.github.vhd4j.Extent::data));
    }
    try (io.github.vhd4j.VhdImage img = io.github.vhd4j.Vhd.open(fixed)) {
      assertEquals(io.github.vhd4j.DiskType.FIXED, img.getDiskType());
      assertEquals(img.getFooter().geometry().capacity(), img.getSize(), "--size-mode chs");
      assertArrayEquals(raw, Arrays.copyOf(io.github.vhd4j.testing.VhdAssertions.readAll(img), raw.length));
    }
    try (io.github.vhd4j.VhdImage img = io.github.vhd4j.Vhd.open(flat)) {
      assertEquals(1, img.getChain().size());
      assertArrayEquals(c.content(), io.github.vhd4j.testing.VhdAssertions.readAll(img));
    }
    assertTrue(names().stream().noneMatch(n -> n.endsWith(".tmp")), names().toString());
  }

  @Test
  void shouldReplaceAnExistingOutputWithAVhdOnlyWhenComplete() throws Exception {
    Path in = Images.smallDynamic().writeTo(dir.resolve("d.vhd"));
    Path out = Files.write(dir.resolve("o.vhd"), new byte[] {1, 2, 3});

    Cli.Result bad = Cli.run("convert", "-O", "dynamic", "--block-size", "3K", in.toString(), out.toString());
    Cli.Result good = Cli.run("convert", "-O", "dynamic", in.toString(), out.toString());

    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("block size"), bad.err());
    assertEquals(0, good.code(), good.err());
    try (io.github.vhd4j.VhdImage img = io.github.vhd4j.Vhd.open(out)) {
      assertArrayEquals(Images.smallDynamic().expectedContent(), io.github.vhd4j.testing.VhdAssertions.readAll(img));
    }
    assertEquals(Set.of("d.vhd", "o.vhd"), names());
  }

  @Test
  void shouldDrawProgressOnStandardError() throws Exception {
    Path in = Images.smallDynamic().writeTo(dir.resolve("d.vhd"));

    Cli.Result r = Cli.run("convert", "-p", in.toString(), dir.resolve("d.raw").toString());

    assertEquals(0, r.code(), r.err());
    assertEquals("", r.out());
    assertTrue(r.err().contains("100%"), r.err());
    assertTrue(r.err().startsWith("\r["), r.err());
    assertTrue(r.err().endsWith("\n"), r.err());
  }

  @Test
  void shouldFailWhenOutputDirectoryIsMissing() throws Exception {
    Path in = Images.smallDynamic().writeTo(dir.resolve("d.vhd"));
    Path out = dir.resolve("nodir").resolve("d.raw");

    Cli.Result r = Cli.run("convert", in.toString(), out.toString());

    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("vhd: " + out + ": no such directory"), r.err());
  }

  private static Object inode(Path p) {
    try {
      return Files.getAttribute(p, "unix:ino");
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return null;
    }
  }

  @Test
  void shouldFlattenAChainWithEitherStorage() throws Exception {
    TestImage base = TestImage.dynamic(12 * MIB, 512 * KIB).random(0, (int) (3 * MIB) + 7, 1).random(7 * MIB - 100, 900 * KIB, 2)
        .random(12 * MIB - 512, 512, 3);
    base.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(base, "base.vhd", 256 * KIB).random(2 * MIB + 300, 1500 * KIB, 4)
        .fill(9 * MIB, 64 * KIB, 0);
    Path in = child.writeTo(dir.resolve("child.vhd"));
    Path out = dir.resolve("flat.raw");
    for (String storage : new String[] {"mapped", "filechannel"}) {
      Cli.Result r = Cli.run("convert", "--storage", storage, in.toString(), out.toString());
      assertEquals(0, r.code(), r.err());
      assertArrayEquals(child.expectedContent(base.expectedContent()), Files.readAllBytes(out), storage);
    }
  }

  @Test
  void shouldLeaveNothingWhenReadingFailsHalfway() throws Exception {
    // Lenient mode opens an image whose block 5 lies outside the file; reading it fails, and no
    // output, temporary or final, may remain.
    TestImage t = TestImage.dynamic(8 * MIB, 512 * KIB).random(0, (int) (8 * MIB), 5);
    t.batOverride.put(5, 0x7FFFFFF0);
    Path in = t.writeTo(dir.resolve("bad.vhd"));
    Path out = dir.resolve("bad.raw");

    Cli.Result r = Cli.run("convert", "--lenient", in.toString(), out.toString());

    assertEquals(2, r.code());
    // What --lenient tolerated, then the error it leads to.
    assertEquals(2, r.errLines().size(), r.err());
    assertTrue(r.errLines().get(0).startsWith("vhd: " + in + ": warning: bat.entry[5] at offset 1556 (0x614): "),
        r.err());
    assertTrue(r.errLines().get(0).endsWith(" [BAT_ENTRY_OUTSIDE_FILE]"), r.err());
    assertTrue(r.errLines().get(1).startsWith("vhd: " + in + ": bat.entry[5]"), r.err());
    assertFalse(Files.exists(out));
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(1, s.count(), "no temporary file left behind");
    }
  }
}
