package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Devices and loop devices for the tests of outputs and inputs that are not regular files.
 * Device nodes are made in the test's own directory (never the system's {@code /dev/null}, which a
 * broken build must not be able to replace); a test that cannot make one (not root, no mknod, no
 * free loop device) is skipped with the reason.
 */
final class SpecialFiles {
  private SpecialFiles() {}

  /** Runs a command and returns its output, or null when it fails. */
  static String run(String... command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + List.of(command), e);
    }
    return p.exitValue() == 0 ? out : null;
  }

  /** A character device node with the numbers of /dev/null (1, 3) or /dev/full (1, 7). */
  static Path charDevice(Path p, int minor) throws IOException {
    String ok = run("mknod", p.toString(), "c", "1", Integer.toString(minor));
    assumeTrue(ok != null, "cannot make device nodes here (mknod needs root)");
    return p;
  }

  /** A loop device over a file of {@code size} bytes; closing it detaches the device. */
  static Loop loop(Path backing, long size) throws IOException {
    try (var f = java.nio.channels.FileChannel.open(backing, java.nio.file.StandardOpenOption.CREATE_NEW,
        java.nio.file.StandardOpenOption.WRITE)) {
      f.write(java.nio.ByteBuffer.wrap(new byte[] {0x55}), size - 1);
    }
    String dev = run("losetup", "-f", "--show", backing.toString());
    assumeTrue(dev != null && !dev.isBlank(), "cannot attach a loop device (losetup needs root and a free device)");
    Path attached = Path.of(dev.strip());
    // The tests write through a node of their own for the device, in their directory: a broken
    // build that replaced its OUT would replace that node, never the system's /dev entry.
    String numbers = run("stat", "-c", "%t %T", attached.toString());
    Path node = backing.resolveSibling(backing.getFileName() + ".dev");
    String[] mm = numbers == null ? new String[0] : numbers.strip().split(" ");
    if (mm.length != 2 || run("mknod", node.toString(), "b", Integer.toString(Integer.parseInt(mm[0], 16)),
        Integer.toString(Integer.parseInt(mm[1], 16))) == null) {
      run("losetup", "-d", attached.toString());
      assumeTrue(false, "cannot make a block device node for " + attached);
    }
    return new Loop(node, attached);
  }

  /**
   * An attached loop device.
   *
   * @param device the test's own node for it
   * @param attached the system's node, which only {@link #close()} uses
   */
  record Loop(Path device, Path attached) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      run("losetup", "-d", attached.toString());
    }

    /** Reads the device's first {@code n} bytes. */
    byte[] read(int n) throws IOException {
      try (var in = Files.newInputStream(device)) {
        return in.readNBytes(n);
      }
    }
  }
}
