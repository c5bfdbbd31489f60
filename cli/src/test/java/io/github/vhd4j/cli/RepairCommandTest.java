package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.Severity;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.cli.testing.JsonTree;
import io.github.vhd4j.testing.TestImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vhd repair}: each repair checked on the file (bytes, {@link Vhd#check}, content), dry runs
 * checked to leave the file byte-identical, and the exit codes of every outcome.
 */
class RepairCommandTest {
  private static final String LOST_FOOTER =
      "rewrite the lost or damaged footer at the end of the file from the copy at offset 0";

  @TempDir
  Path dir;

  /** {@link Images#smallDynamic()} without the footer at the end of the file (a cut-off write). */
  private static TestImage lostFooter() {
    TestImage t = Images.smallDynamic();
    t.tailFooter = false;
    return t;
  }

  private static byte[] content(Path p) throws IOException {
    try (VhdImage img = Vhd.open(p); var in = img.newInputStream()) {
      return in.readAllBytes();
    }
  }

  private static int errors(Path p) throws IOException {
    return Vhd.check(p).problems(Severity.ERROR).size();
  }

  @Test
  void shouldRestoreLostTailFooterFromCopy() throws Exception {
    TestImage t = lostFooter();
    Path p = t.writeTo(dir.resolve("d.vhd"));
    long end = Files.size(p);
    assertTrue(errors(p) > 0, "the test image must be damaged");

    Cli.Result r = Cli.run("repair", p.toString());

    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err());
    assertEquals(List.of("repaired footer at offset " + end + " (0x" + Long.toHexString(end) + "): " + LOST_FOOTER),
        r.outLines());
    assertEquals(0, errors(p));
    assertArrayEquals(t.expectedContent(), content(p));
    // The footer went where the writer would have put it: the file is the undamaged image.
    t.tailFooter = true;
    assertArrayEquals(t.toBytes(), Files.readAllBytes(p));
  }

  @Test
  void shouldChangeNothingAndExitOneInDryRun() throws Exception {
    Path p = lostFooter().writeTo(dir.resolve("d.vhd"));
    byte[] before = Files.readAllBytes(p);
    long end = before.length;

    Cli.Result r = Cli.run("repair", "--dry-run", p.toString());

    assertEquals(1, r.code(), r.err());
    assertEquals("", r.err());
    assertEquals(List.of("would repair footer at offset " + end + " (0x" + Long.toHexString(end) + "): "
        + LOST_FOOTER), r.outLines());
    assertArrayEquals(before, Files.readAllBytes(p));
  }

  @Test
  void shouldReportNothingToRepairForHealthyImage() throws Exception {
    Path p = Images.smallDynamic().writeTo(dir.resolve("ok.vhd"));
    byte[] before = Files.readAllBytes(p);

    Cli.Result r = Cli.run("repair", p.toString());
    Cli.Result dry = Cli.run("repair", "--dry-run", p.toString());

    for (Cli.Result x : List.of(r, dry)) {
      assertEquals(0, x.code(), x.err());
      assertEquals(List.of("nothing to repair"), x.outLines());
      assertEquals("", x.err());
    }
    assertArrayEquals(before, Files.readAllBytes(p));
  }

  /** Several repairs at once, in the library's order: table, header, copy, then the tail footer. */
  @Test
  void shouldListEveryRepairInOrder() throws Exception {
    TestImage t = lostFooter();
    t.headerChecksum = 5L;
    t.batOverride.put(3, 0x100000);
    Path p = t.writeTo(dir.resolve("d.vhd"));

    Cli.Result r = Cli.run("repair", p.toString());

    assertEquals(0, r.code(), r.err());
    List<String> lines = r.outLines();
    assertEquals(3, lines.size(), r.out());
    assertEquals("repaired bat at offset 1548 (0x60c): clear the entry of block 3, which points outside the file",
        lines.get(0));
    assertEquals("repaired header at offset 512 (0x200): recompute the dynamic header checksum", lines.get(1));
    assertTrue(lines.get(2).startsWith("repaired footer at offset "), lines.get(2));
    assertEquals(0, errors(p));
    assertArrayEquals(t.expectedContent(), content(p));
  }

  @Test
  void shouldRecomputeFixedFooterChecksum() throws Exception {
    TestImage t = TestImage.fixed(1 << 20).fill(4096, 512, 0x7e);
    t.footerChecksum = 7L;
    Path p = t.writeTo(dir.resolve("f.vhd"));

    Cli.Result r = Cli.run("repair", p.toString());

    assertEquals(0, r.code(), r.err());
    assertEquals(List.of("repaired footer at offset 1048576 (0x100000): recompute the footer checksum"), r.outLines());
    assertEquals(0, errors(p));
    assertArrayEquals(t.expectedContent(), content(p));
  }

  @Test
  void shouldWriteJsonArrayOfActions() throws Exception {
    TestImage t = lostFooter();
    t.headerChecksum = 5L;
    Path p = t.writeTo(dir.resolve("d.vhd"));
    byte[] before = Files.readAllBytes(p);
    long end = before.length;

    Cli.Result dry = Cli.run("repair", "--dry-run", "--json", p.toString());
    byte[] afterDry = Files.readAllBytes(p);
    Cli.Result r = Cli.run("repair", "--json", p.toString());
    Cli.Result again = Cli.run("repair", "--json", p.toString());

    assertEquals(1, dry.code(), dry.err());
    assertArrayEquals(before, afterDry);
    assertEquals(0, r.code(), r.err());
    assertEquals(dry.out(), r.out(), "a dry run lists exactly what the repair does");
    List<Object> actions = JsonTree.array(JsonTree.parse(r.out()));
    assertEquals(2, actions.size(), r.out());
    Map<String, Object> header = JsonTree.object(actions.get(0));
    assertEquals(List.of("structure", "offset", "description"), List.copyOf(header.keySet()));
    assertEquals(Map.of("structure", "header", "offset", 512L, "description", "recompute the dynamic header checksum"),
        header);
    assertEquals(Map.of("structure", "footer", "offset", end, "description", LOST_FOOTER),
        JsonTree.object(actions.get(1)));
    assertEquals(0, again.code(), again.err());
    assertEquals("[]", again.out().strip());
    assertEquals(0, errors(p));
  }

  /** Overlapping blocks need a guess (whose data is it?), so repair leaves them and says so. */
  @Test
  void shouldWarnAndExitOneWhenErrorsRemain() throws Exception {
    TestImage t = Images.smallDynamic();
    t.batOverride.put(3, 4); // block 3 claims block 0's place
    Path p = t.writeTo(dir.resolve("overlap.vhd"));
    byte[] before = Files.readAllBytes(p);

    Cli.Result r = Cli.run("repair", p.toString());
    Cli.Result dry = Cli.run("repair", "--dry-run", p.toString());

    for (Cli.Result x : List.of(r, dry)) {
      assertEquals(1, x.code(), x.err());
      assertEquals(List.of("nothing to repair"), x.outLines());
      assertEquals(List.of("vhd: " + p + ": warning: 1 error remains that repair cannot fix (vhd check lists it)"),
          x.errLines());
    }
    assertArrayEquals(before, Files.readAllBytes(p));
  }

  @Test
  void shouldFailWithoutChangeWhenImageCannotBeRead() throws Exception {
    TestImage t = Images.smallDynamic();
    t.headerCookie = "xxxxxxxx".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    Path p = t.writeTo(dir.resolve("bad.vhd"));
    byte[] before = Files.readAllBytes(p);

    Cli.Result r = Cli.run("repair", p.toString());

    assertEquals(2, r.code());
    assertEquals("", r.out());
    assertEquals(List.of("vhd: " + p + ": header.cookie at offset 512 (0x200): expected \"cxsparse\", found"
        + " \"xxxxxxxx\""), r.errLines());
    assertArrayEquals(before, Files.readAllBytes(p));
  }

  /** Repair reads only the file named: a differencing disk whose parent is elsewhere is repaired. */
  @Test
  void shouldRepairDifferencingDiskWithoutItsParent() throws Exception {
    Images.Chain c = Images.chain(dir);
    Files.delete(c.basePath());
    TestImage child = c.child();
    child.tailFooter = false;
    Path p = child.writeTo(c.childPath());

    Cli.Result r = Cli.run("repair", p.toString());

    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err());
    assertEquals(1, r.outLines().size(), r.out());
    assertTrue(r.out().startsWith("repaired footer at offset "), r.out());
    child.tailFooter = true;
    assertArrayEquals(child.toBytes(), Files.readAllBytes(p));
  }

  @Test
  void shouldDocumentExitCodesInHelp() {
    Cli.Result r = Cli.run("repair", "--help");

    assertEquals(0, r.code(), r.err());
    String help = r.out().replaceAll("\\s+", " ");
    assertTrue(help.contains("Exit codes: 0 Nothing needed repair, or everything was repaired. 1 Repairs are"
        + " pending (--dry-run), or errors remain that repair cannot fix"), r.out());
  }

  @Test
  void shouldRefuseMissingFileAndDirectory() {
    Path missing = dir.resolve("nope.vhd");

    Cli.Result r = Cli.run("repair", missing.toString());
    Cli.Result d = Cli.run("repair", dir.toString());

    assertEquals(2, r.code());
    assertEquals(List.of("vhd: " + missing + ": no such file"), r.errLines());
    assertEquals(2, d.code());
    assertEquals(1, d.errLines().size(), d.err());
    assertTrue(d.err().startsWith("vhd: " + dir + ": "), d.err());
    assertFalse(d.err().contains("internal error"), d.err());
  }
}
