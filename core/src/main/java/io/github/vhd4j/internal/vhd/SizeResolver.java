package io.github.vhd4j.internal.vhd;

import io.github.vhd4j.Footer;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.SizeInfo;
import io.github.vhd4j.SizePolicy;
import io.github.vhd4j.SizeSource;
import io.github.vhd4j.internal.Limits;
import io.github.vhd4j.internal.Place;
import io.github.vhd4j.internal.Sectors;
import io.github.vhd4j.internal.vhd.layout.FooterLayout;

/**
 * Decides the disk's size from the footer's two sources, the current size and the geometry, by
 * the size policy; checks a fixed disk's size against the data before its footer and a dynamic
 * disk's size against the format's cap.
 */
final class SizeResolver {
  private SizeResolver() {}

  /**
   * Chooses the size the disk is read with.
   *
   * @param ctx the parse
   * @param f the footer
   * @param c where the footer was read, for the problems' offsets
   * @return every size and the one chosen
   */
  static SizeInfo sizes(ParseContext ctx, Footer f, FooterCandidate c) {
    long current = f.currentSize();
    long chs = f.geometry().capacity();
    SizePolicy policy = ctx.options.sizePolicy();
    boolean useChs = usesChs(policy, f);
    long virtual = (useChs ? chs : current) / Sectors.SIZE * Sectors.SIZE;
    if (useChs && chs > current) {
      virtual = current / Sectors.SIZE * Sectors.SIZE;
      ctx.p.warning(ProblemCode.FOOTER_GEOMETRY, c.site(FooterLayout.GEOMETRY), "at most the current size " + current,
          chs + " (" + f.geometry() + ")",
          "the geometry describes more than the current size; the disk is limited to the current size");
    } else if (chs > current && !f.geometry().isMaximum()) {
      // Wrong whichever size the policy chose: a tool sizing by CHS would read past the disk.
      ctx.p.warning(ProblemCode.FOOTER_GEOMETRY, c.site(FooterLayout.GEOMETRY), "at most the current size " + current,
          chs + " (" + f.geometry() + ")",
          "the geometry describes more than the current size; the current size is used");
    } else if (chs != current && !f.geometry().isMaximum()) {
      ctx.p.info(ProblemCode.SIZE_SOURCES_DIFFER, c.site(useChs ? FooterLayout.GEOMETRY : FooterLayout.CURRENT_SIZE),
          "CHS size " + chs + " and current size " + current + " differ; size policy " + policy
              + " uses the " + (useChs ? "CHS size" : "current size"));
    }
    return new SizeInfo(virtual, useChs ? SizeSource.CHS : SizeSource.CURRENT_SIZE, policy, current,
        f.originalSize(), chs);
  }

  private static boolean usesChs(SizePolicy policy, Footer f) {
    if (f.geometry().isMaximum()) {
      // The largest geometry means "see the current size".
      return false;
    }
    switch (policy) {
      case CHS:
        return true;
      case CURRENT_SIZE:
        return false;
      default:
        // QEMU 10: only Virtual PC and old QEMU images are sized by their geometry.
        String app = f.creatorApplication();
        return app.equals("vpc ") || app.equals("qemu");
    }
  }

  /**
   * Checks the current size of a fixed disk against the data before its footer. A disk whose data
   * is shorter than its current size is truncated and never opens. One whose data is longer is an
   * error too, but its content is unambiguous: lenient opening sizes it by the data before the
   * footer, as QEMU does, rather than drop what the footer does not count (a current size of 0
   * would otherwise read as an empty disk).
   *
   * @param ctx the parse
   * @param f the footer
   * @param sizes the sizes the policy chose
   * @param footerOffset the footer's offset, where the data ends
   * @return the sizes to read the disk with
   */
  static SizeInfo fixedLayout(ParseContext ctx, Footer f, SizeInfo sizes, long footerOffset) {
    long current = f.currentSize();
    Place footer = new Place(FooterLayout.STRUCTURE, footerOffset);
    if (current > footerOffset) {
      ctx.p.error(ProblemCode.FIXED_SIZE_MISMATCH, false, footer.site(FooterLayout.CURRENT_SIZE),
          "at most " + footerOffset + " (the data before the footer)", Long.toString(current),
          "the fixed disk is truncated");
      return sizes;
    }
    if (current == footerOffset) {
      return sizes;
    }
    boolean byFile = ctx.lenientOpen();
    long data = footerOffset / Sectors.SIZE * Sectors.SIZE;
    ctx.p.error(ProblemCode.FIXED_SIZE_MISMATCH, true, footer.site(FooterLayout.CURRENT_SIZE),
        Long.toString(footerOffset) + " (the data before the footer)", Long.toString(current),
        byFile ? "lenient mode sizes the disk by the " + data + " bytes before the footer"
            : (footerOffset - current) + " bytes between the data and the footer are ignored");
    return byFile ? new SizeInfo(data, SizeSource.FILE_LENGTH, sizes.policy(), current, sizes.originalSize(),
        sizes.chsSize()) : sizes;
  }

  /**
   * Checks a dynamic or differencing disk's size against the format's cap of 0xFF000000 sectors:
   * an error for the size read, a warning for a current size the policy did not choose.
   *
   * @param ctx the parse
   * @param f the footer
   * @param sizes the sizes the policy chose
   * @param c where the footer was read
   */
  static void sparseLimit(ParseContext ctx, Footer f, SizeInfo sizes, FooterCandidate c) {
    long virtual = sizes.virtualSize();
    if (virtual > Limits.MAX_DYNAMIC_SIZE) {
      ctx.p.error(ProblemCode.SIZE_LIMIT, true,
          c.site(sizes.source() == SizeSource.CHS ? FooterLayout.GEOMETRY : FooterLayout.CURRENT_SIZE),
          "at most " + Limits.MAX_DYNAMIC_SIZE + " (2040 GiB)", Long.toString(virtual),
          "dynamic and differencing disks address at most 0xFF000000 sectors");
    } else if (f.currentSize() > Limits.MAX_DYNAMIC_SIZE) {
      ctx.p.warning(ProblemCode.SIZE_LIMIT, c.site(FooterLayout.CURRENT_SIZE),
          "at most " + Limits.MAX_DYNAMIC_SIZE + " (2040 GiB)", Long.toString(f.currentSize()), null);
    }
  }
}
