package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/**
 * {@code vhd commit}: the parent reopened afterwards reads what the child read, the child still
 * reads the same, and every refusal leaves both files byte-identical.
 */
class CommitCommandTest {
  private static final long MIB = Images.MIB;

  @TempDir
  Path dir;

  private static byte[] content(Path p) throws IOException {
    try (VhdImage img = Vhd.open(p); var in = img.newInputStream()) {
      return in.readAllBytes();
    }
  }

  private static int errors(Path p) throws IOException {
    return Vhd.check(p).problems(Severity.ERROR).size();
  }

  /** Asserts success: one line naming the child and, as the library resolved it, the parent. */
  private static void assertCommitted(Cli.Result r, Path child, Path parent) throws IOException {
    assertEquals(0, r.code(), r.err());
    assertEquals(1, r.outLines().size(), r.out());
    String line = r.outLines().get(0);
    String prefix = "committed " + child + " into ";
    assertTrue(line.startsWith(prefix), line);
    assertTrue(Files.isSameFile(parent, Path.of(line.substring(prefix.length()))), line);
  }

  @Test
  void shouldWriteChildContentIntoParent() throws Exception {
    Images.Chain c = Images.chain(dir);
    byte[] expected = c.content();
    byte[] child = Files.readAllBytes(c.childPath());
    assertFalse(Arrays.equals(expected, content(c.basePath())), "the child must change something");

    Cli.Result r = Cli.run("commit", c.childPath().toString());

    assertCommitted(r, c.childPath(), c.basePath());
    assertEquals("", r.err());
    assertArrayEquals(expected, content(c.basePath()));
    // The child is untouched and still valid over the changed parent.
    assertArrayEquals(child, Files.readAllBytes(c.childPath()));
    assertArrayEquals(expected, content(c.childPath()));
    assertEquals(0, errors(c.basePath()));
    assertEquals(0, errors(c.childPath()));
  }

  /** Committing again changes nothing more: an interrupted commit is simply rerun. */
  @Test
  void shouldBeRepeatable() throws Exception {
    Images.Chain c = Images.chain(dir);

    Cli.Result first = Cli.run("commit", c.childPath().toString());
    byte[] once = Files.readAllBytes(c.basePath());
    Cli.Result second = Cli.run("commit", c.childPath().toString());

    assertEquals(0, first.code(), first.err());
    assertEquals(0, second.code(), second.err());
    assertArrayEquals(once, Files.readAllBytes(c.basePath()));
  }

  @Test
  void shouldGrowParentForLargerChild() throws Exception {
    TestImage base = TestImage.dynamic(8 * MIB, 2 * MIB).fill(0, 4096, 0x11);
    TestImage child = TestImage.differencing(base, "base.vhd", 2 * MIB).setSize(16 * MIB).fill(12 * MIB, 1024, 0x44);
    Path basePath = base.writeTo(dir.resolve("base.vhd"));
    Path childPath = child.writeTo(dir.resolve("child.vhd"));
    byte[] expected = child.expectedContent(base.expectedContent());

    Cli.Result r = Cli.run("commit", childPath.toString());

    assertCommitted(r, childPath, basePath);
    try (VhdImage img = Vhd.open(basePath)) {
      assertEquals(16 * MIB, img.getSize());
    }
    assertArrayEquals(expected, content(basePath));
    assertEquals(0, errors(basePath));
  }

  /** The parent is shared: another child over it reads the committed data where it stores none. */
  @Test
  void shouldShowCommittedDataToSiblings() throws Exception {
    Images.Chain c = Images.chain(dir);
    TestImage sibling = TestImage.differencing(c.base(), "base.vhd", 2 * MIB).fill(6 * MIB, 512, 0x66);
    Path siblingPath = sibling.writeTo(dir.resolve("sibling.vhd"));

    Cli.Result r = Cli.run("commit", c.childPath().toString());

    assertEquals(0, r.code(), r.err());
    assertArrayEquals(sibling.expectedContent(c.content()), content(siblingPath));
  }

  @Test
  void shouldDrawProgressOnStandardErrorWithP() throws Exception {
    Images.Chain c = Images.chain(dir);

    Cli.Result r = Cli.run("commit", "-p", c.childPath().toString());

    assertCommitted(r, c.childPath(), c.basePath());
    assertTrue(r.err().startsWith("\r["), r.err());
    assertTrue(r.err().contains("] 100%"), r.err());
    assertEquals(r.err().length() - 1, r.err().indexOf('\n'), "one line, redrawn in place: " + r.err());
    assertArrayEquals(c.content(), content(c.basePath()));
  }

