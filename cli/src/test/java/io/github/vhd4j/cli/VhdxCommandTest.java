package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.vhd4j.cli.testing.JsonTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reading commands on VHDX images qemu-img made and qemu-io wrote: info, check, map, cat,
 * compare and convert to raw and VHD agree with qemu-img's content; the commands that change
 * images refuse a VHDX with one line. Skipped when qemu-img or qemu-io is missing, except with
 * VHD4J_PEERS_REQUIRED=1 (as .ci/run sets it): then it fails.
 */
class VhdxCommandTest {
  private static final long MIB = Images.MIB;

  @TempDir
  Path dir;

  @BeforeAll
  static void requireQemu() {
    QemuTool.require();
  }


  /** A 64 MiB dynamic VHDX in 1 MiB blocks: data in blocks 1, 2 and 40 (the last half written). */
  private Path qemuDynamic() throws Exception {
    Path p = dir.resolve("q.vhdx");
    QemuTool.exec("qemu-img", "create", "-q", "-f", "vhdx", "-o", "subformat=dynamic,block_size=1M", p.toString(), "64M");
    QemuTool.exec("qemu-io", "-f", "vhdx", "-c", "write -P 0xab 1M 2M", "-c", "write -P 0xcd 40M 512K", p.toString());
    return p;
  }

  private Path qemuRaw(Path vhdx) throws Exception {
    Path raw = dir.resolve(vhdx.getFileName() + ".qemu.raw");
    QemuTool.exec("qemu-img", "convert", "-f", "vhdx", "-O", "raw", vhdx.toString(), raw.toString());
    return raw;
  }

  @Test
  void shouldDescribeTheFileInJson() throws Exception {
    Path p = qemuDynamic();

    Cli.Result r = Cli.run("info", "--json", p.toString());

    assertEquals(0, r.code(), r.err());
    Map<String, Object> info = JsonTree.object(r.out());
    assertEquals("vhdx", info.get("format"));
    assertEquals("dynamic", info.get("disk-type"));
    assertEquals(64 * MIB, info.get("virtual-size"));
    assertEquals(MIB, info.get("cluster-size"));
    assertEquals(512L, info.get("logical-sector-size"));
    assertEquals(false, JsonTree.object(info.get("log")).get("dirty"));
    assertEquals(2, JsonTree.array(info.get("headers")).size());
    String qemu = QemuTool.exec("qemu-img", "info", "-f", "vhdx", "--output=json", p.toString());
    assertEquals(JsonTree.object(qemu).get("virtual-size"), info.get("virtual-size"));
    assertEquals(JsonTree.object(qemu).get("cluster-size"), info.get("cluster-size"));
  }

  @Test
  void shouldMapTheBlocksTheTableSaysArePresent() throws Exception {
    Path p = qemuDynamic();

    Cli.Result r = Cli.run("map", "--json", p.toString());

    assertEquals(0, r.code(), r.err());
    List<List<Long>> data = new ArrayList<>();
    long covered = 0;
    for (Object o : JsonTree.array(JsonTree.parse(r.out()))) {
      Map<String, Object> m = JsonTree.object(o);
      covered += (Long) m.get("length");
      if (Boolean.TRUE.equals(m.get("data"))) {
        data.add(List.of((Long) m.get("start"), (Long) m.get("length")));
      }
    }
    assertEquals(64 * MIB, covered);
    // qemu-img 7.2's VHDX driver reports one data extent for the whole disk; the table is the truth.
    assertEquals(List.of(List.of(MIB, 2 * MIB), List.of(40 * MIB, MIB)), data);
  }

  @Test
  void shouldReadWhatQemuImgReads() throws Exception {
    Path p = qemuDynamic();
    Path raw = qemuRaw(p);

    Cli.Result cat = Cli.run("cat", p.toString());
    Path ours = dir.resolve("ours.raw");
    Cli.Result conv = Cli.run("convert", "-O", "raw", p.toString(), ours.toString());

    assertEquals(0, cat.code(), cat.err());
    assertEquals(-1, java.util.Arrays.mismatch(Files.readAllBytes(raw), cat.stdoutBytes()));
    assertEquals(0, conv.code(), conv.err());
    assertEquals(-1L, Files.mismatch(raw, ours));
    assertEquals(0, Cli.run("compare", p.toString(), raw.toString()).code());
    Cli.Result check = Cli.run("check", p.toString());
    assertEquals(0, check.code(), check.out() + check.err());
  }

  @Test
  void shouldConvertToVhdThatQemuImgReadsEqual() throws Exception {
    Path p = qemuDynamic();
    Path raw = qemuRaw(p);
    for (String type : List.of("dynamic", "fixed")) {
      Path vhd = dir.resolve(type + ".vhd");

      Cli.Result r = Cli.run("convert", "-O", type, p.toString(), vhd.toString());

      assertEquals(0, r.code(), r.err());
      QemuTool.exec("qemu-img", "compare", "-f", "vpc", "-F", "raw", vhd.toString(), raw.toString());
      assertEquals(0, Cli.run("compare", p.toString(), vhd.toString()).code(), type);
    }
  }

  @Test
  void shouldConvertForAzureRoundingTheSizeUp() throws Exception {
    Path small = dir.resolve("small.vhdx");
    QemuTool.exec("qemu-img", "create", "-q", "-f", "vhdx", small.toString(), "9437696");
    QemuTool.exec("qemu-io", "-f", "vhdx", "-c", "write -P 0x5c 1M 64K", small.toString());
    Path vhd = dir.resolve("upload.vhd");

    Cli.Result r = Cli.run("convert", "--azure", small.toString(), vhd.toString());

    assertEquals(0, r.code(), r.err());
    Map<String, Object> info = JsonTree.object(Cli.run("info", "--json", vhd.toString()).out());
    assertEquals("fixed", info.get("disk-type"));
    // 9 MiB + 512 bytes rounds up to Azure's 20 MiB minimum; the bytes added read as zeros.
    assertEquals(20 * MIB, info.get("virtual-size"));
    assertEquals(0, Cli.run("check", "--azure", vhd.toString()).code());
    assertEquals(0, Cli.run("compare", small.toString(), vhd.toString()).code());
    assertEquals(1, Cli.run("compare", "--strict", small.toString(), vhd.toString()).code());
    Cli.run("convert", "--azure", "-O", "dynamic", small.toString(), dir.resolve("x.vhd").toString())
        .assertFailed(dir.resolve("x.vhd"), "--azure makes a fixed VHD of a whole number of MiB; it takes no -O"
            + " dynamic, --block-size, --size-mode or --aligned");
  }

  @Test
  void shouldRefuseToChangeAVhdx() throws Exception {
    Path p = qemuDynamic();
    byte[] before = Files.readAllBytes(p);
    String tail = " changes VHD images only (vhd reads VHDX images; vhd repair replays a VHDX log)";

    Cli.run("resize", p.toString(), "128M").assertRefused(p, before, "a VHDX image; vhd resize" + tail);
    Cli.run("compact", p.toString()).assertRefused(p, before, "a VHDX image; vhd compact" + tail);
    Cli.run("commit", p.toString()).assertRefused(p, before, "a VHDX image; vhd commit" + tail);
  }
}
