package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vhd4j.testing.QemuImg;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Runs qemu-img and qemu-io for the command tests that cross-check against them. */
final class QemuTool {
  private QemuTool() {}

  /**
   * Skips the calling test when qemu-img or qemu-io is missing, or fails it when CI requires the
   * peers (VHD4J_PEERS_REQUIRED=1, as .ci/run sets it).
   */
  static void require() {
    boolean present = QemuImg.onPath("qemu-img") && QemuImg.onPath("qemu-io");
    assertTrue(present || !"1".equals(System.getenv("VHD4J_PEERS_REQUIRED")),
        "qemu-img/qemu-io not installed but VHD4J_PEERS_REQUIRED=1");
    assumeTrue(present, "qemu-img/qemu-io not installed");
  }

  /**
   * Runs a command to its end (two minutes at most).
   *
   * @param cmd the program and its arguments
   * @return its standard output and error
   * @throws IOException if it fails, exits with an error, or takes too long
   * @throws InterruptedException if interrupted while waiting
   */
  static String exec(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timeout: " + String.join(" ", cmd));
    }
    String s = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + s);
    }
    return s;
  }
}
