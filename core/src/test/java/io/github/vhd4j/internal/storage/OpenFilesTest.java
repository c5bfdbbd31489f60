package io.github.vhd4j.internal.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.ImageInUseException;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.testing.OtherProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry of open files: one entry per file, and the locks it holds in QEMU's bytes as seen
 * in Linux's lock table, as leases come and go.
 */
class OpenFilesTest {
  @TempDir Path dir;

  private Path file() throws IOException {
    return Files.write(dir.resolve("f.vhd"), new byte[4096]);
  }

  /** This process's locks on {@code file}, as {@code TYPE START-END}, from /proc/locks. */
  private static Set<String> ourLocks(Path file) throws IOException {
    long dev = (Long) Files.getAttribute(file, "unix:dev");
    long ino = (Long) Files.getAttribute(file, "unix:ino");
    String id = String.format("%02x:%02x:%d", ProcLocks.major(dev), ProcLocks.minor(dev), ino);
    String pid = Long.toString(ProcessHandle.current().pid());
    Set<String> out = new TreeSet<>();
    try (BufferedReader r = Files.newBufferedReader(Path.of("/proc/locks"))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String[] f = line.trim().split("\\s+");
        if (f.length >= 8 && f[1].equals("POSIX") && f[4].equals(pid) && f[5].equals(id)) {
          out.add(f[3] + " " + f[6] + "-" + f[7]);
        }
      }
    }
    return out;
  }

  private static void assumeLinux() {
    assumeTrue(Files.isReadable(Path.of("/proc/locks")), "needs Linux's /proc/locks");
  }

  private static final Set<String> READER = Set.of("READ 100-100", "READ 201-201", "READ 203-203");
  private static final Set<String> WRITER = Set.of("READ 100-100", "WRITE 101-103", "WRITE 200-203");

  @Test
  void shouldHoldQemusReaderAndWriterBytesAsLeasesComeAndGo() throws IOException {
    assumeLinux();
    Path f = file();
    int before = OpenFiles.entries();
    OpenFiles.Lease reader = OpenFiles.open(f, OpenFiles.Access.READ, true);
    assertEquals(READER, ourLocks(f));
    OpenFiles.Lease writer = OpenFiles.open(f, OpenFiles.Access.WRITE, true);
    assertEquals(WRITER, ourLocks(f), "upgraded for the writer");
    writer.close();
    assertEquals(READER, ourLocks(f), "the reader's locks are back");
    OpenFiles.Lease second = OpenFiles.open(f, OpenFiles.Access.READ, true);
    reader.close();
    assertEquals(READER, ourLocks(f), "one reader left");
    second.close();
    assertEquals(Set.of(), ourLocks(f));
    assertEquals(before, OpenFiles.entries(), "the last lease closed the file");
  }

  @Test
  void shouldTakeNoLocksWithoutLockingButShareTheChannel() throws IOException {
    assumeLinux();
    Path f = file();
    try (OpenFiles.Lease a = OpenFiles.open(f, OpenFiles.Access.WRITE, false);
        OpenFiles.Lease b = OpenFiles.open(dir.resolve(".").resolve("f.vhd"), OpenFiles.Access.READ, false)) {
      assertEquals(Set.of(), ourLocks(f));
      assertSame(a.channel(), b.channel(), "one descriptor per file, whatever the path");
      assertTrue(a.isWritable());
      assertFalse(b.isWritable());
      try (OpenFiles.Lease locked = OpenFiles.open(f, OpenFiles.Access.WRITE, true)) {
        assertEquals(WRITER, ourLocks(f), "a locking writer alongside unlocked ones");
        assertSame(a.channel(), locked.channel());
        assertThrows(ImageInUseException.class, () -> OpenFiles.open(f, OpenFiles.Access.WRITE, true));
      }
      assertEquals(Set.of(), ourLocks(f));
    }
  }

  @Test
  void shouldLeaveTheLocksAsTheyWereWhenASecondWriterIsRefused() throws IOException {
    assumeLinux();
    Path f = file();
    try (OpenFiles.Lease writer = OpenFiles.open(f, OpenFiles.Access.WRITE, true)) {
      assertThrows(ImageInUseException.class, () -> OpenFiles.open(f, OpenFiles.Access.WRITE, true));
      assertEquals(WRITER, ourLocks(f), "the refusal changed nothing");
      assertTrue(writer.isWritable());
    }
    assertEquals(Set.of(), ourLocks(f));
  }

  @Test
  void shouldGiveTheReadersLocksBackWhenAnotherProcessRefusesTheWriter() throws IOException {
    assumeLinux();
    Path f = dir.resolve("image.vhd");
    Vhd.create(f, CreateOptions.fixed(1 << 20)).close();
    try (OpenFiles.Lease reader = OpenFiles.open(f, OpenFiles.Access.READ, true);
        OtherProcess other = OtherProcess.open("read", f)) {
      assertEquals("ready", other.answer());
      ImageInUseException e = assertThrows(ImageInUseException.class,
          () -> OpenFiles.open(f, OpenFiles.Access.WRITE, true));
      assertTrue(e.getMessage().startsWith("another process is using it"), e.getMessage());
      assertEquals(READER, ourLocks(f), "the reader's shared bytes were taken back");
      assertEquals(null, reader.inUse());
    }
  }

  @Test
  void shouldCutFilesThroughTheSharedChannelAndRefuseReadOnlyLeases() throws IOException {
    Path f = file();
    try (OpenFiles.Lease w = OpenFiles.open(f, OpenFiles.Access.WRITE, true);
        OpenFiles.Lease r = OpenFiles.open(f, OpenFiles.Access.READ, true)) {
      w.truncate(512);
      assertEquals(512, Files.size(f));
      assertEquals(512, r.channel().size(), "the reader's channel is still open");
      assertThrows(java.nio.channels.NonWritableChannelException.class, () -> r.truncate(0));
    }
  }

  @Test
  void shouldReadQemusLocksFromTheKernelTable() {
    String self = "4242";
    List<Long> file = List.of(0xfeL, 0L, 2146912L);
    // QEMU's writer: OFD locks, pid -1, adjacent bytes merged by the kernel.
    assertEquals(file, ProcLocks.writerFile(split("4: OFDLCK ADVISORY  READ -1 fe:00:2146912 100 101"), self));
    assertEquals(file, ProcLocks.writerFile(split("3: OFDLCK ADVISORY  READ -1 fe:00:2146912 103 103"), self));
    assertEquals(List.of(0x103L, 0x10L, 7L),
        ProcLocks.writerFile(split("3: OFDLCK ADVISORY  READ -1 103:10:7 103 103"), self));
    // A reader's bytes are no writer.
    assertNull(ProcLocks.writerFile(split("1: OFDLCK ADVISORY  READ -1 fe:00:2146912 201 201"), self));
    assertNull(ProcLocks.writerFile(split("4: OFDLCK ADVISORY  READ -1 fe:00:2146912 100 100"), self));
    // Another process's POSIX lock to the end of the file counts; this process's own never does.
    assertEquals(file, ProcLocks.writerFile(split("7: POSIX  ADVISORY  WRITE 999 fe:00:2146912 0 EOF"), self));
    assertNull(ProcLocks.writerFile(split("7: POSIX  ADVISORY  WRITE 4242 fe:00:2146912 0 EOF"), self));
    // A waiter, a lease and malformed lines are none.
    assertNull(ProcLocks.writerFile(split("5: -> POSIX  ADVISORY  WRITE 999 fe:00:2146912 0 EOF"), self));
    assertNull(ProcLocks.writerFile(split("6: LEASE  ACTIVE    READ 999 fe:00:2146912 0 EOF"), self));
    assertNull(ProcLocks.writerFile(split("8: OFDLCK ADVISORY READ -1 fe:zz:2146912 100 101"), self));
    assertNull(ProcLocks.writerFile(split("8: OFDLCK ADVISORY READ -1 fe:00 100 101"), self));
    assertNull(ProcLocks.writerFile(split("8: OFDLCK ADVISORY"), self));
  }

  @Test
  void shouldSeeAnotherProcesssWriterInTheKernelTableReadOnce() throws IOException {
    assumeLinux();
    Path f = dir.resolve("image.vhd");
    Vhd.create(f, CreateOptions.fixed(1 << 20)).close();
    long dev = (Long) Files.getAttribute(f, "unix:dev");
    long ino = (Long) Files.getAttribute(f, "unix:ino");
    ProcLocks before = ProcLocks.lazy();
    assertFalse(before.writerOn(dev, ino));
    try (OtherProcess other = OtherProcess.open("write", f)) {
      assertEquals("ready", other.answer());
      assertFalse(before.writerOn(dev, ino), "a table is read once, and kept");
      assertTrue(ProcLocks.lazy().writerOn(dev, ino));
      // A vhd4j writer is seen by its locks as well, whatever the table says.
      try (OpenFiles.Lease reader = OpenFiles.open(f, OpenFiles.Access.READ, true, before)) {
        assertTrue(reader.inUse().startsWith("another process has " + f + " open for writing"), reader.inUse());
        assertEquals(Set.of("READ 100-100"), ourLocks(f), "the writer's exclusive bytes refused the rest");
      }
    }
  }

  @Test
  void shouldSplitDeviceNumbersAsGlibcEncodesThem() {
    // makedev(major, minor) as glibc builds it, and back.
    long[][] cases = {{254, 0}, {8, 1}, {259, 7}, {0x12345, 0x6789ab}, {4095, 255}};
    for (long[] c : cases) {
      long dev = (c[1] & 0xff) | ((c[0] & 0xfff) << 8) | ((c[1] & ~0xffL) << 12) | ((c[0] & ~0xfffL) << 32);
      assertEquals(c[0], ProcLocks.major(dev), "major of " + Long.toHexString(dev));
      assertEquals(c[1], ProcLocks.minor(dev), "minor of " + Long.toHexString(dev));
    }
  }

  private static String[] split(String line) {
    return line.trim().split("\\s+");
  }
}
