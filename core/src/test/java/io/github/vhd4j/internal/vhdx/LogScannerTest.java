package io.github.vhd4j.internal.vhdx;

import static io.github.vhd4j.internal.vhdx.LogImages.GUID;
import static io.github.vhd4j.internal.vhdx.LogImages.MIB;
import static io.github.vhd4j.testing.VhdxLogBuilder.SECTOR;
import static io.github.vhd4j.testing.VhdxLogBuilder.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.internal.StopParsing;
import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.storage.Storages;
import io.github.vhd4j.internal.vhdx.layout.LogLayout;
import io.github.vhd4j.testing.VhdxLogBuilder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scan's cost and memory on hostile logs, and a read-only file left as it was. */
class LogScannerTest {
  private static final com.sun.management.ThreadMXBean MX =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @Test
  void shouldReadEachPartOfTheLogAboutOnce() throws IOException {
    // A run of 1024 one-sector entries filling half the log, its head naming a tail outside it: no
    // sequence is valid, and every start inside the run leads to the same head.
    int length = 8 * MIB;
    VhdxLogBuilder log = new VhdxLogBuilder(GUID, length);
    for (int i = 1; i <= 1024; i++) {
      log.entry(i).tail(i == 1024 ? length - SECTOR : 0).write();
    }
    MemoryStorage s = new MemoryStorage(LogImages.file(length + 2 * MIB, GUID, 2, log.bytes()));
    LogScanner scanner = new LogScanner(s, LogImages.LOG_OFFSET, length, GUID);

    assertNull(scanner.findActive());
    assertTrue(s.bytesRead <= length + SECTOR, s.bytesRead + " bytes read");
  }

  @Test
  void shouldFindTheRunOfAThousandEntriesOnce() throws IOException {
    int length = 8 * MIB;
    VhdxLogBuilder log = new VhdxLogBuilder(GUID, length);
    for (int i = 1; i <= 1024; i++) {
      log.entry(i).tail(0).write();
    }
    MemoryStorage s = new MemoryStorage(LogImages.file(length + 2 * MIB, GUID, 2, log.bytes()));
    LogScanner.Active active = new LogScanner(s, LogImages.LOG_OFFSET, length, GUID).findActive();
    assertNotNull(active);
    assertEquals(1024, active.entries().size());
    assertEquals(1024, active.head().sequence());
    assertTrue(s.bytesRead <= length + SECTOR, s.bytesRead + " bytes read");
  }

  @Test
  void shouldNotAllocateFromHostileCountsAndLengths_X13() throws IOException {
    VhdxLogBuilder log = new VhdxLogBuilder(GUID, MIB);
    log.entry(1).data(2 * MIB, pattern(1)).after(VhdxLogBuilder.set32(LogLayout.DESCRIPTOR_COUNT, 0xFFFFFFFFL))
        .write();
    log.entry(2).zero(2 * MIB, SECTOR).after(VhdxLogBuilder.set32(LogLayout.ENTRY_LENGTH, 0xFFFFF000L)).write();
    log.entry(3).zero(2 * MIB, 1L << 62).write();
    log.entry(4).zero(2 * MIB, -SECTOR).tail(log.position()).last(-MIB).write();
    byte[] file = LogImages.file(4 * MIB, GUID, 2, log.bytes());
    Storage s = Storages.memory(java.nio.ByteBuffer.wrap(file), OpenOptions.defaults());

    long before = MX.getCurrentThreadAllocatedBytes();
    VhdxParseContext ctx = LogImages.check(s);
    io.github.vhd4j.VhdxLogState state = LogReplay.replay(ctx, LogImages.record(GUID, MIB));
    long allocated = MX.getCurrentThreadAllocatedBytes() - before;

    assertTrue(allocated < 4L * MIB, allocated + " bytes allocated");
    assertTrue(state.dirty());
    assertTrue(ctx.p.list().stream().anyMatch(p -> p.code() == ProblemCode.VHDX_LOG_BOUNDS), ctx.p.list()::toString);

    // A log header claiming 1 GiB in a 4 MiB file is refused before anything is read.
    long before2 = MX.getCurrentThreadAllocatedBytes();
    assertThrows(StopParsing.class,
        () -> LogReplay.replay(LogImages.open(s), LogImages.record(GUID, LogImages.LOG_OFFSET, 1L << 30, 0)));
    assertTrue(MX.getCurrentThreadAllocatedBytes() - before2 < MIB);
  }

  @Test
  void shouldReplayAReadOnlyFileWithoutTouchingIt_X43(@TempDir Path dir) throws IOException {
    VhdxLogBuilder log = new VhdxLogBuilder(GUID, MIB);
    log.entry(5).data(2 * MIB, pattern(1)).last(6L * MIB).write();
    byte[] content = LogImages.file(4 * MIB, GUID, 2, log.bytes());
    Path f = dir.resolve("dirty.vhdx");
    Files.write(f, content);
    Files.setLastModifiedTime(f, FileTime.fromMillis(1_000_000_000_000L));
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--r--r--"));

    try (Storage s = Storages.open(f, OpenOptions.defaults()).storage()) {
      VhdxParseContext ctx = LogImages.open(s);
      assertTrue(LogReplay.replay(ctx, LogImages.record(GUID, MIB)).replayedInMemory());
      assertArrayEquals(pattern(1), LogImages.read(ctx.storage, 2 * MIB, SECTOR));
      assertEquals(6L * MIB, ctx.length);
    }

    assertTrue(Arrays.equals(content, Files.readAllBytes(f)));
    assertEquals(FileTime.fromMillis(1_000_000_000_000L), Files.getLastModifiedTime(f));
  }
}