  @Test
  void shouldRefuseDiskThatIsNotDifferencing() throws Exception {
    Path p = Images.smallDynamic().writeTo(dir.resolve("d.vhd"));
    byte[] before = Files.readAllBytes(p);

    Cli.Result r = Cli.run("commit", "-p", p.toString());

    assertEquals(2, r.code(), r.err());
    assertEquals("", r.out());
    assertEquals(List.of("vhd: " + p + ": only a differencing disk can be committed into its parent"),
        r.errLines());
    assertArrayEquals(before, Files.readAllBytes(p));
  }

  @Test
  void shouldFailWhenParentIsMissing() throws Exception {
    Images.Chain c = Images.chain(dir);
    Files.delete(c.basePath());
    byte[] before = Files.readAllBytes(c.childPath());

    Cli.Result r = Cli.run("commit", c.childPath().toString());

    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(r.err().startsWith("vhd: " + c.childPath() + ": parent not found: "), r.err());
    assertTrue(r.err().contains("tried: "), r.err());
    assertArrayEquals(before, Files.readAllBytes(c.childPath()));
    assertFalse(Files.exists(c.basePath()));
  }

  /** Only the child's directory is searched, so a parent elsewhere is not found. */
  @Test
  void shouldNotLookForParentOutsideChildDirectory() throws Exception {
    Path sub = Files.createDirectories(dir.resolve("sub"));
    TestImage base = TestImage.dynamic(8 * MIB, 2 * MIB).fill(0, 4096, 0x11);
    TestImage child = TestImage.differencing(base, "base.vhd", 2 * MIB).fill(0, 512, 0x22);
    child.addLocator(1, TestImage.W2RU, TestImage.utf16le("..\\base.vhd"));
    Path basePath = base.writeTo(dir.resolve("base.vhd"));
    Path childPath = child.writeTo(sub.resolve("child.vhd"));
    byte[] before = Files.readAllBytes(basePath);

    Cli.Result r = Cli.run("commit", childPath.toString());

    assertEquals(2, r.code(), r.out());
    assertTrue(r.err().startsWith("vhd: " + childPath + ": parent not found: "), r.err());
    assertArrayEquals(before, Files.readAllBytes(basePath));
  }

  /** A parent in a saved state belongs to a hibernated machine: the error names the parent. */
  @Test
  void shouldRefuseParentInSavedState() throws Exception {
    TestImage base = TestImage.dynamic(8 * MIB, 2 * MIB).fill(0, 4096, 0x11);
    base.savedState = 1;
    TestImage child = TestImage.differencing(base, "base.vhd", 2 * MIB).fill(1024, 1024, 0x33);
    Path basePath = base.writeTo(dir.resolve("base.vhd"));
    Path childPath = child.writeTo(dir.resolve("child.vhd"));
    byte[] before = Files.readAllBytes(basePath);

    Cli.Result r = Cli.run("commit", childPath.toString());

    assertEquals(2, r.code(), r.out());
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(r.err().contains(": the disk is in a saved state"), r.err());
    String named = r.err().substring("vhd: ".length(), r.err().indexOf(": the disk is"));
    assertTrue(Files.isSameFile(basePath, Path.of(named)), r.err());
    assertArrayEquals(before, Files.readAllBytes(basePath));
  }

  /** The chain is opened with the common options: --lenient accepts a child strict opening refuses. */
  @Test
  void shouldOpenChainWithCommonOptions() throws Exception {
    Images.Chain c = Images.chain(dir);
    TestImage child = c.child();
    child.headerChecksum = 5L;
    Path childPath = child.writeTo(c.childPath());
    byte[] base = Files.readAllBytes(c.basePath());

    Cli.Result strict = Cli.run("commit", childPath.toString());
    byte[] afterStrict = Files.readAllBytes(c.basePath());
    Cli.Result lenient = Cli.run("commit", "--lenient", childPath.toString());

    assertEquals(2, strict.code(), strict.out());
    assertTrue(strict.err().startsWith("vhd: " + childPath + ": header.checksum at offset 548 (0x224): "),
        strict.err());
    assertArrayEquals(base, afterStrict);
    assertCommitted(lenient, childPath, c.basePath());
    assertArrayEquals(c.content(), content(c.basePath()));
  }

  @Test
  void shouldFailForMissingChild() {
    Path p = dir.resolve("nope.vhd");

    Cli.Result r = Cli.run("commit", p.toString());

    assertEquals(2, r.code());
    assertEquals(List.of("vhd: " + p + ": no such file"), r.errLines());
  }
}
