package io.github.vhd4j.internal.vhdx;

import static io.github.vhd4j.internal.Fmt.hex32;
import static io.github.vhd4j.internal.Fmt.num;

import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.VhdxHeader;
import io.github.vhd4j.internal.Field;
import io.github.vhd4j.internal.Fmt;
import io.github.vhd4j.internal.Place;
import io.github.vhd4j.internal.vhdx.layout.BatLayout;
import io.github.vhd4j.internal.vhdx.layout.Guids;
import io.github.vhd4j.internal.vhdx.layout.HeaderLayout;
import io.github.vhd4j.internal.vhdx.layout.IdentifierLayout;
import io.github.vhd4j.internal.vhdx.layout.LogLayout;
import io.github.vhd4j.internal.vhdx.layout.VhdxCrc;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads both header copies (MS-VHDX 2.2.2), chooses the current one and checks the log fields it
 * names. A copy is valid when its signature and CRC-32C are right; one damaged copy is the state a
 * writer interrupted between the two copies leaves (MS-VHDX 2.2.2.1), so it is a warning. Sequence
 * numbers are only compared, as unsigned numbers.
 */
final class HeaderParser {

  /**
   * The headers as found.
   *
   * @param all both copies, header 1 first
   * @param current the copy in effect
   * @param forReplay the header the log replay is given: {@code current}, with LogGuid taken as
   *     zero when the log is empty (there is nothing to replay)
   * @param log the log's file range {@code [start, end)}, or null when it is empty or misplaced
   */
  record Headers(List<VhdxHeader> all, VhdxHeader current, VhdxHeader forReplay, long @Nullable [] log) {}

  private final VhdxParseContext ctx;

  private HeaderParser(VhdxParseContext ctx) {
    this.ctx = ctx;
  }

  /**
   * Reads and checks the headers.
   *
   * @param ctx the parse
   * @return the headers
   * @throws IOException if the file cannot be read
   */
  static Headers parse(VhdxParseContext ctx) throws IOException {
    return new HeaderParser(ctx).run();
  }

  private Headers run() throws IOException {
    ByteBuffer b1 = ctx.read(HeaderLayout.offset(1), HeaderLayout.SIZE);
    ByteBuffer b2 = ctx.read(HeaderLayout.offset(2), HeaderLayout.SIZE);
    boolean v1 = valid(1, b1);
    boolean v2 = valid(2, b2);
    if (!v1 && !v2) {
      throw ctx.p.fatal(ProblemCode.VHDX_NO_VALID_HEADER, HeaderLayout.place(1).site(HeaderLayout.SIGNATURE),
          "a header copy with a right signature and checksum", "none",
          "neither header copy (64 KiB, 128 KiB) is valid");
    }
    int current = v1 && v2 ? newer(b1, b2) : v1 ? 1 : 2;
    VhdxHeader h1 = decode(b1, 1, v1, current == 1);
    VhdxHeader h2 = decode(b2, 2, v2, current == 2);
    VhdxHeader cur = current == 1 ? h1 : h2;
    ByteBuffer b = current == 1 ? b1 : b2;
    Place at = HeaderLayout.place(current);
    // MS-VHDX 2.2.2 Version: 1 is the only version defined; another is a format this library does not know.
    if (cur.version() != HeaderLayout.VERSION_1) {
      ctx.p.error(ProblemCode.VHDX_HEADER_VERSION, false, at.site(HeaderLayout.VERSION), "1",
          Integer.toString(cur.version()), "an unsupported VHDX version");
    }
    reserved(at, b);
    long[] log = log(at, cur);
    VhdxHeader forReplay = cur;
    // A log GUID with an empty log: nothing can be replayed (QEMU treats the file as clean).
    if (cur.logDirty() && cur.logLength() == 0) {
      ctx.p.error(ProblemCode.VHDX_LOG_GUID_WITHOUT_LOG, true, at.site(HeaderLayout.LOG_GUID), "the zero GUID",
          Guids.text(cur.logGuid()), "the header names a log to replay but the log length is 0");
      forReplay = withoutLog(cur);
    }
    return new Headers(List.of(h1, h2), cur, forReplay, log);
  }

  /** MS-VHDX 2.2.2: a copy is valid when its signature is "head" and its CRC-32C is right. */
  private boolean valid(int copy, ByteBuffer b) {
    Place at = HeaderLayout.place(copy);
    if (!HeaderLayout.SIGNATURE.matches(b, HeaderLayout.SIGNATURE_BYTES)) {
      ctx.p.warning(ProblemCode.VHDX_HEADER_SIGNATURE, at.site(HeaderLayout.SIGNATURE), "\"head\"",
          Fmt.cookie(HeaderLayout.SIGNATURE.bytes(b)), "this header copy is not used");
      return false;
    }
    long stored = HeaderLayout.CHECKSUM.u32(b);
    long computed = VhdxCrc.compute(b, HeaderLayout.SIZE, HeaderLayout.CHECKSUM);
    if (stored != computed) {
      ctx.p.warning(ProblemCode.VHDX_HEADER_CHECKSUM, at.site(HeaderLayout.CHECKSUM), hex32(computed),
          hex32(stored), "this header copy is not used");
      return false;
    }
    return true;
  }

