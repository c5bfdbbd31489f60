package io.github.vhd4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs that are not disk image files (conformance/DIVERGENCES.md case 18): qemu-img waits on a
 * FIFO forever and reads /dev/null as an empty raw image; vhd refuses all of them at once.
 */
@RequiresPeers({Peers.QEMU_IMG, Peers.QEMU_IO})
class SpecialFilesPeerTest {
  @TempDir Path dir;

  @BeforeAll
  static void peers() {
    Peers.require(Peers.QEMU_IMG, Peers.QEMU_IO);
  }

  @Test
  void shouldRefuseAFifoAtOnceWhereQemuImgWaitsForAWriter() throws Exception {
    Path fifo = dir.resolve("pipe.vhd");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assumeTrue(mk.waitFor() == 0 && Files.exists(fifo), "mkfifo is not available");
    // qemu-img blocks in open() until a writer comes: still waiting after three seconds.
    Process qemu = new ProcessBuilder(Peers.QEMU_IMG, "info", "-f", "vpc", fifo.toString())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      assertFalse(qemu.waitFor(3, TimeUnit.SECONDS), "qemu-img info answered on a FIFO");
    } finally {
      qemu.destroyForcibly();
      qemu.waitFor(10, TimeUnit.SECONDS);
    }
    Peers.Result io = Peers.run(List.of(Peers.QEMU_IO, "-f", "vpc", "-c", "read 0 512", fifo.toString()), 30);
    assertEquals(1, io.code(), io.describe());
    assertTrue(io.stderr().contains("to be a regular file"), io.describe());

    VhdCli.Result vhd = VhdCli.run("info", fifo.toString());
    assertEquals(2, vhd.code(), vhd.describe());
    assertEquals("vhd: " + fifo + ": is a FIFO (named pipe), not a disk image file\n", vhd.stderr());
  }

  @Test
  void shouldRefuseACharacterDeviceWhereQemuImgReadsAnEmptyImage() throws IOException {
    Path dev = Path.of("/dev/null");
    assumeTrue(Files.exists(dev), "no /dev/null");
    Peers.Result info = Peers.run(List.of(Peers.QEMU_IMG, "info", dev.toString()), 30);
    assertEquals(0, info.code(), info.describe());
    assertTrue(info.out().contains("file format: raw") && info.out().contains("virtual size: 0 B"), info.out());

    VhdCli.Result vhd = VhdCli.run("info", dev.toString());
    assertEquals("vhd: /dev/null: is a character device, not a disk image file\n", vhd.stderr());
    Path d = Files.createDirectory(dir.resolve("d.vhd"));
    Peers.Result qemuDir = Peers.run(List.of(Peers.QEMU_IMG, "info", d.toString()), 30);
    assertEquals(1, qemuDir.code(), qemuDir.describe());
    // vhd takes a directory as a batch of the images in it: without --json that is a usage error,
    // with it, one line per image (none here).
    VhdCli.Result text = VhdCli.run("info", d.toString());
    assertEquals(2, text.code(), text.describe());
    assertTrue(text.stderr().startsWith("vhd info: several images or a directory need --json"), text.describe());
    VhdCli.Result json = VhdCli.run("info", "--json", d.toString());
    assertEquals(0, json.code(), json.describe());
    assertEquals("", json.out());
  }
}
