package io.github.vhd4j.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A loop device over a file, for tests of images on block devices: attached with
 * {@code losetup -f --show}, detached on close. Where none can be attached (not root, no loop
 * driver, no losetup) the calling test is skipped with the reason.
 *
 * @param device the device, such as {@code /dev/loop3}
 */
public record LoopDevice(Path device) implements AutoCloseable {
  /**
   * Attaches a free loop device to {@code file}, or skips the test.
   *
   * @param file the backing file
   * @return the attached device
   * @throws IOException if losetup's output cannot be read
   * @throws InterruptedException if interrupted while losetup runs
   */
  public static LoopDevice attach(Path file) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder("losetup", "-f", "--show", file.toString()).redirectErrorStream(true).start();
    } catch (IOException e) {
      assumeTrue(false, "losetup is not available: " + e.getMessage());
      throw e;
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assumeTrue(p.waitFor() == 0 && out.startsWith("/dev/"), "cannot attach a loop device: " + out);
    return new LoopDevice(Path.of(out));
  }

  /** Detaches the device. */
  @Override
  public void close() throws IOException {
    try {
      new ProcessBuilder("losetup", "-d", device.toString()).inheritIO().start().waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
