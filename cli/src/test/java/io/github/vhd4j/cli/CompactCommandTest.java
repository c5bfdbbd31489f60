package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.Extent;
import io.github.vhd4j.Severity;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.testing.TestImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vhd compact}: the content read back unchanged from a smaller file, and every refusal
 * checked to leave the file byte-identical.
 */
class CompactCommandTest {
  private static final long MIB = Images.MIB;
  /** What one 2 MiB block takes in the file: its one-sector bitmap and its data. */
  private static final long STRIDE = 512 + 2 * MIB;

  @TempDir
  Path dir;

  /**
   * An 8 MiB dynamic disk whose blocks are stored in the file in the order 1, 0, 3, 2: blocks 1 and
   * 3 are allocated but hold only zeros, so block 2, stored last, must move into a gap.
   */
  private static TestImage withZeroBlocks() {
    return TestImage.dynamic(8 * MIB, 2 * MIB)
        .fill(2 * MIB, (int) (2 * MIB), 0)
        .fill(0, 4096, 0x5a)
        .fill(6 * MIB, 512, 0)
        .random(4 * MIB + 512, 8192, 7);
  }

  private static byte[] content(Path p) throws IOException {
    try (VhdImage img = Vhd.open(p); var in = img.newInputStream()) {
      return in.readAllBytes();
    }
  }

  private static long allocatedBlocks(Path p) throws IOException {
    try (VhdImage img = Vhd.open(p)) {
      return img.map().stream().filter(Extent::data).mapToLong(e -> e.length() / img.getBlockSize()).sum();
    }
  }


  @Test
  void shouldDropZeroBlocksAndShrinkFile() throws Exception {
    TestImage t = withZeroBlocks();
    Path p = t.writeTo(dir.resolve("d.vhd"));
    long before = Files.size(p);
    assertEquals(4, allocatedBlocks(p));

    Cli.Result r = Cli.run("compact", p.toString());

    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err());
    assertEquals(List.of("compacted " + p + ": file 4 MiB (" + 2 * STRIDE + " bytes) smaller"), r.outLines());
    assertEquals(before - 2 * STRIDE, Files.size(p));
    assertArrayEquals(t.expectedContent(), content(p));
    assertEquals(2, allocatedBlocks(p));
    assertEquals(0, Vhd.check(p).problems(Severity.ERROR).size());
  }

  @Test
  void shouldReportNothingGainedForCompactImage() throws Exception {
    Path p = Images.smallDynamic().writeTo(dir.resolve("d.vhd"));
    byte[] before = Files.readAllBytes(p);

    Cli.Result r = Cli.run("compact", p.toString());

    assertEquals(0, r.code(), r.err());
    assertEquals(List.of("compacted " + p + ": file 0 B (0 bytes) smaller"), r.outLines());
    assertArrayEquals(before, Files.readAllBytes(p));
  }

  @Test
  void shouldDrawProgressOnStandardErrorWithP() throws Exception {
    TestImage t = withZeroBlocks();
    Path p = t.writeTo(dir.resolve("d.vhd"));

    Cli.Result r = Cli.run("compact", "-p", p.toString());

    assertEquals(0, r.code(), r.err());
    assertEquals(List.of("compacted " + p + ": file 4 MiB (" + 2 * STRIDE + " bytes) smaller"), r.outLines());
    assertTrue(r.err().startsWith("\r["), r.err());
    assertTrue(r.err().contains("] 100%"), r.err());
    assertTrue(r.err().endsWith("\n"), r.err());
    assertEquals(r.err().length() - 1, r.err().indexOf('\n'), "one line, redrawn in place: " + r.err());
    assertArrayEquals(t.expectedContent(), content(p));
  }

  @Test
  void shouldRefuseFixedDisk() throws Exception {
    Path p = TestImage.fixed(MIB).writeTo(dir.resolve("f.vhd"));
    byte[] before = Files.readAllBytes(p);

    Cli.Result r = Cli.run("compact", "-p", p.toString());

    // Nothing was drawn, so nothing precedes the error line.
    r.assertRefused(p, before, "only a dynamic disk can be compacted (a differencing disk's zero blocks hide"
        + " its parent's data)");
  }

  @Test
  void shouldRefuseDifferencingDisk() throws Exception {
    Images.Chain c = Images.chain(dir);
    byte[] before = Files.readAllBytes(c.childPath());

    Cli.Result r = Cli.run("compact", c.childPath().toString());

    r.assertRefused(c.childPath(), before, "only a dynamic disk can be compacted (a differencing disk's zero"
        + " blocks hide its parent's data)");
  }

  @Test
  void shouldRefuseImageThatNeedsRepair() throws Exception {
    TestImage t = withZeroBlocks();
    t.tailFooter = false;
    Path p = t.writeTo(dir.resolve("d.vhd"));
    byte[] before = Files.readAllBytes(p);

    Cli.Result r = Cli.run("compact", p.toString());

    r.assertRefused(p, before, "the footer at the end of the file is missing or damaged; repair the image first");
  }

  @Test
  void shouldRefuseDiskInSavedState() throws Exception {
    TestImage t = withZeroBlocks();
    t.savedState = 1;
    Path p = t.writeTo(dir.resolve("d.vhd"));
    byte[] before = Files.readAllBytes(p);

    Cli.Result r = Cli.run("compact", p.toString());

    r.assertRefused(p, before, "the disk is in a saved state; changing it would corrupt the saved virtual machine");
  }

  @Test
  void shouldReportDamageAsOtherCommandsDo() throws Exception {
    TestImage t = withZeroBlocks();
    t.headerChecksum = 5L;
    Path p = t.writeTo(dir.resolve("d.vhd"));
    byte[] before = Files.readAllBytes(p);

    Cli.Result r = Cli.run("compact", p.toString());

    assertEquals(2, r.code());
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(r.err().startsWith("vhd: " + p + ": header.checksum at offset 548 (0x224): "), r.err());
    assertArrayEquals(before, Files.readAllBytes(p));
  }

  @Test
  void shouldFailForMissingImage() {
    Path p = dir.resolve("nope.vhd");

    Cli.Result r = Cli.run("compact", p.toString());

    assertEquals(2, r.code());
    assertEquals(List.of("vhd: " + p + ": no such file"), r.errLines());
  }
}
