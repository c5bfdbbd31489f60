package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vhd4j.testing.OtherProcess;
import io.github.vhd4j.testing.TestImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The tool and other programs using the same images: writing commands refuse an image another
 * process uses and leave it as it was, reading commands run on, {@code -U}/{@code --force-share}/
 * {@code --no-lock} turn the locks off; FIFOs are refused at once; a file cut while {@code cat}
 * reads it is one error line. The other process is a second JVM holding the image through the
 * library, which takes the locks QEMU does (conformance's LockPeerTest runs QEMU itself).
 */
class LockingCommandTest {
  private static final long MIB = Images.MIB;
  private static final String IN_USE = "another process is using it: QEMU or another vhd4j holds its lock; close"
      + " it there first, or turn locking off (vhd --no-lock, OpenOptions.withLocking(false)) at the risk of"
      + " corrupting it";
  @TempDir Path dir;

  @Test
  void shouldRefuseEveryWritingCommandOnAnImageAnotherProcessWrites() throws Exception {
    Images.Chain c = Images.chain(dir);
    Path other = Images.smallDynamic().writeTo(dir.resolve("other.vhd"));
    for (Path held : List.of(c.childPath(), c.basePath())) {
      byte[] child = Files.readAllBytes(c.childPath());
      byte[] base = Files.readAllBytes(c.basePath());
      try (OtherProcess writer = OtherProcess.open("write", held)) {
        assertEquals("ready", writer.answer());
        Cli.run("resize", held.toString(), "16M").assertRefused(held, Files.readAllBytes(held), IN_USE);
        Cli.run("compact", held.toString()).assertFailed(held, IN_USE);
        Cli.run("repair", held.toString()).assertFailed(held, IN_USE);
        // Committing holds the child and writes the parent: either in use refuses it.
        Cli.run("commit", c.childPath().toString()).assertFailed(
            held.equals(c.childPath()) ? held : held.toAbsolutePath().normalize(), IN_USE);
        // Converting onto it would replace the file under the other process.
        Cli.run("convert", "-O", "dynamic", other.toString(), held.toString()).assertFailed(held, IN_USE);
        // Reading commands run on; info lists the library's warning.
        Cli.Result info = Cli.run("info", held.toString());
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("\n    warning: file.lock: another process has " + held
            + " open for writing; its content may change while it is read"), info.out());
        assertFalse(info.out().contains("another process has " + (held.equals(c.basePath()) ? c.childPath()
            : c.basePath())), "only the held file is in use: " + info.out());
        Cli.Result check = Cli.run("check", held.toString());
        assertEquals(0, check.code(), check.err());
        assertTrue(check.out().contains("IMAGE_IN_USE") || check.out().contains("another process has " + held),
            check.out());
        assertEquals(0, Cli.run("map", held.toString()).code());
        assertEquals(0, Cli.run("cat", "--length", "4K", held.toString()).code());
        assertEquals(0, Cli.run("compare", held.toString(), held.toString()).code());
      }
      assertArrayEquals(child, Files.readAllBytes(c.childPath()), "the child changed");
      assertArrayEquals(base, Files.readAllBytes(c.basePath()), "the parent changed");
      assertEquals(List.of(), List.of(dir.toFile().list((d, n) -> n.endsWith(".tmp"))), "a temporary file is left");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"-U", "--force-share", "--no-lock"})
  void shouldTakeNoLocksWithForceShare(String flag) throws Exception {
    Path p = Images.smallDynamic().writeTo(dir.resolve("d.vhd"));
    try (OtherProcess writer = OtherProcess.open("write", p)) {
      assertEquals("ready", writer.answer());
      Cli.Result info = Cli.run("info", flag, p.toString());
      assertEquals(0, info.code(), info.err());
      assertFalse(info.out().contains("another process"), "nothing is looked for: " + info.out());
      Cli.Result resize = Cli.run("resize", flag, p.toString(), "8M");
      assertEquals(0, resize.code(), resize.err());
      assertEquals("resized " + p + ": virtual size 8 MiB (8388608 bytes), unchanged", resize.out().strip());
    }
    try (OtherProcess reader = OtherProcess.open("read", p)) {
      assertEquals("ready", reader.answer());
      Cli.Result repair = Cli.run("repair", flag, p.toString());
      assertEquals(0, repair.code(), repair.err());
      assertEquals("nothing to repair", repair.out().strip());
    }
  }

  @Test
  void shouldRefuseAFifoInEveryCommandAtOnce() throws Exception {
    Path fifo = dir.resolve("pipe.vhd");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assumeTrue(mk.waitFor() == 0 && Files.exists(fifo), "mkfifo is not available");
    Path good = TestImage.fixed(MIB).writeTo(dir.resolve("good.vhd"));
    String refused = "is a FIFO (named pipe), not a disk image file";
    List<List<String>> commands = List.of(List.of("info"), List.of("check"), List.of("map"), List.of("cat"),
        List.of("compact"), List.of("repair"), List.of("repair", "--dry-run"), List.of("commit"));
    for (List<String> command : commands) {
      List<String> line = new java.util.ArrayList<>(command);
      line.add(fifo.toString());
      String[] args = line.toArray(new String[0]);
      Cli.Result r = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> Cli.run(args), command + " blocked");
      r.assertFailed(fifo, refused);
    }
    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> Cli.run("resize", fifo.toString(), "2M"))
        .assertFailed(fifo, refused);
    // convert reads a pipe as raw bytes when told -f raw; as an image it is refused like the rest.
    assertTimeoutPreemptively(Duration.ofSeconds(20),
        () -> Cli.run("convert", fifo.toString(), dir.resolve("out.raw").toString())).assertFailed(fifo,
        "is a FIFO (pipe): its format cannot be detected without reading it twice; -f raw converts it as raw bytes"
            + " (a VHD must be a file)");
    assertTimeoutPreemptively(Duration.ofSeconds(20),
        () -> Cli.run("convert", "-f", "vhd", fifo.toString(), dir.resolve("out.raw").toString()))
        .assertFailed(fifo, "is a FIFO (pipe): a VHD is read from its end first, so it must be a file; -f raw"
            + " converts a stream as raw bytes");
    String compared = "is a FIFO (pipe), which can be read only once, in order; compare reads its inputs at any"
        + " offset, so it needs files or block devices";
    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> Cli.run("compare", fifo.toString(), good.toString()))
        .assertFailed(fifo, compared);
    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> Cli.run("compare", good.toString(), fifo.toString()))
        .assertFailed(fifo, compared);
    assertFalse(Files.exists(dir.resolve("out.raw")));
  }

  /**
   * Standard output that cuts the image the first time {@code cat} writes to it: the rest of the
   * disk is then past the file's end, under the mapping.
   */
  private static final class CuttingOutput extends OutputStream {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final Path image;
    private final long length;
    private final boolean otherProcess;
    private boolean cut;

    CuttingOutput(Path image, long length, boolean otherProcess) {
      this.image = image;
      this.length = length;
      this.otherProcess = otherProcess;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (!cut) {
        cut = true;
        if (otherProcess) {
          try {
            assumeTrue(new ProcessBuilder("truncate", "-s", Long.toString(length), image.toString()).inheritIO()
                .start().waitFor() == 0, "truncate(1) is not available");
          } catch (InterruptedException e) {
            throw new IOException(e);
          }
        } else {
          try (var ch = java.nio.channels.FileChannel.open(image, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(length);
          }
        }
      }
      bytes.write(b, off, len);
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void shouldReportAFileCutWhileCatReadsItInOneLine(boolean otherProcess) throws Exception {
    Path p = TestImage.fixed(64 * MIB).random(0, (int) (64 * MIB), 3).writeTo(dir.resolve("cut.vhd"));
    long was = Files.size(p);
    CuttingOutput sink = new CuttingOutput(p, MIB, otherProcess);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new String[] {"cat", "--storage", "mapped", p.toString()},
        new PrintStream(sink, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        java.nio.channels.Channels.newChannel(sink));
    List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(2, code, lines.toString());
    assertEquals(1, lines.size(), lines.toString());
    String prefix = "vhd: " + p + ": the file changed while it was read: it is now " + MIB + " bytes, " + was
        + " when it was opened; a read of ";
    assertTrue(lines.get(0).startsWith(prefix) && lines.get(0).endsWith(" found it cut"), lines.get(0));
  }
}
