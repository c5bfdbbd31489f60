package io.github.vhd4j.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * vhd4j and QEMU using the same image at once, in both directions: QEMU's OFD locks and vhd4j's
 * POSIX locks in the same bytes conflict on Linux, so a writer on either side keeps the other's
 * writers out and warns the other's readers, and readers share. A long-running QEMU is
 * {@code qemu-io -c 'sleep 60000'}, which holds the image open (and locked) for a minute.
 */
@RequiresPeers({Peers.QEMU_IMG, Peers.QEMU_IO})
class LockPeerTest {
  private static final long MIB = 1 << 20;
  private static final String IN_USE = "another process is using it";
  @TempDir Path dir;
  private Path img;

  @BeforeAll
  static void peers() {
    Peers.require(Peers.QEMU_IMG, Peers.QEMU_IO);
    assumeTrue(Files.isReadable(Path.of("/proc/locks")), "QEMU locks images only on Linux");
  }

  @BeforeEach
  void image() throws IOException {
    img = dir.resolve("disk.vhd");
    Qemu.create(img, 16 * MIB, false, false);
    Qemu.write(img, List.of(new Qemu.Write(MIB, 64 * 1024, 0x5a), new Qemu.Write(5 * MIB, 4096, 0x33)));
  }

  /** A qemu-io that opens {@code file} (read-only with {@code -r}) and holds it for a minute. */
  private static final class QemuHolder implements AutoCloseable {
    final Process process;

    QemuHolder(Path file, String format, boolean readOnly) throws IOException, InterruptedException {
      List<String> cmd = new java.util.ArrayList<>(List.of(Peers.QEMU_IO, "-f", format));
      if (readOnly) {
        cmd.add("-r");
      }
      cmd.addAll(List.of("-c", "sleep 60000", file.toString()));
      process = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      // Held once its OFD locks (pid -1) show on the file's inode.
      String inode = ":" + Files.getAttribute(file, "unix:ino") + " ";
      for (int i = 0; i < 200; i++) {
        try (BufferedReader r = Files.newBufferedReader(Path.of("/proc/locks"))) {
          if (r.lines().anyMatch(l -> l.contains("OFDLCK") && l.contains(inode))) {
            return;
          }
        }
        assertTrue(process.isAlive(), "qemu-io ended before it locked " + file);
        Thread.sleep(50);
      }
      process.destroyForcibly();
      throw new IOException("qemu-io did not lock " + file + " within 10 s");
    }

    /** Tells that QEMU still holds the image: what the test saw happened while it did. */
    void assertStillHeld() {
      assertTrue(process.isAlive(), "qemu-io ended early");
    }

