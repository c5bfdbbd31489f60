package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.VhdxHeader;
import io.github.vhd4j.VhdxLogState;
import io.github.vhd4j.internal.Site;
import io.github.vhd4j.internal.ParseMode;
import io.github.vhd4j.internal.vhdx.layout.HeaderLayout;
import io.github.vhd4j.internal.vhdx.layout.LogLayout;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Replays a dirty log in memory (MS-VHDX 2.3.3) before any other structure is read: the file is
 * never written (MS-VHDX note 5; ). Checks the log's placement (vhdx.md V7-V9), finds
 * the active sequence ({@link LogScanner}), refuses what cannot be replayed (V17, V22, V23) and
 * reads the file through a {@link ReplayedStorage} from then on. A log whose LogGuid is zero is
 * never replayed, whatever entries it holds.
 */
public final class LogReplay {
  private LogReplay() {}

  /**
   * What a replay found and, when it replayed, the file as replayed.
   *
   * @param state the log's state
   * @param overlay the replayed file, or null when nothing was replayed
   */
  record Outcome(VhdxLogState state, @Nullable ReplayedStorage overlay) {}

  /**
   * Replays the log the current header names, if it names one: afterwards {@code ctx.storage}
   * reads the file as the replay would have left it and {@code ctx.length} is the length it
   * would have, while the file itself is untouched. A replay is reported as {@link
   * ProblemCode#VHDX_LOG_DIRTY}: a note when opening, a warning when checking.
   *
   * <p>A log that must be replayed but holds no valid sequence is refused; a lenient open reports
   * it and reads the structures as stored.
   *
   * @param ctx the parse
   * @param header the current header
   * @return what was found and replayed
   * @throws IOException if the log cannot be read
   * @throws io.github.vhd4j.internal.StopParsing if the log cannot be replayed and the parse must
   *     stop
   */
  public static VhdxLogState replay(VhdxParseContext ctx, VhdxHeader header) throws IOException {
    Outcome o = plan(ctx, header);
    ReplayedStorage overlay = o.overlay();
    if (overlay != null) {
      ctx.storage = overlay;
      ctx.length = overlay.size();
      VhdxLogState s = o.state();
      String note = "the file was not closed cleanly: its log was replayed in memory, the file is unchanged ("
          + s.entries() + (s.entries() == 1 ? " entry" : " entries") + ", sequence numbers "
          + Long.toUnsignedString(s.firstSequence()) + " to " + Long.toUnsignedString(s.lastSequence()) + ", "
          + s.bytes() + " bytes); vhd repair replays it into the file";
      Site site = headerSite(header, HeaderLayout.LOG_GUID);
      if (ctx.checking()) {
        ctx.p.warning(ProblemCode.VHDX_LOG_DIRTY, site, null, null, note);
      } else {
        ctx.p.info(ProblemCode.VHDX_LOG_DIRTY, site, note);
      }
    }
    return o.state();
  }

  /**
   * Checks the log and resolves its replay without touching {@code ctx.storage}: the part the
   * in-memory replay and the replay into the file ({@link LogFileReplay}) share.
   *
   * @param ctx the parse; its problems receive what is wrong
   * @param header the current header
   * @return the state, with the replayed file when there is something to replay and it can be
   *     replayed
   * @throws IOException if the log cannot be read
   */
  static Outcome plan(VhdxParseContext ctx, VhdxHeader header) throws IOException {
    boolean dirty = header.logDirty();
    if (!LogPlacement.check(ctx, header) || !dirty) {
      return new Outcome(unreplayed(header), null);
    }
    // V20 holds in every mode: accepting a padded entry only when lenient could make a lenient open
    // find another active sequence, and so another disk, than a strict open of the same file.
    LogScanner scanner = new LogScanner(ctx.file, header.logOffset(), header.logLength(), header.logGuid());
    LogScanner.Active active = scanner.findActive();
    if (ctx.checking()) {
      // Faulty entries outside the active sequence are normal after a crash (a torn last write);
      // a check lists the first few, an open does not.
      for (LogEntryReader.Rejection r : scanner.rejections()) {
        ctx.p.info(ProblemCode.VHDX_LOG_ENTRY, r.site(), "entry not replayed: " + r.reason());
      }
    }
    if (active == null) {
      noActiveSequence(ctx, header, scanner);
      return new Outcome(unreplayed(header), null);
    }
    if (!LogBounds.check(ctx, scanner.ring(), active)) {
      return new Outcome(unreplayed(header), null);
    }
    return new Outcome(state(header, active), build(ctx, header, scanner, active));
  }

