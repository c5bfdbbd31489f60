package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.cli.testing.JsonTree;
import io.github.vhd4j.testing.TestImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vhd map}: qemu-img map's JSON and human formats. */
class MapCommandTest {
  private static final long MIB = Images.MIB;

  @TempDir
  Path dir;

  private static Map<String, Object> run(long start, long length, long depth, boolean data, long offset) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("start", start);
    m.put("length", length);
    m.put("depth", depth);
    m.put("present", true);
    m.put("zero", !data);
    m.put("data", data);
    if (data) {
      m.put("offset", offset);
    }
    return m;
  }

  private static List<Map<String, Object>> parse(String json) throws Exception {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object o : JsonTree.array(JsonTree.parse(json))) {
      out.add(JsonTree.object(o));
    }
    return out;
  }

  @Test
  void shouldPrintQemuJsonForDynamicImage() throws Exception {
    TestImage t = Images.smallDynamic();
    Path p = t.writeTo(dir.resolve("d.vhd"));
    long bitmap = 512;

    Cli.Result r = Cli.run("map", "--json", p.toString());

    assertEquals(0, r.code(), r.err());
    List<Map<String, Object>> runs = parse(r.out());
    assertEquals(List.of(
        run(0, 2 * MIB, 0, true, t.blockOffset(0) + bitmap),
        run(2 * MIB, 2 * MIB, 0, false, -1),
        run(4 * MIB, 2 * MIB, 0, true, t.blockOffset(2) + bitmap),
        run(6 * MIB, 2 * MIB, 0, false, -1)), runs);
    for (Map<String, Object> m : runs) {
      List<String> keys = List.copyOf(m.keySet());
      assertEquals(List.of("start", "length", "depth", "present", "zero", "data", "offset")
          .subList(0, keys.size()), keys);
    }
    // qemu-img's layout: one object per line, "[{ " first, "}]" last.
    List<String> lines = r.outLines();
    assertEquals(4, lines.size(), r.out());
    assertEquals("[{ \"start\": 0, \"length\": 2097152, \"depth\": 0, \"present\": true, \"zero\": false,"
        + " \"data\": true, \"offset\": 2560},", lines.get(0));
    assertEquals("{ \"start\": 6291456, \"length\": 2097152, \"depth\": 0, \"present\": true, \"zero\": true,"
        + " \"data\": false}]", lines.get(3));
  }

  @Test
  void shouldMapDifferencingChainWithDepths() throws Exception {
    Images.Chain c = Images.chain(dir);
    long parentBlock0 = c.base().blockOffset(0) + 512;
    long parentBlock3 = c.base().blockOffset(3) + 512;
    long childBlock0 = c.child().blockOffset(0) + 512;

    Cli.Result r = Cli.run("map", "--json", c.childPath().toString());

    assertEquals(0, r.code(), r.err());
    assertEquals(List.of(
        run(0, 1024, 1, true, parentBlock0),
        run(1024, 1024, 0, true, childBlock0 + 1024),
        run(2048, 2 * MIB - 2048, 1, true, parentBlock0 + 2048),
        run(2 * MIB, 4 * MIB, 1, false, -1),
        run(6 * MIB, 2 * MIB, 1, true, parentBlock3)), parse(r.out()));
  }

  @Test
  void shouldPrintHumanMapOfDataRunsWithLayerFile() throws Exception {
    Images.Chain c = Images.chain(dir);
    long parentBlock0 = c.base().blockOffset(0) + 512;

    Cli.Result r = Cli.run("map", c.childPath().toString());

    assertEquals(0, r.code(), r.err());
    List<String> lines = r.outLines();
    assertEquals("Offset          Length          Mapped to       File", lines.get(0));
    assertEquals(5, lines.size(), r.out());
    String parentName = lines.get(1).substring(48);
    assertEquals(c.basePath().toRealPath(), Path.of(parentName).toRealPath());
    assertEquals(String.format("%-16s%-16s%-16s%s", "0", "0x400", "0x" + Long.toHexString(parentBlock0),
        parentName), lines.get(1));
    assertEquals(String.format("%-16s%-16s%-16s%s", "0x400", "0x400",
        "0x" + Long.toHexString(c.child().blockOffset(0) + 512 + 1024), c.childPath()), lines.get(2));
    assertTrue(lines.get(4).startsWith("0x600000        0x200000        0x"), lines.get(4));
  }

  @Test
  void shouldMapFixedDiskAsOneRun() throws Exception {
    Path p = TestImage.fixed(MIB).writeTo(dir.resolve("f.vhd"));

    Cli.Result r = Cli.run("map", "--json", p.toString());

    assertEquals(0, r.code(), r.err());
    assertEquals(List.of(run(0, MIB, 0, true, 0)), parse(r.out()));
  }

  /**
   * A zero-size dynamic disk, laid out as qemu-img create -f vpc makes it: an empty table at 1536
   * and the footer right there. qemu-img map prints one empty run that nothing backs; so does vhd.
   */
  @Test
  void shouldPrintQemusEmptyRunForEmptyDisk() throws Exception {
    Path p = TestImage.dynamic(0, 2 * MIB).writeTo(dir.resolve("empty.vhd"));

    Cli.Result r = Cli.run("map", "--json", p.toString());

    assertEquals(0, r.code(), r.err());
    assertEquals("[{ \"start\": 0, \"length\": 0, \"depth\": 0, \"present\": false, \"zero\": false,"
        + " \"data\": false}]", r.out().strip());
  }
}
