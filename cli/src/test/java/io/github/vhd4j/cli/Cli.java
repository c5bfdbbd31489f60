package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Runs the tool in-process (its JSON is read back with {@link io.github.vhd4j.cli.testing.JsonTree}). */
final class Cli {
  private Cli() {}

  /** What a run produced. */
  record Result(int code, byte[] stdoutBytes, String err) {
    String out() {
      return new String(stdoutBytes, StandardCharsets.UTF_8);
    }

    List<String> outLines() {
      return out().lines().toList();
    }

    List<String> errLines() {
      return err.lines().toList();
    }

    /**
     * Asserts a failure: exit code 2, nothing on standard output, and exactly the one error line
     * {@code vhd: FILE: message}.
     */
    void assertFailed(Path file, String message) {
      assertEquals(2, code, err);
      assertEquals("", out());
      assertEquals(List.of("vhd: " + file + ": " + message), errLines());
    }

    /** Asserts a refusal: {@link #assertFailed}, and the image left byte for byte as it was. */
    void assertRefused(Path image, byte[] before, String message) throws IOException {
      assertFailed(image, message);
      assertArrayEquals(before, Files.readAllBytes(image));
    }
  }

  static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    int code = Main.run(args, o, e);
    o.flush();
    e.flush();
    return new Result(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
  }

  /** Runs the tool with {@code stdin} as its standard input ({@code -}), read as a stream. */
  static Result runWithInput(byte[] stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    int code = Main.run(args, new Io(o, e, null, Channels.newChannel(new ByteArrayInputStream(stdin))));
    o.flush();
    e.flush();
    return new Result(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
  }
}