  /** V17: no valid sequence. Refused; a lenient open goes on with the structures as stored. */
  private static void noActiveSequence(VhdxParseContext ctx, VhdxHeader header, LogScanner scanner) {
    StringBuilder note = new StringBuilder("the header asks for a log replay but the log holds no valid"
        + " sequence of entries");
    if (!scanner.rejections().isEmpty()) {
      LogEntryReader.Rejection r = scanner.rejections().get(0);
      note.append("; the first entry of this log found invalid, at ").append(r.site().offset()).append(", has ")
          .append(r.site().field()).append(": ").append(r.reason());
    } else {
      note.append("; no entry carries the header's LogGuid");
    }
    if (ctx.lenient()) {
      note.append("; the structures are read as stored, without the log");
    }
    refuse(ctx, ProblemCode.VHDX_LOG_NO_ACTIVE_SEQUENCE, true,
        new Site(LogLayout.STRUCTURE, "entries", header.logOffset()), note.toString());
  }

  /** Reads the replayed entries' descriptors again, this time into the overlay. */
  private static @Nullable ReplayedStorage build(VhdxParseContext ctx, VhdxHeader header, LogScanner scanner,
      LogScanner.Active active) throws IOException {
    long data = 0;
    long zero = 0;
    long size = ctx.file.size();
    for (LogEntry e : active.entries()) {
      data += e.dataSectors();
      zero += e.descriptors() - e.dataSectors();
      size = Math.max(size, e.maxEnd());
    }
    size = Math.max(size, active.head().lastFileOffset());
    OverlayBuilder overlay = new OverlayBuilder((int) data, (int) zero);
    LogEntryReader reader = new LogEntryReader(scanner.ring(), header.logGuid());
    for (LogEntry e : active.entries()) {
      if (reader.read(e.position(), overlay) == null) {
        // The entry was valid a moment ago: the file changed under the parse.
        refuse(ctx, ProblemCode.VHDX_LOG_ENTRY, false, new Site(LogLayout.ENTRY_STRUCTURE, "checksum",
            scanner.ring().fileOffset(e.position())), "the log entry changed while it was read");
        return null;
      }
    }
    return overlay.build(ctx.file, size);
  }

  private static VhdxLogState state(VhdxHeader header, LogScanner.Active active) {
    long bytes = 0;
    for (LogEntry e : active.entries()) {
      long sum = bytes + e.bytes();
      bytes = sum < 0 ? Long.MAX_VALUE : sum;
    }
    LogEntry head = active.head();
    return new VhdxLogState(header.logGuid(), header.logOffset(), header.logLength(), true, true,
        active.entries().size(), active.entries().get(0).sequence(), head.sequence(), bytes,
        head.lastFileOffset());
  }

  /**
   * The state of a log that is clean, or dirty but not replayed.
   *
   * @param header the current header
   * @return the state
   */
  static VhdxLogState unreplayed(VhdxHeader header) {
    return new VhdxLogState(header.logGuid(), header.logOffset(), header.logLength(), header.logDirty(), false,
        0, 0, 0, 0, 0);
  }

  /**
   * The site of a field of the current header.
   *
   * @param header the header
   * @param field one of {@link HeaderLayout}'s fields
   * @return its site
   */
  static Site headerSite(VhdxHeader header, io.github.vhd4j.internal.Field field) {
    return HeaderLayout.place(header.copy()).site(field);
  }

  /**
   * Records an error that stops the replay: an open stops unless it is lenient and the problem is
   * one lenient mode may read past; a check records it and goes on without the replay.
   *
   * @param ctx the parse
   * @param code the problem
   * @param lenientRecoverable whether a lenient open may go on without the replay (a ⚠ item of
   *     vhdx.md §9)
   * @param site where
   * @param note what and why
   */
  static void refuse(VhdxParseContext ctx, ProblemCode code, boolean lenientRecoverable, Site site, String note) {
    if (ctx.mode == ParseMode.OPEN && !(lenientRecoverable && ctx.lenient())) {
      throw ctx.p.fatal(code, site, null, null, note);
    }
    ctx.p.error(code, lenientRecoverable, site, null, null, note);
  }
}
