package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.internal.Field;
import io.github.vhd4j.internal.Site;
import io.github.vhd4j.internal.vhdx.layout.LogLayout;

/**
 * Checks that the active sequence can be replayed (MS-VHDX 2.3.3; vhdx.md V22, V23, X-13, X-14):
 * the file is not shorter than the head's FlushedFileOffset, and nothing it writes or asks the
 * file to grow to passes {@link LogLayout#MAX_REPLAY_END}.
 */
final class LogBounds {
  private LogBounds() {}

  /**
   * Checks the entries to replay and reports what is wrong.
   *
   * @param ctx the parse
   * @param ring the log
   * @param active the entries to replay
   * @return true when they may be replayed (a check also replays a truncated file, to go on
   *     checking what the replay yields)
   */
  static boolean check(VhdxParseContext ctx, LogRing ring, LogScanner.Active active) {
    LogEntry head = active.head();
    long fileSize = ctx.file.size();
    if (Long.compareUnsigned(fileSize, head.flushedFileOffset()) < 0) {
      LogReplay.refuse(ctx, ProblemCode.VHDX_LOG_TRUNCATED, false, site(ring, head, LogLayout.FLUSHED_FILE_OFFSET),
          "the file (" + fileSize + " bytes) is shorter than the " + Long.toUnsignedString(head.flushedFileOffset())
              + " bytes the log's newest entry (sequence number " + Long.toUnsignedString(head.sequence())
              + ") knew to be written: it was truncated");
    }
    if (Long.compareUnsigned(head.lastFileOffset(), LogLayout.MAX_REPLAY_END) > 0) {
      LogReplay.refuse(ctx, ProblemCode.VHDX_LOG_BOUNDS, false, site(ring, head, LogLayout.LAST_FILE_OFFSET),
          "the log asks the file to grow to " + Long.toUnsignedString(head.lastFileOffset())
              + " bytes, past the largest possible file (" + LogLayout.MAX_REPLAY_END + ")");
      return false;
    }
    long descriptors = 0;
    for (LogEntry e : active.entries()) {
      LogEntry.OutOfBounds o = e.outOfBounds();
      if (o != null) {
        LogReplay.refuse(ctx, ProblemCode.VHDX_LOG_BOUNDS, false,
            new Site(LogLayout.ENTRY_STRUCTURE, o.field(), o.fileOffset()), o.note());
        return false;
      }
      descriptors += e.descriptors();
    }
    if (descriptors > OverlayBuilder.MAX_DESCRIPTORS) {
      LogReplay.refuse(ctx, ProblemCode.VHDX_LOG_BOUNDS, false, site(ring, head, LogLayout.DESCRIPTOR_COUNT),
          "the entries to replay hold " + descriptors + " descriptors, more than the " + OverlayBuilder.MAX_DESCRIPTORS
              + " this library replays");
      return false;
    }
    for (LogEntry e : active.entries()) {
      long needed = LogLayout.descriptorArea(e.descriptors()) + (long) LogLayout.SECTOR * e.dataSectors();
      if (e.length() != needed) {
        // Only a lenient open accepts padding (vhdx.md V20 ⚠); it says so for each such entry.
        ctx.p.error(ProblemCode.VHDX_LOG_ENTRY, true, site(ring, e, LogLayout.ENTRY_LENGTH), Long.toString(needed),
            Long.toString(e.length()), "the entry is longer than its sectors; replayed with the padding ignored");
      }
    }
    return true;
  }

  private static Site site(LogRing ring, LogEntry e, Field f) {
    return new Site(LogLayout.ENTRY_STRUCTURE, f.name(), ring.fileOffset(e.position() + f.offset()));
  }
}
