package io.github.vhd4j.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * qemu-img, for the tests that need images another program made. A test calls {@link #require()}
 * first: without qemu-img on the PATH it is skipped, except with VHD4J_PEERS_REQUIRED=1 (as CI
 * sets it), where a missing peer fails it.
 */
public final class QemuImg {
  private QemuImg() {}

  /** Skips the calling test when qemu-img is missing, or fails it when peers are required. */
  public static void require() {
    boolean present = onPath("qemu-img");
    assertTrue(present || !"1".equals(System.getenv("VHD4J_PEERS_REQUIRED")),
        "qemu-img not installed but VHD4J_PEERS_REQUIRED=1");
    assumeTrue(present, "qemu-img not installed");
  }

  /**
   * Runs {@code qemu-img create -q -f FORMAT [-o OPTIONS] FILE SIZE}.
   *
   * @param format qemu-img's format name: qcow2, vmdk, vdi, vhdx, vpc, raw
   * @param file the new image
   * @param size the virtual size in bytes
   * @param options the {@code -o} options, or null
   * @return {@code file}
   * @throws IOException if qemu-img fails
   * @throws InterruptedException if interrupted while waiting for it
   */
  public static Path create(String format, Path file, long size, @Nullable String options)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("qemu-img", "create", "-q", "-f", format));
    if (options != null) {
      cmd.add("-o");
      cmd.add(options);
    }
    cmd.add(file.toString());
    cmd.add(Long.toString(size));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "qemu-img did not finish");
    assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
    return file;
  }

  /**
   * Tells whether an executable of this name is on the {@code PATH}.
   *
   * @param tool the program's name
   * @return true when found
   */
  public static boolean onPath(String tool) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String d : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }
}
