package io.github.vhd4j.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Process ids and start times from Linux's {@code /proc}, computed as {@link ProcessHandle.Info}
 * computes them (the boot time, plus the start in clock ticks) so that both agree to the
 * millisecond. Asking {@link ProcessHandle} costs a command about 10 ms of its start-up, most of it
 * looking up the process's user name, which a temporary file's name does not need.
 */
final class ProcStart {
  /** No such process. */
  static final long GONE = -2;
  /** Not known here (no {@code /proc}, or one that does not parse): ask {@link ProcessHandle}. */
  static final long UNKNOWN = -1;
  /**
   * Clock ticks per second of {@code /proc/PID/stat}: the kernel's USER_HZ, 100 on every
   * architecture a JDK runs Linux on (the value {@code sysconf(_SC_CLK_TCK)} gives).
   */
  private static final long TICKS_PER_SECOND = 100;
  /** {@code starttime} is the line's field 22; the fields after the command name start at field 3. */
  private static final int START_FIELD = 22 - 3;

  private static long bootMillis = UNKNOWN;

  private ProcStart() {}

  /**
   * Returns this process's id, from the {@code /proc/self} link.
   *
   * @return the id, or {@link #UNKNOWN}
   */
  static long self() {
    try {
      return Long.parseLong(Files.readSymbolicLink(Path.of("/proc/self")).toString());
    } catch (IOException | RuntimeException e) {
      return UNKNOWN;
    }
  }

  /**
   * Returns when a process started, in milliseconds since the epoch.
   *
   * @param pid the process id
   * @return its start, {@link #GONE} when {@code /proc} has no such process, or {@link #UNKNOWN}
   */
  static long of(long pid) {
    long boot = boot();
    if (boot < 0 || pid <= 0) {
      return UNKNOWN;
    }
    String stat;
    try {
      stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      return GONE;
    } catch (IOException | RuntimeException e) {
      return UNKNOWN;
    }
    // "PID (COMM) STATE ...": COMM may hold spaces and parentheses, so the fields start after the last ')'.
    int close = stat.lastIndexOf(')');
    String[] f = close < 0 ? new String[0] : stat.substring(close + 1).trim().split(" ");
    try {
      long ticks = Long.parseLong(f[START_FIELD]);
      return ticks < 0 ? UNKNOWN : boot + ticks * 1000 / TICKS_PER_SECOND;
    } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
      return UNKNOWN;
    }
  }

  /** The boot time from the {@code btime} line of {@code /proc/stat}, read once. */
  private static synchronized long boot() {
    if (bootMillis == UNKNOWN) {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.ISO_8859_1)) {
          if (line.startsWith("btime ")) {
            bootMillis = Long.parseLong(line.substring(6).trim()) * 1000;
          }
        }
      } catch (IOException | RuntimeException e) {
        // Stays unknown: ProcessHandle answers instead.
      }
    }
    return bootMillis;
  }
}
