package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vhd4j.cli.testing.JsonTree;
import io.github.vhd4j.testing.TestImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code info} and {@code check} of many images: JSON Lines in argument order whatever the
 * threads do, an error object for each image that cannot be examined, directories walked as
 * documented (sorted, hidden names and symbolic links to directories skipped, FIFOs never
 * opened), the exit code of the worst image, progress on standard error, and a prompt stop when
 * standard output fails.
 */
class BatchCommandTest {
  @TempDir
  Path dir;

  private Path vhd(String name) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    return Images.smallDynamic().writeTo(p);
  }

  /**
   * A dynamic image whose header checksum (at 512 + 36) is wrong: check lists the error, a strict
   * open refuses it, a lenient one opens it with the error as a warning.
   */
  private Path damaged(String name) throws IOException {
    Path p = vhd(name);
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {0, 0, 0x12, 0x34}), 548);
    }
    return p;
  }

  /** A file that starts with QCOW2's signature: an image of a format vhd does not read. */
  private Path qcow2(String name) throws IOException {
    byte[] b = new byte[4096];
    b[0] = 'Q';
    b[1] = 'F';
    b[2] = 'I';
    b[3] = (byte) 0xfb;
    b[7] = 3;
    return Files.write(dir.resolve(name), b);
  }

  private static List<Map<String, Object>> lines(Cli.Result r) throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    for (String line : r.outLines()) {
      assertFalse(line.isBlank(), "one object per line: " + r.out());
      out.add(JsonTree.object(line));
    }
    return out;
  }

  private static List<String> filenames(Cli.Result r) throws IOException {
    return lines(r).stream().map(m -> (String) m.get("filename")).toList();
  }

  private static String errorCode(Map<String, Object> line) {
    return (String) JsonTree.object(line.get("error")).get("code");
  }

  @Test
  void shouldReportEveryImageOnItsLineAndGoOnPastTheBadOnes() throws Exception {
    Path good = vhd("good.vhd");
    Path missing = dir.resolve("missing.vhd");
    Path bad = damaged("damaged.vhd");
    Path other = qcow2("other.qcow2");
    String[] images = {good.toString(), missing.toString(), bad.toString(), other.toString()};

    Cli.Result check = Cli.run(Stream.concat(Stream.of("check", "--json"), Stream.of(images)).toArray(String[]::new));
    Cli.Result info = Cli.run(Stream.concat(Stream.of("info", "--json"), Stream.of(images)).toArray(String[]::new));

    assertEquals(2, check.code(), check.err());
    assertEquals(List.of(images), filenames(check));
    List<Map<String, Object>> c = lines(check);
    assertEquals(0L, c.get(0).get("errors"));
    assertEquals("NOT_FOUND", errorCode(c.get(1)));
    assertEquals("no such file", JsonTree.object(c.get(1).get("error")).get("message"));
    assertEquals(1L, c.get(2).get("errors"), "check reports a damaged image, never refuses it");
    assertEquals("UNSUPPORTED_FORMAT", errorCode(c.get(3)));
    assertEquals("", check.err(), "the errors are on their lines, not on standard error");

    assertEquals(2, info.code(), info.err());
    assertEquals(List.of(images), filenames(info));
    List<Map<String, Object>> i = lines(info);
    assertEquals("vhd", i.get(0).get("format"));
    assertEquals("NOT_FOUND", errorCode(i.get(1)));
    assertEquals("HEADER_CHECKSUM", errorCode(i.get(2)), "a strict open refuses it with its problem code");
    assertEquals("UNSUPPORTED_FORMAT", errorCode(i.get(3)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"info", "check"})
  void shouldExitWithTheWorstImagesCode(String command) throws Exception {
    String a = vhd("a.vhd").toString();
    String b = vhd("b.vhd").toString();
    String bad = damaged("bad.vhd").toString();
    String gone = dir.resolve("gone.vhd").toString();

    assertEquals(0, Cli.run(command, "--json", a, b).code(), "all clean");
    assertEquals(1, Cli.run(command, "--json", a, bad, b).code(), "one damaged");
    assertEquals(2, Cli.run(command, "--json", a, bad, gone).code(), "one could not be read");
    assertEquals(2, Cli.run(command, "--json", gone, a).code(), "one could not be read");
  }

  @Test
  void shouldCountAnImageLenientOpenedDespiteErrorsAsDamagedForInfo() throws Exception {
    String a = vhd("a.vhd").toString();
    String bad = damaged("bad.vhd").toString();

    Cli.Result r = Cli.run("info", "--json", "--lenient", a, bad);

    assertEquals(1, r.code(), r.err());
    assertEquals("vhd", lines(r).get(1).get("format"), "opened, with its errors as warnings");
    assertTrue(r.err().contains("vhd: " + bad + ": warning: header.checksum"), r.err());
  }

  @Test
  void shouldWalkDirectoriesInNameOrderAndSubdirectoriesOnlyWithR() throws Exception {
    vhd("imgs/b.vhd");
    vhd("imgs/a.vhd");
    vhd("imgs/sub/c.vhd");
    vhd("imgs/sub/deeper/d.vhd");
    vhd("imgs/z.vhd");
    vhd("imgs/.hidden.vhd");
    vhd("imgs/.hiddendir/e.vhd");
    Path outside = vhd("outside/f.vhd");
    Files.createSymbolicLink(dir.resolve("imgs/link.vhd"), outside);
    // A link to a directory above: followed, it would loop forever.
    Files.createSymbolicLink(dir.resolve("imgs/sub/up"), dir.resolve("imgs"));
    Files.createSymbolicLink(dir.resolve("imgs/dangling.vhd"), dir.resolve("nothing"));
    String imgs = dir.resolve("imgs").toString();

    Cli.Result flat = Cli.run("check", "--json", imgs);
    Cli.Result deep = Cli.run("check", "--json", "-r", imgs);
    Cli.Result hiddenNamed = Cli.run("check", "--json", imgs, dir.resolve("imgs/.hidden.vhd").toString());

    assertEquals(0, flat.code(), flat.err());
    assertEquals(List.of(imgs + "/a.vhd", imgs + "/b.vhd", imgs + "/link.vhd", imgs + "/z.vhd"), filenames(flat));
    assertEquals(0, deep.code(), deep.err());
    assertEquals(List.of(imgs + "/a.vhd", imgs + "/b.vhd", imgs + "/link.vhd", imgs + "/sub/c.vhd",
        imgs + "/sub/deeper/d.vhd", imgs + "/z.vhd"), filenames(deep));
    assertEquals(imgs + "/.hidden.vhd", filenames(hiddenNamed).get(4), "a hidden file named is examined");
  }

  @Test
  void shouldNeverOpenAFifoInADirectoryAndRefuseOneNamed() throws Exception {
    Path fifo = dir.resolve("imgs/pipe.vhd");
    vhd("imgs/a.vhd");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assumeTrue(mk.waitFor() == 0 && Files.exists(fifo), "mkfifo is not available");
    vhd("imgs/z.vhd");

    Cli.Result r = assertTimeoutPreemptively(Duration.ofSeconds(30),
        () -> Cli.run("info", "--json", dir.resolve("imgs").toString(), fifo.toString()), "a FIFO blocked the batch");

    assertEquals(2, r.code(), r.err());
    List<Map<String, Object>> lines = lines(r);
    assertEquals(List.of(dir.resolve("imgs/a.vhd").toString(), dir.resolve("imgs/z.vhd").toString(), fifo.toString()),
        filenames(r), "skipped in the directory, refused when named");
    assertEquals("NOT_A_FILE", errorCode(lines.get(2)));
  }

  @Test
  void shouldPrintInArgumentOrderWhateverTheThreadsDo() throws Exception {
    List<String> args = new ArrayList<>(List.of("check", "--json", "--deep", "-j", "4"));
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      // Images of different sizes, named out of order, so that finishing order differs from it.
      TestImage t = TestImage.dynamic((1 + i % 7) * 4 * Images.MIB, 2 * Images.MIB).random(0, 4096 * (1 + i % 5), i);
      Path p = t.writeTo(dir.resolve(String.format("img%02d.vhd", 39 - i)));
      args.add(p.toString());
      expected.add(p.toString());
    }

    Cli.Result four = Cli.run(args.toArray(new String[0]));
    args.set(4, "1");
    Cli.Result one = Cli.run(args.toArray(new String[0]));

    assertEquals(0, four.code(), four.err());
    assertEquals(expected, filenames(four));
    assertEquals(one.out(), four.out(), "the same lines with one thread");
  }

  @ParameterizedTest
  @ValueSource(strings = {"info", "check"})
  void shouldPrintEachImagesOwnObjectOnItsLine(String command) throws Exception {
    Images.Chain chain = Images.chain(dir);
    Path fixed = TestImage.fixed(Images.MIB).writeTo(dir.resolve("fixed.vhd"));
    Path dynamic = vhd("dynamic.vhd");
    List<Path> images = List.of(chain.childPath(), fixed, dynamic, chain.basePath());

    Cli.Result batch = Cli.run(Stream.concat(Stream.of(command, "--json"), images.stream().map(Path::toString))
        .toArray(String[]::new));

    assertEquals(0, batch.code(), batch.err());
    List<String> lines = batch.outLines();
    assertEquals(images.size(), lines.size(), batch.out());
    for (int i = 0; i < images.size(); i++) {
      Cli.Result alone = Cli.run(command, "--json", images.get(i).toString());
      assertEquals(0, alone.code(), alone.err());
      assertTrue(alone.out().lines().count() > 1, "one image alone is still pretty-printed");
      assertEquals(JsonTree.parse(alone.out()), JsonTree.parse(lines.get(i)), images.get(i).toString());
    }
  }

  @Test
  void shouldDrawAProgressBarOfImagesOnStandardErrorOnly() throws Exception {
    String a = vhd("a.vhd").toString();
    String b = vhd("b.vhd").toString();
    String c = vhd("c.vhd").toString();

    Cli.Result r = Cli.run("info", "--json", "-p", a, b, c);
    Cli.Result quiet = Cli.run("info", "--json", a, b, c);

    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().endsWith("] 100% 3/3 images\n"), r.err());
    assertTrue(r.err().startsWith("\r["), r.err());
    assertEquals(quiet.out(), r.out(), "standard output is the same");
    assertEquals("", quiet.err());
  }

  @Test
  void shouldStopAtTheFirstLineStandardOutputRefuses() throws Exception {
    List<String> args = new ArrayList<>(List.of("check", "--json", "-j", "2"));
    for (int i = 0; i < 200; i++) {
      args.add(vhd(String.format("img%03d.vhd", i)).toString());
    }
    int[] writes = {0};
    OutputStream closed = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        writes[0]++;
        throw new IOException("Broken pipe");
      }
    };
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int code = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Main.run(args.toArray(new String[0]),
        new Io(Stdout.over(closed, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), null)));

    assertEquals(2, code);
    assertEquals(List.of("vhd: stdout: Broken pipe"), err.toString(StandardCharsets.UTF_8).lines().toList());
    assertEquals(1, writes[0], "the batch stopped at the first line it could not write");
  }

  @Test
  void shouldReportAFileRemovedAfterTheListingOnItsLine() throws Exception {
    vhd("imgs/a.vhd");
    Path gone = vhd("imgs/b.vhd");
    vhd("imgs/c.vhd");
    List<BatchInputs.Input> inputs = BatchInputs.expand(List.of(dir.resolve("imgs")), false);
    Files.delete(gone);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Io io = new Io(new PrintStream(out, true, StandardCharsets.UTF_8), System.err, null);

    int code = new Batch(io, 2, false).run(inputs, new InfoCommand(io)::examine);

    assertEquals(2, code);
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(3, lines.size(), lines.toString());
    Map<String, Object> line = JsonTree.object(lines.get(1));
    assertEquals(gone.toString(), line.get("filename"));
    assertEquals("NOT_FOUND", errorCode(line));
  }

  /**
   * A QEMU writer (qemu-io holding the image) is seen by every line about the image, however many
   * threads open it at once: only the kernel's lock table shows it, read outside the registry's
   * lock by whichever open took the reader's locks, and by each open that joined before it had.
   */
  @Test
  void shouldWarnOnEveryLineAboutAnImageQemuWrites() throws Exception {
    QemuTool.require();
    Path held = vhd("held.vhd");
    Path free = vhd("free.vhd");
    Process qemu = new ProcessBuilder("qemu-io", "-f", "vpc", "-c", "sleep 60000", held.toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      String inode = ":" + Files.getAttribute(held, "unix:ino") + " ";
      for (int i = 0; i < 200 && !Files.readString(Path.of("/proc/locks")).contains(inode); i++) {
        assertTrue(qemu.isAlive(), "qemu-io ended before it locked the image");
        Thread.sleep(50);
      }
      List<String> args = new ArrayList<>(List.of("info", "--json", "-j", "4"));
      for (int i = 0; i < 24; i++) {
        args.add((i % 3 == 2 ? free : held).toString());
      }

      Cli.Result r = Cli.run(args.toArray(new String[0]));

      assertTrue(qemu.isAlive(), "qemu-io ended early");
      assertEquals(0, r.code(), r.err());
      List<Map<String, Object>> lines = lines(r);
      for (int i = 0; i < lines.size(); i++) {
        boolean warned = JsonTree.array(lines.get(i).get("warnings")).stream()
            .anyMatch(w -> "IMAGE_IN_USE".equals(JsonTree.object(w).get("code")));
        assertEquals(i % 3 != 2, warned, "line " + i + ": " + lines.get(i));
      }
      assertEquals(16, r.errLines().size(), r.err());
    } finally {
      qemu.destroy();
      qemu.waitFor();
    }
  }

  @Test
  void shouldPrintNothingForAnEmptyDirectory() throws Exception {
    Files.createDirectories(dir.resolve("empty"));

    Cli.Result r = Cli.run("check", "--json", dir.resolve("empty").toString());

    assertEquals(0, r.code(), r.err());
    assertEquals("", r.out());
  }

  @ParameterizedTest
  @ValueSource(strings = {"info", "check"})
  void shouldRefuseABatchWithoutJson(String command) throws Exception {
    String a = vhd("a.vhd").toString();
    String b = vhd("b.vhd").toString();

    Cli.Result several = Cli.run(command, a, b);
    Cli.Result directory = Cli.run(command, dir.toString());
    Cli.Result noThreads = Cli.run(command, "--json", "-j", "0", a, b);

    for (Cli.Result r : List.of(several, directory)) {
      assertEquals(2, r.code());
      assertEquals("", r.out());
      assertEquals(List.of("vhd " + command + ": several images or a directory need --json (one JSON line per image)",
          "Try 'vhd " + command + " --help' for more information."), r.errLines());
    }
    assertEquals(2, noThreads.code());
    assertEquals("vhd " + command + ": -j needs at least 1 thread, not 0", noThreads.errLines().get(0));
  }

  @Test
  void shouldKeepTheSingleImageErrorLine() throws Exception {
    Path missing = dir.resolve("missing.vhd");

    Cli.run("info", "--json", missing.toString()).assertFailed(missing, "no such file");
    Cli.run("check", "--json", "-j", "3", missing.toString()).assertFailed(missing, "no such file");
  }
}
