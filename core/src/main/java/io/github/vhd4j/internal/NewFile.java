package io.github.vhd4j.internal;

import io.github.vhd4j.internal.storage.OpenFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a file that must not exist yet: created exclusively ({@code O_EXCL}, so neither an
 * existing file nor a link planted under the name is ever touched), through the registry of open
 * files and locked as a writer holds an image before its first byte, and removed when writing it
 * fails, since then it is ours and incomplete.
 */
public final class NewFile {
  private NewFile() {}

  /** What is written into the new file. */
  @FunctionalInterface
  public interface Body {
    /**
     * Writes the file.
     *
     * @param channel the new file's channel, shared through the registry: never close it
     * @throws IOException if writing fails
     */
    void write(FileChannel channel) throws IOException;
  }

  /**
   * Creates {@code out} and writes it with {@code body}; on any failure removes it.
   *
   * @param out the new file
   * @param locking lock it while it is written
   * @param body what to write
   * @throws java.nio.file.FileAlreadyExistsException if {@code out} exists
   * @throws IOException if writing fails
   */
  public static void write(Path out, boolean locking, Body body) throws IOException {
    OpenFiles.Lease file = OpenFiles.open(out, OpenFiles.Access.CREATE, locking);
    boolean ok = false;
    try (file) {
      body.write(file.channel());
      ok = true;
    } finally {
      if (!ok) {
        Files.deleteIfExists(out);
      }
    }
  }
}
