package io.github.vhd4j.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** How much of a file the file system stores, for tests that a copy leaves holes. */
public final class SparseFiles {
  private SparseFiles() {}

  /**
   * Returns the bytes the file system allocates for a file, from stat(1) ({@code %b} blocks of
   * {@code %B} bytes): Java has no portable attribute for it.
   *
   * @param p the file
   * @return the allocated bytes
   * @throws IOException if stat fails
   */
  public static long allocatedBytes(Path p) throws IOException {
    Process proc = new ProcessBuilder("stat", "-c", "%b %B", p.toString()).redirectErrorStream(true).start();
    String s = new String(proc.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
    try {
      if (proc.waitFor() != 0) {
        throw new IOException("stat failed: " + s);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for stat", e);
    }
    String[] parts = s.split(" ");
    return Long.parseLong(parts[0]) * Long.parseLong(parts[1]);
  }

  /**
   * Tells whether files in {@code dir} can be sparse and stat(1) shows it, by extending an empty
   * file to 16 MiB.
   *
   * @param dir a writable directory
   * @return true when a 16 MiB hole allocates less than 1 MiB
   */
  public static boolean supported(Path dir) {
    try {
      Path probe = Files.createTempFile(dir, "probe", ".sparse");
      try (RandomAccessFile f = new RandomAccessFile(probe.toFile(), "rw")) {
        f.setLength(16 << 20);
      }
      boolean sparse = allocatedBytes(probe) < (1 << 20);
      Files.delete(probe);
      return sparse;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
