package io.github.vhd4j.internal.vhd;

import static io.github.vhd4j.internal.Fmt.hex32;
import static io.github.vhd4j.internal.Fmt.hex64;

import io.github.vhd4j.DiskType;
import io.github.vhd4j.Footer;
import io.github.vhd4j.Geometry;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.internal.Fmt;
import io.github.vhd4j.internal.Problems;
import io.github.vhd4j.internal.Sectors;
import io.github.vhd4j.internal.StopParsing;
import io.github.vhd4j.internal.vhd.layout.FooterLayout;
import java.nio.ByteBuffer;

/**
 * Validates the fields of the footer in effect (VHD specification, "Hard Disk Footer Format") and
 * decodes it. The disk type decides everything else, so an unknown one stops the parse; every other
 * field is reported and parsing goes on.
 */
final class FooterValidator {
  private final ParseContext ctx;
  private final Problems p;
  private final FooterCandidate c;

  private FooterValidator(ParseContext ctx, FooterCandidate c) {
    this.ctx = ctx;
    this.p = ctx.p;
    this.c = c;
  }

  /**
   * Validates and decodes a footer.
   *
   * @param ctx the parse
   * @param c the footer in effect
   * @return the footer as stored
   * @throws StopParsing for an unknown disk type or a current size of 2^63 or more
   */
  static Footer validate(ParseContext ctx, FooterCandidate c) {
    return new FooterValidator(ctx, c).validate();
  }

  private Footer validate() {
    long typeCode = FooterLayout.DISK_TYPE.u32(c.buf);
    DiskType type = DiskType.fromCode(typeCode);
    if (type == null) {
      throw p.fatal(ProblemCode.FOOTER_DISK_TYPE, c.site(FooterLayout.DISK_TYPE),
          "2 (fixed), 3 (dynamic) or 4 (differencing)", Long.toString(typeCode), null);
    }
    Footer f = FooterLayout.decode(c.buf, type);
    features(f.features());
    version(f.formatVersion());
    dataOffset(type, f.dataOffset());
    creation(f);
    sizes(f.originalSize(), f.currentSize());
    validateGeometry(f.geometry(), f.currentSize());
    identity(f);
    reserved(c.buf);
    return f;
  }

  private void features(long features) {
    if ((features & FooterLayout.FEATURE_RESERVED) == 0) {
      p.warning(ProblemCode.FOOTER_FEATURES, c.site(FooterLayout.FEATURES), "bit 0x2 set", hex32(features),
          "the reserved bit must always be set (old Virtual PC for Mac images omit it)");
    }
    if ((features & ~(FooterLayout.FEATURE_RESERVED | FooterLayout.FEATURE_TEMPORARY)) != 0) {
      p.warning(ProblemCode.FOOTER_FEATURES, c.site(FooterLayout.FEATURES), "only bits 0x1 and 0x2",
          hex32(features), "unknown feature bits");
    }
  }

  private void version(long version) {
    if (version != FooterLayout.VERSION_1_0) {
      // A different major version may change the layout; a different minor version may not.
      p.error(ProblemCode.FOOTER_VERSION, (version >>> 16) == 1, c.site(FooterLayout.FORMAT_VERSION),
          hex32(FooterLayout.VERSION_1_0), hex32(version), null);
    }
  }

  private void dataOffset(DiskType type, long dataOffset) {
    if (type != DiskType.FIXED || dataOffset == FooterLayout.NO_DATA_OFFSET) {
      return;
    }
    if (dataOffset == 0xFFFFFFFFL) {
      p.warning(ProblemCode.FOOTER_DATA_OFFSET, c.site(FooterLayout.DATA_OFFSET), hex64(FooterLayout.NO_DATA_OFFSET),
          hex64(dataOffset), "the 32-bit all-ones value of the specification's text; tools write 64 bits");
    } else {
      p.error(ProblemCode.FOOTER_DATA_OFFSET, true, c.site(FooterLayout.DATA_OFFSET),
          hex64(FooterLayout.NO_DATA_OFFSET), hex64(dataOffset), "fixed disks have no dynamic header");
    }
  }

