package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.VhdxHeader;
import io.github.vhd4j.VhdxLogState;
import io.github.vhd4j.internal.Problems;
import io.github.vhd4j.internal.StopParsing;
import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.ParseMode;
import io.github.vhd4j.internal.vhdx.layout.Guids;
import io.github.vhd4j.internal.vhdx.layout.HeaderLayout;
import io.github.vhd4j.internal.vhdx.layout.Le;
import io.github.vhd4j.internal.vhdx.layout.LogLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Replays a dirty log into the file (MS-VHDX 2.3.3), as {@code vhd repair} does, and marks the
 * log empty.
 *
 * <p>The order keeps the file openable with the same content if the process dies at any write:
 * <ol>
 *   <li>both headers get a new FileWriteGuid, the LogGuid kept (MS-VHDX 2.2.2.1: headers are
 *       updated, with a new FileWriteGuid, before anything else is modified);
 *   <li>the replayed writes, in the same resolution a read-only open uses ({@link
 *       ReplayedStorage}): zeroed ranges inside the file, then the pages, then the file grows to
 *       the replayed length; then a flush;
 *   <li>both headers again with LogGuid zero, the non-current copy first, each write flushed.
 * </ol>
 * Until the last step's first write is durable the header still names the log, which no step
 * writes to, so a later open replays it again over whatever part was written; replaying is
 * idempotent. Afterwards the file holds what the replay described and its log is empty.
 */
public final class LogFileReplay {
  private static final int ZERO_CHUNK = 1 << 16;

  private LogFileReplay() {}

  /**
   * Replays the file's log into it when its current header asks for a replay, with a random new
   * FileWriteGuid; a clean file is not written.
   *
   * @param writable the file, open for writing
   * @param resource its name in problems
   * @return the log's state before the replay: {@link VhdxLogState#dirty()} tells whether a replay
   *     was written ({@link VhdxLogState#replayedInMemory()} is always false)
   * @throws IllegalArgumentException if the storage is read-only
   * @throws VhdFormatException if the file is not a VHDX file or its log cannot be replayed (the
   *     file is then not written)
   * @throws IOException if the file cannot be read or written
   */
  public static VhdxLogState replayIntoFile(Storage writable, String resource) throws IOException {
    return replayIntoFile(writable, resource, UUID.randomUUID());
  }

  /**
   * Like {@link #replayIntoFile(Storage, String)} with a chosen FileWriteGuid (tests compare
   * files byte for byte).
   *
   * @param writable the file, open for writing
   * @param resource its name
   * @param fileWriteGuid the FileWriteGuid the headers get
   * @return the log's state before the replay
   * @throws IOException if the file cannot be read or written, or its log cannot be replayed
   */
  static VhdxLogState replayIntoFile(Storage writable, String resource, UUID fileWriteGuid) throws IOException {
    if (!writable.isWritable()) {
      throw new IllegalArgumentException(resource + " is not open for writing");
    }
    Pending pending = pending(writable, resource);
    ReplayedStorage overlay = pending.overlay();
    if (overlay == null) {
      return pending.state();
    }
    HeaderPair headers = pending.headers();
    headers.update(writable, fileWriteGuid, headers.current().logGuid());
    try {
      apply(writable, overlay);
      writable.force();
    } catch (IOException e) {
      // The headers still name the log, so the file opens as before and a later repair starts over.
      throw new IOException(resource + ": the replay stopped part way (" + e.getMessage() + "); the log is"
          + " kept, so the file still reads as before and repair can be run again", e);
    }
    headers.update(writable, fileWriteGuid, Guids.ZERO);
    return pending.state();
  }

