package io.github.vhd4j.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The readers of differencing VHDX files that tests compare vhd4j with, since qemu-img cannot read
 * them: 7-Zip ({@code 7zz e -tvhdx -so}, which finds the parent by {@code relative_path} beside the
 * child) and libvhdi (pyvhdi, with the parent set by the caller). A test calls {@link #require}
 * first: a missing peer skips it, except with VHD4J_PEERS_REQUIRED=1 (as CI sets it), where it
 * fails.
 */
public final class VhdxPeers {
  /** 7-Zip's command. */
  public static final String SEVEN_ZIP = "7zz";
  /** Pseudo name of libvhdi's Python binding. */
  public static final String PYVHDI = "pyvhdi";
  /** pyvhdi is installed for the system interpreter only (Debian's python3-libvhdi). */
  private static final String PYTHON = "/usr/bin/python3";
  /** Reads the child through the parent in 1 MiB pieces and writes the disk to standard output. */
  private static final String PYVHDI_READ = String.join("\n",
      "import sys, pyvhdi",
      "child = pyvhdi.file(); child.open(sys.argv[1])",
      "parent = pyvhdi.file(); parent.open(sys.argv[2])",
      "child.set_parent(parent)",
      "size = child.get_media_size(); out = sys.stdout.buffer; at = 0",
      "while at < size:",
      "    n = min(1 << 20, size - at); out.write(child.read_buffer_at_offset(n, at)); at += n",
      "out.flush()");

  private VhdxPeers() {}

  /**
   * Skips the calling test when a peer is missing, or fails it when peers are required.
   *
   * @param peer {@link #SEVEN_ZIP} or {@link #PYVHDI}
   */
  public static void require(String peer) {
    boolean present = PYVHDI.equals(peer) ? pyvhdi() : QemuImg.onPath(peer);
    assertTrue(present || !"1".equals(System.getenv("VHD4J_PEERS_REQUIRED")),
        peer + " not installed but VHD4J_PEERS_REQUIRED=1");
    assumeTrue(present, peer + " not installed");
  }

  private static boolean pyvhdi() {
    if (!Files.isExecutable(Path.of(PYTHON))) {
      return false;
    }
    try {
      run(List.of(PYTHON, "-c", "import pyvhdi"));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The virtual disk of a VHDX (and its parents) as 7-Zip reads it.
   *
   * @param vhdx the file
   * @return the disk's bytes
   * @throws IOException if 7-Zip fails
   */
  public static byte[] sevenZip(Path vhdx) throws IOException {
    return run(List.of(SEVEN_ZIP, "e", "-tvhdx", "-so", vhdx.toString()));
  }

  /**
   * The virtual disk of a differencing VHDX as libvhdi reads it over the given parent.
   *
   * @param child the child
   * @param parent its parent, a VHDX without a parent
   * @return the disk's bytes
   * @throws IOException if libvhdi fails
   */
  public static byte[] libvhdi(Path child, Path parent) throws IOException {
    return run(List.of(PYTHON, "-c", PYVHDI_READ, child.toString(), parent.toString()));
  }

  /** Runs a command that must succeed; both outputs go to files so that the timeout holds. */
  private static byte[] run(List<String> command) throws IOException {
    Path out = Files.createTempFile("vhd4j-peer", ".out");
    Path err = Files.createTempFile("vhd4j-peer", ".err");
    try {
      Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("timed out: " + String.join(" ", command));
      }
      if (p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " exited " + p.exitValue() + ": " + Files.readString(err));
      }
      return Files.readAllBytes(out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", command), e);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
