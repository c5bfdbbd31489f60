package io.github.vhd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Paths that name something other than a disk image file are refused before anything is opened:
 * opening a FIFO blocks until a writer comes, so every entry point must refuse it at once, and
 * every other kind of file too, each with a message naming the kind.
 */
class SpecialFilesTest {
  @TempDir Path dir;

  /** Every entry point that opens an existing file by path. */
  private static Map<String, Executable> entryPoints(Path p, Path out) {
    Map<String, Executable> m = new LinkedHashMap<>();
    m.put("open", () -> Vhd.open(p).close());
    m.put("open for writing", () -> Vhd.open(p, OpenOptions.forWriting()).close());
    m.put("open mapped", () -> Vhd.open(p, OpenOptions.defaults().withStorage(StorageMode.MAPPED)).close());
    m.put("check", () -> Vhd.check(p));
    m.put("probe", () -> Vhd.probe(p));
    m.put("hasFooterCookie", () -> Vhd.hasFooterCookie(p));
    m.put("DiskImages.probe", () -> DiskImages.probe(p));
    m.put("DiskImages.open", () -> DiskImages.open(p).close());
    m.put("DiskImages.check", () -> DiskImages.check(p));
    m.put("resize", () -> Vhd.resize(p, 1 << 20, SizeMode.EXACT));
    m.put("compact", () -> Vhd.compact(p, ProgressListener.none()));
    m.put("repair", () -> Vhd.repair(p));
    m.put("planRepair", () -> Vhd.planRepair(p));
    m.put("commit", () -> Vhd.commit(p, OpenOptions.defaults(), ProgressListener.none()));
    m.put("convertRaw", () -> Vhd.convertRaw(p, out, CreateOptions.dynamic(0), ProgressListener.none()));
    m.put("convertRawToRaw", () -> DiskImages.convertRawToRaw(p, out, Durability.NONE, ProgressListener.none()));
    m.put("holdForWriting", () -> Vhd.holdForWriting(p, OpenOptions.defaults()).close());
    m.put("without locking", () -> Vhd.open(p, OpenOptions.defaults().withLocking(false)).close());
    return m;
  }

  private void assertRefusedEverywhere(Path p, String kind) {
    Path out = dir.resolve("out.vhd");
    entryPoints(p, out).forEach((name, call) -> {
      FileSystemException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
          () -> assertThrows(FileSystemException.class, call, name), name + " blocked");
      assertEquals(p.toString(), e.getFile(), name);
      assertEquals(kind + ", not a disk image file", e.getReason(), name);
      assertEquals(p + ": " + kind + ", not a disk image file", e.getMessage(), name);
      assertTrue(Files.notExists(out), name + " left an output");
    });
  }

  @Test
  void shouldRefuseAFifoAtOnceInsteadOfWaitingForAWriter() throws Exception {
    Path fifo = dir.resolve("pipe.vhd");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assumeTrue(mk.waitFor() == 0 && Files.exists(fifo), "mkfifo is not available");
    assertRefusedEverywhere(fifo, "is a FIFO (named pipe)");
    // Through a link too: the link is followed, and what it names is refused.
    Path link = Files.createSymbolicLink(dir.resolve("link.vhd"), fifo);
    assertRefusedEverywhere(link, "is a FIFO (named pipe)");
  }

  @Test
  void shouldRefuseASocket() throws IOException {
    Path socket = dir.resolve("s.vhd");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      assertRefusedEverywhere(socket, "is a socket");
    }
  }

  @Test
  void shouldRefuseACharacterDevice() {
    Path dev = Path.of("/dev/null");
    assumeTrue(Files.exists(dev), "no /dev/null");
    assertRefusedEverywhere(dev, "is a character device");
  }

  @Test
  void shouldRefuseADirectory() throws IOException {
    assertRefusedEverywhere(Files.createDirectory(dir.resolve("d.vhd")), "is a directory");
  }
}
