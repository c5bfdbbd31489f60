package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.cli.testing.JsonTree;
import io.github.vhd4j.testing.TestImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vhd info}: human and JSON output. */
class InfoCommandTest {
  @TempDir
  Path dir;

  @Test
  void shouldPrintQemuLikeLinesForDynamicImage() throws Exception {
    TestImage t = Images.smallDynamic();
    Path p = t.writeTo(dir.resolve("d.vhd"));
    // 512 footer copy + 1024 header + 512 table + 2 x (512 bitmap + 2 MiB) + 512 footer.
    assertEquals(4 * Images.MIB + 3584, Files.size(p));

    Cli.Result r = Cli.run("info", p.toString());

    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err());
    List<String> lines = r.outLines();
    assertEquals("image: " + p, lines.get(0));
    assertTrue(lines.contains("file format: vhd"), r.out());
    assertTrue(lines.contains("disk type: dynamic"), r.out());
    assertTrue(lines.contains("virtual size: 8 MiB (8388608 bytes)"), r.out());
    // 4197888 bytes = 4.0034 MiB: three significant digits, as qemu-img prints it, then the exact count.
    assertTrue(lines.contains("disk size: 4 MiB (4197888 bytes)"), r.out());
    // qemu-img's key and number first, then the short form.
    assertTrue(lines.contains("cluster_size: 2097152 (2 MiB)"), r.out());
    // Geometry of the specification's algorithm for 16384 sectors: 240/4/17 = 16320 sectors.
    assertTrue(lines.contains("CHS size: 7.97 MiB (8355840 bytes)"), r.out());
    assertTrue(lines.contains("size source: current-size (size policy auto)"), r.out());
    assertTrue(lines.contains("geometry: 240/4/17 (cylinders/heads/sectors)"), r.out());
    assertTrue(lines.contains("creator: 'jvhd' 1.0 on 'Wi2k'"), r.out());
    assertTrue(lines.contains("uuid: " + t.uuid), r.out());
    assertTrue(lines.contains("timestamp: " + Instant.ofEpochSecond(946_684_800L + 0x2A000000L)), r.out());
    assertTrue(lines.contains("saved state: no"), r.out());
    // The geometry addresses less than current_size: an INFO note, listed with the warnings.
    assertTrue(lines.contains("warnings:"), r.out());
    assertTrue(r.out().contains("\n    info: footer.currentSize at offset " + (4 * Images.MIB + 3072 + 48) + " (0x"),
        r.out());
  }

  @Test
  void shouldWriteJsonWithQemuKeyNamesInOrder() throws Exception {
    TestImage t = Images.smallDynamic();
    Path p = t.writeTo(dir.resolve("d.vhd"));

    Cli.Result r = Cli.run("info", "--json", p.toString());

    assertEquals(0, r.code(), r.err());
    Map<String, Object> j = JsonTree.object(r.out());
    assertEquals(List.of("filename", "format", "disk-type", "virtual-size", "actual-size", "cluster-size",
        "current-size", "original-size", "chs-size", "size-source", "size-policy", "geometry", "creator-app",
        "creator-version", "creator-os", "uuid", "timestamp", "saved-state", "warnings"), List.copyOf(j.keySet()));
    assertEquals(p.toString(), j.get("filename"));
    assertEquals("vhd", j.get("format"));
    assertEquals("dynamic", j.get("disk-type"));
    assertEquals(8 * Images.MIB, j.get("virtual-size"));
    assertEquals(Files.size(p), j.get("actual-size"));
    assertEquals(2 * Images.MIB, j.get("cluster-size"));
    assertEquals(8 * Images.MIB, j.get("current-size"));
    assertEquals(8 * Images.MIB, j.get("original-size"));
    assertEquals(240L * 4 * 17 * 512, j.get("chs-size"));
    assertEquals("current-size", j.get("size-source"));
    assertEquals("auto", j.get("size-policy"));
    assertEquals(Map.of("cylinders", 240L, "heads", 4L, "sectors", 17L), j.get("geometry"));
    assertEquals("jvhd", j.get("creator-app"));
    assertEquals("1.0", j.get("creator-version"));
    assertEquals("Wi2k", j.get("creator-os"));
    assertEquals(t.uuid.toString(), j.get("uuid"));
    assertEquals("2022-04-30T14:11:12Z", j.get("timestamp"));
    assertEquals(Boolean.FALSE, j.get("saved-state"));
    List<Object> warnings = JsonTree.array(j.get("warnings"));
    assertEquals(1, warnings.size(), r.out());
    Map<String, Object> w = JsonTree.object(warnings.get(0));
    assertEquals("SIZE_SOURCES_DIFFER", w.get("code"));
    assertEquals("info", w.get("severity"));
    assertEquals(p.toString(), w.get("resource"));
    assertEquals(4 * Images.MIB + 3072 + 48, w.get("offset"));
    // Pretty-printed like qemu-img: four-space indentation and "key": value.
    assertTrue(r.out().startsWith("{\n    \"filename\": "), r.out());
    assertTrue(r.out().endsWith("}\n"), r.out());
  }

  @Test
  void shouldOmitClusterSizeForFixedDisk() throws Exception {
    TestImage t = TestImage.fixed(Images.MIB);
    t.creatorApp = "d2v\0";
    t.savedState = 1;
    Path p = t.writeTo(dir.resolve("f.vhd"));

    Cli.Result r = Cli.run("info", "--json", p.toString());

    assertEquals(0, r.code(), r.err());
    Map<String, Object> j = JsonTree.object(r.out());
    assertEquals("fixed", j.get("disk-type"));
    assertFalse(j.containsKey("cluster-size"), r.out());
    assertFalse(j.containsKey("parent"), r.out());
    assertFalse(j.containsKey("backing-chain"), r.out());
    assertEquals(Images.MIB + 512, j.get("actual-size"));
    assertEquals("d2v\0", j.get("creator-app"));
    assertTrue(r.out().contains("\"creator-app\": \"d2v\\u0000\""), r.out());
    assertEquals(Boolean.TRUE, j.get("saved-state"));
  }

  @Test
  void shouldApplySizePolicyOption() throws Exception {
    Path p = Images.smallDynamic().writeTo(dir.resolve("d.vhd"));

    Map<String, Object> chs = JsonTree.object(Cli.run("info", "--json", "--size-policy", "chs", p.toString()).out());
    Map<String, Object> cur = JsonTree.object(Cli.run("info", "--json", "--size-policy=current", p.toString()).out());

    assertEquals(8355840L, chs.get("virtual-size"));
    assertEquals("chs", chs.get("size-source"));
    assertEquals("chs", chs.get("size-policy"));
    assertEquals(8 * Images.MIB, cur.get("virtual-size"));
    assertEquals("current-size", cur.get("size-source"));
    assertEquals("current", cur.get("size-policy"));
  }

  @Test
  void shouldDescribeParentAndBackingChain() throws Exception {
    Images.Chain c = Images.chain(dir);

    Cli.Result r = Cli.run("info", "--json", c.childPath().toString());

    assertEquals(0, r.code(), r.err());
    Map<String, Object> j = JsonTree.object(r.out());
    assertEquals("differencing", j.get("disk-type"));
    Map<String, Object> parent = JsonTree.object(j.get("parent"));
    assertEquals(List.of("name", "uuid", "path", "locator"), List.copyOf(parent.keySet()));
    assertEquals("base.vhd", parent.get("name"));
    assertEquals(c.base().uuid.toString(), parent.get("uuid"));
    assertEquals(c.basePath().toRealPath(), Path.of((String) parent.get("path")).toRealPath());
    // The builder puts W2ku in slot 0 and W2ru in slot 1; W2ru is tried first.
    assertEquals("W2ru locator[1]", parent.get("locator"));
    List<Object> chain = JsonTree.array(j.get("backing-chain"));
    assertEquals(1, chain.size());
    Map<String, Object> b = JsonTree.object(chain.get(0));
    assertEquals(List.of("filename", "disk-type", "virtual-size", "uuid"), List.copyOf(b.keySet()));
    assertEquals(c.basePath().toRealPath(), Path.of((String) b.get("filename")).toRealPath());
    assertEquals("dynamic", b.get("disk-type"));
    assertEquals(8 * Images.MIB, b.get("virtual-size"));
    assertEquals(c.base().uuid.toString(), b.get("uuid"));

    Cli.Result text = Cli.run("info", c.childPath().toString());
    assertEquals(0, text.code(), text.err());
    assertTrue(text.outLines().contains("parent name: base.vhd"), text.out());
    assertTrue(text.out().contains("(found by W2ru locator[1])"), text.out());
    assertTrue(text.outLines().contains("backing chain:"), text.out());
  }

  @Test
  void shouldListWarningsAsProblemObjects() throws Exception {
    TestImage t = TestImage.fixed(Images.MIB);
    t.timestamp = 0xF0000000L; // year 2127: in the future
    Path p = t.writeTo(dir.resolve("w.vhd"));

    Cli.Result r = Cli.run("info", "--json", p.toString());

    assertEquals(0, r.code(), r.err());
    List<Object> warnings = JsonTree.array(JsonTree.object(r.out()).get("warnings"));
    Map<String, Object> w = warnings.stream().map(JsonTree::object)
        .filter(m -> "FOOTER_TIMESTAMP".equals(m.get("code"))).findFirst().orElseThrow();
    assertEquals("warning", w.get("severity"));
    assertEquals("footer", w.get("structure"));
    assertEquals("timestamp", w.get("field"));
    assertEquals(Images.MIB + 24, w.get("offset"));
    assertTrue(((String) w.get("message")).length() > 0);

    Cli.Result text = Cli.run("info", p.toString());
    assertTrue(text.outLines().contains("warnings:"), text.out());
    assertTrue(text.out().contains("    warning: footer.timestamp at offset " + (Images.MIB + 24)), text.out());
  }

  @Test
  void shouldOpenDamagedImageOnlyWhenLenient() throws Exception {
    TestImage t = TestImage.dynamic(8 * Images.MIB, 2 * Images.MIB).fill(0, 512, 1);
    t.batOverride.put(3, 0x00100000); // block 3 at 512 MiB: far outside the file
    Path p = t.writeTo(dir.resolve("bad.vhd"));

    Cli.Result strict = Cli.run("info", p.toString());
    Cli.Result lenient = Cli.run("info", "--json", "--lenient", p.toString());

    assertEquals(2, strict.code());
    assertEquals(1, strict.errLines().size(), strict.err());
    assertTrue(strict.err().startsWith("vhd: " + p + ": bat."), strict.err());
    assertEquals(0, lenient.code(), lenient.err());
    Map<String, Object> w = JsonTree.array(JsonTree.object(lenient.out()).get("warnings")).stream().map(JsonTree::object)
        .filter(m -> "BAT_ENTRY_OUTSIDE_FILE".equals(m.get("code"))).findFirst().orElseThrow();
    // Downgraded errors keep severity ERROR.
    assertEquals("error", w.get("severity"));
    assertEquals(1536L + 12, w.get("offset"));
  }
}
