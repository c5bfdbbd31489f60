package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.VhdxHeader;
import io.github.vhd4j.internal.Fmt;
import io.github.vhd4j.internal.Site;
import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.vhdx.layout.Guids;
import io.github.vhd4j.internal.vhdx.layout.HeaderLayout;
import io.github.vhd4j.internal.vhdx.layout.IdentifierLayout;
import io.github.vhd4j.internal.vhdx.layout.Le;
import io.github.vhd4j.internal.vhdx.layout.LogLayout;
import io.github.vhd4j.internal.vhdx.layout.VhdxCrc;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * Both header copies as stored, for a writer that updates them (MS-VHDX 2.2.2.1): the minimum a
 * replay into the file needs to know before it writes (identifier, which copy is current, its
 * version), with the copies' bytes kept so that an update changes only the fields it means to.
 */
final class HeaderPair {
  private final ByteBuffer[] copies = new ByteBuffer[2];
  private final boolean[] valid = new boolean[2];
  /** 1 or 2. */
  private final int current;

  private HeaderPair(ByteBuffer h1, ByteBuffer h2, boolean v1, boolean v2, int current) {
    copies[0] = h1;
    copies[1] = h2;
    valid[0] = v1;
    valid[1] = v2;
    this.current = current;
  }

  /**
   * Reads the identifier and both headers and picks the current one (MS-VHDX 2.2.2): the valid
   * copy with the greater sequence number; equal numbers only when the copies agree (vhdx.md V5).
   *
   * @param ctx the parse, over the file
   * @return the headers
   * @throws IOException if the file cannot be read
   * @throws io.github.vhd4j.internal.StopParsing if the file is no VHDX file this library may write
   */
  static HeaderPair read(VhdxParseContext ctx) throws IOException {
    if (ctx.file.size() < LogLayout.ALIGNMENT) {
      throw ctx.p.fatal(ProblemCode.VHDX_FILE_TOO_SMALL, IdentifierLayout.STRUCTURE, "length", -1,
          "at least 1 MiB", Long.toString(ctx.file.size()), "shorter than the VHDX header section");
    }
    ByteBuffer id = ctx.read(IdentifierLayout.OFFSET, IdentifierLayout.SIGNATURE.size());
    if (!IdentifierLayout.SIGNATURE.matches(id, IdentifierLayout.SIGNATURE_BYTES)) {
      throw ctx.p.fatal(ProblemCode.VHDX_SIGNATURE, IdentifierLayout.STRUCTURE, IdentifierLayout.SIGNATURE.name(),
          IdentifierLayout.OFFSET, "\"vhdxfile\"", Fmt.bytes(IdentifierLayout.SIGNATURE.bytes(id)), null);
    }
    ByteBuffer h1 = ctx.read(HeaderLayout.offset(1), HeaderLayout.SIZE);
    ByteBuffer h2 = ctx.read(HeaderLayout.offset(2), HeaderLayout.SIZE);
    boolean v1 = isValid(h1);
    boolean v2 = isValid(h2);
    if (!v1 && !v2) {
      throw ctx.p.fatal(ProblemCode.VHDX_NO_VALID_HEADER, HeaderLayout.place(1).site(HeaderLayout.CHECKSUM), null,
          null, "neither header copy has a valid signature and CRC-32C");
    }
    int current;
    if (v1 && v2) {
      int c = Long.compareUnsigned(HeaderLayout.SEQUENCE_NUMBER.u64(h1), HeaderLayout.SEQUENCE_NUMBER.u64(h2));
      if (c == 0 && h1.slice(0, HeaderLayout.IDENTITY_BYTES).mismatch(h2.slice(0, HeaderLayout.IDENTITY_BYTES)) >= 0) {
        throw ctx.p.fatal(ProblemCode.VHDX_HEADER_SEQUENCE, HeaderLayout.place(2).site(HeaderLayout.SEQUENCE_NUMBER),
            null, null, "both header copies carry the same sequence number but differ: neither is current");
      }
      current = c >= 0 ? 1 : 2;
    } else {
      current = v1 ? 1 : 2;
    }
    HeaderPair pair = new HeaderPair(h1, h2, v1, v2, current);
    ByteBuffer h = pair.copies[current - 1];
    if (HeaderLayout.VERSION.u16(h) != HeaderLayout.VERSION_1) {
      throw ctx.p.fatal(ProblemCode.VHDX_HEADER_VERSION, HeaderLayout.place(current).site(HeaderLayout.VERSION),
          "1", Integer.toString(HeaderLayout.VERSION.u16(h)), "an unknown VHDX version is not written to");
    }
    return pair;
  }

