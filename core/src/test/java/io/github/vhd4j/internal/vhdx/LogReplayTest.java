package io.github.vhd4j.internal.vhdx;

import static io.github.vhd4j.internal.vhdx.LogImages.GUID;
import static io.github.vhd4j.internal.vhdx.LogImages.MIB;
import static io.github.vhd4j.internal.vhdx.LogImages.original;
import static io.github.vhd4j.internal.vhdx.LogImages.read;
import static io.github.vhd4j.testing.VhdxLogBuilder.SECTOR;
import static io.github.vhd4j.testing.VhdxLogBuilder.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.VhdxHeader;
import io.github.vhd4j.VhdxLogState;
import io.github.vhd4j.internal.StopParsing;
import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.storage.Storages;
import io.github.vhd4j.internal.vhdx.layout.Guids;
import io.github.vhd4j.internal.vhdx.layout.HeaderLayout;
import io.github.vhd4j.internal.vhdx.layout.LogLayout;
import io.github.vhd4j.testing.VhdxLogBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The in-memory replay of a dirty log (MS-VHDX 2.3.3): what is replayed, what is refused, and how it is reported. */
class LogReplayTest {
  private static final int FILE = 4 * MIB;
  /** A page outside the log, inside the file. */
  private static final long P = 2 * MIB;
  private static final long Q = 3 * MIB;

  private static Storage storage(byte[] file) {
    return Storages.memory(ByteBuffer.wrap(file), OpenOptions.defaults());
  }

  private static VhdxLogBuilder log() {
    return new VhdxLogBuilder(GUID, MIB);
  }

  private static byte[] file(VhdxLogBuilder log) {
    return LogImages.file(FILE, GUID, 2, log.bytes());
  }

