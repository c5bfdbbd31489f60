package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.github.vhd4j.cli.testing.JsonTree;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands against qemu-img on images qemu made and qemu-io wrote. Skipped when qemu-img or
 * qemu-io is not on the PATH, except with VHD4J_PEERS_REQUIRED=1 (as .ci/run sets it): then it fails.
 */
class QemuCrossCheckTest {
  private static final long MIB = Images.MIB;

  @TempDir
  Path dir;

  @BeforeAll
  static void requireQemu() {
    QemuTool.require();
  }


  /** A 64 MiB dynamic image with data in blocks 0, 2, 3 and 20 (3 MiB from 5 MiB crosses blocks). */
  private Path qemuDynamic() throws Exception {
    Path p = dir.resolve("q.vhd");
    QemuTool.exec("qemu-img", "create", "-q", "-f", "vpc", p.toString(), "64M");
    QemuTool.exec("qemu-io", "-f", "vpc", "-c", "write -P 0x5a 0 1M", "-c", "write -P 0x33 5M 3M",
        "-c", "write -P 0x77 40M 512", p.toString());
    return p;
  }

  private static List<List<Long>> dataRuns(String json) throws IOException {
    List<List<Long>> out = new ArrayList<>();
    for (Object o : JsonTree.array(JsonTree.parse(json))) {
      Map<String, Object> m = JsonTree.object(o);
      if (Boolean.TRUE.equals(m.get("data"))) {
        out.add(List.of((Long) m.get("start"), (Long) m.get("length"), (Long) m.get("offset"),
            (Long) m.get("depth")));
      }
    }
    return out;
  }

  @Test
  void shouldMapDataRunsLikeQemuImg() throws Exception {
    Path p = qemuDynamic();

    Cli.Result ours = Cli.run("map", "--json", p.toString());
    String theirs = QemuTool.exec("qemu-img", "map", "-f", "vpc", "--output=json", p.toString());

    assertEquals(0, ours.code(), ours.err());
    List<List<Long>> runs = dataRuns(theirs);
    assertFalse(runs.isEmpty(), theirs);
    assertEquals(runs, dataRuns(ours.out()));
  }

  @Test
  void shouldConvertToSameBytesAsQemuImg() throws Exception {
    Path p = qemuDynamic();
    Path q = dir.resolve("qemu.raw");
    Path v = dir.resolve("vhd.raw");
    QemuTool.exec("qemu-img", "convert", "-f", "vpc", "-O", "raw", p.toString(), q.toString());

    Cli.Result r = Cli.run("convert", "-O", "raw", p.toString(), v.toString());

    assertEquals(0, r.code(), r.err());
    assertEquals(Files.size(q), Files.size(v));
    assertEquals(-1L, Files.mismatch(q, v));
  }

  @Test
  void shouldReportVirtualSizeLikeQemuImg() throws Exception {
    Path chs = qemuDynamic();
    Path forced = dir.resolve("forced.vhd");
    QemuTool.exec("qemu-img", "create", "-q", "-f", "vpc", "-o", "force_size=on", forced.toString(), "100M");

    for (Path p : List.of(chs, forced)) {
      Cli.Result ours = Cli.run("info", "--json", p.toString());
      String theirs = QemuTool.exec("qemu-img", "info", "-f", "vpc", "--output=json", p.toString());

      assertEquals(0, ours.code(), ours.err());
      assertEquals(JsonTree.object(theirs).get("virtual-size"), JsonTree.object(ours.out()).get("virtual-size"), p.toString());
      assertEquals(JsonTree.object(theirs).get("cluster-size"), JsonTree.object(ours.out()).get("cluster-size"), p.toString());
    }
  }

  @Test
  void shouldAgreeWithQemuCompare() throws Exception {
    Path p = qemuDynamic();
    Path raw = dir.resolve("copy.raw");
    QemuTool.exec("qemu-img", "convert", "-f", "vpc", "-O", "raw", p.toString(), raw.toString());
    try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
      f.seek(40 * MIB + 700);
      f.write(1);
    }

    Cli.Result ours = Cli.run("compare", p.toString(), raw.toString());
    Process qemu = new ProcessBuilder("qemu-img", "compare", "-f", "vpc", "-F", "raw", p.toString(), raw.toString())
        .redirectErrorStream(true).start();
    String theirs = new String(qemu.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    qemu.waitFor(120, TimeUnit.SECONDS);

    assertEquals(qemu.exitValue(), ours.code(), ours.err());
    assertEquals(List.of("Content mismatch at offset " + (40 * MIB + 700) + "!"), ours.outLines());
    // qemu-img reports the sector holding the first difference.
    assertEquals("Content mismatch at offset " + (40 * MIB + 512) + "!", theirs);
  }

  @Test
  void shouldMatchQemuOnZeroSizeImage() throws Exception {
    Path p = dir.resolve("zero.vhd");
    QemuTool.exec("qemu-img", "create", "-q", "-f", "vpc", p.toString(), "0");

    Cli.Result info = Cli.run("info", "--json", p.toString());

    assertEquals(0, info.code(), info.err());
    assertEquals(0L, JsonTree.object(info.out()).get("virtual-size"));
  }
}
