package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.testing.Fifos;
import io.github.vhd4j.testing.TestImage;
import io.github.vhd4j.testing.VhdAssertions;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code convert} and {@code create} do with an OUT that is not a plain file or nothing: a
 * device or pipe is written through (raw) or refused (VHD), never replaced; a symbolic link is
 * followed, and its final target replaced while the link stays a link.
 */
// A separate thread: a tool that blocked opening a FIFO (as earlier versions did) fails the test
// instead of hanging it.
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConvertOutputsTest {
  private static final long MIB = Images.MIB;

  @TempDir
  Path dir;

  private Set<String> names(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }

  private static Object rdev(Path p) throws IOException {
    return Files.getAttribute(p, "unix:rdev", LinkOption.NOFOLLOW_LINKS);
  }

  private static Object inode(Path p) throws IOException {
    return Files.getAttribute(p, "unix:ino");
  }

  @Test
  void shouldWriteRawThroughACharacterDeviceAndKeepIt() throws Exception {
    Path in = Images.smallDynamic().writeTo(dir.resolve("d.vhd"));
    Path nul = SpecialFiles.charDevice(dir.resolve("null"), 3);
    Object before = rdev(nul);

    Cli.Result r = Cli.run("convert", "-p", "-O", "raw", in.toString(), nul.toString());

    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("100%"), r.err());
    assertEquals(FileKind.CHARACTER_DEVICE, FileKind.of(nul), "the device stays a device");
    assertEquals(before, rdev(nul));
    assertEquals(Set.of("d.vhd", "null"), names(dir), "no temporary file");
  }

  @Test
  void shouldReportAFullDeviceInOneLineAndKeepIt() throws Exception {
    Path in = Images.smallDynamic().writeTo(dir.resolve("d.vhd"));
    Path full = SpecialFiles.charDevice(dir.resolve("full"), 7);

    Cli.Result r = Cli.run("convert", "-O", "raw", in.toString(), full.toString());

    r.assertFailed(full, "No space left on device");
    assertEquals(FileKind.CHARACTER_DEVICE, FileKind.of(full));
    assertEquals(Set.of("d.vhd", "full"), names(dir));
  }

  @Test
  void shouldWriteEveryByteIntoAFifoInOrder() throws Exception {
    TestImage t = Images.smallDynamic();
    Path in = t.writeTo(dir.resolve("d.vhd"));
    Path fifo = Fifos.make(dir.resolve("pipe"));
    // The reader opens the FIFO (waiting for the writer) and reads to its end.
    CompletableFuture<byte[]> reader = Fifos.readAll(fifo);

    Cli.Result r = Cli.run("convert", "-O", "raw", in.toString(), fifo.toString());

    assertEquals(0, r.code(), r.err());
    assertEquals(FileKind.FIFO, FileKind.of(fifo), "the FIFO stays a FIFO");
    // Unallocated ranges arrive as zeros: a pipe has no holes.
    assertArrayEquals(t.expectedContent(), reader.get(30, TimeUnit.SECONDS));
    assertEquals(Set.of("d.vhd", "pipe"), names(dir));
  }

  @Test
  void shouldStreamARawFileAndAStreamThroughToADevice() throws Exception {
    byte[] raw = new byte[(int) (3 * MIB + 100)];
    new java.util.Random(4).nextBytes(raw);
    Path in = Files.write(dir.resolve("in.raw"), raw);
    Path nul = SpecialFiles.charDevice(dir.resolve("null"), 3);
    Path fifo = Fifos.make(dir.resolve("pipe"));
    CompletableFuture<byte[]> reader = Fifos.readAll(fifo);

    Cli.Result file = Cli.run("convert", "-O", "raw", in.toString(), fifo.toString());
    Cli.Result stream = Cli.runWithInput(raw, "convert", "-f", "raw", "-", nul.toString());

    assertEquals(0, file.code(), file.err());
    assertArrayEquals(raw, reader.get(30, TimeUnit.SECONDS));
    assertEquals(0, stream.code(), stream.err());
    assertEquals(FileKind.CHARACTER_DEVICE, FileKind.of(nul));
  }

  @Test
  void shouldRefuseVhdOutputToDevicesAndPipes() throws Exception {
    Path in = Images.smallDynamic().writeTo(dir.resolve("d.vhd"));
    Path nul = SpecialFiles.charDevice(dir.resolve("null"), 3);
    Path fifo = Fifos.make(dir.resolve("pipe"));

    Cli.Result dev = Cli.run("convert", "-O", "dynamic", in.toString(), nul.toString());
    Cli.Result pipe = Cli.run("convert", "-O", "fixed", in.toString(), fifo.toString());
    Cli.Result create = Cli.run("create", "--size", "1M", nul.toString());
    Cli.Result createPipe = Cli.run("create", "--size", "1M", fifo.toString());

    dev.assertFailed(nul, "is a character device; a VHD is written only to a regular file (-O raw writes the"
        + " guest bytes to a device or pipe)");
    pipe.assertFailed(fifo, "is a FIFO (pipe); a VHD is written only to a regular file (-O raw writes the guest"
        + " bytes to a device or pipe)");
    create.assertFailed(nul, "is a character device; create makes a new regular file and never writes over"
        + " anything");
    createPipe.assertFailed(fifo, "is a FIFO (pipe); create makes a new regular file and never writes over"
        + " anything");
    assertEquals(FileKind.CHARACTER_DEVICE, FileKind.of(nul));
    assertEquals(FileKind.FIFO, FileKind.of(fifo));
    assertEquals(Set.of("d.vhd", "null", "pipe"), names(dir));
  }

  @Test
  void shouldWriteRawOntoABlockDeviceAndRefuseOneTooSmall() throws Exception {
    TestImage t = Images.smallDynamic();
    Path in = t.writeTo(dir.resolve("d.vhd"));
    try (SpecialFiles.Loop big = SpecialFiles.loop(dir.resolve("big.img"), 12 * MIB);
        SpecialFiles.Loop small = SpecialFiles.loop(dir.resolve("small.img"), 4 * MIB)) {
      // Old content everywhere: the zeros of the disk must overwrite it.
      fill(big.device(), 12 * MIB, (byte) 0xAA);
      byte[] smallBefore = small.read((int) (4 * MIB));

      Cli.Result ok = Cli.run("convert", "-O", "raw", in.toString(), big.device().toString());
      Cli.Result tooSmall = Cli.run("convert", "-O", "raw", in.toString(), small.device().toString());
      Cli.Result vhd = Cli.run("convert", "-O", "dynamic", in.toString(), small.device().toString());

      assertEquals(0, ok.code(), ok.err());
      byte[] dev = big.read((int) (12 * MIB));
      assertArrayEquals(t.expectedContent(), Arrays.copyOf(dev, (int) (8 * MIB)));
      byte[] rest = new byte[(int) (4 * MIB)];
      Arrays.fill(rest, (byte) 0xAA);
      assertArrayEquals(rest, Arrays.copyOfRange(dev, (int) (8 * MIB), dev.length), "past the disk: untouched");
      tooSmall.assertFailed(small.device(), "is a block device of 4194304 bytes, smaller than the disk (8388608"
          + " bytes); nothing was written");
      vhd.assertFailed(small.device(), "is a block device; a VHD is written only to a regular file (-O raw writes"
          + " the guest bytes to a device or pipe)");
      assertArrayEquals(smallBefore, small.read((int) (4 * MIB)));
      assertEquals(FileKind.BLOCK_DEVICE, FileKind.of(big.device()));
    }
  }

  @Test
  void shouldFailCleanlyWhenAStreamOutgrowsABlockDevice() throws Exception {
    byte[] raw = new byte[(int) (5 * MIB)];
    new java.util.Random(5).nextBytes(raw);
    try (SpecialFiles.Loop loop = SpecialFiles.loop(dir.resolve("l.img"), 4 * MIB)) {
      Cli.Result r = Cli.runWithInput(raw, "convert", "-f", "raw", "-", loop.device().toString());

      r.assertFailed(loop.device(), "is full: it holds 4194304 bytes, and the input is longer");
      assertEquals(FileKind.BLOCK_DEVICE, FileKind.of(loop.device()));
    }
  }

  private static void fill(Path device, long n, byte value) throws IOException {
    byte[] b = new byte[(int) MIB];
    Arrays.fill(b, value);
    try (FileChannel ch = FileChannel.open(device, StandardOpenOption.WRITE)) {
      for (long p = 0; p < n; p += b.length) {
        ch.write(ByteBuffer.wrap(b), p);
      }
      ch.force(true);
    }
  }

  @Test
  void shouldReplaceTheFinalTargetOfALinkAndKeepTheLink() throws Exception {
    TestImage t = Images.smallDynamic();
    Path in = t.writeTo(dir.resolve("d.vhd"));
    Path sub = Files.createDirectory(dir.resolve("sub"));
    Path target = Files.write(sub.resolve("target.raw"), "old".getBytes(StandardCharsets.US_ASCII));
    Path middle = Files.createSymbolicLink(dir.resolve("middle.raw"), Path.of("sub", "target.raw"));
    Path link = Files.createSymbolicLink(dir.resolve("link.raw"), Path.of("middle.raw"));
    Object before = inode(target);

    Cli.Result r = Cli.run("convert", "-O", "raw", in.toString(), link.toString());

    assertEquals(0, r.code(), r.err());
    assertTrue(Files.isSymbolicLink(link), "the link stays a link");
    assertEquals(Path.of("middle.raw"), Files.readSymbolicLink(link));
    assertTrue(Files.isSymbolicLink(middle));
    assertArrayEquals(t.expectedContent(), Files.readAllBytes(target));
    assertNotEquals(before, inode(target), "replaced by a rename, not rewritten in place");
    assertEquals(Set.of("d.vhd", "sub", "middle.raw", "link.raw"), names(dir));
    assertEquals(Set.of("target.raw"), names(sub), "the temporary file was beside the target");
  }

  @Test
  void shouldCreateTheTargetOfADanglingLinkAndWriteThroughALinkToADevice() throws Exception {
    TestImage t = Images.smallDynamic();
    Path in = t.writeTo(dir.resolve("d.vhd"));
    Path dangling = Files.createSymbolicLink(dir.resolve("new.vhd"), Path.of("made.vhd"));
    Path nul = SpecialFiles.charDevice(dir.resolve("null"), 3);
    Path toDevice = Files.createSymbolicLink(dir.resolve("dev.raw"), nul);

    Cli.Result made = Cli.run("convert", "-O", "dynamic", in.toString(), dangling.toString());
    Cli.Result device = Cli.run("convert", "-O", "raw", in.toString(), toDevice.toString());

    assertEquals(0, made.code(), made.err());
    assertTrue(Files.isSymbolicLink(dangling));
    try (VhdImage img = Vhd.open(dir.resolve("made.vhd"))) {
      assertArrayEquals(t.expectedContent(), VhdAssertions.readAll(img));
    }
    assertEquals(0, device.code(), device.err());
    assertTrue(Files.isSymbolicLink(toDevice));
    assertEquals(FileKind.CHARACTER_DEVICE, FileKind.of(nul));
    assertEquals(Set.of("d.vhd", "new.vhd", "made.vhd", "null", "dev.raw"), names(dir));
  }

  @Test
  void shouldRefuseALinkToTheInputOrItsParent() throws Exception {
    Images.Chain c = Images.chain(dir);
    byte[] base = Files.readAllBytes(c.basePath());
    Path toBase = Files.createSymbolicLink(dir.resolve("alias.vhd"), c.basePath().getFileName());

    Cli.Result r = Cli.run("convert", "-O", "dynamic", c.childPath().toString(), toBase.toString());

    r.assertFailed(toBase, "is a parent of the input (" + c.basePath() + ")");
    assertArrayEquals(base, Files.readAllBytes(c.basePath()));
    assertTrue(Files.isSymbolicLink(toBase));
  }

  @Test
  void shouldRefuseADirectoryAndASocket() throws Exception {
    Path in = Images.smallDynamic().writeTo(dir.resolve("d.vhd"));
    Path sub = Files.createDirectory(dir.resolve("sub"));
    Path socket = dir.resolve("sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));

      Cli.Result d = Cli.run("convert", in.toString(), sub.toString());
      Cli.Result s = Cli.run("convert", in.toString(), socket.toString());

      d.assertFailed(sub, "is a directory");
      s.assertFailed(socket, "is a socket; convert writes a regular file, a device or a pipe");
      assertFalse(names(sub).iterator().hasNext());
      assertEquals(FileKind.SOCKET, FileKind.of(socket));
      assertEquals(Set.of("d.vhd", "sub", "sock"), names(dir));
    }
  }
}
