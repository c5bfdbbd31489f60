package io.github.vhd4j.conformance;

import io.github.vhd4j.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The {@code vhd} tool run in-process through {@link Main#run}. */
final class VhdCli {
  private VhdCli() {}

  record Result(List<String> args, int code, byte[] stdout, String stderr) {
    String out() {
      return new String(stdout, StandardCharsets.UTF_8);
    }

    String describe() {
      return "vhd " + String.join(" ", args) + " exited " + code + ": " + stderr.strip();
    }
  }

  static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    // Binary output (cat) goes to the same buffer through a channel.
    int code = Main.run(args, o, e, Channels.newChannel(out));
    o.flush();
    e.flush();
    return new Result(List.of(args), code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
  }
}