  /**
   * Chooses between two valid copies: the greater sequence number wins (MS-VHDX 2.2.2.1). Equal
   * numbers are accepted when the copies agree on every field, as Disk2vhd writes them;
   * otherwise neither is newer, which lenient mode resolves by taking header 1.
   */
  private int newer(ByteBuffer b1, ByteBuffer b2) {
    long s1 = HeaderLayout.SEQUENCE_NUMBER.u64(b1);
    long s2 = HeaderLayout.SEQUENCE_NUMBER.u64(b2);
    int cmp = Long.compareUnsigned(s1, s2);
    if (cmp != 0) {
      return cmp > 0 ? 1 : 2;
    }
    // The fields from the sequence number to the log offset decide; the checksum differs with
    // reserved bytes, which are ignored.
    int from = HeaderLayout.SEQUENCE_NUMBER.offset();
    int n = HeaderLayout.IDENTITY_BYTES - from;
    if (!b1.slice(from, n).equals(b2.slice(from, n))) {
      ctx.p.error(ProblemCode.VHDX_HEADER_SEQUENCE, true, HeaderLayout.place(2).site(HeaderLayout.SEQUENCE_NUMBER),
          "a sequence number other than header 1's, or a copy identical to header 1",
          Long.toUnsignedString(s2), "both header copies are valid with the same sequence number but differ;"
              + " header 1 is used");
    }
    return 1;
  }

  /** MS-VHDX 2.2.2 Reserved: "MUST be 0 and ignored". */
  private void reserved(Place at, ByteBuffer b) {
    Field f = HeaderLayout.RESERVED;
    for (int i = f.offset(); i < f.end(); i++) {
      if (b.get(i) != 0) {
        ctx.p.warning(ProblemCode.VHDX_HEADER_RESERVED, at.site(f, at.base() + i), "0",
            hex32(b.get(i) & 0xFF), "the header's reserved bytes are not zero; they are ignored");
        return;
      }
    }
  }

  /**
   * Checks LogVersion, LogOffset and LogLength of the current header (MS-VHDX 2.2.2). A dirty log
   * that is misplaced cannot be replayed, so that stops the parse; a clean one is reported.
   *
   * @return the log's range, or null when it is empty or misplaced
   */
  private long @Nullable [] log(Place at, VhdxHeader h) {
    boolean dirty = h.logDirty();
    if (h.logVersion() != 0) {
      if (dirty) {
        throw ctx.p.fatal(ProblemCode.VHDX_LOG_VERSION, at.site(HeaderLayout.LOG_VERSION), "0",
            Integer.toString(h.logVersion()), "a log in an unknown format cannot be replayed");
      }
      ctx.p.warning(ProblemCode.VHDX_LOG_VERSION, at.site(HeaderLayout.LOG_VERSION), "0",
          Integer.toString(h.logVersion()), "ignored: no log needs to be replayed");
    }
    long length = h.logLength();
    long offset = h.logOffset();
    if (length % BatLayout.MIB != 0 || length > LogLayout.MAX_LENGTH) {
      return misplaced(dirty, at, HeaderLayout.LOG_LENGTH, "a multiple of 1 MiB, at most 1 GiB", num(length));
    }
    if (Long.remainderUnsigned(offset, BatLayout.MIB) != 0) {
      return misplaced(dirty, at, HeaderLayout.LOG_OFFSET, "a multiple of 1 MiB", Long.toUnsignedString(offset));
    }
    if (length == 0) {
      return null;
    }
    if (Long.compareUnsigned(offset, IdentifierLayout.HEADER_SECTION) < 0) {
      return misplaced(dirty, at, HeaderLayout.LOG_OFFSET, "at least 1 MiB (after the header section)",
          num(offset));
    }
    if (offset < 0 || offset > ctx.length - length) {
      return misplaced(dirty, at, HeaderLayout.LOG_OFFSET, "a log ending by the file's end " + num(ctx.length),
          Long.toUnsignedString(offset) + " + " + length);
    }
    return new long[] {offset, offset + length};
  }

  private long @Nullable [] misplaced(boolean dirty, Place at, Field f, String expected, String actual) {
    if (dirty) {
      throw ctx.p.fatal(ProblemCode.VHDX_LOG_PLACEMENT, at.site(f), expected, actual,
          "the log that must be replayed is misplaced");
    }
    ctx.p.error(ProblemCode.VHDX_LOG_PLACEMENT, false, at.site(f), expected, actual, "the log is misplaced");
    return null;
  }

  /**
   * Decodes a copy as stored.
   *
   * @param b the 4 KiB copy
   * @param copy 1 or 2
   * @param valid whether its signature and checksum are right
   * @param current whether it is in effect
   * @return the record
   */
  static VhdxHeader decode(ByteBuffer b, int copy, boolean valid, boolean current) {
    return new VhdxHeader(copy, HeaderLayout.offset(copy), valid, current,
        HeaderLayout.SEQUENCE_NUMBER.u64(b),
        Guids.get(b, HeaderLayout.FILE_WRITE_GUID),
        Guids.get(b, HeaderLayout.DATA_WRITE_GUID),
        Guids.get(b, HeaderLayout.LOG_GUID),
        HeaderLayout.LOG_VERSION.u16(b),
        HeaderLayout.VERSION.u16(b),
        HeaderLayout.LOG_LENGTH.u32(b),
        HeaderLayout.LOG_OFFSET.u64(b));
  }

  private static VhdxHeader withoutLog(VhdxHeader h) {
    return new VhdxHeader(h.copy(), h.fileOffset(), h.valid(), h.current(), h.sequenceNumber(), h.fileWriteGuid(),
        h.dataWriteGuid(), Guids.ZERO, h.logVersion(), h.version(), h.logLength(), h.logOffset());
  }
}
