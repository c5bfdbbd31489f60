package io.github.vhd4j.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * Names, and clears away, the temporary files {@code convert} and {@code create} write beside
 * their output before renaming them over it: {@code .NAME.RANDOM.PID-START-HOST.tmp}.
 *
 * <p>The name says who wrote the file: the process id, its start time, and a token of the system
 * the process ran on (the kernel's boot and process-id namespace on Linux, else the host name).
 * A later run removes a temporary file of the same output only when no conversion can still be
 * writing it:
 *
 * <ul>
 *   <li>written on this system: its process is gone (no process with that id, or one that started
 *       at another time, which is a reused id);
 *   <li>written elsewhere (another host over a network file system, an earlier boot), or named as
 *       older versions named them ({@code .NAME.RANDOM.tmp}): unchanged for {@link #GRACE}.
 * </ul>
 *
 * <p>In both cases no process may hold the write lock QEMU and vhd4j take on bytes 101 to 103 of
 * an image being written. That lock alone does not suffice: a finished conversion closes its file
 * before renaming it, which drops the lock; the process check (here) or the age (elsewhere, where
 * that moment passes in milliseconds) covers that window.
 */
final class TempFiles {
  /** How long a temporary file of unknown liveness must be left alone. */
  static final Duration GRACE = Duration.ofHours(1);
  /** Longest part of the output's name kept in the temporary name, in UTF-8 bytes. */
  private static final int MAX_NAME_BYTES = 150;
  /** The start times of one process read twice can differ by a clock adjustment, never by more. */
  private static final long START_TOLERANCE_MILLIS = 1000;
  private static final String SUFFIX = ".tmp";

  private static @Nullable String ownerToken;
  private static @Nullable String hostToken;

  private TempFiles() {}

  /**
   * Picks a fresh temporary name beside {@code target}. Nothing is created: the library creates
   * the file exclusively, and no other process makes names with this process's id.
   *
   * @param target the file the temporary one will replace
   * @return the temporary file's path
   */
  static Path name(Path target) {
    Path dir = target.toAbsolutePath().getParent();
    String prefix = prefix(target);
    for (int attempt = 0; ; attempt++) {
      // The name need not be unpredictable: the library creates it exclusively (O_EXCL), so a
      // file or link planted under the same name makes it fail, never follows it. SecureRandom
      // would slow every run's start-up to seed.
      String random = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xFFFF_FFFF_FFFFL);
      Path tmp = dir.resolve(prefix + random + "." + owner() + SUFFIX);
      if (attempt >= 16 || !Files.exists(tmp, LinkOption.NOFOLLOW_LINKS)) {
        return tmp;
      }
    }
  }

  /**
   * Removes the temporary files of {@code target}'s naming that no live conversion can be
   * writing. Failures are ignored: what cannot be removed now is tried again next time.
   *
   * @param target the output file
   * @return the files removed
   */
  static List<Path> removeStale(Path target) {
    Path dir = target.toAbsolutePath().getParent();
    String prefix = prefix(target);
    List<Path> removed = new ArrayList<>();
    if (dir == null) {
      return removed;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, p -> {
      Path n = p.getFileName();
      String name = n == null ? "" : n.toString();
      return name.startsWith(prefix) && name.endsWith(SUFFIX);
    })) {
      for (Path p : s) {
        Path n = p.getFileName();
        String middle = n == null ? "" : n.toString().substring(prefix.length(),
            n.toString().length() - SUFFIX.length());
        if (stale(p, middle) && Files.deleteIfExists(p)) {
          removed.add(p);
        }
      }
    } catch (IOException | RuntimeException e) {
      // A directory that cannot be listed: the conversion itself will say what is wrong.
    }
    return removed;
  }

  /** ".NAME." with NAME cut so that the whole temporary name stays within 255 bytes. */
  private static String prefix(Path target) {
    Path n = target.getFileName();
    String name = n == null ? "" : n.toString();
    while (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
      name = name.substring(0, name.offsetByCodePoints(name.codePointCount(0, name.length()) - 1, 0));
    }
    return "." + name + ".";
  }

  /**
   * Tells whether a temporary file is stale, from what its name says of its writer.
   *
   * @param p the file
   * @param middle its name between the prefix and {@code .tmp}: {@code RANDOM.PID-START-HOST}, or
   *     {@code RANDOM} for names of older versions
   */
  static boolean stale(Path p, String middle) throws IOException {
    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!a.isRegularFile()) {
      // Ours are regular files; anything else under such a name is someone else's.
      return false;
    }
    String[] parts = middle.split("\\.", -1);
    if (!hex(parts[0]) || parts.length > 2) {
      return false;
    }
    String[] owner = parts.length == 2 ? parts[1].split("-", -1) : new String[0];
    if (owner.length == 3 && owner[2].equals(host()) && decimal(owner[0]) && hex(owner[1])) {
      if (alive(Long.parseLong(owner[0]), Long.parseUnsignedLong(owner[1], 16))) {
        return false;
      }
    } else if (a.lastModifiedTime().toInstant().isAfter(Instant.now().minus(GRACE))) {
      return false;
    }
    return !writeLocked(p);
  }

  /** Whether a process with this id runs and started when the name says (within the tolerance). */
  private static boolean alive(long pid, long startMillis) {
    long known = ProcStart.of(pid);
    if (known == ProcStart.GONE) {
      return false;
    }
    if (known != ProcStart.UNKNOWN) {
      return Math.abs(known - startMillis) <= START_TOLERANCE_MILLIS;
    }
    Optional<ProcessHandle> h = ProcessHandle.of(pid);
    if (h.isEmpty() || !h.get().isAlive()) {
      return false;
    }
    Optional<Instant> start = h.get().info().startInstant();
    // Unknown start time: the id may be reused, but it may be the writer; keep the file.
    return start.isEmpty() || Math.abs(start.get().toEpochMilli() - startMillis) <= START_TOLERANCE_MILLIS;
  }

  /**
   * Tells whether another process holds the write lock of an image being written (bytes 101 to
   * 103, exclusive). A file this process cannot open for writing counts as locked: it cannot be
   * judged, so it is kept.
   */
  private static boolean writeLocked(Path p) {
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE,
        LinkOption.NOFOLLOW_LINKS)) {
      FileLock lock = ch.tryLock(101, 3, false);
      if (lock == null) {
        return true;
      }
      lock.release();
      return false;
    } catch (IOException | OverlappingFileLockException e) {
      // OverlappingFileLockException: this very JVM holds a lock on it, so it is being written.
      return true;
    }
  }

  /** This process's part of a temporary name: {@code PID-START-HOST}. */
  private static synchronized String owner() {
    if (ownerToken == null) {
      long pid = ProcStart.self();
      long start = pid < 0 ? ProcStart.UNKNOWN : ProcStart.of(pid);
      if (start < 0) {
        ProcessHandle self = ProcessHandle.current();
        pid = self.pid();
        start = self.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
      }
      ownerToken = pid + "-" + Long.toHexString(start) + "-" + host();
    }
    return ownerToken;
  }

  /**
   * A token of the system whose process ids this process shares: on Linux the kernel's boot id
   * and this process's pid namespace (a container sharing the kernel has its own process ids),
   * elsewhere the host name; 12 hexadecimal digits of a 64-bit FNV-1a hash.
   */
  static synchronized String host() {
    if (hostToken == null) {
      hostToken = hostToken();
    }
    return hostToken;
  }

  private static String hostToken() {
    String id;
    try {
      id = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip() + "/"
          + Files.readSymbolicLink(Path.of("/proc/self/ns/pid"));
    } catch (IOException | UnsupportedOperationException e) {
      String h = System.getenv("HOSTNAME");
      if (h == null || h.isEmpty()) {
        try {
          h = java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException x) {
          h = "unknown";
        }
      }
      id = h;
    }
    long hash = 0xcbf29ce484222325L;
    for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
      hash = (hash ^ (b & 0xFF)) * 0x100000001b3L;
    }
    // Padded by hand: String.format's first call parses its pattern, ~2 ms of a command's start-up.
    String hex = Long.toHexString(hash & 0xFFFF_FFFF_FFFFL);
    return "0".repeat(12 - hex.length()) + hex;
  }

  private static boolean hex(String s) {
    return !s.isEmpty() && s.length() <= 16 && s.chars().allMatch(c -> Character.digit(c, 16) >= 0);
  }

  private static boolean decimal(String s) {
    return !s.isEmpty() && s.length() <= 18 && s.chars().allMatch(c -> c >= '0' && c <= '9');
  }
}
