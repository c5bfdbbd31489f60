package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.vhd4j.cli.testing.JsonTree;
import io.github.vhd4j.internal.vhdx.layout.Guids;
import io.github.vhd4j.internal.vhdx.layout.ParentLocatorLayout;
import io.github.vhd4j.testing.TestImage;
import io.github.vhd4j.testing.VhdxChainModel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps docs/cli-json.md true: runs every command that prints JSON on test images and checks each
 * output against the document's key tables. Every key printed must be documented with its type,
 * every key documented as always present must be printed, and every documented key must be
 * printed by at least one of the images (so the tables hold no key the tool has never had).
 */
class JsonDocTest {
  /** Tests run in the cli module's directory. */
  private static final Path DOC = Path.of("../docs/cli-json.md");

  private static final Pattern MARKER = Pattern.compile("<!-- keys: ([a-z-]+) -->");

  /** One documented key. */
  record Row(String key, String type, boolean always) {}

  private static Map<String, Map<String, Row>> tables = Map.of();

  @TempDir
  Path dir;

  /** Every path each table's keys were seen at, across the runs of one test. */
  private final Map<String, Set<String>> seen = new LinkedHashMap<>();

  @BeforeAll
  static void readDoc() throws IOException {
    tables = parse(Files.readAllLines(DOC));
  }