    @Override
    public void close() {
      process.destroy();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void assertRefused(Path file, byte[] before, VhdCli.Result r) throws IOException {
    assertEquals(2, r.code(), r.describe());
    assertEquals("", r.out(), r.describe());
    List<String> lines = r.stderr().lines().toList();
    assertEquals(1, lines.size(), r.describe());
    assertTrue(lines.get(0).startsWith("vhd: " + file + ": " + IN_USE), r.describe());
    assertArrayEquals(before, Files.readAllBytes(file), "the file changed: " + r.describe());
  }

  @Test
  void shouldRefuseEveryWritingCommandWhileQemuWrites() throws Exception {
    Path other = dir.resolve("other.vhd");
    Qemu.create(other, 8 * MIB, false, false);
    byte[] before = Files.readAllBytes(img);
    try (QemuHolder qemu = new QemuHolder(img, "vpc", false)) {
      assertRefused(img, before, VhdCli.run("compact", img.toString()));
      assertRefused(img, before, VhdCli.run("resize", img.toString(), "32M"));
      assertRefused(img, before, VhdCli.run("repair", img.toString()));
      assertRefused(img, before, VhdCli.run("convert", "-O", "dynamic", other.toString(), img.toString()));
      // Readers run on, warned by the library.
      try (VhdImage r = Vhd.open(img)) {
        assertTrue(r.getWarnings().stream().anyMatch(w -> w.code() == ProblemCode.IMAGE_IN_USE), r.getWarnings()
            .toString());
      }
      VhdCli.Result info = VhdCli.run("info", img.toString());
      assertEquals(0, info.code(), info.describe());
      assertTrue(info.out().contains("another process has " + img + " open for writing"), info.out());
      assertEquals(0, VhdCli.run("cat", "--length", "1M", img.toString()).code());
      qemu.assertStillHeld();
    }
  }

  @Test
  void shouldRefuseToCommitWhileQemuHoldsTheChildOrTheParent() throws Exception {
    Path child = dir.resolve("child.vhd");
    try (VhdImage c = Vhd.create(child, CreateOptions.differencing(img))) {
      c.write(0, ByteBuffer.wrap(new byte[4096]).put(0, (byte) 7));
    }
    byte[] parent = Files.readAllBytes(img);
    byte[] childBytes = Files.readAllBytes(child);
    // QEMU does not open differencing VHDs; as raw, its file layer locks the child all the same.
    try (QemuHolder qemu = new QemuHolder(child, "raw", false)) {
      assertRefused(child, childBytes, VhdCli.run("commit", child.toString()));
      qemu.assertStillHeld();
    }
    try (QemuHolder qemu = new QemuHolder(img, "vpc", false)) {
      VhdCli.Result r = VhdCli.run("commit", child.toString());
      assertEquals(2, r.code(), r.describe());
      assertTrue(r.stderr().startsWith("vhd: " + img.toAbsolutePath().normalize() + ": " + IN_USE), r.describe());
      qemu.assertStillHeld();
    }
    assertArrayEquals(parent, Files.readAllBytes(img), "the parent changed");
    assertArrayEquals(childBytes, Files.readAllBytes(child), "the child changed");
    assertEquals(0, VhdCli.run("commit", child.toString()).code(), "with QEMU gone, commit works");
  }

  @Test
  void shouldKeepQemuWritersOutWhileVhdWritesOrReads() throws Exception {
    byte[] before = Files.readAllBytes(img);
    for (OpenOptions held : List.of(OpenOptions.forWriting(), OpenOptions.defaults())) {
      try (VhdImage vhd = Vhd.open(img, held)) {
        Peers.Result w = Peers.run(List.of(Peers.QEMU_IO, "-f", "vpc", "-c", "write -P 9 0 4k", img.toString()), 60);
        assertNotEquals(0, w.code(), w.describe());
        assertTrue(w.stderr().contains("lock"), w.describe());
        assertTrue(vhd.getWarnings().stream().noneMatch(p -> p.code() == ProblemCode.IMAGE_IN_USE));
      }
      assertArrayEquals(before, Files.readAllBytes(img), "QEMU wrote while vhd4j held the image");
    }
  }

  @Test
  void shouldLetReadersShareBothWays() throws Exception {
    // vhd reading: qemu-img info and a read-only qemu-io work.
    try (VhdImage vhd = Vhd.open(img)) {
      Peers.Result info = Peers.run(List.of(Peers.QEMU_IMG, "info", "-f", "vpc", img.toString()), 60);
      assertEquals(0, info.code(), info.describe());
      Peers.Result read = Peers.run(List.of(Peers.QEMU_IO, "-r", "-f", "vpc", "-c", "read -P 0x5a 1M 64k",
          img.toString()), 60);
      assertEquals(0, read.code(), read.describe());
      assertTrue(vhd.getWarnings().isEmpty(), vhd.getWarnings().toString());
    }
    // QEMU reading: vhd info works without a warning, and vhd's writers wait their turn.
    byte[] before = Files.readAllBytes(img);
    try (QemuHolder qemu = new QemuHolder(img, "vpc", true)) {
      VhdCli.Result info = VhdCli.run("info", img.toString());
      assertEquals(0, info.code(), info.describe());
      assertFalse(info.out().contains("another process"), info.out());
      try (VhdImage vhd = Vhd.open(img)) {
        assertTrue(vhd.getWarnings().stream().noneMatch(p -> p.code() == ProblemCode.IMAGE_IN_USE));
      }
      assertRefused(img, before, VhdCli.run("compact", img.toString()));
      qemu.assertStillHeld();
    }
  }

  @Test
  void shouldLetQemuForceShareReadersInWhileVhdWrites() throws Exception {
    try (VhdImage vhd = Vhd.open(img, OpenOptions.forWriting())) {
      Peers.Result plain = Peers.run(List.of(Peers.QEMU_IMG, "info", "-f", "vpc", img.toString()), 60);
      assertNotEquals(0, plain.code(), "qemu-img info must not read an image vhd4j writes: " + plain.describe());
      Peers.Result shared = Peers.run(List.of(Peers.QEMU_IMG, "info", "-U", "-f", "vpc", img.toString()), 60);
      assertEquals(0, shared.code(), shared.describe());
      assertTrue(vhd.isWritable());
    }
  }

  @Test
  void shouldTakeNoLocksWithNoLock() throws Exception {
    try (QemuHolder qemu = new QemuHolder(img, "vpc", false)) {
      for (String flag : List.of("-U", "--force-share", "--no-lock")) {
        VhdCli.Result info = VhdCli.run("info", flag, img.toString());
        assertEquals(0, info.code(), info.describe());
        assertFalse(info.out().contains("another process"), flag + ": " + info.out());
        VhdCli.Result repair = VhdCli.run("repair", flag, img.toString());
        assertEquals(0, repair.code(), repair.describe());
      }
      try (VhdImage vhd = Vhd.open(img, OpenOptions.defaults().withLocking(false))) {
        List<Problem> warnings = vhd.getWarnings();
        assertTrue(warnings.stream().noneMatch(p -> p.code() == ProblemCode.IMAGE_IN_USE), warnings.toString());
      }
      qemu.assertStillHeld();
    }
    // A vhd4j writer without locks does not keep QEMU out.
    try (VhdImage vhd = Vhd.open(img, OpenOptions.forWriting().withLocking(false))) {
      Peers.Result w = Peers.run(List.of(Peers.QEMU_IO, "-f", "vpc", "-c", "write -P 9 0 4k", img.toString()), 60);
      assertEquals(0, w.code(), w.describe());
      assertTrue(vhd.isWritable());
    }
  }
}
