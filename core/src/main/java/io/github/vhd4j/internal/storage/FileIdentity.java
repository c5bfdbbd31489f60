package io.github.vhd4j.internal.storage;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;

/**
 * What a path names, found with one {@code stat} (links followed) before the file is opened:
 * whether it is a regular file or a block device, and which file it is (device and inode).
 *
 * <p>Opening a FIFO for reading blocks until a writer appears, and a character device or socket
 * may never answer; so anything that is neither a regular file nor a block device is refused
 * here, before an open could block.
 *
 * @param key the file's identity: device and inode, or the real path where the platform has none
 * @param device true for a block device, whose size is the device's, not {@code st_size}
 * @param dev the device number as {@code stat} gives it ({@code st_dev}), or -1 when unknown
 * @param inode the inode number, or -1 when unknown
 */
public record FileIdentity(Object key, boolean device, long dev, long inode) {
  /** File type bits of {@code st_mode} and their values (POSIX). */
  private static final int S_IFMT = 0170000;
  private static final int S_IFIFO = 0010000;
  private static final int S_IFCHR = 0020000;
  private static final int S_IFDIR = 0040000;
  private static final int S_IFBLK = 0060000;
  private static final int S_IFREG = 0100000;
  private static final int S_IFSOCK = 0140000;

  /**
   * Stats a path and refuses what is not a disk image file.
   *
   * @param path the file
   * @return its identity
   * @throws FileSystemException naming the path, when it is a FIFO, socket, character device,
   *     directory or another kind of file (the message says which)
   * @throws IOException if it cannot be stat'ed (missing: {@link java.nio.file.NoSuchFileException})
   */
  public static FileIdentity of(Path path) throws IOException {
    Map<String, Object> unix;
    try {
      unix = Files.readAttributes(path, "unix:mode,dev,ino");
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      // No "unix" view (Windows): the basic attributes tell a regular file from the rest.
      BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
      if (!a.isRegularFile()) {
        throw refused(path, a.isDirectory() ? "is a directory" : "is not a regular file");
      }
      return new FileIdentity(path.toRealPath(), false, -1, -1);
    }
    int type = (Integer) unix.get("mode") & S_IFMT;
    long dev = (Long) unix.get("dev");
    long ino = (Long) unix.get("ino");
    switch (type) {
      case S_IFREG:
      case S_IFBLK:
        return new FileIdentity(List.of(dev, ino), type == S_IFBLK, dev, ino);
      case S_IFIFO:
        throw refused(path, "is a FIFO (named pipe)");
      case S_IFSOCK:
        throw refused(path, "is a socket");
      case S_IFCHR:
        throw refused(path, "is a character device");
      case S_IFDIR:
        throw refused(path, "is a directory");
      default:
        throw refused(path, "is neither a regular file nor a block device");
    }
  }

  private static FileSystemException refused(Path path, String kind) {
    return new FileSystemException(path.toString(), null, kind + ", not a disk image file");
  }
}
