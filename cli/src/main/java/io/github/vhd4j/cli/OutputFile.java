package io.github.vhd4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The OUT of {@code convert}, once symbolic links are followed: a regular file (or nothing yet),
 * replaced by renaming a complete temporary file over it; or a device or pipe, written through,
 * since it cannot be replaced (the system's {@code /dev/null} must stay a device).
 *
 * @param label OUT as the user wrote it, for messages
 * @param path OUT as given
 * @param target where the bytes go: the final file of a chain of links (which need not exist
 *     yet), so that the temporary file is made beside it and the links stay links; OUT itself for
 *     a device or pipe
 * @param kind what {@code target} is
 */
record OutputFile(String label, Path path, Path target, FileKind kind) {
  /** As many links as Linux follows before giving up (ELOOP). */
  private static final int MAX_LINKS = 40;

  /**
   * Resolves OUT, refusing what can be neither replaced nor written through.
   *
   * @param out OUT as given
   * @return the resolved output
   * @throws CliException for a directory, a socket, a loop of links, or a missing directory
   */
  static OutputFile resolve(Path out) throws CliException {
    String label = out.toString();
    FileKind kind;
    Path target;
    try {
      kind = FileKind.of(out);
      if (kind == FileKind.REGULAR) {
        target = out.toRealPath();
      } else if (kind == FileKind.MISSING) {
        target = lastLink(out, label);
      } else {
        target = out;
      }
    } catch (IOException e) {
      throw new CliException(label, e);
    }
    if (kind == FileKind.DIRECTORY) {
      throw new CliException(label, "is a directory");
    }
    if (kind == FileKind.SOCKET || kind == FileKind.OTHER) {
      throw new CliException(label, "is " + kind.describe() + "; convert writes a regular file, a device or a pipe");
    }
    if (!kind.writesThrough()) {
      Path dir = target.toAbsolutePath().getParent();
      if (dir == null || !Files.isDirectory(dir)) {
        throw new CliException(label, "no such directory: " + dir);
      }
    }
    return new OutputFile(label, out, target, kind);
  }

  /**
   * Refuses to write a VHD under a VHDX name ({@code .vhdx}, or Hyper-V's {@code .avhdx} for
   * differencing disks): Hyper-V and Windows take the format from the name and reject such a file,
   * and vhd writes VHD only.
   *
   * @param out the new image as given
   * @throws CliException when its name ends in {@code .vhdx} or {@code .avhdx}, in any case
   */
  static void refuseVhdxName(Path out) throws CliException {
    Path n = out.getFileName();
    String name = n == null ? "" : n.toString().toLowerCase(java.util.Locale.ROOT);
    if (name.endsWith(".vhdx") || name.endsWith(".avhdx")) {
      throw new CliException(out.toString(), "is named as a VHDX, but vhd writes VHD images only (Hyper-V takes"
          + " the format from the name and would refuse this file); name it .vhd");
    }
  }

  /**
   * Follows a dangling chain of links to the name at its end, where the new file goes; OUT itself
   * when it is no link.
   */
  private static Path lastLink(Path out, String label) throws IOException {
    Path p = out.toAbsolutePath();
    for (int i = 0; Files.isSymbolicLink(p); i++) {
      if (i == MAX_LINKS) {
        throw new CliException(label, "too many levels of symbolic links");
      }
      Path next = Files.readSymbolicLink(p);
      Path dir = p.getParent();
      p = next.isAbsolute() || dir == null ? next : dir.resolve(next);
    }
    return p;
  }

  /**
   * Tells whether the output is written through: a device or a pipe.
   *
   * @return true when there is nothing to replace
   */
  boolean writesThrough() {
    return kind.writesThrough();
  }
}
