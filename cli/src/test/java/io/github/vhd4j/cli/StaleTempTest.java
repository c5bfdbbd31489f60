package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A later {@code convert} (or {@code create}) to the same OUT removes the temporary files that
 * interrupted runs left, and never one a live conversion may still write: in this process or
 * another, on this system or (by the name's host token) another one.
 */
class StaleTempTest {
  private static final String HOST = TempFiles.host();
  private static final String OTHER_HOST = "0123456789ab";

  @TempDir
  Path dir;

  private Process sleeper;
  private Process locker;

  @AfterEach
  void stop() {
    for (Process p : new Process[] {sleeper, locker}) {
      if (p != null) {
        p.destroyForcibly();
      }
    }
  }

  private Set<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private Path temp(String name, Duration age) throws IOException {
    Path p = Files.write(dir.resolve(name), new byte[4096]);
    Files.setLastModifiedTime(p, FileTime.from(Instant.now().minus(age)));
    return p;
  }

  private static String owner(long pid, long startMillis, String host) {
    return pid + "-" + Long.toHexString(startMillis) + "-" + host;
  }

  private static long start(ProcessHandle h) {
    return h.info().startInstant().orElseThrow().toEpochMilli();
  }

  @Test
  void shouldRemoveOnlyWhatNoLiveConversionCanBeWriting() throws Exception {
    sleeper = new ProcessBuilder("sleep", "120").start();
    ProcessHandle self = ProcessHandle.current();
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Duration recent = Duration.ofSeconds(5);
    Duration old = Duration.ofHours(2);
    // Written here by processes that are gone: the pid is free, or reused by a later process.
    temp(".out.vhd.aaaaaaaaaaaa." + owner(gone.pid(), start(self) - 5000, HOST) + ".tmp", recent);
    temp(".out.vhd.bbbbbbbbbbbb." + owner(self.pid(), start(self) - 60_000, HOST) + ".tmp", recent);
    // Written here by live processes: this one, and another.
    temp(".out.vhd.cccccccccccc." + owner(self.pid(), start(self), HOST) + ".tmp", old);
    temp(".out.vhd.dddddddddddd." + owner(sleeper.pid(), start(sleeper.toHandle()), HOST) + ".tmp", old);
    // Written elsewhere: judged by age alone (and the lock).
    temp(".out.vhd.eeeeeeeeeeee." + owner(42, 1, OTHER_HOST) + ".tmp", recent);
    temp(".out.vhd.ffffffffffff." + owner(42, 1, OTHER_HOST) + ".tmp", old);
    // Named as older versions named them: by age.
    temp(".out.vhd.1234abcd.tmp", recent);
    temp(".out.vhd.5678abcd.tmp", old);
    // Not ours: another output's, not a temporary name, not a regular file.
    temp(".other.vhd.5678abcd.tmp", old);
    temp(".out.vhd.notes.tmp", old);
    Files.createDirectory(dir.resolve(".out.vhd.9999abcd.tmp"));
    Path in = Images.smallDynamic().writeTo(dir.resolve("in.vhd"));

    Cli.Result r = Cli.run("convert", "-O", "dynamic", in.toString(), dir.resolve("out.vhd").toString());

    assertEquals(0, r.code(), r.err());
    assertEquals(new TreeSet<>(Set.of("in.vhd", "out.vhd",
        ".out.vhd.cccccccccccc." + owner(self.pid(), start(self), HOST) + ".tmp",
        ".out.vhd.dddddddddddd." + owner(sleeper.pid(), start(sleeper.toHandle()), HOST) + ".tmp",
        ".out.vhd.eeeeeeeeeeee." + owner(42, 1, OTHER_HOST) + ".tmp",
        ".out.vhd.1234abcd.tmp",
        ".other.vhd.5678abcd.tmp", ".out.vhd.notes.tmp", ".out.vhd.9999abcd.tmp")), names());
  }

  @Test
  void shouldKeepAnOldFileAnotherProcessHoldsTheWriteLockOf() throws Exception {
    Path held = temp(".out.vhd.abcabcabcabc." + owner(42, 1, OTHER_HOST) + ".tmp", Duration.ofHours(3));
    Path free = temp(".out.vhd.defdefdefdef." + owner(42, 1, OTHER_HOST) + ".tmp", Duration.ofHours(3));
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 takes the POSIX lock");
    // The write lock QEMU and vhd4j hold on an image being written: bytes 101 to 103, exclusive.
    locker = new ProcessBuilder("/usr/bin/python3", "-c", "import fcntl, sys, time\n"
        + "f = open(sys.argv[1], 'r+b')\nfcntl.lockf(f, fcntl.LOCK_EX, 3, 101)\nprint('locked', flush=True)\n"
        + "time.sleep(120)", held.toString()).start();
    BufferedReader lines = new BufferedReader(new InputStreamReader(locker.getInputStream(), StandardCharsets.UTF_8));
    assertEquals("locked", lines.readLine());

    Set<Path> removed = Set.copyOf(TempFiles.removeStale(dir.resolve("out.vhd")));

    assertEquals(Set.of(free), removed);
    assertTrue(Files.exists(held));
  }

  @Test
  void shouldClearStaleFilesBeforeCreateToo() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor(10, TimeUnit.SECONDS);
    temp(".new.vhd.aaaaaaaaaaaa." + owner(gone.pid(), 5, HOST) + ".tmp", Duration.ZERO);

    Cli.Result r = Cli.run("create", "--size", "1M", dir.resolve("new.vhd").toString());

    assertEquals(0, r.code(), r.err());
    assertEquals(Set.of("new.vhd"), names());
  }

  @Test
  void shouldNameTemporaryFilesSoThatTheyAreJudgedLive() {
    Path t = TempFiles.name(dir.resolve("x.raw"));
    String n = t.getFileName().toString();

    assertEquals(dir.toAbsolutePath(), t.getParent());
    assertTrue(n.matches("\\.x\\.raw\\.[0-9a-f]{1,12}\\." + ProcessHandle.current().pid() + "-[0-9a-f]+-"
        + HOST + "\\.tmp"), n);
    // A name this long would pass 255 bytes with the suffix: cut, never refused.
    String longName = "é".repeat(120) + ".vhd";
    String cut = TempFiles.name(dir.resolve(longName)).getFileName().toString();
    assertTrue(cut.getBytes(StandardCharsets.UTF_8).length <= 255, cut);
  }
}
