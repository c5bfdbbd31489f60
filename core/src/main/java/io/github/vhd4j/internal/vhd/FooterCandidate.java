package io.github.vhd4j.internal.vhd;

import io.github.vhd4j.DiskType;
import io.github.vhd4j.internal.Field;
import io.github.vhd4j.internal.Place;
import io.github.vhd4j.internal.Site;
import io.github.vhd4j.internal.vhd.layout.FooterLayout;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The bytes read from one place a footer may be: the end of the file or the copy at offset 0.
 * The buffer always holds 512 bytes; a 511-byte footer, written before Virtual PC 2004, lacks the
 * last reserved byte, which counts as zero for the checksum.
 */
final class FooterCandidate {
  /** The file offset the bytes were read from. */
  final long offset;
  /** 512, or 511 for a short footer. */
  final int length;
  /** The footer from index 0, 512 bytes. */
  final ByteBuffer buf;
  /** Its name in problems and its offset. */
  final Place place;

  /**
   * Wraps footer bytes already read.
   *
   * @param offset the file offset they came from
   * @param length the bytes the file holds there, 511 or 512
   * @param structure {@link FooterLayout#STRUCTURE} or {@link FooterLayout#COPY_STRUCTURE}
   * @param buf the footer from index 0, 512 bytes
   */
  FooterCandidate(long offset, int length, String structure, ByteBuffer buf) {
    this.offset = offset;
    this.length = length;
    this.buf = buf;
    this.place = new Place(structure, offset);
  }

  /**
   * Reads a candidate from the file.
   *
   * @param ctx the parse
   * @param offset the file offset
   * @param length 511 or 512
   * @param structure its name in problems
   * @return the candidate
   * @throws IOException if the file cannot be read
   */
  static FooterCandidate read(ParseContext ctx, long offset, int length, String structure) throws IOException {
    return new FooterCandidate(offset, length, structure, ctx.read(offset, FooterLayout.SIZE, length));
  }

  /**
   * The site of one of the footer's fields.
   *
   * @param field a footer field
   * @return its name and absolute offset in this candidate
   */
  Site site(Field field) {
    return place.site(field);
  }

  String structure() {
    return place.structure();
  }

  boolean cookieOk() {
    return FooterLayout.COOKIE.matches(buf, FooterLayout.COOKIE_VALUE);
  }

  byte[] cookie() {
    return FooterLayout.COOKIE.bytes(buf);
  }

  long stored() {
    return FooterLayout.CHECKSUM.u32(buf);
  }

  long computed() {
    return FooterLayout.checksum(buf);
  }

  boolean checksumOk() {
    return stored() == computed();
  }

  /** Early tapdisk set the "hidden" byte without updating the checksum. */
  boolean checksumOkWithoutHiddenByte() {
    int hidden = FooterLayout.HIDDEN.u8(buf);
    return hidden != 0 && ((computed() + hidden) & 0xFFFFFFFFL) == stored();
  }

  /** Tells whether the disk type field names a disk with a dynamic header, which has a head copy. */
  boolean isSparseType() {
    long t = FooterLayout.DISK_TYPE.u32(buf);
    return t == DiskType.DYNAMIC.code() || t == DiskType.DIFFERENCING.code();
  }
}
