package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.cli.testing.JsonTree;
import io.github.vhd4j.internal.vhdx.layout.BatLayout;
import io.github.vhd4j.internal.vhdx.layout.Guids;
import io.github.vhd4j.internal.vhdx.layout.ParentLocatorLayout;
import io.github.vhd4j.testing.VhdxChainModel;
import io.github.vhd4j.testing.VhdxPeers;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands on a differencing VHDX chain built entry by entry (qemu-img cannot make one):
 * {@code info} shows the parent locator and the backing chain, {@code map}, {@code cat} and
 * {@code convert -O raw} agree with the flattened disk the test computes (and with 7-Zip), and
 * {@code check} of a child whose parent is missing fails with the error.
 */
class VhdxChainCommandTest {
  private static final long MIB = 1L << 20;

  @TempDir
  Path dir;

  private VhdxChainModel base;
  private VhdxChainModel child;
  private Path parentPath;
  private Path childPath;

  /** A base with data in 6 of 8 blocks and a child that stores, zeroes and partly overrides some. */
  @BeforeEach
  void chain() throws IOException {
    base = VhdxChainModel.base(8 * MIB, MIB, 512, 0).full(0).full(1).full(2).full(3).full(5).full(6);
    child = base.child(1).full(1).state(2, BatLayout.PAYLOAD_ZERO).present(3, 8, 16)
        .bitmapBytes(5, (byte) 0xf0, (byte) 0xf0).full(7)
        .locator(ParentLocatorLayout.ABSOLUTE_WIN32_PATH, "C:\\Hyper-V\\Virtual Hard Disks\\base.vhdx");
    parentPath = base.write(dir.resolve("base.vhdx"));
    childPath = child.relativePath(".\\base.vhdx").write(dir.resolve("child.avhdx"));
  }

  @Test
  void shouldShowTheParentLocatorAndTheBackingChain() throws IOException {
    Cli.Result r = Cli.run("info", "--json", childPath.toString());

    assertEquals(0, r.code(), r.err());
    Map<String, Object> info = JsonTree.object(r.out());
    assertEquals("differencing", info.get("disk-type"));
    Map<String, Object> parent = JsonTree.object(info.get("parent"));
    assertEquals(List.of("locator-entries", "path", "locator"), List.copyOf(parent.keySet()));
    assertEquals("relative_path", parent.get("locator"));
    assertEquals(parentPath.toAbsolutePath().normalize().toString(), parent.get("path"));
    Map<String, Object> entries = new LinkedHashMap<>();
    entries.put(ParentLocatorLayout.PARENT_LINKAGE, Guids.text(base.dataWriteGuid()));
    entries.put(ParentLocatorLayout.RELATIVE_PATH, ".\\base.vhdx");
    entries.put(ParentLocatorLayout.ABSOLUTE_WIN32_PATH, "C:\\Hyper-V\\Virtual Hard Disks\\base.vhdx");
    assertEquals(entries, JsonTree.object(parent.get("locator-entries")));
    List<Object> chain = JsonTree.array(info.get("backing-chain"));
    assertEquals(1, chain.size());
    Map<String, Object> ancestor = JsonTree.object(chain.get(0));
    assertEquals(parentPath.toAbsolutePath().normalize().toString(), ancestor.get("filename"));
    assertEquals("dynamic", ancestor.get("disk-type"));
    assertEquals(8 * MIB, ancestor.get("virtual-size"));
    assertEquals(base.dataWriteGuid().toString(), ancestor.get("data-write-guid"));
    assertEquals(child.dataWriteGuid().toString(), info.get("data-write-guid"));
  }

  @Test
  void shouldShowTheParentInText() {
    Cli.Result r = Cli.run("info", childPath.toString());

    assertEquals(0, r.code(), r.err());
    assertTrue(r.outLines().contains("parent relative_path: .\\base.vhdx"), r.out());
    assertTrue(r.outLines().contains("backing file: " + parentPath.toAbsolutePath().normalize()
        + " (found by relative_path)"), r.out());
  }