  private void creation(Footer f) {
    if (ctx.inFuture(f.timestamp())) {
      p.warning(ProblemCode.FOOTER_TIMESTAMP, c.site(FooterLayout.TIMESTAMP), null,
          Footer.VHD_EPOCH_SECONDS + f.timestamp() + " (Unix seconds)", "creation time lies in the future");
    }
    String creatorOs = f.creatorHostOs();
    if (!creatorOs.equals("Wi2k") && !creatorOs.equals("Mac ")) {
      p.info(ProblemCode.FOOTER_CREATOR_OS, c.site(FooterLayout.CREATOR_HOST_OS),
          "creator host OS " + Fmt.fourCc(creatorOs) + " is neither \"Wi2k\" nor \"Mac \"");
    }
  }

  private void sizes(long originalSize, long currentSize) {
    if (currentSize < 0) {
      throw p.fatal(ProblemCode.FOOTER_CURRENT_SIZE, c.site(FooterLayout.CURRENT_SIZE), "below 2^63",
          Long.toUnsignedString(currentSize), null);
    }
    if (currentSize % Sectors.SIZE != 0) {
      p.error(ProblemCode.FOOTER_CURRENT_SIZE, true, c.site(FooterLayout.CURRENT_SIZE), "a multiple of 512",
          Long.toString(currentSize), "the partial last sector is not readable");
    }
    if (originalSize != currentSize) {
      p.info(ProblemCode.FOOTER_ORIGINAL_SIZE, c.site(FooterLayout.ORIGINAL_SIZE),
          "original size " + Long.toUnsignedString(originalSize) + " differs from current size "
              + currentSize + " (the disk was resized)");
    }
  }

  private void validateGeometry(Geometry g, long currentSize) {
    if (g.isMaximum()) {
      return;
    }
    if (g.heads() > 16 || g.cylinders() != 0 && (g.heads() == 0 || g.sectorsPerTrack() == 0)) {
      p.warning(ProblemCode.FOOTER_GEOMETRY, c.site(FooterLayout.GEOMETRY), "heads 1-16, sectors 1-255",
          g.toString(), "not a geometry the specification's algorithm produces");
    } else if (!sameGeometry(g, Geometry.forSize(currentSize)) && g.capacity() <= currentSize) {
      p.info(ProblemCode.FOOTER_GEOMETRY, c.site(FooterLayout.GEOMETRY),
          "geometry " + g + " differs from " + Geometry.forSize(currentSize)
              + ", which the specification's algorithm gives for the current size");
    }
  }

  /**
   * Compares two geometries field by field: the record's own {@code equals} is bootstrapped through
   * {@code invokedynamic} on first use, a start-up cost every open would pay in a fresh JVM.
   */
  private static boolean sameGeometry(Geometry a, Geometry b) {
    return a.cylinders() == b.cylinders() && a.heads() == b.heads() && a.sectorsPerTrack() == b.sectorsPerTrack();
  }

  private void identity(Footer f) {
    if (f.uniqueId().getMostSignificantBits() == 0 && f.uniqueId().getLeastSignificantBits() == 0) {
      p.warning(ProblemCode.FOOTER_UUID, c.site(FooterLayout.UNIQUE_ID), "a non-null UUID",
          f.uniqueId().toString(), "old QEMU versions wrote a null UUID");
    }
    int saved = f.savedState();
    if (saved == 1) {
      p.info(ProblemCode.FOOTER_SAVED_STATE, c.site(FooterLayout.SAVED_STATE),
          "the disk is in a saved state; it must not be compacted or expanded");
    } else if (saved != 0) {
      p.warning(ProblemCode.FOOTER_SAVED_STATE, c.site(FooterLayout.SAVED_STATE), "0 or 1", Integer.toString(saved),
          null);
    }
  }

  private void reserved(ByteBuffer b) {
    int hidden = FooterLayout.HIDDEN.u8(b);
    if (hidden != 0) {
      p.warning(ProblemCode.FOOTER_RESERVED, c.site(FooterLayout.HIDDEN), "0", Integer.toString(hidden),
          "byte 85 is blktap's 'hidden' flag");
    }
    if (!FooterLayout.RESERVED_AFTER_HIDDEN.isZero(b)) {
      int first = FooterLayout.RESERVED_AFTER_HIDDEN.offset();
      while (b.get(first) == 0) {
        first++;
      }
      p.warning(ProblemCode.FOOTER_RESERVED, c.place.site(FooterLayout.RESERVED_AFTER_HIDDEN, c.offset + first), "zero",
          String.format("0x%02x", b.get(first) & 0xFF), "reserved bytes 86-511 are not zero");
    }
  }
}
