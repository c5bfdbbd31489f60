package io.github.vhd4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What a path names once symbolic links are followed, from {@code stat}: commands decide by it
 * whether a file may be replaced, must be written through, or can only be streamed.
 */
enum FileKind {
  /** Nothing exists under the name (or it is a symbolic link to nothing). */
  MISSING("nothing"),
  /** A regular file. */
  REGULAR("a regular file"),
  /** A directory. */
  DIRECTORY("a directory"),
  /** A block device: seekable, with the device's size. */
  BLOCK_DEVICE("a block device"),
  /** A character device, such as /dev/null or a terminal: written and read in order only. */
  CHARACTER_DEVICE("a character device"),
  /** A FIFO (named pipe), or an anonymous pipe reached through /dev/fd or /proc. */
  FIFO("a FIFO (pipe)"),
  /** A socket. */
  SOCKET("a socket"),
  /** Something else that is none of the above (no POSIX file types on this system). */
  OTHER("a special file");

  /** File type bits of {@code st_mode} (POSIX {@code S_IFMT}) and the types among them. */
  private static final int S_IFMT = 0170000;
  private static final int S_IFIFO = 0010000;
  private static final int S_IFCHR = 0020000;
  private static final int S_IFBLK = 0060000;
  private static final int S_IFSOCK = 0140000;

  private final String description;

  FileKind(String description) {
    this.description = description;
  }

  /**
   * Returns the kind of file {@code p} names, following symbolic links (including the ones
   * {@code /dev/stdin} and {@code /dev/fd/N} are, whose targets may be pipes).
   *
   * @param p the path
   * @return its kind; {@link #MISSING} when nothing is there
   * @throws IOException if the file's attributes cannot be read (permission, a loop of links)
   */
  static FileKind of(Path p) throws IOException {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(p, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return MISSING;
    }
    if (a.isRegularFile()) {
      return REGULAR;
    }
    if (a.isDirectory()) {
      return DIRECTORY;
    }
    int mode;
    try {
      mode = (Integer) Files.getAttribute(p, "unix:mode");
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return OTHER;
    }
    switch (mode & S_IFMT) {
      case S_IFBLK: return BLOCK_DEVICE;
      case S_IFCHR: return CHARACTER_DEVICE;
      case S_IFIFO: return FIFO;
      case S_IFSOCK: return SOCKET;
      default: return OTHER;
    }
  }

  /**
   * Tells whether data written here goes straight to its destination in order, with nothing
   * to replace: a device or a pipe.
   *
   * @return true for block and character devices and FIFOs
   */
  boolean writesThrough() {
    return this == BLOCK_DEVICE || this == CHARACTER_DEVICE || this == FIFO;
  }

  /**
   * Tells whether the file can only be read forward, once: a pipe or a character device.
   *
   * @return true for FIFOs and character devices
   */
  boolean streams() {
    return this == FIFO || this == CHARACTER_DEVICE;
  }

  /**
   * Names the kind for messages: "a character device".
   *
   * @return the description
   */
  String describe() {
    return description;
  }
}
