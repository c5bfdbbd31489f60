package io.github.vhd4j.internal.vhd;

import io.github.vhd4j.internal.ParseMode;
import static io.github.vhd4j.internal.Fmt.hex32;

import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.internal.Fmt;
import io.github.vhd4j.internal.Place;
import io.github.vhd4j.internal.Problems;
import io.github.vhd4j.internal.Site;
import io.github.vhd4j.internal.StopParsing;
import io.github.vhd4j.internal.vhd.layout.FooterLayout;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Finds the footer (VHD specification, "Hard Disk Footer Format"): the last 512 bytes of the file,
 * or the last 511 of a file written before Virtual PC 2004. When that footer is gone or its
 * checksum is bad, the copy at offset 0 of a dynamic or differencing disk stands in if recovery is
 * allowed. Reports a bad checksum, a lost footer and the use of the copy.
 */
final class FooterLocator {
  private static final Site FILE_LENGTH = new Site("file", "length", -1);

  private final ParseContext ctx;
  private final Problems p;

  private FooterLocator(ParseContext ctx) {
    this.ctx = ctx;
    this.p = ctx.p;
  }

  /**
   * Finds the footer to use.
   *
   * @param ctx the parse
   * @return the footer in effect, the copy at offset 0 and where blocks may end
   * @throws StopParsing when no usable footer exists, or a strict open meets a bad checksum
   * @throws IOException if the file cannot be read
   */
  static FooterChoice locate(ParseContext ctx) throws IOException {
    return new FooterLocator(ctx).locate();
  }

  private FooterChoice locate() throws IOException {
    long len = ctx.length;
    if (len < FooterLayout.SHORT_SIZE) {
      throw p.fatal(ProblemCode.FILE_TOO_SMALL, FILE_LENGTH, "at least " + FooterLayout.SHORT_SIZE + " bytes",
          Long.toString(len), "too small to hold a VHD footer");
    }
    FooterCandidate tail512 = len >= FooterLayout.SIZE
        ? FooterCandidate.read(ctx, len - FooterLayout.SIZE, FooterLayout.SIZE, FooterLayout.STRUCTURE) : null;
    FooterCandidate tail = tail512 != null && tail512.cookieOk() ? tail512 : null;
    if (tail == null && len % FooterLayout.SIZE == FooterLayout.SHORT_SIZE) {
      FooterCandidate c = FooterCandidate.read(ctx, len - FooterLayout.SHORT_SIZE, FooterLayout.SHORT_SIZE,
          FooterLayout.STRUCTURE);
      tail = c.cookieOk() ? c : null;
    }
    long tailPos = tail != null ? tail.offset : len - Math.min(len, FooterLayout.SIZE);
    FooterCandidate head = len >= FooterLayout.SIZE && tailPos != 0
        ? FooterCandidate.read(ctx, 0, FooterLayout.SIZE, FooterLayout.COPY_STRUCTURE) : null;
    FooterChoice choice = choose(tail512, tail, head);
    if (choice.headCopyUsed()) {
      p.warning(ProblemCode.FOOTER_HEAD_COPY_USED, choice.chosen().site(FooterLayout.COOKIE), null, null,
          "the footer at the end of the file is unusable; using the copy at offset 0 (repair rewrites it)");
    }
    FooterCandidate chosen = choice.chosen();
    if (chosen.length == FooterLayout.SHORT_SIZE) {
      p.info(ProblemCode.FOOTER_SHORT, chosen.place.site(FooterLayout.RESERVED, chosen.offset),
          "511-byte footer (written before Virtual PC 2004); the missing last byte counts as zero");
    }
    return choice;
  }

  /**
   * Chooses between the footer at the end ({@code tail}, null when no cookie is there) and the
   * copy at offset 0, which stands in only when it is intact, belongs to a disk that keeps one,
   * and recovery is allowed.
   */
  private FooterChoice choose(@Nullable FooterCandidate tail512, @Nullable FooterCandidate tail,
      @Nullable FooterCandidate head) {
    long len = ctx.length;
    boolean headUsable = head != null && head.cookieOk() && head.checksumOk() && head.isSparseType();
    boolean recovery = ctx.recovery();
    if (tail != null && (tail.checksumOk() || !(headUsable && recovery && tail.isSparseType()))) {
      if (!tail.checksumOk()) {
        Problem bad = reportChecksum(tail, true);
        if (ctx.mode == ParseMode.OPEN && !ctx.options.lenient()) {
          // Strict opening refuses anyway; stop here so the footer is what the error names,
          // not whatever its unverified fields would lead to further on.
          throw new StopParsing(bad, -1, -1);
        }
      }
      return new FooterChoice(tail, head, false, tail.offset);
    }
    if (tail != null) {
      // Tail cookie present, checksum bad, and a valid head copy exists.
      reportChecksum(tail, false);
      return new FooterChoice(head, head, true, len);
    }
    if (headUsable && recovery) {
      long off = len >= FooterLayout.SIZE ? len - FooterLayout.SIZE : 0;
      recordTailLoss(off, tail512 == null ? null : Fmt.cookie(tail512.cookie()));
      return new FooterChoice(head, head, true, len);
    }
    throw noFooter(tail512, head);
  }

  private StopParsing noFooter(@Nullable FooterCandidate tail512, @Nullable FooterCandidate head) {
    long len = ctx.length;
    long off = len >= FooterLayout.SIZE ? len - FooterLayout.SIZE : len - FooterLayout.SHORT_SIZE;
    String found = tail512 == null ? "nothing" : Fmt.cookie(tail512.cookie());
    String note = "no VHD footer at the end of the file";
    if (head != null && head.cookieOk() && head.isSparseType()) {
      note += head.checksumOk()
          ? "; a valid footer copy exists at offset 0 (enable footer recovery)"
          : "; the footer copy at offset 0 is damaged too";
    }
    return p.fatal(ProblemCode.FOOTER_COOKIE, tailSite(off), "\"conectix\"", found, note);
  }

  private Problem reportChecksum(FooterCandidate c, boolean inEffect) {
    String note;
    if (c.checksumOkWithoutHiddenByte()) {
      note = "matches only with the blktap 'hidden' byte (offset 85) cleared, as early tapdisk wrote it";
    } else {
      note = !inEffect ? "using the copy at offset 0 instead"
          : ctx.lenientOpen() ? "footer values used as stored"
          : "no valid copy at offset 0 to fall back to";
    }
    Problem problem = p.make(inEffect || ctx.checking() ? Severity.ERROR : Severity.WARNING,
        ProblemCode.FOOTER_CHECKSUM, c.site(FooterLayout.CHECKSUM), hex32(c.computed()), hex32(c.stored()), note);
    p.add(problem, true);
    return problem;
  }

  /** The footer is gone but the head copy stands in: an error for check, a warning to open. */
  private void recordTailLoss(long offset, @Nullable String found) {
    String note = "no VHD footer at the end of the file; the copy at offset 0 is valid";
    if (ctx.checking()) {
      p.error(ProblemCode.FOOTER_COOKIE, true, tailSite(offset), "\"conectix\"", found, note);
    } else {
      p.warning(ProblemCode.FOOTER_COOKIE, tailSite(offset), "\"conectix\"", found, note);
    }
  }

  private static Site tailSite(long offset) {
    return new Place(FooterLayout.STRUCTURE, offset).site(FooterLayout.COOKIE);
  }
}
