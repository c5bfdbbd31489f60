package io.github.vhd4j.internal.vhdx;

import static io.github.vhd4j.internal.vhdx.LogImages.GUID;
import static io.github.vhd4j.internal.vhdx.LogImages.MIB;
import static io.github.vhd4j.internal.vhdx.LogImages.read;
import static io.github.vhd4j.testing.VhdxLogBuilder.SECTOR;
import static io.github.vhd4j.testing.VhdxLogBuilder.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.VhdxHeader;
import io.github.vhd4j.VhdxLogState;
import io.github.vhd4j.internal.Problems;
import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.storage.Storages;
import io.github.vhd4j.internal.ParseMode;
import io.github.vhd4j.internal.vhdx.layout.Guids;
import io.github.vhd4j.internal.vhdx.layout.HeaderLayout;
import io.github.vhd4j.internal.vhdx.layout.Le;
import io.github.vhd4j.internal.vhdx.layout.VhdxCrc;
import io.github.vhd4j.testing.VhdxLogBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The replay into the file ({@code vhd repair}): the file ends up holding what a read-only open
 * sees, with an empty log, and a process killed at any write leaves a file that opens with that
 * same content.
 */
class LogFileReplayTest {
  private static final int FILE = 4 * MIB;
  private static final long P = 2 * MIB;
  private static final long Q = 3 * MIB;
  private static final UUID NEW_WRITE = UUID.fromString("cccccccc-0000-0000-0000-000000000003");
  /** Header copies and their 64 KiB slots: the only bytes a replay into the file may change besides what the log writes. */
  private static final long HEADERS_END = HeaderLayout.offset(2) + HeaderLayout.SLOT;

  /** A dirty file: sectors, zeros, a table page at 192 KiB, a wrapped entry, growth to 6 MiB. */
  private static byte[] dirty() {
    VhdxLogBuilder log = new VhdxLogBuilder(GUID, MIB);
    log.at(MIB - 2 * SECTOR);
    long tail = log.position();
    log.entry(40).data(P, pattern(1)).data(192 * 1024, pattern(2)).write();
    log.entry(41).tail(tail).zero(Q, 8 * SECTOR).data(Q + SECTOR, pattern(3)).flushed(FILE).write();
    log.entry(42).tail(tail).data(P, pattern(4)).zero(P + SECTOR, 256 * 1024).last(6L * MIB).flushed(FILE).write();
    return LogImages.file(FILE, GUID, 7, log.bytes());
  }

  /** What a read-only open of the file sees: its length and its bytes past the headers. */
  private static byte[] replayedView(byte[] file) throws IOException {
    Storage s = Storages.memory(ByteBuffer.wrap(file), OpenOptions.defaults());
    VhdxParseContext ctx = new VhdxParseContext(s, "img", null, OpenOptions.defaults(), ParseMode.OPEN,
        new Problems("img"));
    HeaderPair headers = HeaderPair.read(ctx);
    LogReplay.replay(ctx, headers.current());
    assertEquals(null, ctx.p.firstError());
    byte[] all = read(ctx.storage, 0, (int) ctx.storage.size());
    return Arrays.copyOfRange(all, (int) HEADERS_END, all.length);
  }

  private static VhdxHeader header(byte[] file, int copy) {
    ByteBuffer h = Le.allocate(HeaderLayout.SIZE);
    h.put(0, file, (int) HeaderLayout.offset(copy), HeaderLayout.SIZE);
    assertTrue(VhdxCrc.verify(h, HeaderLayout.SIZE, HeaderLayout.CHECKSUM), "header " + copy);
    return new VhdxHeader(copy, HeaderLayout.offset(copy), true, false, HeaderLayout.SEQUENCE_NUMBER.u64(h),
        Guids.get(h, HeaderLayout.FILE_WRITE_GUID), Guids.get(h, HeaderLayout.DATA_WRITE_GUID),
        Guids.get(h, HeaderLayout.LOG_GUID), 0, 1, HeaderLayout.LOG_LENGTH.u32(h), HeaderLayout.LOG_OFFSET.u64(h));
  }

  /** The header a reader uses. */
  private static VhdxHeader current(byte[] file) throws IOException {
    MemoryStorage s = new MemoryStorage(file);
    return HeaderPair.read(new VhdxParseContext(s, "img", null, OpenOptions.defaults(), ParseMode.OPEN,
        new Problems("img"))).current();
  }

  @Test
  void shouldWriteWhatTheInMemoryReplayShowsAndEmptyTheLog() throws IOException {
    byte[] file = dirty();
    byte[] expected = replayedView(file);
    MemoryStorage s = new MemoryStorage(file);

    VhdxLogState state = LogFileReplay.replayIntoFile(s, "img", NEW_WRITE);

    assertTrue(state.dirty());
    assertFalse(state.replayedInMemory());
    assertEquals(3, state.entries());
    assertEquals(42, state.lastSequence());
    byte[] after = s.content();
    assertEquals(6 * MIB, after.length);
    assertArrayEquals(expected, Arrays.copyOfRange(after, (int) HEADERS_END, after.length));
    assertArrayEquals(pattern(4), read(s, P, SECTOR));
    // Both headers clean, numbered 7 + 3 and 7 + 4, the new FileWriteGuid, the DataWriteGuid kept.
    VhdxHeader h1 = header(after, 1);
    VhdxHeader h2 = header(after, 2);
    assertEquals(Guids.ZERO, h1.logGuid());
    assertEquals(Guids.ZERO, h2.logGuid());
    assertEquals(11, h1.sequenceNumber());
    assertEquals(10, h2.sequenceNumber());
    assertEquals(NEW_WRITE, h1.fileWriteGuid());
    assertEquals(LogImages.DATA_WRITE, h1.dataWriteGuid());
    // The identifier and the log are as they were.
    assertArrayEquals(Arrays.copyOfRange(file, 0, (int) HeaderLayout.offset(1)),
        Arrays.copyOfRange(after, 0, (int) HeaderLayout.offset(1)));
    assertArrayEquals(Arrays.copyOfRange(file, MIB, 2 * MIB), Arrays.copyOfRange(after, MIB, 2 * MIB));
    // A second run finds nothing to do and writes nothing.
    MemoryStorage again = new MemoryStorage(after);
    assertFalse(LogFileReplay.replayIntoFile(again, "img").dirty());
    assertEquals(0, again.operations());
  }

