package io.github.vhd4j.internal.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
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

  /**
   * Files this process may hold before readers stop looking for QEMU writers in the table: it
   * lists this process's own locks too, and reading it costs more than the open once it holds
   * thousands of them. vhd4j writers are still seen (their locks refuse ours).
   */
  static final int DETECTION_LIMIT = 512;
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
   * Says that another process writes a file, as a reader's warning.
   *
   * @param resource the file's name in messages
   * @return the warning text
   */
  static String inUse(String resource) {
    return "another process has " + resource + " open for writing; its content may change while it is read";
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
    String self = SelfPid.VALUE;
    Set<List<Long>> out = new HashSet<>();
    try {
      // No access(2) check first: a batch reads the table once per image, and a missing or
      // unreadable table fails the open below just as well.
      String table = read();
      // Split by hand: a reader and a regular expression cost a command's start-up more than the
      // table itself.
      for (int at = 0; at < table.length(); ) {
        int nl = table.indexOf('\n', at);
        int end = nl < 0 ? table.length() : nl;
        List<Long> file = writerFile(fields(table, at, end), self);
        if (file != null) {
          out.add(file);
        }
        at = end + 1;
      }
    } catch (IOException | SecurityException e) {
      // An unreadable table (not Linux) detects nothing; the locks still keep writers out.
      return null;
    }
    return out;
  }

  /** Reads the whole table; /proc files report a size of 0, so to the end, not by their size. */
  private static String read() throws IOException {
    try (FileChannel ch = FileChannel.open(TABLE, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocate(16 << 10);
      while (ch.read(buf) >= 0) {
        if (!buf.hasRemaining()) {
          buf = ByteBuffer.allocate(buf.capacity() * 2).put(buf.flip());
        }
      }
      return new String(buf.array(), 0, buf.position(), StandardCharsets.ISO_8859_1);
    }
  }

  /** The fields of {@code s[from, to)}, separated by runs of spaces or tabs. */
  static String[] fields(String s, int from, int to) {
    List<String> out = new ArrayList<>(8);
    int i = from;
    while (i < to) {
      while (i < to && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
        i++;
      }
      int start = i;
      while (i < to && s.charAt(i) != ' ' && s.charAt(i) != '\t') {
        i++;
      }
      if (i > start) {
        out.add(s.substring(start, i));
      }
    }
    return out.toArray(new String[0]);
  }

  /** This process's pid, found at the first read of the table and kept: it never changes. */
  private static final class SelfPid {
    static final String VALUE = selfPid();
  }

  /**
   * This process's pid as the table writes it. {@code /proc/self} names it: asking
   * {@link ProcessHandle} instead starts its machinery, about 15 ms of a command's start-up.
   */
  private static String selfPid() {
    try {
      return Files.readSymbolicLink(Path.of("/proc/self")).toString();
    } catch (IOException | UnsupportedOperationException e) {
      return Long.toString(ProcessHandle.current().pid());
    }
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
