package io.github.vhd4j.internal.storage;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Linux's table of file locks, {@code /proc/locks}, read for the files on which another process
 * holds a writer's lock. A shared lock cannot reveal a QEMU writer (QEMU holds only shared locks,
 * and shared locks do not conflict), but the table lists it.
 *
 * <p>Each line reads {@code N: CLASS ADVISORY|MANDATORY READ|WRITE PID MAJOR:MINOR:INODE START END},
 * the device numbers in hex, the inode and the range in decimal, {@code END} being inclusive or
 * {@code EOF}; a line with {@code ->} after the number is a waiter, not a holder. POSIX locks carry
 * their owner's pid; OFD locks (QEMU's) show -1 and are never this process's, since it takes none.
 *
 * <p>The kernel writes the whole table, this process's own locks included, on every read, and the
 * cost grows faster than the table: one read is kept for the opens of a chain
 * ({@link #lazy()}), and callers skip it when this process holds many files.
 */
public final class ProcLocks {
  private static final Path TABLE = Path.of("/proc/locks");
  /** The bytes of the write and resize permissions: held by a writer. */
  private static final long[] WRITER_BYTES = {101, 103};

  /** Files (major, minor, inode) with another process's lock on a writer's byte; null: unknown. */
  private @Nullable Set<List<Long>> writers;
  private boolean read;

  private ProcLocks() {}

  /**
   * Returns a table read at its first question and then kept: for a series of opens that may see
   * the same state (the parents of one chain).
   *
   * @return the unread table
   */
  public static ProcLocks lazy() {
    return new ProcLocks();
  }

  /**
   * Tells whether another process holds a lock on byte 101 or 103 of a file: QEMU's write or
   * resize permission, or a vhd4j writer's exclusive range.
   *
   * @param dev the file's {@code st_dev}
   * @param inode its inode
   * @return true when one is held; false also when the table cannot be read (not Linux), which
   *     leaves detection to the locks themselves
   */
  boolean writerOn(long dev, long inode) {
    if (!read) {
      read = true;
      writers = readTable();
    }
    Set<List<Long>> w = writers;
    return w != null && dev >= 0 && inode >= 0 && w.contains(List.of(major(dev), minor(dev), inode));
  }

  private static @Nullable Set<List<Long>> readTable() {
    if (!Files.isReadable(TABLE)) {
      return null;
    }
    String self = Long.toString(ProcessHandle.current().pid());
    Set<List<Long>> out = new HashSet<>();
    // A line read, not Files.readString: /proc files report size 0.
    try (BufferedReader r = Files.newBufferedReader(TABLE, StandardCharsets.US_ASCII)) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        List<Long> file = writerFile(line.trim().split("\\s+"), self);
        if (file != null) {
          out.add(file);
        }
      }
    } catch (IOException e) {
      // An unreadable table detects nothing; the locks still keep writers out.
      return null;
    }
    return out;
  }

  /**
   * Returns the file (major, minor, inode) of one line of the table when it is a lock another
   * process holds over a writer's byte; null for any other line, or one that does not parse.
   *
   * @param f the line's fields
   * @param self this process's pid
   * @return the file, or null
   */
  static @Nullable List<Long> writerFile(String[] f, String self) {
    // f[0] "N:", f[1] class, f[2] advisory, f[3] type, f[4] pid, f[5] dev:inode, f[6] start, f[7] end.
    if (f.length < 8 || !(f[1].equals("POSIX") || f[1].equals("OFDLCK"))
        || (f[1].equals("POSIX") && f[4].equals(self))) {
      return null;
    }
    String[] id = f[5].split(":");
    try {
      if (id.length != 3) {
        return null;
      }
      long start = Long.parseLong(f[6]);
      long end = f[7].equals("EOF") ? Long.MAX_VALUE : Long.parseLong(f[7]);
      for (long b : WRITER_BYTES) {
        if (b >= start && b <= end) {
          return List.of(Long.parseLong(id[0], 16), Long.parseLong(id[1], 16), Long.parseLong(id[2]));
        }
      }
    } catch (NumberFormatException e) {
      return null;
    }
    return null;
  }

  /**
   * Returns the major number of a userspace {@code dev_t}, as glibc encodes it: the kernel's
   * 12-bit major in bits 8-19, the rest in bits 44-63.
   */
  static long major(long dev) {
    return ((dev >>> 8) & 0xfffL) | ((dev >>> 32) & 0xfffff000L);
  }

  /**
   * Returns the minor number of a userspace {@code dev_t}, as glibc encodes it: the low 8 bits in
   * bits 0-7, the rest in bits 20-43.
   */
  static long minor(long dev) {
    return (dev & 0xffL) | ((dev >>> 12) & 0xffffff00L);
  }
}
