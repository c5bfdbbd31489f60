package io.github.vhd4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts {@code vhd} as a child JVM, for what only a real process shows: signals, closed descriptors. */
final class ChildVhd {
  private ChildVhd() {}

  /**
   * Returns a process builder running {@code vhd args...} with this test's class path.
   *
   * @param args the command line
   * @return the builder; its streams are the caller's to redirect
   */
  static ProcessBuilder of(String... args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        Main.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }

  /**
   * Returns a shell command line (for {@code sh -c}) that runs {@code vhd args...}, each word
   * quoted for the shell.
   *
   * @param args the command line
   * @return the words, quoted and joined
   */
  static String shell(String... args) {
    StringBuilder sb = new StringBuilder();
    for (String w : of(args).command()) {
      sb.append(sb.length() == 0 ? "" : " ").append('\'').append(w.replace("'", "'\\''")).append('\'');
    }
    return sb.toString();
  }
}