  private static byte[] originalBytes(long offset, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = original(offset + i);
    }
    return b;
  }

  private static List<ProblemCode> codes(VhdxParseContext ctx) {
    return ctx.p.list().stream().map(Problem::code).toList();
  }

  @Test
  void shouldReadTheLoggedSectorsThroughTheReplayWithoutWritingTheFile_X9_X10_X43() throws IOException {
    VhdxLogBuilder log = log();
    log.entry(7).data(P, pattern(1)).zero(Q, 2 * SECTOR).last(FILE).flushed(FILE).write();
    byte[] file = file(log);
    byte[] before = file.clone();
    Storage s = storage(file);
    VhdxParseContext ctx = LogImages.open(s);

    VhdxLogState state = LogReplay.replay(ctx, LogImages.record(GUID, MIB));

    assertTrue(state.dirty() && state.replayedInMemory());
    assertEquals(1, state.entries());
    assertEquals(7, state.firstSequence());
    assertEquals(7, state.lastSequence());
    assertEquals(3L * SECTOR, state.bytes());
    assertNotSame(s, ctx.storage);
    assertArrayEquals(pattern(1), read(ctx.storage, P, SECTOR));
    assertArrayEquals(new byte[2 * SECTOR], read(ctx.storage, Q, 2 * SECTOR));
    assertArrayEquals(originalBytes(Q + 2 * SECTOR, SECTOR), read(ctx.storage, Q + 2 * SECTOR, SECTOR));
    // the file is what it was, and the replayed view cannot be written.
    assertArrayEquals(before, file);
    assertArrayEquals(originalBytes(P, SECTOR), read(s, P, SECTOR));
    assertThrows(NonWritableChannelException.class, () -> ctx.storage.write(P, ByteBuffer.allocate(1), 0, 1));
  }

  @Test
  void shouldNoteAnOpenReplayAndWarnInACheck_X10() throws IOException {
    VhdxLogBuilder log = log();
    log.entry(3).data(P, pattern(1)).write();
    log.entry(4).tail(0).zero(Q, SECTOR).write();
    byte[] file = file(log);

    VhdxParseContext open = LogImages.open(storage(file));
    LogReplay.replay(open, LogImages.record(GUID, MIB));
    Problem note = open.p.list().get(0);
    assertEquals(ProblemCode.VHDX_LOG_DIRTY, note.code());
    assertEquals(Severity.INFO, note.severity());
    assertTrue(note.message().contains("replayed in memory"), note.message());
    assertTrue(note.message().contains("2 entries"), note.message());
    assertTrue(note.message().contains("3 to 4"), note.message());
    assertEquals(HeaderLayout.LOG_GUID.at(HeaderLayout.offset(1)), note.offset());

    VhdxParseContext check = LogImages.check(storage(file));
    LogReplay.replay(check, LogImages.record(GUID, MIB));
    assertEquals(Severity.WARNING, check.p.list().get(0).severity());
    assertEquals(ProblemCode.VHDX_LOG_DIRTY, check.p.list().get(0).code());
  }

  @Test
  void shouldNeverReplayALogWhoseGuidIsZero_X15() throws IOException {
    VhdxLogBuilder log = new VhdxLogBuilder(Guids.ZERO, MIB);
    log.entry(9).data(P, pattern(2)).write();
    Storage s = storage(LogImages.file(FILE, Guids.ZERO, 2, log.bytes()));
    VhdxParseContext ctx = LogImages.check(s);

    VhdxLogState state = LogReplay.replay(ctx, LogImages.record(Guids.ZERO, MIB));

    assertFalse(state.dirty());
    assertFalse(state.replayedInMemory());
    assertSame(s, ctx.storage);
    assertEquals(List.of(), ctx.p.list());
  }

  @Test
  void shouldIgnoreStaleEntriesOfAnotherLog_X15() throws IOException {
    UUID old = UUID.fromString("99999999-2222-3333-4444-555555555555");
    VhdxLogBuilder log = log();
    log.entry(20).guid(old).data(P, pattern(3)).write();
    log.entry(21).guid(old).tail(0).data(Q, pattern(4)).write();
    long mine = log.entry(5).data(Q, pattern(5)).write();
    VhdxParseContext ctx = LogImages.check(storage(file(log)));

    VhdxLogState state = LogReplay.replay(ctx, LogImages.record(GUID, MIB));

    assertEquals(1, state.entries());
    assertEquals(5, state.lastSequence());
    assertTrue(mine > 0);
    assertArrayEquals(originalBytes(P, SECTOR), read(ctx.storage, P, SECTOR));
    assertArrayEquals(pattern(5), read(ctx.storage, Q, SECTOR));
    // Another log's entries are not even worth a note.
    assertEquals(List.of(ProblemCode.VHDX_LOG_DIRTY), codes(ctx));
  }

  @Test
  void shouldRefuseADirtyLogWithNoValidSequence_X11_V17() throws IOException {
    VhdxLogBuilder log = log();
    log.entry(5).data(P, pattern(1)).after(VhdxLogBuilder.set32(LogLayout.CHECKSUM, 1)).write();
    byte[] file = file(log);
    VhdxHeader h = LogImages.record(GUID, MIB);

    StopParsing stop = assertThrows(StopParsing.class, () -> LogReplay.replay(LogImages.open(storage(file)), h));
    assertEquals(ProblemCode.VHDX_LOG_NO_ACTIVE_SEQUENCE, stop.problem().code());
    assertTrue(stop.problem().message().contains("checksum"), stop.problem().message());

    // Lenient: reported, recoverable, and the structures are read as stored.
    Storage s = storage(file);
    VhdxParseContext lenient = LogImages.lenient(s);
    VhdxLogState state = LogReplay.replay(lenient, h);
    assertTrue(state.dirty());
    assertFalse(state.replayedInMemory());
    assertSame(s, lenient.storage);
    assertEquals(null, lenient.p.firstUnrecoverableError());
    assertEquals(ProblemCode.VHDX_LOG_NO_ACTIVE_SEQUENCE, lenient.p.firstError().code());

    VhdxParseContext check = LogImages.check(storage(file));
    LogReplay.replay(check, h);
    assertEquals(List.of(ProblemCode.VHDX_LOG_ENTRY, ProblemCode.VHDX_LOG_NO_ACTIVE_SEQUENCE), codes(check));
    assertEquals(Severity.INFO, check.p.list().get(0).severity());
  }

  @Test
  void shouldRefuseALogWhoseEntriesAllCarryAnotherGuid_X11_X15() {
    VhdxLogBuilder log = log();
    log.entry(5).guid(UUID.randomUUID()).data(P, pattern(1)).write();
    byte[] file = file(log);
    StopParsing stop = assertThrows(StopParsing.class,
        () -> LogReplay.replay(LogImages.open(storage(file)), LogImages.record(GUID, MIB)));
    assertTrue(stop.problem().message().contains("no entry carries the header's LogGuid"), stop.problem().message());
  }

  @Test
  void shouldNotReplayARunWhoseHeadNamesATailOutsideIt_X12a_V21() throws IOException {
    VhdxLogBuilder log = log();
    log.entry(5).data(P, pattern(1)).write();
    // The head's Tail points past the run: the run of 5 and 6 is not a valid sequence.
    log.entry(6).tail(64 * 1024).data(Q, pattern(2)).write();
    // An older, valid sequence elsewhere is the active one.
    log.at(256 * 1024).entry(3).data(Q, pattern(3)).write();
    VhdxParseContext ctx = LogImages.open(storage(file(log)));

    VhdxLogState state = LogReplay.replay(ctx, LogImages.record(GUID, MIB));

    assertEquals(3, state.lastSequence());
    assertArrayEquals(pattern(3), read(ctx.storage, Q, SECTOR));
    assertArrayEquals(originalBytes(P, SECTOR), read(ctx.storage, P, SECTOR));
  }

  @Test
  void shouldEndARunAtASequenceNumberThatIsNotOneMore_X12b_V21() throws IOException {
    VhdxLogBuilder log = log();
    log.entry(5).data(P, pattern(1)).write();
    log.entry(7).tail(0).data(Q, pattern(2)).write();
    VhdxParseContext ctx = LogImages.open(storage(file(log)));

    VhdxLogState state = LogReplay.replay(ctx, LogImages.record(GUID, MIB));

    assertEquals(1, state.entries());
    assertEquals(5, state.lastSequence());
    assertArrayEquals(pattern(1), read(ctx.storage, P, SECTOR));
    assertArrayEquals(originalBytes(Q, SECTOR), read(ctx.storage, Q, SECTOR));
  }

  @Test
  void shouldRejectAnEntryWhoseDataSectorLacksItsSignature_X12c_V19() throws IOException {
    VhdxLogBuilder log = log();
    VhdxLogBuilder.Entry e = log.entry(5).data(P, pattern(1));
    int data = e.dataSectorIndex(0);
    // Resealed: only the signature is wrong.
    e.before(b -> b.put(data, (byte) 'D')).write();
    byte[] file = file(log);

    VhdxParseContext check = LogImages.check(storage(file));
    LogReplay.replay(check, LogImages.record(GUID, MIB));
    Problem info = check.p.list().get(0);
    assertEquals(ProblemCode.VHDX_LOG_ENTRY, info.code());
    assertEquals("dataSector[0].signature", info.field());
    assertEquals(LogImages.LOG_OFFSET + data, info.offset());
    assertEquals(ProblemCode.VHDX_LOG_NO_ACTIVE_SEQUENCE, check.p.list().get(1).code());
  }

  @Test
  void shouldNotApplyEntriesBeforeTheHeadsTail_X12d() throws IOException {
    VhdxLogBuilder log = log();
    log.entry(5).data(P, pattern(1)).write();
    long second = log.position();
    log.entry(6).tail(second).data(Q, pattern(2)).write();
    VhdxParseContext ctx = LogImages.open(storage(file(log)));

    VhdxLogState state = LogReplay.replay(ctx, LogImages.record(GUID, MIB));

    assertEquals(1, state.entries());
    assertEquals(6, state.firstSequence());
    assertArrayEquals(originalBytes(P, SECTOR), read(ctx.storage, P, SECTOR));
    assertArrayEquals(pattern(2), read(ctx.storage, Q, SECTOR));
  }

  @Test
  void shouldReplayTheSequenceWithTheNewestHeadInOrder_V21() throws IOException {
    VhdxLogBuilder log = log();
    log.entry(10).data(P, pattern(1)).write();
    log.entry(11).tail(0).data(P, pattern(2)).zero(Q, SECTOR).write();
    log.entry(12).tail(0).data(Q + SECTOR, pattern(3)).write();
    // An older complete sequence later in the ring loses to the newer head.
    log.at(512 * 1024).entry(4).data(P, pattern(9)).write();
    VhdxParseContext ctx = LogImages.open(storage(file(log)));

    VhdxLogState state = LogReplay.replay(ctx, LogImages.record(GUID, MIB));

    assertEquals(3, state.entries());
    assertEquals(10, state.firstSequence());
    assertEquals(12, state.lastSequence());
    assertArrayEquals(pattern(2), read(ctx.storage, P, SECTOR));
    assertArrayEquals(new byte[SECTOR], read(ctx.storage, Q, SECTOR));
    assertArrayEquals(pattern(3), read(ctx.storage, Q + SECTOR, SECTOR));
  }

  @Test
  void shouldReplayAnEntryThatWrapsPastTheLogsEnd() throws IOException {
    VhdxLogBuilder log = log();
    long start = MIB - SECTOR;
    log.at(start).entry(8).data(P, pattern(1)).data(Q, pattern(2)).write();
    assertEquals(2L * SECTOR, log.position());
    VhdxParseContext ctx = LogImages.open(storage(file(log)));

    VhdxLogState state = LogReplay.replay(ctx, LogImages.record(GUID, MIB));

    assertEquals(1, state.entries());
    assertArrayEquals(pattern(1), read(ctx.storage, P, SECTOR));
    assertArrayEquals(pattern(2), read(ctx.storage, Q, SECTOR));
  }

  @Test
  void shouldLetTheLaterOfOverlappingDescriptorsWin() throws IOException {
    VhdxLogBuilder log = log();
    log.entry(1).data(P, pattern(1)).zero(P, 3 * SECTOR).data(P + SECTOR, pattern(2)).write();
    log.entry(2).tail(0).data(P + 2 * SECTOR, pattern(3)).zero(P + SECTOR, SECTOR).data(P, pattern(4))
        .data(P, pattern(5)).write();
    VhdxParseContext ctx = LogImages.open(storage(file(log)));

    LogReplay.replay(ctx, LogImages.record(GUID, MIB));

    assertArrayEquals(pattern(5), read(ctx.storage, P, SECTOR));
    assertArrayEquals(new byte[SECTOR], read(ctx.storage, P + SECTOR, SECTOR));
    assertArrayEquals(pattern(3), read(ctx.storage, P + 2 * SECTOR, SECTOR));
    assertArrayEquals(originalBytes(P + 3 * SECTOR, SECTOR), read(ctx.storage, P + 3 * SECTOR, SECTOR));
  }

  @Test
  void shouldExtendTheFileToTheHeadsLastFileOffsetWithZeros() throws IOException {
    VhdxLogBuilder log = log();
    log.entry(1).data(P, pattern(1)).last(8L * MIB).write();
    VhdxParseContext ctx = LogImages.open(storage(file(log)));

    VhdxLogState state = LogReplay.replay(ctx, LogImages.record(GUID, MIB));

    assertEquals(8L * MIB, state.lastFileOffset());
    assertEquals(8L * MIB, ctx.storage.size());
    assertEquals(8L * MIB, ctx.length);
    assertArrayEquals(originalBytes(FILE - 16, 16), read(ctx.storage, FILE - 16, 16));
    assertArrayEquals(new byte[MIB], read(ctx.storage, 7L * MIB, MIB));
  }

  @Test
  void shouldRefuseAFileShorterThanTheHeadsFlushedFileOffset_X14_V22() throws IOException {
    VhdxLogBuilder log = log();
    log.entry(1).data(P, pattern(1)).flushed(8L * MIB).write();
    byte[] file = file(log);
    StopParsing stop = assertThrows(StopParsing.class,
        () -> LogReplay.replay(LogImages.lenient(storage(file)), LogImages.record(GUID, MIB)));
    assertEquals(ProblemCode.VHDX_LOG_TRUNCATED, stop.problem().code());
    assertEquals(LogImages.LOG_OFFSET + LogLayout.FLUSHED_FILE_OFFSET.offset(), stop.problem().offset());

    // A check reports it and still looks at the replayed structures.
    VhdxParseContext check = LogImages.check(storage(file));
    VhdxLogState state = LogReplay.replay(check, LogImages.record(GUID, MIB));
    assertTrue(codes(check).contains(ProblemCode.VHDX_LOG_TRUNCATED));
    assertTrue(state.replayedInMemory());

    // FlushedFileOffset equal to the length, or zero (a stale Windows 8 entry), is fine.
    VhdxLogBuilder exact = log();
    exact.entry(1).data(P, pattern(1)).flushed(FILE).write();
    assertTrue(LogReplay.replay(LogImages.open(storage(file(exact))), LogImages.record(GUID, MIB)).replayedInMemory());
  }

  @Test
  void shouldRefuseWritesAndLengthsPastAnyPossibleFile_X13_V23() {
    VhdxLogBuilder zeros = log();
    zeros.entry(1).zero(P, 1L << 62).write();
    StopParsing z = assertThrows(StopParsing.class,
        () -> LogReplay.replay(LogImages.open(storage(file(zeros))), LogImages.record(GUID, MIB)));
    assertEquals(ProblemCode.VHDX_LOG_BOUNDS, z.problem().code());
    assertEquals("descriptor[0].zeroLength", z.problem().field());

    VhdxLogBuilder last = log();
    last.entry(1).data(P, pattern(1)).last(1L << 62).write();
    StopParsing l = assertThrows(StopParsing.class,
        () -> LogReplay.replay(LogImages.open(storage(file(last))), LogImages.record(GUID, MIB)));
    assertEquals(ProblemCode.VHDX_LOG_BOUNDS, l.problem().code());
    assertEquals(LogLayout.LAST_FILE_OFFSET.name(), l.problem().field());

    VhdxLogBuilder far = log();
    far.entry(1).data(-SECTOR, pattern(1)).write();
    StopParsing f = assertThrows(StopParsing.class,
        () -> LogReplay.replay(LogImages.open(storage(file(far))), LogImages.record(GUID, MIB)));
    assertEquals(ProblemCode.VHDX_LOG_BOUNDS, f.problem().code());
  }

  @Test
  void shouldNotLetTheLogRewriteTheIdentifierHeadersOrItself_X13_V19() throws IOException {
    for (long target : new long[] {0, 64 * 1024, 128 * 1024, LogImages.LOG_OFFSET, LogImages.LOG_OFFSET + MIB - SECTOR}) {
      VhdxLogBuilder log = log();
      log.entry(1).data(target, pattern(1)).write();
      VhdxParseContext check = LogImages.check(storage(file(log)));
      LogReplay.replay(check, LogImages.record(GUID, MIB));
      assertEquals(List.of(ProblemCode.VHDX_LOG_ENTRY, ProblemCode.VHDX_LOG_NO_ACTIVE_SEQUENCE), codes(check),
          "target " + target);
      assertEquals("descriptor[0].fileOffset", check.p.list().get(0).field());
    }
    // A zero range that starts before the log and runs into it.
    VhdxLogBuilder into = log();
    into.entry(1).zero(LogImages.LOG_OFFSET - SECTOR, 2 * SECTOR).write();
    VhdxParseContext check = LogImages.check(storage(file(into)));
    LogReplay.replay(check, LogImages.record(GUID, MIB));
    assertTrue(check.p.list().get(0).message().contains("into the log"), check.p.list().get(0).message());
    // The region tables, just past the headers, may be logged.
    VhdxLogBuilder tables = log();
    tables.entry(1).data(LogLayout.LOGGABLE_OFFSET, pattern(6)).write();
    VhdxParseContext ctx = LogImages.open(storage(file(tables)));
    LogReplay.replay(ctx, LogImages.record(GUID, MIB));
    assertArrayEquals(pattern(6), read(ctx.storage, LogLayout.LOGGABLE_OFFSET, SECTOR));
  }

  @Test
  void shouldCheckTheLogVersionOnlyWhenTheLogMustBeReplayed_V7() throws IOException {
    VhdxLogBuilder log = log();
    log.entry(1).data(P, pattern(1)).write();
    byte[] file = file(log);
    StopParsing stop = assertThrows(StopParsing.class,
        () -> LogReplay.replay(LogImages.lenient(storage(file)), LogImages.record(GUID, LogImages.LOG_OFFSET, MIB, 1)));
    assertEquals(ProblemCode.VHDX_LOG_VERSION, stop.problem().code());

    VhdxParseContext clean = LogImages.check(storage(file));
    LogReplay.replay(clean, LogImages.record(Guids.ZERO, LogImages.LOG_OFFSET, MIB, 1));
    assertEquals(List.of(), clean.p.list());
  }

  @Test
  void shouldRefuseAMisplacedLog_V8() throws IOException {
    long[][] placements = {
        {LogImages.LOG_OFFSET + SECTOR, MIB}, // offset not a multiple of 1 MiB
        {0, MIB}, // in the header section
        {LogImages.LOG_OFFSET, MIB + SECTOR}, // length not a multiple of 1 MiB
        {LogImages.LOG_OFFSET, 2L << 30}, // longer than 1 GiB
        {3L * MIB, 2L * MIB}, // past the file's end
        {-MIB, MIB}, // offset past 2^63
    };
    VhdxLogBuilder log = log();
    log.entry(1).data(P, pattern(1)).write();
    byte[] file = file(log);
    for (long[] p : placements) {
      VhdxHeader h = LogImages.record(GUID, p[0], p[1], 0);
      StopParsing stop = assertThrows(StopParsing.class, () -> LogReplay.replay(LogImages.open(storage(file)), h),
          p[0] + "+" + p[1]);
      assertEquals(ProblemCode.VHDX_LOG_PLACEMENT, stop.problem().code());

      // Not needed when clean: an error a lenient open reads past.
      VhdxParseContext lenient = LogImages.lenient(storage(file));
      LogReplay.replay(lenient, LogImages.record(Guids.ZERO, p[0], p[1], 0));
      assertEquals(ProblemCode.VHDX_LOG_PLACEMENT, lenient.p.firstError().code());
      assertEquals(null, lenient.p.firstUnrecoverableError());
    }
  }

  @Test
  void shouldRefuseALogGuidWithoutALog_V9() throws IOException {
    byte[] file = file(log());
    VhdxHeader h = LogImages.record(GUID, LogImages.LOG_OFFSET, 0, 0);
    StopParsing stop = assertThrows(StopParsing.class, () -> LogReplay.replay(LogImages.open(storage(file)), h));
    assertEquals(ProblemCode.VHDX_LOG_GUID_WITHOUT_LOG, stop.problem().code());

    VhdxParseContext lenient = LogImages.lenient(storage(file));
    VhdxLogState state = LogReplay.replay(lenient, h);
    assertFalse(state.replayedInMemory());
    assertEquals(null, lenient.p.firstUnrecoverableError());
    assertEquals(ProblemCode.VHDX_LOG_GUID_WITHOUT_LOG, lenient.p.firstError().code());

    // LogLength 0 with LogGuid 0: no log, nothing to say.
    VhdxParseContext clean = LogImages.check(storage(file));
    LogReplay.replay(clean, LogImages.record(Guids.ZERO, LogImages.LOG_OFFSET, 0, 0));
    assertEquals(List.of(), clean.p.list());
  }

  @Test
  void shouldRefusePaddedEntriesInEveryMode_V20() throws IOException {
    VhdxLogBuilder log = log();
    log.entry(1).data(P, pattern(1)).padding(2).write();
    byte[] file = file(log);
    StopParsing stop = assertThrows(StopParsing.class,
        () -> LogReplay.replay(LogImages.open(storage(file)), LogImages.record(GUID, MIB)));
    assertTrue(stop.problem().message().contains("entryLength"), stop.problem().message());

    // A lenient open finds the same (no) active sequence as a strict one, and reads what is stored.
    Storage s = storage(file);
    VhdxParseContext lenient = LogImages.lenient(s);
    VhdxLogState state = LogReplay.replay(lenient, LogImages.record(GUID, MIB));
    assertFalse(state.replayedInMemory());
    assertSame(s, lenient.storage);
    assertEquals(ProblemCode.VHDX_LOG_NO_ACTIVE_SEQUENCE, lenient.p.firstError().code());
    assertEquals(null, lenient.p.firstUnrecoverableError());
  }

  @Test
  void shouldListOnlyAFewFaultyEntriesInACheck() throws IOException {
    VhdxLogBuilder log = log();
    for (int i = 0; i < 10; i++) {
      log.entry(100 + i).data(P, pattern(i)).after(VhdxLogBuilder.set32(LogLayout.CHECKSUM, 0)).write();
    }
    log.entry(3).data(Q, pattern(1)).write();
    VhdxParseContext check = LogImages.check(storage(file(log)));
    LogReplay.replay(check, LogImages.record(GUID, MIB));
    long faults = check.p.list().stream().filter(x -> x.code() == ProblemCode.VHDX_LOG_ENTRY).count();
    assertEquals(LogScanner.MAX_REJECTIONS, faults);
    assertTrue(check.p.list().stream().allMatch(x -> x.severity() != Severity.ERROR));

    // An open says nothing about them.
    VhdxParseContext open = LogImages.open(storage(file(log)));
    LogReplay.replay(open, LogImages.record(GUID, MIB));
    assertEquals(List.of(ProblemCode.VHDX_LOG_DIRTY), codes(open));
  }

  @Test
  void shouldRefuseMoreDescriptorsThanItReplays() {
    // 2^20 + 1 zero descriptors take 32 MiB of log: over the limit, refused before anything is built.
    int count = OverlayBuilder.MAX_DESCRIPTORS + 1;
    int logLength = 64 * MIB;
    VhdxLogBuilder log = new VhdxLogBuilder(GUID, logLength);
    VhdxLogBuilder.Entry e = log.entry(1);
    long target = LogImages.LOG_OFFSET + logLength;
    for (int i = 0; i < count; i++) {
      e.zero(target, SECTOR);
    }
    e.write();
    byte[] file = LogImages.file(logLength + 4 * MIB, GUID, 2, log.bytes());
    StopParsing stop = assertThrows(StopParsing.class,
        () -> LogReplay.replay(LogImages.open(storage(file)), LogImages.record(GUID, logLength)));
    assertEquals(ProblemCode.VHDX_LOG_BOUNDS, stop.problem().code());
    assertTrue(stop.problem().message().contains(Integer.toString(count)), stop.problem().message());
  }
}
