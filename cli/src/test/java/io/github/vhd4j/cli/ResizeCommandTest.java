package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.Geometry;
import io.github.vhd4j.Severity;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.testing.TestImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code vhd resize}: growing and shrinking checked on the reopened image (size, content, check),
 * and every refusal checked to leave the file byte-identical.
 */
class ResizeCommandTest {
  private static final long MIB = Images.MIB;
  /** 64 MiB rounded up to the next CHS geometry, as {@code create} makes it. */
  private static final long CHS_64M = 67125248L;

  @TempDir
  Path dir;

  private static byte[] content(Path p) throws IOException {
    try (VhdImage img = Vhd.open(p); var in = img.newInputStream()) {
      return in.readAllBytes();
    }
  }

  private static long size(Path p) throws IOException {
    try (VhdImage img = Vhd.open(p)) {
      return img.getSize();
    }
  }

  private static int errors(Path p) throws IOException {
    return Vhd.check(p).problems(Severity.ERROR).size();
  }

  /** {@code old} followed by zeros up to {@code length} bytes (or cut to it). */
  private static byte[] resized(byte[] old, long length) {
    return Arrays.copyOf(old, Math.toIntExact(length));
  }


  @Test
  void shouldGrowDynamicDisk() throws Exception {
    TestImage t = Images.smallDynamic();
    Path p = t.writeTo(dir.resolve("d.vhd"));

    Cli.Result r = Cli.run("resize", p.toString(), "16M");

    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err());
    assertEquals(List.of("resized " + p + ": virtual size 16 MiB (16777216 bytes), was 8 MiB (8388608 bytes)"),
        r.outLines());
    assertEquals(16 * MIB, size(p));
    assertArrayEquals(resized(t.expectedContent(), 16 * MIB), content(p));
    assertEquals(0, errors(p));
    try (VhdImage img = Vhd.open(p)) {
      assertEquals(16 * MIB, img.getFooter().originalSize(), "as the help says: libvhdi sizes disks by it");
    }
  }

  @Test
  void shouldGrowFixedDisk() throws Exception {
    TestImage t = TestImage.fixed(MIB).random(MIB - 4096, 4096, 5);
    Path p = t.writeTo(dir.resolve("f.vhd"));

    Cli.Result r = Cli.run("resize", p.toString(), "2M");

    assertEquals(0, r.code(), r.err());
    assertEquals(List.of("resized " + p + ": virtual size 2 MiB (2097152 bytes), was 1 MiB (1048576 bytes)"),
        r.outLines());
    assertEquals(2 * MIB + 512, Files.size(p));
    assertArrayEquals(resized(t.expectedContent(), 2 * MIB), content(p));
    assertEquals(0, errors(p));
  }

  /** Blocks 1 and 3 of the 8 MiB disk store nothing, so the disk can lose its last 2 MiB. */
  @Test
  void shouldShrinkOverUnusedSpace() throws Exception {
    TestImage t = Images.smallDynamic();
    Path p = t.writeTo(dir.resolve("d.vhd"));

    Cli.Result r = Cli.run("resize", p.toString(), "6M");

    assertEquals(0, r.code(), r.err());
    assertEquals(List.of("resized " + p + ": virtual size 6 MiB (6291456 bytes), was 8 MiB (8388608 bytes)"),
        r.outLines());
    assertArrayEquals(resized(t.expectedContent(), 6 * MIB), content(p));
    assertEquals(0, errors(p));
  }

  @Test
  void shouldShrinkFixedDiskOverZeros() throws Exception {
    TestImage t = TestImage.fixed(MIB).fill(0, 4096, 0x5a);
    Path p = t.writeTo(dir.resolve("f.vhd"));

    Cli.Result r = Cli.run("resize", p.toString(), "8K");

    assertEquals(0, r.code(), r.err());
    assertEquals(8192 + 512, Files.size(p));
    assertArrayEquals(resized(t.expectedContent(), 8192), content(p));
    assertEquals(0, errors(p));
  }

  @Test
  void shouldRefuseShrinkThatWouldCutDataOfDynamicDisk() throws Exception {
    Path p = Images.smallDynamic().writeTo(dir.resolve("d.vhd"));
    byte[] before = Files.readAllBytes(p);

    Cli.Result r = Cli.run("resize", p.toString(), "4M");

    // The message names the image once, in the prefix, although the library's names it too.
    r.assertRefused(p, before,
        "cannot shrink to 4194304 bytes: block 2 (from 4194304) stores data; only unused space can be cut");
  }

  @Test
  void shouldRefuseShrinkThatWouldCutDataOfFixedDisk() throws Exception {
    Path p = TestImage.fixed(MIB).fill(4096, 512, 1).writeTo(dir.resolve("f.vhd"));
    byte[] before = Files.readAllBytes(p);

    Cli.Result r = Cli.run("resize", p.toString(), "4K");

    r.assertRefused(p, before,
        "cannot shrink to 4096 bytes: the disk holds data at 4096; only unused space can be cut");
  }

  @Test
  void shouldRoundUpToChsGeometryInChsMode() throws Exception {
    TestImage t = Images.smallDynamic();
    Path p = t.writeTo(dir.resolve("d.vhd"));

    Cli.Result r = Cli.run("resize", "--size-mode", "chs", p.toString(), "64M");

    assertEquals(0, r.code(), r.err());
    assertEquals(List.of("resized " + p + ": virtual size 64 MiB (" + CHS_64M + " bytes), was 8 MiB (8388608 bytes)"),
        r.outLines());
    try (VhdImage img = Vhd.open(p)) {
      assertEquals(CHS_64M, img.getSize());
      Geometry g = img.getFooter().geometry();
      assertEquals(CHS_64M, g.capacity(), g.toString());
      assertFalse(g.isMaximum());
    }
    assertArrayEquals(resized(t.expectedContent(), CHS_64M), content(p));
  }

  /** Exact mode, the default, keeps a size no geometry addresses, as Hyper-V and Azure need. */
  @Test
  void shouldKeepExactSizeByDefault() throws Exception {
    Path p = Images.smallDynamic().writeTo(dir.resolve("d.vhd"));
    Path q = Images.smallDynamic().writeTo(dir.resolve("e.vhd"));

    Cli.Result r = Cli.run("resize", p.toString(), "64M");
    Cli.Result explicit = Cli.run("resize", "--size-mode", "exact", q.toString(), "64M");

    assertEquals(0, r.code(), r.err());
    assertEquals(0, explicit.code(), explicit.err());
    for (Path x : List.of(p, q)) {
      try (VhdImage img = Vhd.open(x)) {
        assertEquals(64 * MIB, img.getSize());
        assertEquals(64 * MIB, img.getSizeInfo().currentSize());
      }
    }
  }

  @Test
  void shouldRefuseSizeThatIsNotWholeSectorsInExactMode() throws Exception {
    Path p = Images.smallDynamic().writeTo(dir.resolve("d.vhd"));
    byte[] before = Files.readAllBytes(p);

    Cli.Result r = Cli.run("resize", p.toString(), "1000");

    r.assertRefused(p, before, "an exact size must be a whole number of 512-byte sectors: 1000");
  }

  @Test
  void shouldRefuseSizeAboveTheLimit() throws Exception {
    Path p = Images.smallDynamic().writeTo(dir.resolve("d.vhd"));
    byte[] before = Files.readAllBytes(p);

    Cli.Result r = Cli.run("resize", p.toString(), "3000G");

    r.assertRefused(p, before, "a dynamic disk holds at most " + Vhd.MAX_DYNAMIC_SIZE + " bytes: "
        + 3000L * 1024 * MIB);
  }

  /** 240/4/17 sectors: a geometry addresses the size exactly, so exact mode rewrites nothing. */
  @Test
  void shouldSayUnchangedForSameSize() throws Exception {
    long size = 240L * 4 * 17 * 512;
    Path p = TestImage.fixed(size).fill(0, 512, 3).writeTo(dir.resolve("f.vhd"));
    byte[] before = Files.readAllBytes(p);

    Cli.Result r = Cli.run("resize", p.toString(), String.valueOf(size));

    assertEquals(0, r.code(), r.err());
    assertEquals(List.of("resized " + p + ": virtual size 7.97 MiB (8355840 bytes), unchanged"), r.outLines());
    assertArrayEquals(before, Files.readAllBytes(p));
  }

  @Test
  void shouldRefuseImageThatNeedsRepair() throws Exception {
    TestImage t = Images.smallDynamic();
    t.tailFooter = false;
    Path p = t.writeTo(dir.resolve("d.vhd"));
    byte[] before = Files.readAllBytes(p);

    Cli.Result r = Cli.run("resize", p.toString(), "16M");

    r.assertRefused(p, before, "the footer at the end of the file is missing or damaged; repair the image first");
  }

  @Test
  void shouldRefuseDiskInSavedState() throws Exception {
    TestImage t = Images.smallDynamic();
    t.savedState = 1;
    Path p = t.writeTo(dir.resolve("d.vhd"));
    byte[] before = Files.readAllBytes(p);

    Cli.Result r = Cli.run("resize", p.toString(), "16M");

    r.assertRefused(p, before,
        "the disk is in a saved state; changing it would corrupt the saved virtual machine");
  }

  @Test
  void shouldRefuseToGrowDifferencingDiskPastItsParent() throws Exception {
    Images.Chain c = Images.chain(dir);
    byte[] base = Files.readAllBytes(c.basePath());
    byte[] child = Files.readAllBytes(c.childPath());

    Cli.Result r = Cli.run("resize", c.childPath().toString(), "12M");

    // 7-Zip and libvhdi cannot read a child larger than its parent (DIVERGENCES.md case 13).
    assertEquals(2, r.code());
    assertTrue(r.err().contains("resize the parent first"), r.err());
    assertArrayEquals(base, Files.readAllBytes(c.basePath()));
    assertArrayEquals(child, Files.readAllBytes(c.childPath()));
  }

  /** "was" is the size the user's options see, as vhd info shows it. */
  @Test
  void shouldReportOldSizeUnderTheGivenSizePolicy() throws Exception {
    Path p = Images.smallDynamic().writeTo(dir.resolve("d.vhd"));

    Cli.Result r = Cli.run("resize", "--size-policy", "chs", p.toString(), "16M");

    assertEquals(0, r.code(), r.err());
    // 8 MiB in the specification's geometry 963/4/17 addresses 8355840 bytes.
    assertTrue(r.out().endsWith(", was 7.97 MiB (8355840 bytes)\n"), r.out());
  }

  @Test
  void shouldFailForMissingImage() {
    Path p = dir.resolve("nope.vhd");

    Cli.Result r = Cli.run("resize", p.toString(), "16M");

    assertEquals(2, r.code());
    assertEquals(List.of("vhd: " + p + ": no such file"), r.errLines());
    assertFalse(Files.exists(p));
  }

  @ParameterizedTest
  @ValueSource(strings = {"12X", "1.5G", "", "-1"})
  void shouldRejectMalformedSizeAsUsageError(String size) throws Exception {
    Path p = Images.smallDynamic().writeTo(dir.resolve("d.vhd"));
    byte[] before = Files.readAllBytes(p);

    Cli.Result r = Cli.run("resize", p.toString(), size);

    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("vhd resize: "), r.err());
    assertTrue(r.err().contains("Try 'vhd resize --help'"), r.err());
    assertArrayEquals(before, Files.readAllBytes(p));
  }

  @Test
  void shouldRejectMissingSizeAndUnknownSizeMode() throws Exception {
    Path p = Images.smallDynamic().writeTo(dir.resolve("d.vhd"));

    Cli.Result missing = Cli.run("resize", p.toString());
    Cli.Result mode = Cli.run("resize", "--size-mode", "round", p.toString(), "16M");

    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("SIZE"), missing.err());
    assertEquals(2, mode.code());
    assertTrue(mode.err().contains("expected one of chs, exact but was 'round'"), mode.err());
    assertEquals(8 * MIB, size(p));
  }
}
