package io.github.vhd4j.internal.vhd;

import static io.github.vhd4j.internal.Fmt.hex32;

import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.internal.Field;
import io.github.vhd4j.internal.Fmt;
import io.github.vhd4j.internal.Place;
import io.github.vhd4j.internal.Problems;
import io.github.vhd4j.internal.vhd.layout.FooterLayout;
import org.jspecify.annotations.Nullable;

/**
 * Compares the footer copy at offset 0 of a dynamic or differencing disk with the footer at the
 * end. QEMU and 7-Zip read a dynamic disk's size and header through the copy, libvhdi and vhd4j
 * through the footer, so an unusable copy, or one that disagrees, makes the tools disagree: check
 * reports it as an error. Opening tolerates an unusable copy, and a copy that differs only in the
 * size fields (original and current size, geometry), as a resize interrupted between its two
 * footer writes leaves it, with a warning; a copy of another disk (type, UUID) or naming another
 * header is an error.
 */
final class HeadCopyComparison {
  private static final Place COPY = new Place(FooterLayout.COPY_STRUCTURE, 0);
  /** Fields whose disagreement changes how the disk reads. */
  private static final Field[] HARD = {FooterLayout.DATA_OFFSET, FooterLayout.ORIGINAL_SIZE,
      FooterLayout.CURRENT_SIZE, FooterLayout.GEOMETRY, FooterLayout.DISK_TYPE, FooterLayout.UNIQUE_ID};
  /** Fields whose disagreement is only a warning. */
  private static final Field[] SOFT = {FooterLayout.FEATURES, FooterLayout.FORMAT_VERSION, FooterLayout.TIMESTAMP,
      FooterLayout.CREATOR, FooterLayout.SAVED_STATE};
  private static final String PEERS = "; QEMU and 7-Zip read that copy (vhd repair rewrites it from the footer)";

  private HeadCopyComparison() {}

  /**
   * Compares the copy with the footer and reports every difference.
   *
   * @param ctx the parse
   * @param tail the footer at the end of the file, in effect
   * @param head the copy at offset 0, or null when the file has no room for one
   */
  static void compare(ParseContext ctx, FooterCandidate tail, @Nullable FooterCandidate head) {
    Problems p = ctx.p;
    Severity unusable = ctx.checking() ? Severity.ERROR : Severity.WARNING;
    if (head == null || !head.cookieOk()) {
      p.add(p.make(unusable, ProblemCode.FOOTER_COPY_INVALID, COPY.site(FooterLayout.COOKIE), "\"conectix\"",
          head == null ? "nothing" : Fmt.cookie(head.cookie()),
          "dynamic disks keep a copy of the footer at offset 0" + PEERS), true);
      return;
    }
    if (!head.checksumOk()) {
      p.add(p.make(unusable, ProblemCode.FOOTER_COPY_INVALID, COPY.site(FooterLayout.CHECKSUM),
          hex32(head.computed()), hex32(head.stored()), "the footer copy at offset 0 is damaged" + PEERS), true);
      return;
    }
    boolean sizeOnly = true;
    for (Field f : HARD) {
      if (!f.sameIn(tail.buf, head.buf)) {
        sizeOnly &= isSizeField(f);
      }
    }
    for (Field f : HARD) {
      if (!f.sameIn(tail.buf, head.buf)) {
        boolean error = ctx.checking() || !sizeOnly;
        p.add(p.make(error ? Severity.ERROR : Severity.WARNING, ProblemCode.FOOTER_COPY_MISMATCH, COPY.site(f),
            Fmt.bytes(f.bytes(tail.buf)), Fmt.bytes(f.bytes(head.buf)),
            sizeOnly ? "the footer copy at offset 0 describes another size (an interrupted resize leaves this);"
                + " the footer at the end is used" + PEERS
                : "the footer copy at offset 0 differs from the footer; the footer at the end is used"), true);
      }
    }
    for (Field f : SOFT) {
      if (!f.sameIn(tail.buf, head.buf)) {
        p.warning(ProblemCode.FOOTER_COPY_MISMATCH, COPY.site(f), Fmt.bytes(f.bytes(tail.buf)),
            Fmt.bytes(f.bytes(head.buf)),
            "the footer copy at offset 0 differs from the footer; the footer at the end is used");
      }
    }
  }

  private static boolean isSizeField(Field f) {
    return f == FooterLayout.ORIGINAL_SIZE || f == FooterLayout.CURRENT_SIZE || f == FooterLayout.GEOMETRY;
  }
}
