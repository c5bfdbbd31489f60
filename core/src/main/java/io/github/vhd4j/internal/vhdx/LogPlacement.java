package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.VhdxHeader;
import io.github.vhd4j.internal.Field;
import io.github.vhd4j.internal.vhdx.layout.HeaderLayout;
import io.github.vhd4j.internal.vhdx.layout.LogLayout;
import org.jspecify.annotations.Nullable;

/**
 * Checks where the current header puts the log (MS-VHDX 2.2.2 LogVersion, LogLength, LogOffset;
 * vhdx.md V7-V9) before a byte of it is read.
 */
final class LogPlacement {
  private LogPlacement() {}

  /** A placement fault: the header field and what is wrong with it. */
  private record Fault(Field field, String note) {}

  /**
   * Checks the log's placement and reports what is wrong. A log that must be replayed and cannot
   * be read is refused (a lenient open reads past LogLength 0, vhdx.md V9 ⚠); a misplaced log
   * that is not needed (LogGuid zero) is an error a lenient open reads past.
   *
   * @param ctx the parse
   * @param header the current header
   * @return true when the log exists and lies where it may be read
   */
  static boolean check(VhdxParseContext ctx, VhdxHeader header) {
    boolean dirty = header.logDirty();
    if (dirty && header.logVersion() != 0) {
      // MS-VHDX 2.2.2: an unknown log version may not be processed unless there is nothing to replay.
      LogReplay.refuse(ctx, ProblemCode.VHDX_LOG_VERSION, false,
          LogReplay.headerSite(header, HeaderLayout.LOG_VERSION), "LogVersion is " + header.logVersion()
              + ", not 0, and the log must be replayed: its format is unknown");
      return false;
    }
    if (header.logLength() == 0) {
      if (dirty) {
        LogReplay.refuse(ctx, ProblemCode.VHDX_LOG_GUID_WITHOUT_LOG, true,
            LogReplay.headerSite(header, HeaderLayout.LOG_LENGTH), "the header asks for a log replay (LogGuid "
                + header.logGuid() + ") but LogLength is 0" + (ctx.lenient()
                ? "; the structures are read as stored" : ""));
      }
      return false;
    }
    Fault f = fault(header, ctx.file.size());
    if (f == null) {
      return true;
    }
    if (dirty) {
      LogReplay.refuse(ctx, ProblemCode.VHDX_LOG_PLACEMENT, false, LogReplay.headerSite(header, f.field()),
          f.note() + "; the log must be replayed");
    } else {
      ctx.p.error(ProblemCode.VHDX_LOG_PLACEMENT, true, LogReplay.headerSite(header, f.field()), null, null,
          f.note() + "; the log is empty (LogGuid is zero) and is not read");
    }
    return false;
  }

  /** V8: 1 MiB multiples, after the header section, at most 1 GiB, inside the file. */
  private static @Nullable Fault fault(VhdxHeader header, long fileSize) {
    long offset = header.logOffset();
    long length = header.logLength();
    long mask = LogLayout.ALIGNMENT - 1;
    if ((offset & mask) != 0) {
      return new Fault(HeaderLayout.LOG_OFFSET, "LogOffset " + Long.toUnsignedString(offset)
          + " is not a multiple of 1 MiB");
    }
    if (Long.compareUnsigned(offset, LogLayout.ALIGNMENT) < 0) {
      return new Fault(HeaderLayout.LOG_OFFSET, "LogOffset " + offset + " lies in the 1 MiB header section");
    }
    if ((length & mask) != 0) {
      return new Fault(HeaderLayout.LOG_LENGTH, "LogLength " + length + " is not a multiple of 1 MiB");
    }
    if (length > LogLayout.MAX_LENGTH) {
      return new Fault(HeaderLayout.LOG_LENGTH, "LogLength " + length + " exceeds the 1 GiB a log may take");
    }
    if (Long.compareUnsigned(offset, fileSize) > 0 || offset + length > fileSize) {
      return new Fault(HeaderLayout.LOG_OFFSET, "the log (" + length + " bytes at "
          + Long.toUnsignedString(offset) + ") passes the file's end at " + fileSize);
    }
    return null;
  }
}
