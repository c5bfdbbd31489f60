package io.github.vhd4j.conformance;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.testing.Fifos;
import io.github.vhd4j.testing.TestImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code conformance/DIVERGENCES.md} case 16: {@code convert} onto what is not a regular file, and
 * from a pipe. qemu-img 7.2 refuses to write raw output into a character device or a FIFO ("Cannot
 * grow device files", "Could not resize file"), refuses a pipe as input ("requires ... to be a
 * regular file"), writes a VHD onto a block device, and writes a symbolic link's target in place;
 * vhd writes raw output through, streams a pipe with {@code -f raw}, refuses a VHD on a device, and
 * replaces a link's target by a rename. Device nodes are made in the test's directory (root only;
 * skipped otherwise), never the system's.
 */
@RequiresPeers({Peers.QEMU_IMG})
class OutputKindsDivergenceTest {
  private static final long MIB = 1 << 20;
  @TempDir
  Path dir;

  @BeforeAll
  static void requirePeers() {
    Peers.require(Peers.QEMU_IMG);
  }

  private Path image() throws IOException {
    return TestImage.dynamic(4 * MIB, 2 * MIB).fill(0, 4096, 0x5A).random(3 * MIB, 8192, 1)
        .writeTo(dir.resolve("d.vhd"));
  }

  private static byte[] expected(Path img) throws IOException {
    try (VhdImage v = Vhd.open(img)) {
      return Content.read(v, 0, Math.toIntExact(v.getSize()));
    }
  }

  @Test
  void shouldWriteRawThroughAFifoWhereQemuImgFails() throws Exception {
    Path img = image();
    Path qemuFifo = dir.resolve("q.fifo");
    Path vhdFifo = dir.resolve("v.fifo");
    Peers.exec("mkfifo", qemuFifo.toString(), vhdFifo.toString());
    CompletableFuture<byte[]> qemuReader = Fifos.readAll(qemuFifo);
    CompletableFuture<byte[]> vhdReader = Fifos.readAll(vhdFifo);

    Peers.Result qemu = Peers.run(List.of(Peers.QEMU_IMG, "convert", "-f", "vpc", "-O", "raw", img.toString(),
        qemuFifo.toString()), 60);
    Fifos.release(qemuFifo, true);
    VhdCli.Result vhd = VhdCli.run("convert", "-O", "raw", img.toString(), vhdFifo.toString());

    assertAll(
        () -> assertEquals(1, qemu.code(), qemu::describe),
        () -> assertTrue(qemu.stderr().contains("Could not resize file"), qemu::describe),
        () -> assertEquals(0, qemuReader.get(30, TimeUnit.SECONDS).length, "qemu-img wrote nothing"),
        () -> assertEquals(0, vhd.code(), vhd::describe),
        () -> assertArrayEquals(expected(img), vhdReader.get(30, TimeUnit.SECONDS), "vhd: every byte, in order"));
  }

  @Test
  void shouldStreamAPipeWhereQemuImgRefusesIt() throws Exception {
    byte[] raw = new byte[(int) (3 * MIB + 100)];
    new Random(2).nextBytes(raw);
    Path qemuFifo = dir.resolve("q.fifo");
    Path vhdFifo = dir.resolve("v.fifo");
    Peers.exec("mkfifo", qemuFifo.toString(), vhdFifo.toString());
    Path qemuOut = dir.resolve("q.vhd");
    Path vhdOut = dir.resolve("v.vhd");
    // qemu-img opens the FIFO more than once (each open waiting for a writer) before it refuses
    // it, so a writer is offered until it has finished; then a reader releases the last one.
    AtomicBoolean qemuDone = new AtomicBoolean();
    CompletableFuture<Void> qemuWriter = CompletableFuture.runAsync(() -> {
      while (!qemuDone.get()) {
        Fifos.write(qemuFifo, raw).exceptionally(broken -> null).join();
      }
    });
    CompletableFuture<Void> vhdWriter = Fifos.write(vhdFifo, raw);

    Peers.Result qemu;
    try {
      qemu = Peers.run(List.of(Peers.QEMU_IMG, "convert", "-f", "raw", "-O", "vpc", qemuFifo.toString(),
          qemuOut.toString()), 60);
    } finally {
      qemuDone.set(true);
      Fifos.release(qemuFifo, false);
    }
    qemuWriter.get(30, TimeUnit.SECONDS);
    VhdCli.Result vhd = VhdCli.run("convert", "-f", "raw", "-O", "dynamic", vhdFifo.toString(), vhdOut.toString());
    vhdWriter.get(30, TimeUnit.SECONDS);

    Path rawFile = Files.write(dir.resolve("in.raw"), raw);
    assertAll(
        () -> assertEquals(1, qemu.code(), qemu::describe),
        () -> assertTrue(qemu.stderr().contains("to be a regular file"), qemu::describe),
        () -> assertTrue(Files.notExists(qemuOut)),
        () -> assertEquals(0, vhd.code(), vhd::describe),
        () -> assertEquals(0, Peers.run(List.of(Peers.QEMU_IMG, "compare", "-f", "vpc", "-F", "raw",
            vhdOut.toString(), rawFile.toString()), 60).code(), "qemu-img reads vhd's image as the pipe's bytes"));
  }

  @Test
  void shouldWriteRawThroughACharacterDeviceWhereQemuImgFails() throws Exception {
    Path img = image();
    Path nul = dir.resolve("null");
    assumeTrue(Peers.run(List.of("mknod", nul.toString(), "c", "1", "3"), 30).code() == 0,
        "cannot make device nodes here (mknod needs root)");

    Peers.Result qemu = Peers.run(List.of(Peers.QEMU_IMG, "convert", "-f", "vpc", "-O", "raw", img.toString(),
        nul.toString()), 60);
    VhdCli.Result vhd = VhdCli.run("convert", "-O", "raw", img.toString(), nul.toString());
    VhdCli.Result vhdVpc = VhdCli.run("convert", "-O", "dynamic", img.toString(), nul.toString());

    assertAll(
        () -> assertEquals(1, qemu.code(), qemu::describe),
        () -> assertTrue(qemu.stderr().contains("Cannot grow device files"), qemu::describe),
        () -> assertEquals(0, vhd.code(), vhd::describe),
        () -> assertEquals(2, vhdVpc.code(), vhdVpc::describe),
        () -> assertTrue(Files.getAttribute(nul, "unix:mode", LinkOption.NOFOLLOW_LINKS) instanceof Integer m
            && (m & 0170000) == 0020000, "still a character device"));
  }

  @Test
  void shouldRefuseAVhdOnABlockDeviceWhereQemuImgWritesIt() throws Exception {
    Path img = image();
    Path backing = dir.resolve("loop.img");
    try (var f = java.nio.channels.FileChannel.open(backing, java.nio.file.StandardOpenOption.CREATE_NEW,
        java.nio.file.StandardOpenOption.WRITE)) {
      f.write(java.nio.ByteBuffer.wrap(new byte[1]), 8 * MIB - 1);
    }
    Peers.Result attach = Peers.run(List.of("losetup", "-f", "--show", backing.toString()), 30);
    assumeTrue(attach.code() == 0, "cannot attach a loop device (losetup needs root and a free device)");
    Path attached = Path.of(attach.out().strip());
    // Written through a node of the test's own: a tool that replaced its OUT would replace that
    // node, never the system's /dev entry.
    Path dev = dir.resolve("loop.dev");
    String[] mm = Peers.exec("stat", "-c", "%t %T", attached.toString()).strip().split(" ");
    try {
      Peers.exec("mknod", dev.toString(), "b", Integer.toString(Integer.parseInt(mm[0], 16)),
          Integer.toString(Integer.parseInt(mm[1], 16)));
      VhdCli.Result vhd = VhdCli.run("convert", "-O", "dynamic", img.toString(), dev.toString());
      byte[] before = Files.readAllBytes(backing);
      Peers.Result qemu = Peers.run(List.of(Peers.QEMU_IMG, "convert", "-f", "vpc", "-O", "vpc", img.toString(),
          dev.toString()), 60);
      Peers.Result info = Peers.run(List.of(Peers.QEMU_IMG, "info", "-f", "vpc", dev.toString()), 60);

      assertAll(
          () -> assertEquals(2, vhd.code(), vhd::describe),
          () -> assertTrue(vhd.stderr().contains("is a block device; a VHD is written only to a regular file"),
              vhd::describe),
          () -> assertTrue(java.util.Arrays.equals(new byte[(int) (8 * MIB)], before), "vhd wrote nothing"),
          () -> assertEquals(0, qemu.code(), qemu::describe),
          () -> assertEquals(0, info.code(), "qemu-img made the device a VHD: " + info.describe()));
    } finally {
      Peers.run(List.of("losetup", "-d", attached.toString()), 30);
    }
  }

  @Test
  void shouldReplaceALinksTargetByRenameWhereQemuImgWritesItInPlace() throws Exception {
    Path img = image();
    Path qemuTarget = Files.writeString(dir.resolve("q.raw"), "old", StandardCharsets.US_ASCII);
    Path vhdTarget = Files.writeString(dir.resolve("v.raw"), "old", StandardCharsets.US_ASCII);
    Path qemuLink = Files.createSymbolicLink(dir.resolve("q.link"), qemuTarget.getFileName());
    Path vhdLink = Files.createSymbolicLink(dir.resolve("v.link"), vhdTarget.getFileName());
    Object qemuInode = Files.getAttribute(qemuTarget, "unix:ino");
    Object vhdInode = Files.getAttribute(vhdTarget, "unix:ino");

    // The size rule named, as vhd4j's default reads this creator's image (DIVERGENCES.md case 1).
    Peers.Result qemu = Peers.run(List.of(Peers.QEMU_IMG, "convert", "--image-opts",
        Qemu.vpcImageOpts(img, "current_size"), "-O", "raw", qemuLink.toString()), 60);
    VhdCli.Result vhd = VhdCli.run("convert", "-O", "raw", img.toString(), vhdLink.toString());

    byte[] want = expected(img);
    assertAll(
        () -> assertEquals(0, qemu.code(), qemu::describe),
        () -> assertEquals(0, vhd.code(), vhd::describe),
        () -> assertTrue(Files.isSymbolicLink(qemuLink) && Files.isSymbolicLink(vhdLink), "both keep the link"),
        () -> assertArrayEquals(want, Files.readAllBytes(qemuTarget)),
        () -> assertArrayEquals(want, Files.readAllBytes(vhdTarget)),
        () -> assertEquals(qemuInode, Files.getAttribute(qemuTarget, "unix:ino"), "qemu-img: written in place"),
        () -> assertNotEquals(vhdInode, Files.getAttribute(vhdTarget, "unix:ino"), "vhd: a new file renamed over it"));
  }
}
