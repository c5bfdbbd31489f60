package io.github.vhd4j.conformance;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The peer tools this suite compares vhd4j with, and how to run them. A test class calls
 * {@link #require} from its {@code @BeforeAll}: a missing peer skips the class with the reason,
 * except when {@code VHD4J_PEERS_REQUIRED=1} (as {@code .ci/run} sets it), where it fails instead.
 */
final class Peers {
  static final String QEMU_IMG = "qemu-img";
  static final String QEMU_IO = "qemu-io";
  static final String SEVEN_ZIP = "7zz";
  static final String VHDIINFO = "vhdiinfo";
  /**
   * pyvhdi (Debian's python3-libvhdi) is installed for the system interpreter only; a pyenv
   * {@code python3} earlier on the PATH does not have it, so the system one is called by path.
   */
  static final String PYTHON = "/usr/bin/python3";
  /** Pseudo tool name for the pyvhdi module. */
  static final String PYVHDI = "pyvhdi";

  /** What every peer-based class needs from Debian: the packages that provide each tool. */
  static final String INSTALL =
      "apt-get install qemu-utils 7zip libvhdi-utils python3-libvhdi";

  private Peers() {}

  /** Whether CI demands the peers (a missing one is then a failure, never a skip). */
  static boolean required() {
    return "1".equals(System.getenv("VHD4J_PEERS_REQUIRED"));
  }

  /** Skips the calling class when a tool is missing, or fails it when peers are required. */
  static void require(String... tools) {
    List<String> missing = new ArrayList<>();
    for (String t : tools) {
      if (!available(t)) {
        missing.add(t);
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    String why = "peer tool(s) " + missing + " not installed (" + INSTALL + ")";
    if (required()) {
      fail(why + " but VHD4J_PEERS_REQUIRED=1");
    }
    assumeTrue(false, why);
  }

  static boolean available(String tool) {
    if (PYVHDI.equals(tool)) {
      try {
        return Files.isExecutable(Path.of(PYTHON))
            && run(List.of(PYTHON, "-c", "import pyvhdi"), 60).code() == 0;
      } catch (IOException e) {
        return false;
      }
    }
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String d : path.split(File.pathSeparator)) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }

  /** What a finished process left behind. */
  record Result(List<String> command, int code, byte[] stdout, String stderr) {
    String out() {
      return new String(stdout, StandardCharsets.UTF_8);
    }

    /** Everything a failure message needs to reproduce and understand the call. */
    String describe() {
      return String.join(" ", command) + " exited " + code + ": " + (out() + stderr).strip();
    }
  }

  /** Runs a command and returns its result whatever its exit code. */
  static Result run(List<String> command, long timeoutSeconds) throws IOException {
    // Both outputs go to files, not pipes, so that the timeout holds even when the tool blocks
    // before writing anything (reading a pipe would wait for the tool, not for the clock).
    Path out = Files.createTempFile("vhd4j-peer", ".out");
    Path err = Files.createTempFile("vhd4j-peer", ".err");
    try {
      Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("timed out after " + timeoutSeconds + " s: " + String.join(" ", command));
      }
      return new Result(List.copyOf(command), p.exitValue(), Files.readAllBytes(out), Files.readString(err));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", command), e);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** Runs a command that must succeed and returns its standard output. */
  static String exec(String... command) throws IOException {
    Result r = run(Arrays.asList(command), 600);
    if (r.code() != 0) {
      throw new IOException(r.describe());
    }
    return r.out();
  }
}