  @Test
  void shouldOpenWithTheSameContentWhereverItIsKilled() throws IOException {
    byte[] file = dirty();
    byte[] expected = replayedView(file);
    MemoryStorage full = new MemoryStorage(file);
    LogFileReplay.replayIntoFile(full, "img", NEW_WRITE);
    int operations = full.operations();
    assertTrue(operations > 8, operations + " operations");

    int stoppedPartWay = 0;
    for (int n = 1; n <= operations; n++) {
      MemoryStorage s = new MemoryStorage(file, n);
      IOException e = assertThrows(IOException.class, () -> LogFileReplay.replayIntoFile(s, "img", NEW_WRITE));
      assertTrue(s.killed(), "killed at operation " + n);
      // A failed write of the replay itself (a full disk, a file system's size limit) says what is left.
      if (e.getCause() instanceof MemoryStorage.Killed) {
        assertTrue(e.getMessage().contains("the replay stopped part way"), e.getMessage());
        stoppedPartWay++;
      } else {
        assertTrue(e instanceof MemoryStorage.Killed, "killed at operation " + n + ": " + e);
      }
      byte[] left = s.content();
      assertArrayEquals(expected, replayedView(left), "killed at operation " + n);
      // Running the repair again finishes the job.
      MemoryStorage rerun = new MemoryStorage(left);
      LogFileReplay.replayIntoFile(rerun, "img", NEW_WRITE);
      byte[] done = rerun.content();
      assertArrayEquals(expected, Arrays.copyOfRange(done, (int) HEADERS_END, done.length), "rerun after " + n);
      assertEquals(Guids.ZERO, current(done).logGuid(), "rerun after " + n);
    }
    assertTrue(stoppedPartWay > 0, "no kill fell inside the replay's writes");
    MemoryStorage never = new MemoryStorage(file, operations + 1);
    LogFileReplay.replayIntoFile(never, "img", NEW_WRITE);
    assertFalse(never.killed());
  }

  @Test
  void shouldPlanWhatItWouldReplayWithoutWriting() throws IOException {
    MemoryStorage s = new MemoryStorage(dirty());
    VhdxLogState plan = LogFileReplay.planReplay(s, "img");
    assertEquals(0, s.operations());
    VhdxLogState done = LogFileReplay.replayIntoFile(new MemoryStorage(dirty()), "img", NEW_WRITE);
    assertEquals(done, plan);
    assertTrue(plan.dirty());
  }

  @Test
  void shouldPlanNothingForACleanLogWhateverElseTheFileHolds() throws IOException {
    // A clean header over a file with nothing after its log: repair has nothing to replay, and so has its plan.
    byte[] clean = LogImages.file(FILE, Guids.ZERO, 2, new byte[0]);
    Arrays.fill(clean, 2 * MIB, FILE, (byte) 0x5A);
    MemoryStorage s = new MemoryStorage(clean);
    assertFalse(LogFileReplay.planReplay(s, "img").dirty());
    assertFalse(LogFileReplay.replayIntoFile(s, "img").dirty());
    assertEquals(0, s.operations());
  }

  @Test
  void shouldNotWriteAFileWhoseLogCannotBeReplayed() throws IOException {
    VhdxLogBuilder log = new VhdxLogBuilder(GUID, MIB);
    log.entry(1).data(P, pattern(1)).flushed(8L * MIB).write();
    MemoryStorage s = new MemoryStorage(LogImages.file(FILE, GUID, 2, log.bytes()));
    VhdFormatException e = assertThrows(VhdFormatException.class, () -> LogFileReplay.replayIntoFile(s, "img"));
    assertEquals(ProblemCode.VHDX_LOG_TRUNCATED, e.getProblem().code());
    assertEquals(0, s.operations());
  }

  @Test
  void shouldRefuseASequenceNumberThatWouldWrap() throws IOException {
    VhdxLogBuilder log = new VhdxLogBuilder(GUID, MIB);
    log.entry(1).data(P, pattern(1)).write();
    MemoryStorage s = new MemoryStorage(LogImages.file(FILE, GUID, -3L, log.bytes()));
    VhdFormatException e = assertThrows(VhdFormatException.class, () -> LogFileReplay.replayIntoFile(s, "img"));
    assertEquals(ProblemCode.VHDX_HEADER_SEQUENCE, e.getProblem().code());
    assertEquals(0, s.operations());
  }

  @Test
  void shouldRefuseReadOnlyStorage() {
    Storage s = Storages.memory(ByteBuffer.wrap(dirty()), OpenOptions.defaults());
    assertThrows(IllegalArgumentException.class, () -> LogFileReplay.replayIntoFile(s, "img"));
  }
}