  private static boolean isValid(ByteBuffer h) {
    return HeaderLayout.SIGNATURE.matches(h, HeaderLayout.SIGNATURE_BYTES)
        && VhdxCrc.verify(h, HeaderLayout.SIZE, HeaderLayout.CHECKSUM);
  }

  /**
   * Returns the current copy as a record.
   *
   * @return the header in effect
   */
  VhdxHeader current() {
    return decode(current);
  }

  /**
   * Returns the current copy's sequence number.
   *
   * @return unsigned
   */
  long sequence() {
    return HeaderLayout.SEQUENCE_NUMBER.u64(copies[current - 1]);
  }

  /**
   * The site of a field of the current copy.
   *
   * @param field a header field
   * @return its site
   */
  Site site(io.github.vhd4j.internal.Field field) {
    return HeaderLayout.place(current).site(field);
  }

  private VhdxHeader decode(int copy) {
    ByteBuffer h = copies[copy - 1];
    return new VhdxHeader(copy, HeaderLayout.offset(copy), valid[copy - 1], copy == current,
        HeaderLayout.SEQUENCE_NUMBER.u64(h), Guids.get(h, HeaderLayout.FILE_WRITE_GUID),
        Guids.get(h, HeaderLayout.DATA_WRITE_GUID), Guids.get(h, HeaderLayout.LOG_GUID),
        HeaderLayout.LOG_VERSION.u16(h), HeaderLayout.VERSION.u16(h), HeaderLayout.LOG_LENGTH.u32(h),
        HeaderLayout.LOG_OFFSET.u64(h));
  }

  /**
   * Updates both copies the MS-VHDX 2.2.2.1 way: a new header with the current sequence number
   * plus one over the non-current copy, flushed, then one with plus two over the other, flushed.
   * Each carries the current copy's fields with the given FileWriteGuid and LogGuid. Killed at any
   * point, the file still has a valid current header: the old one, or the new one.
   *
   * @param file the writable file
   * @param fileWriteGuid the FileWriteGuid both copies get
   * @param logGuid the LogGuid both copies get
   * @throws IOException if writing fails
   * @throws IllegalStateException if the sequence number would pass 2^64-1 (callers check first)
   */
  void update(Storage file, UUID fileWriteGuid, UUID logGuid) throws IOException {
    long sequence = sequence();
    if (Long.compareUnsigned(sequence, -3L) > 0) {
      throw new IllegalStateException("sequence number " + Long.toUnsignedString(sequence) + " cannot grow by 2");
    }
    int other = 3 - current;
    ByteBuffer base = copies[current - 1];
    for (int step = 1; step <= 2; step++) {
      ByteBuffer h = Le.allocate(HeaderLayout.SIZE);
      h.put(0, base, 0, HeaderLayout.SIZE);
      HeaderLayout.SEQUENCE_NUMBER.putU64(h, sequence + step);
      Guids.put(h, HeaderLayout.FILE_WRITE_GUID, fileWriteGuid);
      Guids.put(h, HeaderLayout.LOG_GUID, logGuid);
      VhdxCrc.seal(h, HeaderLayout.SIZE, HeaderLayout.CHECKSUM);
      int target = step == 1 ? other : current;
      file.write(HeaderLayout.offset(target), h, 0, HeaderLayout.SIZE);
      file.force();
      copies[target - 1] = h;
      valid[target - 1] = true;
    }
  }
}
