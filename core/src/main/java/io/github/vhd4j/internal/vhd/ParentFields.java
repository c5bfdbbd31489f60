package io.github.vhd4j.internal.vhd;

import io.github.vhd4j.DiskType;
import io.github.vhd4j.Footer;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.internal.Place;
import io.github.vhd4j.internal.Problems;
import io.github.vhd4j.internal.vhd.layout.DynamicHeaderLayout;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.UUID;

/**
 * Validates the dynamic header's parent fields (parent UUID, time stamp and name): a differencing
 * disk needs them to find its parent; any other disk should leave them, and the locator entries,
 * zero.
 */
final class ParentFields {
  private ParentFields() {}

  /**
   * Checks a differencing disk's parent UUID, time stamp and name.
   *
   * @param ctx the parse
   * @param h the dynamic header
   * @param name the decoded parent name
   */
  static void checkDifferencing(ParseContext ctx, DynamicHeaderParser.Header h, String name) {
    Problems p = ctx.p;
    Place at = h.place();
    UUID parentUuid = DynamicHeaderLayout.PARENT_UUID.uuid(h.buf());
    if (isNull(parentUuid)) {
      if (ctx.options.verifyParentUuid()) {
        p.error(ProblemCode.PARENT_UUID_NULL, false, at.site(DynamicHeaderLayout.PARENT_UUID), "a non-null UUID",
            parentUuid.toString(), "a null parent UUID marks a raw (non-VHD) parent, which is not supported");
      } else {
        p.warning(ProblemCode.PARENT_UUID_NULL, at.site(DynamicHeaderLayout.PARENT_UUID), "a non-null UUID",
            parentUuid.toString(), "UUID verification is off; the parent is matched by size");
      }
    }
    long parentTs = DynamicHeaderLayout.PARENT_TIMESTAMP.u32(h.buf());
    if (ctx.inFuture(parentTs)) {
      p.warning(ProblemCode.PARENT_TIMESTAMP, at.site(DynamicHeaderLayout.PARENT_TIMESTAMP), null,
          Footer.VHD_EPOCH_SECONDS + parentTs + " (Unix seconds)", "parent time stamp lies in the future");
    }
    if (name.isEmpty()) {
      p.warning(ProblemCode.PARENT_NAME, at.site(DynamicHeaderLayout.PARENT_NAME), "the parent's file name", "\"\"",
          "empty parent name");
    } else if (name.indexOf('\uFFFD') >= 0) {
      p.warning(ProblemCode.PARENT_NAME, at.site(DynamicHeaderLayout.PARENT_NAME), "valid UTF-16BE", null,
          "malformed UTF-16 (unpaired surrogates) replaced by U+FFFD");
    }
  }

  /**
   * Warns when a disk without a parent carries parent fields or locator entries; they are ignored.
   *
   * @param ctx the parse
   * @param h the dynamic header
   * @param name the decoded parent name
   * @param type the disk's type
   */
  static void checkUnused(ParseContext ctx, DynamicHeaderParser.Header h, String name, DiskType type) {
    ByteBuffer b = h.buf();
    boolean any = !isNull(DynamicHeaderLayout.PARENT_UUID.uuid(b)) || DynamicHeaderLayout.PARENT_TIMESTAMP.u32(b) != 0
        || !name.isEmpty() || !DynamicHeaderLayout.PARENT_LOCATORS.isZero(b);
    if (any) {
      ctx.p.warning(ProblemCode.HEADER_PARENT_FIELDS, h.place().site(DynamicHeaderLayout.PARENT_UUID), "zero", null,
          "a " + type.name().toLowerCase(Locale.ROOT) + " disk carries parent fields; they are ignored");
    }
  }

  private static boolean isNull(UUID u) {
    return u.getMostSignificantBits() == 0 && u.getLeastSignificantBits() == 0;
  }
}
