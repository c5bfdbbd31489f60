package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vhd4j.testing.TestImage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A failure to write standard output (into {@code /dev/full}, a closed pipe, a closed descriptor)
 * is exit 2 and one line on standard error, for every command, {@code --help} and
 * {@code --version}: PrintStream alone swallows it, and the tool used to exit 0 with its output
 * lost. {@code cat} into a closed pipe keeps its 141.
 */
class StdoutFailureTest {
  @TempDir
  Path dir;

  /** The command lines tried, with {@code @IMG}, {@code @CHILD} and {@code @NEW} replaced per run. */
  static Stream<String> commands() {
    return Stream.of("--help", "--version", "info --help", "info @IMG", "info --json @IMG", "check @IMG",
        "check --json @IMG", "map @IMG", "map --json @IMG", "cat @IMG", "compare @IMG @IMG",
        "compare --json @IMG @IMG", "create --size 1M @NEW", "commit @CHILD", "resize @IMG 16M", "compact @IMG",
        "repair @IMG", "repair --dry-run --json @IMG", "generate-completion");
  }

  /** Fresh files for one run (the writing commands change them). */
  private String[] args(String command) throws IOException {
    Path run = Files.createTempDirectory(dir, "run");
    Path img = TestImage.dynamic(8 * Images.MIB, 2 * Images.MIB).fill(0, 4096, 7).writeTo(run.resolve("d.vhd"));
    Images.Chain chain = Images.chain(run);
    List<String> out = new ArrayList<>();
    for (String w : command.split(" ")) {
      out.add(switch (w) {
        case "@IMG" -> img.toString();
        case "@CHILD" -> chain.childPath().toString();
        case "@NEW" -> run.resolve("new.vhd").toString();
        default -> w;
      });
    }
    return out.toArray(new String[0]);
  }

  @ParameterizedTest
  @MethodSource("commands")
  void shouldFailInProcessWhenStandardOutputFails(String command) throws Exception {
    OutputStream full = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw new IOException("No space left on device");
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        throw new IOException("No space left on device");
      }
    };
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);

    int code = Main.run(args(command), new Io(Stdout.over(full, StandardCharsets.UTF_8), e, null));

    assertEquals(2, code, err.toString(StandardCharsets.UTF_8));
    assertEquals(List.of("vhd: stdout: No space left on device"), err.toString(StandardCharsets.UTF_8).lines()
        .toList());
  }

  @Test
  void shouldSayWriteErrorForAStreamThatRecordsNoCause() {
    PrintStream broken = new PrintStream(new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw new IOException("gone");
      }
    }, true, StandardCharsets.UTF_8);
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int code = Main.run(new String[] {"--version"}, broken, new PrintStream(err, true, StandardCharsets.UTF_8));

    assertEquals(2, code);
    assertEquals("vhd: stdout: write error\n", err.toString(StandardCharsets.UTF_8));
  }

  private record Run(int code, String err) {}

  private static Run finish(Process p) throws Exception {
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "vhd did not finish");
    return new Run(p.exitValue(), err);
  }

  @ParameterizedTest
  @MethodSource("commands")
  void shouldFailIntoDevFull(String command) throws Exception {
    File full = new File("/dev/full");
    assumeTrue(full.exists(), "no /dev/full here");

    Run r = finish(ChildVhd.of(args(command)).redirectOutput(full).start());

    assertEquals(2, r.code(), r.err());
    assertEquals(List.of("vhd: stdout: No space left on device"), r.err().lines().toList());
  }

  @ParameterizedTest
  @MethodSource("commands")
  void shouldFailIntoAClosedPipe(String command) throws Exception {
    Process p = ChildVhd.of(args(command)).start();
    // Closed before the child's JVM is up: every write it makes meets a pipe without a reader.
    p.getInputStream().close();

    Run r = finish(p);

    if (command.startsWith("cat ")) {
      assertEquals(CatCommand.BROKEN_PIPE, r.code(), r.err());
      assertEquals("", r.err());
    } else {
      assertEquals(2, r.code(), r.err());
      assertEquals(List.of("vhd: stdout: Broken pipe"), r.err().lines().toList());
    }
  }

  /** A few commands, each printing its own way (picocli, text, JSON, guest bytes), for the closed descriptor. */
  static Stream<String> someCommands() {
    return Stream.of("--version", "info @IMG", "map --json @IMG", "cat @IMG", "create --size 1M @NEW");
  }

  @ParameterizedTest
  @MethodSource("someCommands")
  void shouldFailIntoAClosedDescriptor(String command) throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "no /bin/sh to close the descriptor");

    Run r = finish(new ProcessBuilder("/bin/sh", "-c", "exec " + ChildVhd.shell(args(command)) + " >&-").start());

    assertEquals(2, r.code(), r.err());
    assertEquals(List.of("vhd: stdout: Bad file descriptor"), r.err().lines().toList());
  }
}