  /**
   * Every run of the map is checked against the model: a data run's bytes are read from the file
   * at its depth (0 the child, 1 the parent) at its offset, a zero run must be zeros.
   */
  @Test
  void shouldMapTheChainAsItReads() throws IOException {
    Cli.Result r = Cli.run("map", "--json", childPath.toString());

    assertEquals(0, r.code(), r.err());
    byte[] want = child.content();
    List<Path> files = List.of(childPath, parentPath);
    long next = 0;
    for (Object o : JsonTree.array(JsonTree.parse(r.out()))) {
      Map<String, Object> run = JsonTree.object(o);
      long start = (Long) run.get("start");
      int length = Math.toIntExact((Long) run.get("length"));
      int depth = Math.toIntExact((Long) run.get("depth"));
      assertEquals(next, start, "runs are contiguous");
      next = start + length;
      byte[] expected = Arrays.copyOfRange(want, (int) start, (int) start + length);
      if ((Boolean) run.get("data")) {
        try (RandomAccessFile f = new RandomAccessFile(files.get(depth).toFile(), "r")) {
          byte[] stored = new byte[length];
          f.seek((Long) run.get("offset"));
          f.readFully(stored);
          assertArrayEquals(expected, stored, "run " + run);
        }
      } else {
        assertArrayEquals(new byte[length], expected, "run " + run);
      }
    }
    assertEquals(8 * MIB, next);
    // Block 2 is ZERO in the child: zeros at depth 0, although the parent stores it.
    assertTrue(r.out().contains("{ \"start\": " + 2 * MIB + ", \"length\": " + MIB
        + ", \"depth\": 0, \"present\": true, \"zero\": true, \"data\": false}"), r.out());
  }

  @Test
  void shouldCatTheFlattenedChain() {
    Cli.Result r = Cli.run("cat", childPath.toString());

    assertEquals(0, r.code(), r.err());
    assertArrayEquals(child.content(), r.stdoutBytes());
  }

  @Test
  void shouldConvertTheChainToRaw() throws IOException {
    Path raw = dir.resolve("flat.raw");

    Cli.Result r = Cli.run("convert", "-O", "raw", childPath.toString(), raw.toString());

    assertEquals(0, r.code(), r.err());
    assertArrayEquals(child.content(), Files.readAllBytes(raw));
  }

  /** 7-Zip, which finds the parent by relative_path as vhd4j does, extracts the same disk. */
  @Test
  void shouldConvertAs7ZipExtracts() throws IOException {
    VhdxPeers.require(VhdxPeers.SEVEN_ZIP);
    Path raw = dir.resolve("flat.raw");

    assertEquals(0, Cli.run("convert", "-O", "raw", childPath.toString(), raw.toString()).code());

    assertArrayEquals(VhdxPeers.sevenZip(childPath), Files.readAllBytes(raw));
  }

  @Test
  void shouldFailTheCheckOfAChildWhoseParentIsMissing() throws IOException {
    Files.delete(parentPath);

    Cli.Result r = Cli.run("check", childPath.toString());

    assertEquals(1, r.code(), r.err());
    assertTrue(r.out().contains("PARENT_NOT_FOUND") || r.out().contains("parent not found"), r.out());
    assertTrue(r.out().contains(parentPath.toAbsolutePath().normalize().toString()), r.out());
    assertTrue(r.out().contains(dir.resolve("base.vhdx").toString()), r.out());

    Cli.Result json = Cli.run("check", "--json", childPath.toString());
    assertEquals(1, json.code(), json.err());
    Map<String, Object> report = JsonTree.object(json.out());
    assertEquals(1L, report.get("errors"));
    Map<String, Object> problem = JsonTree.object(JsonTree.array(report.get("problems")).get(0));
    assertEquals("PARENT_NOT_FOUND", problem.get("code"));
    assertEquals(childPath.toString(), problem.get("resource"));

    Cli.Result open = Cli.run("cat", childPath.toString());
    assertEquals(2, open.code());
    assertEquals(0, open.stdoutBytes().length, "nothing is read without the parent");
    assertFalse(open.err().isEmpty());
  }

  /** A parent of the wrong DataWriteGuid: check names the VHDX code. */
  @Test
  void shouldFailTheCheckOfAChildWhoseParentHasChanged() throws IOException {
    base.dataWriteGuid(java.util.UUID.randomUUID()).write(parentPath);

    Cli.Result r = Cli.run("check", "--json", childPath.toString());

    assertEquals(1, r.code(), r.err());
    Map<String, Object> problem = JsonTree.object(JsonTree.array(JsonTree.object(r.out()).get("problems")).get(0));
    assertEquals("VHDX_PARENT_LINKAGE", problem.get("code"));
  }
}
