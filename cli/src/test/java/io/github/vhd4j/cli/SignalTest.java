package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vhd4j.testing.Fifos;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SIGINT, SIGTERM and SIGHUP sent to a real {@code vhd} process in the middle of {@code convert}
 * or {@code create}: the temporary file goes, OUT keeps its old content (or is not made), and the
 * process exits with 128 + the signal's number, as a shell reports a process the signal killed.
 * The conversions read a FIFO that this test feeds and then holds open, so the child is
 * deterministically in the middle when the signal comes.
 */
class SignalTest {
  @TempDir
  Path dir;

  private Set<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }

  /** Waits until a file whose name ends with {@code suffix} holds at least {@code bytes}; returns it. */
  private Path await(String suffix, long bytes, Process child) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try (Stream<Path> s = Files.list(dir)) {
        for (Path p : s.filter(p -> p.getFileName().toString().endsWith(suffix)).toList()) {
          if (Files.size(p) >= bytes) {
            return p;
          }
        }
      } catch (IOException e) {
        // A file removed while listed: look again.
      }
      if (!child.isAlive()) {
        fail("vhd exited " + child.exitValue() + " before it was signalled: " + stderr(child));
      }
      Thread.sleep(5);
    }
    throw new AssertionError("no " + suffix + " of " + bytes + " bytes appeared in " + names());
  }

  private static String stderr(Process child) throws IOException {
    return new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  /**
   * Skips a signal this test's process tree ignores, which the child inherits: SIGINT in a
   * background job, SIGHUP under {@code nohup}.
   */
  private static void assumeDeliverable(String signal, int number, Process child) throws IOException {
    String status = Files.readString(Path.of("/proc/" + child.pid() + "/status"));
    long ignored = status.lines().filter(l -> l.startsWith("SigIgn:")).map(l -> Long.parseLong(l.substring(7)
        .strip(), 16)).findFirst().orElse(0L);
    assumeTrue((ignored & (1L << (number - 1))) == 0, "SIG" + signal + " is ignored in this process tree"
        + " (a background job ignores SIGINT, nohup SIGHUP)");
  }

  private static void kill(String signal, Process child) throws Exception {
    assertEquals(0, new ProcessBuilder("kill", "-s", signal, Long.toString(child.pid())).start().waitFor());
  }

  @ParameterizedTest
  @CsvSource({"INT, 2, dynamic", "TERM, 15, raw", "HUP, 1, fixed"})
  @Timeout(120)
  void shouldRemoveTheTemporaryFileAndKeepOut(String signal, int number, String format) throws Exception {
    Path fifo = Fifos.make(dir.resolve("in.fifo"));
    byte[] old = "the old content".getBytes(StandardCharsets.US_ASCII);
    Path out = Files.write(dir.resolve("out.img"), old);
    Process child = ChildVhd.of("convert", "-f", "raw", "-O", format, fifo.toString(), out.toString())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    byte[] data = new byte[3 << 20];
    new Random(number).nextBytes(data);
    try (OutputStream feed = new FileOutputStream(fifo.toFile())) {
      feed.write(data);
      feed.flush();
      // The child has read what it can and waits for more: it is mid-conversion.
      await(".tmp", 2 << 20, child);
      assumeDeliverable(signal, number, child);

      kill(signal, child);

      assertTrue(child.waitFor(60, TimeUnit.SECONDS), "vhd did not stop");
    } catch (IOException e) {
      // Broken pipe: the child went away while fed, which the assertions below report.
    }
    String err = stderr(child);
    assertEquals(128 + number, child.exitValue(), err);
    assertEquals("", err, "a signal is no error to report");
    assertArrayEquals(old, Files.readAllBytes(out));
    assertEquals(Set.of("in.fifo", "out.img"), names(), "no temporary file left");
  }

  @Test
  @Timeout(120)
  void shouldRemoveThePartialImageOfCreate() throws Exception {
    Path out = dir.resolve("big.vhd");
    // A 100 GiB disk of 512-byte blocks has an 800 MiB block table: long enough to be caught
    // writing it.
    Process child = ChildVhd.of("create", "--block-size", "512", "--size", "100G", out.toString())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    Path tmp = await(".tmp", 1 << 20, child);
    // Stopped while the signal is sent: it lands mid-write, however fast the rest would be.
    kill("STOP", child);
    try {
      kill("TERM", child);
    } finally {
      kill("CONT", child);
    }

    assertTrue(child.waitFor(60, TimeUnit.SECONDS), "vhd did not stop");
    assertEquals(143, child.exitValue(), stderr(child));
    assertTrue(Files.notExists(tmp), tmp + " left behind");
    assertEquals(Set.of(), names(), "neither OUT nor a temporary file");
  }

  @Test
  @Timeout(120)
  void shouldLeaveADeviceOrPipeItWritesThrough() throws Exception {
    Path in = Images.smallDynamic().writeTo(dir.resolve("d.vhd"));
    Path fifo = Fifos.make(dir.resolve("out.fifo"));
    Process child = ChildVhd.of("convert", "-O", "raw", in.toString(), fifo.toString())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    // A reader that takes a little and then stops reading: the writer blocks on a full pipe.
    CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
      try (var s = Files.newInputStream(fifo)) {
        s.readNBytes(1 << 16);
        Thread.sleep(3000);
      } catch (IOException | InterruptedException e) {
        // The test only needs the writer stuck for a while.
      }
    });
    Thread.sleep(1000);
    assertTrue(child.isAlive(), "blocked on the pipe");

    kill("TERM", child);

    assertTrue(child.waitFor(60, TimeUnit.SECONDS));
    assertEquals(143, child.exitValue(), stderr(child));
    assertEquals(FileKind.FIFO, FileKind.of(fifo), "a pipe is nothing to remove");
    assertEquals(List.of("d.vhd", "out.fifo"), names().stream().sorted().toList());
    reader.get(30, TimeUnit.SECONDS);
  }
}
