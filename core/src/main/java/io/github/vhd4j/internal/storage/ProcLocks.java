package io.github.vhd4j.internal.storage;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads Linux's table of file locks, {@code /proc/locks}, to see the byte-range locks other
 * processes hold on a file. A shared lock cannot reveal a QEMU writer (QEMU holds only shared
 * locks, and shared locks do not conflict), but the table lists it.
 *
 * <p>Each line reads {@code N: CLASS ADVISORY|MANDATORY READ|WRITE PID MAJOR:MINOR:INODE START END},
 * the device numbers in hex, the inode and the range in decimal, {@code END} being inclusive or
 * {@code EOF}; a line with {@code ->} after the number is a waiter, not a holder. POSIX locks carry
 * their owner's pid; OFD locks (QEMU's) show -1 and are never this process's, since it takes none.
 */
final class ProcLocks {
  private static final Path TABLE = Path.of("/proc/locks");

  private ProcLocks() {}

  /**
   * Tells whether another process holds a lock covering any of {@code bytes} on a file.
   *
   * @param dev the file's {@code st_dev}
   * @param inode its inode
   * @param bytes the byte offsets of interest
   * @return true when one is held by another process; false also when the table is unreadable
   *     (not Linux), which leaves detection to the locks themselves
   */
  static boolean heldByOthers(long dev, long inode, long... bytes) {
    if (dev < 0 || inode < 0 || !Files.isReadable(TABLE)) {
      return false;
    }
    String self = Long.toString(ProcessHandle.current().pid());
    long[] file = {major(dev), minor(dev), inode};
    // A line read, not Files.readString: /proc files report size 0.
    try (BufferedReader r = Files.newBufferedReader(TABLE, StandardCharsets.US_ASCII)) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (holds(line.trim().split("\\s+"), file, self, bytes)) {
          return true;
        }
      }
    } catch (IOException e) {
      // An unreadable table detects nothing; the locks still keep writers out.
      return false;
    }
    return false;
  }

  /**
   * Tells whether one line of the table is a lock another process holds on {@code file} (major,
   * minor, inode) over one of {@code bytes}; a line that does not parse is none.
   */
  static boolean holds(String[] f, long[] file, String self, long[] bytes) {
    // f[0] "N:", f[1] class, f[2] advisory, f[3] type, f[4] pid, f[5] dev:inode, f[6] start, f[7] end.
    if (f.length < 8 || !(f[1].equals("POSIX") || f[1].equals("OFDLCK"))
        || (f[1].equals("POSIX") && f[4].equals(self))) {
      return false;
    }
    String[] id = f[5].split(":");
    try {
      if (id.length != 3 || Long.parseLong(id[0], 16) != file[0] || Long.parseLong(id[1], 16) != file[1]
          || Long.parseLong(id[2]) != file[2]) {
        return false;
      }
      long start = Long.parseLong(f[6]);
      long end = f[7].equals("EOF") ? Long.MAX_VALUE : Long.parseLong(f[7]);
      for (long b : bytes) {
        if (b >= start && b <= end) {
          return true;
        }
      }
    } catch (NumberFormatException e) {
      return false;
    }
    return false;
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