  /**
   * Says what {@link #replayIntoFile(Storage, String)} would do to the file, reading exactly what it
   * reads (the headers and the log) and writing nothing, so that a plan and a repair of the same
   * file agree: both refuse the same logs and both leave alone a clean file whatever else it holds.
   *
   * @param file the file
   * @param resource its name in problems
   * @return the log's state: {@link VhdxLogState#dirty()} tells whether a repair would write
   * @throws VhdFormatException if the file is not a VHDX file or its log cannot be replayed
   * @throws IOException if the file cannot be read
   */
  public static VhdxLogState planReplay(Storage file, String resource) throws IOException {
    return pending(file, resource).state();
  }

  /** The headers, the log's state and, when the log must be replayed, the writes (else null). */
  private record Pending(HeaderPair headers, VhdxLogState state, @Nullable ReplayedStorage overlay) {}

  private static Pending pending(Storage file, String resource) throws IOException {
    Problems p = new Problems(resource);
    VhdxParseContext ctx = new VhdxParseContext(file, resource, null, OpenOptions.defaults(),
        ParseMode.OPEN, p);
    HeaderPair headers;
    LogReplay.Outcome outcome;
    try {
      headers = HeaderPair.read(ctx);
      VhdxHeader header = headers.current();
      if (!header.logDirty()) {
        return new Pending(headers, LogReplay.unreplayed(header), null);
      }
      if (Long.compareUnsigned(headers.sequence(), -5L) > 0) {
        // Two header updates add 4; the number must not wrap (vhdx.md §3, X-19).
        throw p.fatal(ProblemCode.VHDX_HEADER_SEQUENCE, headers.site(HeaderLayout.SEQUENCE_NUMBER),
            "at most " + Long.toUnsignedString(-5L), Long.toUnsignedString(headers.sequence()),
            "the headers cannot be rewritten without the sequence number passing 2^64-1");
      }
      outcome = LogReplay.plan(ctx, header);
    } catch (StopParsing stop) {
      throw stop.toException(p.list());
    }
    Problem error = p.firstError();
    ReplayedStorage overlay = outcome.overlay();
    if (error != null || overlay == null) {
      throw new VhdFormatException(error != null ? error : p.list().get(0), p.list());
    }
    if (file.isFixedLength() && overlay.size() > file.size()) {
      throw new IOException(resource + ": the log asks the file to grow to " + overlay.size()
          + " bytes, but it is a device of " + file.size() + " bytes");
    }
    VhdxLogState s = outcome.state();
    VhdxLogState written = new VhdxLogState(s.logGuid(), s.offset(), s.length(), true, false, s.entries(),
        s.firstSequence(), s.lastSequence(), s.bytes(), s.lastFileOffset());
    return new Pending(headers, written, overlay);
  }

  /**
   * Writes what the overlay holds. Zeroed ranges are written only inside the file: past its end,
   * growing the file yields zeros. Pages come after the ranges because a page overrides a range
   * that covers it.
   */
  private static void apply(Storage file, ReplayedStorage overlay) throws IOException {
    long fileSize = file.size();
    ByteBuffer zeros = Le.allocate(ZERO_CHUNK);
    for (int i = 0; i < overlay.zeroRanges(); i++) {
      long end = Math.min(overlay.zeroEnd(i), fileSize);
      for (long at = overlay.zeroStart(i); at < end; ) {
        int n = (int) Math.min(ZERO_CHUNK, end - at);
        file.write(at, zeros, 0, n);
        at += n;
      }
    }
    ByteBuffer page = Le.allocate(LogLayout.SECTOR);
    for (int i = 0; i < overlay.pages(); i++) {
      overlay.read(overlay.page(i), page, 0, LogLayout.SECTOR);
      file.write(overlay.page(i), page, 0, LogLayout.SECTOR);
    }
    long size = file.size();
    if (size < overlay.size()) {
      // MS-VHDX 2.3.3: the file becomes at least LastFileOffset long; writing its last bytes grows it.
      long from = Math.max(size, overlay.size() - LogLayout.SECTOR);
      file.write(from, zeros, 0, (int) (overlay.size() - from));
    }
  }
}
