package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.cli.testing.JsonTree;
import io.github.vhd4j.testing.TestImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vhd check}: exit codes, problem lines and JSON. */
class CheckCommandTest {
  @TempDir
  Path dir;

  @Test
  void shouldCheckAzureRulesOnlyWhenAsked() throws Exception {
    Path ok = dir.resolve("azure.vhd");
    Path chs = dir.resolve("chs.vhd");
    assertEquals(0, Cli.run("create", "--azure", "--size", "20M", ok.toString()).code());
    assertEquals(0, Cli.run("create", "-t", "fixed", "--size", "64M", chs.toString()).code());

    Cli.Result good = Cli.run("check", "--azure", ok.toString());
    Cli.Result plain = Cli.run("check", chs.toString());
    Cli.Result bad = Cli.run("check", "--azure", chs.toString());

    assertEquals(0, good.code(), good.out());
    assertEquals(0, plain.code(), plain.out());
    assertEquals(1, bad.code(), bad.out());
    assertTrue(bad.out().contains("whole number of MiB"), bad.out());
  }

  @Test
  void shouldExitZeroForValidImage() throws Exception {
    // 240/4/17 sectors: the geometry addresses exactly the current size, so there is nothing to note.
    TestImage t = TestImage.fixed(240L * 4 * 17 * 512);
    Path p = t.writeTo(dir.resolve("ok.vhd"));

    Cli.Result r = Cli.run("check", p.toString());

    assertEquals(0, r.code(), r.err());
    assertEquals(List.of("No errors were found on the image."), r.outLines());
    assertEquals("", r.err());
  }

  @Test
  void shouldExitOneAndListErrorsForCorruptHeader() throws Exception {
    TestImage t = Images.smallDynamic();
    t.headerChecksum = 0x12345678L;
    Path p = t.writeTo(dir.resolve("bad.vhd"));

    Cli.Result r = Cli.run("check", p.toString());

    assertEquals(1, r.code(), r.out() + r.err());
    List<String> lines = r.outLines();
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("error: header.checksum at offset 548 (0x224): ")
        && l.contains("0x12345678")), r.out());
    String summary = lines.get(lines.size() - 1);
    assertTrue(summary.matches("\\d+ errors?, \\d+ warnings? found"), summary);
    assertTrue(summary.startsWith("1 error,"), summary);
  }

  @Test
  void shouldWriteJsonReport() throws Exception {
    TestImage t = Images.smallDynamic();
    t.headerChecksum = 0x12345678L;
    Path p = t.writeTo(dir.resolve("bad.vhd"));

    Cli.Result r = Cli.run("check", "--json", p.toString());

    assertEquals(1, r.code(), r.err());
    Map<String, Object> j = JsonTree.object(r.out());
    assertEquals(List.of("filename", "deep", "errors", "warnings", "problems"), List.copyOf(j.keySet()));
    assertEquals(p.toString(), j.get("filename"));
    assertEquals(Boolean.FALSE, j.get("deep"));
    assertEquals(1L, j.get("errors"));
    List<Object> problems = JsonTree.array(j.get("problems"));
    long warnings = problems.stream().map(JsonTree::object).filter(m -> "warning".equals(m.get("severity"))).count();
    assertEquals(warnings, j.get("warnings"));
    Map<String, Object> e = problems.stream().map(JsonTree::object)
        .filter(m -> "HEADER_CHECKSUM".equals(m.get("code"))).findFirst().orElseThrow();
    assertEquals(List.of("code", "severity", "resource", "structure", "field", "offset", "expected", "actual",
        "message"), List.copyOf(e.keySet()));
    assertEquals("error", e.get("severity"));
    assertEquals(p.toString(), e.get("resource"));
    assertEquals("header", e.get("structure"));
    assertEquals("checksum", e.get("field"));
    assertEquals(548L, e.get("offset"));
    assertEquals("0x12345678", e.get("actual"));
  }

  @Test
  void shouldScanBitmapsOnlyWithDeep() throws Exception {
    TestImage t = TestImage.dynamic(8 * Images.MIB, 2 * Images.MIB).fill(0, 512, 0x44);
    // Sector 1 holds data while its bitmap bit is clear: only a deep scan reads that far.
    t.block(0).data[512] = 1;
    Path p = t.writeTo(dir.resolve("dirty.vhd"));

    Cli.Result shallow = Cli.run("check", "--json", p.toString());
    Cli.Result deep = Cli.run("check", "--json", "--deep", p.toString());

    assertEquals(0, shallow.code(), shallow.err());
    assertEquals(0, deep.code(), deep.err());
    assertEquals(Boolean.FALSE, JsonTree.object(shallow.out()).get("deep"));
    assertFalse(shallow.out().contains("BLOCK_DATA_UNDER_CLEAR_BIT"), shallow.out());
    Map<String, Object> j = JsonTree.object(deep.out());
    assertEquals(Boolean.TRUE, j.get("deep"));
    Map<String, Object> w = JsonTree.array(j.get("problems")).stream().map(JsonTree::object)
        .filter(m -> "BLOCK_DATA_UNDER_CLEAR_BIT".equals(m.get("code"))).findFirst().orElseThrow();
    assertEquals("warning", w.get("severity"));
    // The first dirty byte: block 0 data starts after the footer copy, header, table and bitmap.
    assertEquals(2048L + 512 + 512, w.get("offset"));
  }

  @Test
  void shouldReportEveryProblemOfTheChain() throws Exception {
    Images.Chain c = Images.chain(dir);
    Files.delete(c.basePath());

    Cli.Result r = Cli.run("check", c.childPath().toString());

    assertEquals(1, r.code(), r.err());
    assertTrue(r.outLines().stream().anyMatch(l -> l.startsWith("error: header.parentUuid at offset 552 (0x228): ")
        && l.contains("base.vhd")), r.out());
  }

  @Test
  void shouldExitTwoWhenFileIsMissing() {
    Path p = dir.resolve("missing.vhd");

    Cli.Result r = Cli.run("check", p.toString());

    assertEquals(2, r.code());
    assertEquals("", r.out());
    assertEquals(List.of("vhd: " + p + ": no such file"), r.errLines());
  }

  @Test
  void shouldExitOneForFileThatIsNotAVhd() throws Exception {
    Path p = Files.write(dir.resolve("zeros.bin"), new byte[4096]);

    Cli.Result r = Cli.run("check", "--json", p.toString());

    assertEquals(1, r.code(), r.err());
    assertTrue(JsonTree.array(JsonTree.object(r.out()).get("problems")).stream().map(JsonTree::object)
        .anyMatch(m -> "FOOTER_COOKIE".equals(m.get("code")) && "error".equals(m.get("severity"))), r.out());
  }
}
