package io.github.vhd4j.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * One temporary directory per JVM for files the targets write. A fuzzing JVM runs millions of
 * inputs; rewriting fixed names in one directory is far cheaper than a directory per input.
 * Targets run one at a time (Jazzer holds a global lock), so they never share a file at once.
 */
final class Scratch {
  private static Path root;

  private Scratch() {}

  /** The directory {@code name} under this JVM's scratch root, created on first use. */
  static synchronized Path dir(String name) {
    try {
      if (root == null) {
        root = Files.createTempDirectory("vhd4j-fuzz-");
        Path r = root;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(r)));
      }
      return Files.createDirectories(root.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteQuietly(Path dir) {
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<Path>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
          Files.deleteIfExists(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      // Temporary files; the OS cleans up eventually.
    }
  }
}
