package io.github.vhd4j.internal.vhd;

import static io.github.vhd4j.internal.Fmt.hex32;
import static io.github.vhd4j.internal.Fmt.hex64;

import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.internal.Fmt;
import io.github.vhd4j.internal.Limits;
import io.github.vhd4j.internal.Place;
import io.github.vhd4j.internal.Problems;
import io.github.vhd4j.internal.Sectors;
import io.github.vhd4j.internal.StopParsing;
import io.github.vhd4j.internal.vhd.layout.DynamicHeaderLayout;
import io.github.vhd4j.internal.vhd.layout.FooterLayout;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads the dynamic header (VHD specification, "Dynamic Disk Header Format") where the footer's
 * data offset points and validates its own fields: cookie, checksum, version, the unused data
 * offset, the reserved bytes and the block size. The table's bounds and the parent fields are
 * checked by {@link TableBounds}, {@link ParentFields} and {@link LocatorParser}.
 */
final class DynamicHeaderParser {
  private final ParseContext ctx;
  private final Problems p;
  private final FooterCandidate footer;

  /**
   * The header's bytes as read.
   *
   * @param buf the header from index 0, 1,024 bytes (zeros past the end of the file)
   * @param place its name in problems and its file offset
   * @param present how many of its bytes the file holds before where blocks must end
   */
  record Header(ByteBuffer buf, Place place, int present) {
    long offset() {
      return place.base();
    }

    long blockSize() {
      return DynamicHeaderLayout.BLOCK_SIZE.u32(buf);
    }
  }

  private DynamicHeaderParser(ParseContext ctx, FooterCandidate footer) {
    this.ctx = ctx;
    this.p = ctx.p;
    this.footer = footer;
  }

  /**
   * Reads and validates the header.
   *
   * @param ctx the parse
   * @param footer the footer in effect, whose data offset locates the header
   * @param offset the footer's data offset
   * @param dataEnd where structures must end
   * @return the header's bytes
   * @throws StopParsing when no header is there or its block size is unusable
   * @throws IOException if the file cannot be read
   */
  static Header read(ParseContext ctx, FooterCandidate footer, long offset, long dataEnd) throws IOException {
    return new DynamicHeaderParser(ctx, footer).read(offset, dataEnd);
  }

  private Header read(long hdrOff, long dataEnd) throws IOException {
    if (hdrOff < FooterLayout.SIZE || hdrOff >= dataEnd) {
      throw p.fatal(ProblemCode.FOOTER_DATA_OFFSET, footer.site(FooterLayout.DATA_OFFSET),
          FooterLayout.SIZE + " to " + (dataEnd - DynamicHeaderLayout.SIZE) + " (a dynamic header inside the file)",
          hex64(hdrOff), null);
    }
    // A header cut off by the end of the file is reported after the fields that are present have
    // been validated (see reportCutOff): a structural fault among them is the root cause to name.
    int present = (int) Math.min(DynamicHeaderLayout.SIZE, dataEnd - hdrOff);
    Header h = new Header(ctx.read(hdrOff, DynamicHeaderLayout.SIZE, present),
        new Place(DynamicHeaderLayout.STRUCTURE, hdrOff), present);
    cookie(h);
    fields(h);
    blockSize(h);
    return h;
  }

  private void cookie(Header h) {
    boolean misaligned = h.offset() % Sectors.SIZE != 0;
    if (!DynamicHeaderLayout.COOKIE.matches(h.buf, DynamicHeaderLayout.COOKIE_VALUE)) {
      if (misaligned) {
        // No header behind a misaligned pointer: the footer field is what is broken.
        throw p.fatal(ProblemCode.FOOTER_DATA_OFFSET, footer.site(FooterLayout.DATA_OFFSET),
            "a multiple of 512 pointing at a \"cxsparse\" header", hex64(h.offset()),
            "no dynamic header at this misaligned offset");
      }
      throw p.fatal(ProblemCode.HEADER_COOKIE, h.place.site(DynamicHeaderLayout.COOKIE), "\"cxsparse\"",
          Fmt.cookie(DynamicHeaderLayout.COOKIE.bytes(h.buf)), null);
    }
    if (misaligned) {
      p.error(ProblemCode.FOOTER_DATA_OFFSET, true, footer.site(FooterLayout.DATA_OFFSET), "a multiple of 512",
          hex64(h.offset()), "the dynamic header must start on a sector boundary");
    }
  }