  /**
   * Reads the tables that follow {@code <!-- keys: NAME -->} markers: rows of
   * {@code | `key` | type | present | meaning |} up to the first line that is not a row.
   */
  static Map<String, Map<String, Row>> parse(List<String> lines) {
    Map<String, Map<String, Row>> out = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = MARKER.matcher(lines.get(i).trim());
      if (!m.matches()) {
        continue;
      }
      Map<String, Row> rows = new LinkedHashMap<>();
      // The header row and its separator come first.
      for (int j = i + 3; j < lines.size() && lines.get(j).startsWith("|"); j++) {
        String[] cells = lines.get(j).split("\\|");
        assertTrue(cells.length >= 5, "a row needs key, type, present and meaning: " + lines.get(j));
        String key = cells[1].trim();
        assertTrue(key.startsWith("`") && key.endsWith("`"), "keys are in backquotes: " + lines.get(j));
        key = key.substring(1, key.length() - 1);
        String present = cells[3].trim();
        assertFalse(rows.containsKey(key), "documented twice: " + key);
        rows.put(key, new Row(key, cells[2].trim(), present.equals("always")));
      }
      assertFalse(rows.isEmpty(), "no table after " + lines.get(i));
      assertFalse(out.containsKey(m.group(1)), "two tables named " + m.group(1));
      out.put(m.group(1), rows);
    }
    return out;
  }

  @Test
  void shouldDocumentEveryTableTheTestsUse() {
    assertEquals(Set.of("info", "info-vhdx", "problem", "check", "map", "checksum", "compare", "repair", "batch-error"),
        tables.keySet());
  }

  @Test
  void shouldMatchInfoOutput() throws Exception {
    Images.Chain chain = Images.chain(dir);
    Path fixed = TestImage.fixed(Images.MIB).writeTo(dir.resolve("fixed.vhd"));
    Path dynamic = Images.smallDynamic().writeTo(dir.resolve("dynamic.vhd"));

    check("info", json(0, "info", "--json", dynamic.toString()));
    check("info", json(0, "info", "--json", fixed.toString()));
    check("info", json(0, "info", "--json", chain.childPath().toString()));
    check("info", json(0, "info", "--json", "--lenient", damagedTailFooter().toString()));

    assertAllSeen("info");
  }

  /**
   * The VHDX table: a dynamic and a fixed VHDX qemu-img made, a differencing child of the dynamic
   * one, and a child whose locator holds every key MS-VHDX defines, which together print every key.
   */
  @Test
  void shouldMatchVhdxInfoOutput() throws Exception {
    VhdxDocImages.requireQemu();
    Path base = VhdxDocImages.qemu(dir.resolve("base.vhdx"), "dynamic");
    Path fixed = VhdxDocImages.qemu(dir.resolve("fixed.vhdx"), "fixed");
    Path child = VhdxDocImages.child(base, dir.resolve("child.vhdx"));
    VhdxChainModel other = VhdxChainModel.base(8 * Images.MIB, Images.MIB, 512, 0).full(2);
    other.write(dir.resolve("other.vhdx"));
    Path windows = other.child(1).full(3)
        .locator(ParentLocatorLayout.ABSOLUTE_WIN32_PATH, "\\\\?\\C:\\vms\\other.vhdx")
        .locator(ParentLocatorLayout.RELATIVE_PATH, ".\\other.vhdx")
        .locator(ParentLocatorLayout.VOLUME_PATH,
            "\\\\?\\Volume{26a21bda-a627-11d7-9931-806e6f6e6963}\\vms\\other.vhdx")
        .locator(ParentLocatorLayout.PARENT_LINKAGE2, Guids.text(Guids.ZERO))
        .write(dir.resolve("windows.avhdx"));

    check("info-vhdx", json(0, "info", "--json", base.toString()));
    check("info-vhdx", json(0, "info", "--json", fixed.toString()));
    check("info-vhdx", json(0, "info", "--json", child.toString()));
    check("info-vhdx", json(0, "info", "--json", windows.toString()));

    assertAllSeen("info-vhdx");
  }

  @Test
  void shouldMatchCheckOutput() throws Exception {
    Path clean = TestImage.fixed(240L * 4 * 17 * 512).writeTo(dir.resolve("clean.vhd"));
    Path tiny = Files.write(dir.resolve("tiny.vhd"), new byte[100]);

    check("check", json(0, "check", "--json", clean.toString()));
    check("check", json(0, "check", "--json", "--deep", Images.chain(dir).childPath().toString()));
    check("check", json(1, "check", "--json", damagedTailFooter().toString()));
    check("check", json(1, "check", "--json", tiny.toString()));

    assertAllSeen("check");
    assertAllSeen("problem");
  }

  /**
   * Many images: each line is an image's own object (the info or check table) or an error object
   * (the batch-error table), never anything else.
   */
  @Test
  void shouldMatchBatchOutput() throws Exception {
    Path dynamic = Images.smallDynamic().writeTo(dir.resolve("dynamic.vhd"));
    Path missing = dir.resolve("missing.vhd");
    byte[] qcow = new byte[4096];
    qcow[0] = 'Q';
    qcow[1] = 'F';
    qcow[2] = 'I';
    qcow[3] = (byte) 0xfb;
    qcow[7] = 3;
    Path other = Files.write(dir.resolve("other.qcow2"), qcow);

    for (String command : List.of("info", "check")) {
      Cli.Result r = Cli.run(command, "--json", dynamic.toString(), missing.toString(), other.toString());
      assertEquals(2, r.code(), r.err());
      assertEquals(3, r.outLines().size(), r.out());
      for (String line : r.outLines()) {
        Object value = JsonTree.parse(line);
        check(JsonTree.object(value).containsKey("error") ? "batch-error" : command, value);
      }
    }

    assertAllSeen("batch-error");
  }

  @Test
  void shouldMatchMapOutput() throws Exception {
    Path dynamic = Images.smallDynamic().writeTo(dir.resolve("dynamic.vhd"));
    Path empty = dir.resolve("empty.vhd");
    assertEquals(0, Cli.run("create", "--size", "0", empty.toString()).code());

    check("map", json(0, "map", "--json", dynamic.toString()));
    check("map", json(0, "map", "--json", Images.chain(dir).childPath().toString()));
    check("map", json(0, "map", "--json", empty.toString()));

    assertAllSeen("map");
  }

  /** One object per line per image; a read that fails part-way still ends its object, with {@code error}. */
  @Test
  void shouldMatchChecksumOutput() throws Exception {
    Path dynamic = Images.smallDynamic().writeTo(dir.resolve("dynamic.vhd"));
    Path cut = ChecksumCommandTest.cutPast64MiB(dir.resolve("cut.vhd"));

    Cli.Result r = Cli.run("checksum", "--json", dynamic.toString(), Images.chain(dir).childPath().toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(2, r.outLines().size());
    for (String line : r.outLines()) {
      check("checksum", JsonTree.parse(line));
    }
    check("checksum", json(0, "checksum", "--json", "--block-size", "3M", "-a", "md5", dynamic.toString()));
    Cli.Result failed = Cli.run("checksum", "--json", "--lenient", "--block-size", "1M", cut.toString());
    assertEquals(2, failed.code(), failed.err());
    check("checksum", JsonTree.parse(failed.out()));

    assertAllSeen("checksum");
  }

  @Test
  void shouldMatchCompareOutput() throws Exception {
    TestImage t = Images.smallDynamic();
    Path vhd = t.writeTo(dir.resolve("d.vhd"));
    byte[] content = t.expectedContent();
    Path same = Files.write(dir.resolve("same.raw"), content);
    content[7] ^= 1;
    Path changed = Files.write(dir.resolve("changed.raw"), content);
    Path longer = Files.write(dir.resolve("longer.raw"), new byte[(int) Images.MIB]);
    Path shorter = Files.write(dir.resolve("shorter.raw"), new byte[512]);

    check("compare", json(0, "compare", "--json", vhd.toString(), same.toString()));
    check("compare", json(1, "compare", "--json", vhd.toString(), changed.toString()));
    check("compare", json(1, "compare", "--json", "--strict", shorter.toString(), longer.toString()));

    assertAllSeen("compare");
  }

  @Test
  void shouldMatchRepairOutput() throws Exception {
    Path healthy = Images.smallDynamic().writeTo(dir.resolve("healthy.vhd"));

    check("repair", json(1, "repair", "--dry-run", "--json", damagedTailFooter().toString()));
    check("repair", json(0, "repair", "--dry-run", "--json", healthy.toString()));

    assertAllSeen("repair");
  }

  /** The document's example: four bytes of the footer at the end overwritten; the copy at 0 is intact. */
  private Path damagedTailFooter() throws IOException {
    Path p = Images.smallDynamic().writeTo(dir.resolve("damaged.vhd"));
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef}), ch.size() - 512 + 64);
    }
    return p;
  }

  /** Runs a command and parses its output, checking the exit code first. */
  private static Object json(int code, String... args) throws IOException {
    Cli.Result r = Cli.run(args);
    assertEquals(code, r.code(), String.join(" ", args) + ": " + r.err());
    return JsonTree.parse(r.out());
  }

  private void check(String table, Object value) {
    Map<String, Row> rows = tables.get(table);
    assertNotNull(rows, "no table " + table);
    if (value instanceof List<?> list) {
      // An output that is an array: its elements' keys are documented as "[].key".
      for (Object e : list) {
        checkObject(table, rows, "[].", e);
      }
    } else {
      checkObject(table, rows, "", value);
    }
  }

  private void checkObject(String table, Map<String, Row> rows, String prefix, Object value) {
    assertTrue(value instanceof Map, table + ": " + prefix + " should be an object: " + value);
    Map<String, Object> object = JsonTree.object(value);
    for (Map.Entry<String, Object> e : object.entrySet()) {
      String path = prefix + e.getKey();
      Row row = rows.get(path);
      assertNotNull(row, table + ": key " + path + " is printed but not documented in " + DOC);
      seen.computeIfAbsent(table, t -> new HashSet<>()).add(path);
      Object v = e.getValue();
      assertTrue(hasType(v, row.type()), table + ": " + path + " is documented as " + row.type() + " but is " + v);
      if (row.type().equals("array of problems")) {
        for (Object element : JsonTree.array(v)) {
          checkObject("problem", tables.get("problem"), "", element);
        }
      } else if (row.type().equals("array")) {
        for (Object element : JsonTree.array(v)) {
          checkObject(table, rows, path + "[].", element);
        }
      } else if (row.type().equals("object")) {
        checkObject(table, rows, path + ".", v);
      }
    }
    for (Row row : rows.values()) {
      if (row.always() && isMemberOf(row.key(), prefix)) {
        assertTrue(object.containsKey(row.key().substring(prefix.length())),
            table + ": " + row.key() + " is documented as always present but missing from " + object);
      }
    }
  }

  /** Whether {@code key} names a direct member of the object at {@code prefix}. */
  private static boolean isMemberOf(String key, String prefix) {
    if (!key.startsWith(prefix)) {
      return false;
    }
    String rest = key.substring(prefix.length());
    return !rest.contains(".") && !rest.contains("[]");
  }

  private static boolean hasType(Object v, String type) {
    boolean nullable = type.endsWith(" or null");
    String base = nullable ? type.substring(0, type.length() - " or null".length()) : type;
    if (v == JsonTree.NULL) {
      return nullable;
    }
    return switch (base) {
      case "string" -> v instanceof String;
      case "integer" -> v instanceof Long;
      case "boolean" -> v instanceof Boolean;
      case "object" -> v instanceof Map;
      case "array", "array of problems" -> v instanceof List;
      default -> fail("unknown type in " + DOC + ": " + type);
    };
  }

  private void assertAllSeen(String table) {
    Set<String> missing = new TreeSet<>(tables.get(table).keySet());
    missing.removeAll(seen.getOrDefault(table, Set.of()));
    assertEquals(new TreeSet<String>(), missing, table + ": documented keys no test image printed");
  }

  /** The parser itself: a row outside a marked table is ignored, a marked table is read to its end. */
  @Test
  void shouldParseOnlyMarkedTables() {
    List<String> lines = new ArrayList<>(List.of("| `stray` | string | always | x |", "",
        "<!-- keys: demo -->", "| Key | Type | Present | Meaning |", "|---|---|---|---|",
        "| `a` | integer | always | first |", "| `b.c` | string or null | when asked | second |", "",
        "| `after` | string | always | not in the table |"));

    Map<String, Map<String, Row>> parsed = parse(lines);

    assertEquals(Set.of("demo"), parsed.keySet());
    assertEquals(List.of(new Row("a", "integer", true), new Row("b.c", "string or null", false)),
        List.copyOf(parsed.get("demo").values()));
  }
}