  private void fields(Header h) {
    ByteBuffer b = h.buf;
    long stored = DynamicHeaderLayout.CHECKSUM.u32(b);
    long sum = DynamicHeaderLayout.checksum(b);
    if (stored != sum) {
      p.error(ProblemCode.HEADER_CHECKSUM, true, h.place.site(DynamicHeaderLayout.CHECKSUM), hex32(sum),
          hex32(stored), null);
    }
    long version = DynamicHeaderLayout.HEADER_VERSION.u32(b);
    if (version != DynamicHeaderLayout.VERSION_1_0) {
      p.error(ProblemCode.HEADER_VERSION, (version >>> 16) == 1, h.place.site(DynamicHeaderLayout.HEADER_VERSION),
          hex32(DynamicHeaderLayout.VERSION_1_0), hex32(version), null);
    }
    long next = DynamicHeaderLayout.DATA_OFFSET.u64(b);
    if (next != DynamicHeaderLayout.NO_DATA_OFFSET) {
      p.warning(ProblemCode.HEADER_NEXT_OFFSET, h.place.site(DynamicHeaderLayout.DATA_OFFSET),
          hex64(DynamicHeaderLayout.NO_DATA_OFFSET), hex64(next),
          next == 0xFFFFFFFFL ? "written by QEMU before 2011; the field is unused and never followed"
              : "the field is unused and never followed");
    }
    boolean reserved1 = DynamicHeaderLayout.RESERVED_1.u32(b) != 0;
    if (reserved1 || !DynamicHeaderLayout.RESERVED_2.isZero(b)) {
      p.warning(ProblemCode.HEADER_RESERVED,
          h.place.site(reserved1 ? DynamicHeaderLayout.RESERVED_1 : DynamicHeaderLayout.RESERVED_2), "zero", null,
          "reserved header fields are not zero");
    }
  }

  /** Block size: a power of two, at least one sector, at most this library's cap. */
  private void blockSize(Header h) {
    long blockSize = h.blockSize();
    if (blockSize < Sectors.SIZE || Long.bitCount(blockSize) != 1) {
      throw p.fatal(ProblemCode.BLOCK_SIZE_INVALID, h.place.site(DynamicHeaderLayout.BLOCK_SIZE),
          "a power of two of at least 512", Long.toString(blockSize), null);
    }
    if (blockSize > Limits.MAX_BLOCK_SIZE) {
      throw p.limit(ProblemCode.BLOCK_SIZE_LIMIT, h.place.site(DynamicHeaderLayout.BLOCK_SIZE), blockSize,
          Limits.MAX_BLOCK_SIZE, "block size above this library's cap of 256 MiB");
    }
    if (blockSize != 512 * 1024 && blockSize != 2 * 1024 * 1024) {
      p.info(ProblemCode.BLOCK_SIZE_NONSTANDARD, h.place.site(DynamicHeaderLayout.BLOCK_SIZE),
          "block size " + blockSize + " is legal, but some tools handle only 512 KiB and 2 MiB");
    }
  }

  /**
   * Reports a header cut off by the end of the file, after everything it holds was validated. The
   * image can never open either way.
   *
   * @param ctx the parse
   * @param footer the footer in effect
   * @param h the header
   */
  static void reportCutOff(ParseContext ctx, FooterCandidate footer, Header h) {
    if (h.present() < DynamicHeaderLayout.SIZE) {
      ctx.p.error(ProblemCode.FOOTER_DATA_OFFSET, false, footer.site(FooterLayout.DATA_OFFSET),
          "a " + DynamicHeaderLayout.SIZE + "-byte dynamic header inside the file", hex64(h.offset()),
          "the header is cut off after " + h.present() + " bytes by the end of the file");
    }
  }
}
