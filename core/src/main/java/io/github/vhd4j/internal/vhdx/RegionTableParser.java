package io.github.vhd4j.internal.vhdx;

import static io.github.vhd4j.internal.Fmt.hex32;
import static io.github.vhd4j.internal.Fmt.num;

import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.VhdxRegion;
import io.github.vhd4j.internal.Fmt;
import io.github.vhd4j.internal.Place;
import io.github.vhd4j.internal.Site;
import io.github.vhd4j.internal.vhdx.layout.BatLayout;
import io.github.vhd4j.internal.vhdx.layout.Guids;
import io.github.vhd4j.internal.vhdx.layout.HeaderLayout;
import io.github.vhd4j.internal.vhdx.layout.IdentifierLayout;
import io.github.vhd4j.internal.vhdx.layout.RegionTableLayout;
import io.github.vhd4j.internal.vhdx.layout.VhdxCrc;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Reads the region table (MS-VHDX 2.2.3): table 1 when it is valid, else table 2 (one damaged
 * copy is what an interrupted update leaves); then checks every entry's placement, the known and
 * required regions, and that regions, the log and the header section do not overlap.
 */
final class RegionTableParser {
  /** Where the header section is reported. */
  private static final Site HEADER_SECTION = new Site(IdentifierLayout.STRUCTURE, "headerSection", 0);

  /**
   * The regions in effect.
   *
   * @param regions every entry of the table in use, in table order
   * @param bat the BAT region
   * @param metadata the metadata region
   * @param occupied the file ranges {@code [start, end)} of the header section, the log and every
   *     well-placed region, which blocks must not overlap
   */
  record Regions(List<VhdxRegion> regions, VhdxRegion bat, VhdxRegion metadata, List<long[]> occupied) {}

  /** A file range a structure takes, with where to report it. */
  private record Range(String name, long start, long end, Site site) {}

  private final VhdxParseContext ctx;
  private final List<Range> ranges = new ArrayList<>();

  private RegionTableParser(VhdxParseContext ctx) {
    this.ctx = ctx;
  }

  /**
   * Reads and checks the region table.
   *
   * @param ctx the parse
   * @param headers the headers, for the log's range
   * @return the regions
   * @throws IOException if the file cannot be read
   */
  static Regions parse(VhdxParseContext ctx, HeaderParser.Headers headers) throws IOException {
    return new RegionTableParser(ctx).run(headers);
  }

  private Regions run(HeaderParser.Headers headers) throws IOException {
    ByteBuffer t1 = ctx.read(RegionTableLayout.offset(1), RegionTableLayout.SIZE);
    ByteBuffer t2 = ctx.read(RegionTableLayout.offset(2), RegionTableLayout.SIZE);
    boolean v1 = valid(1, t1);
    boolean v2 = valid(2, t2);
    if (!v1 && !v2) {
      throw ctx.p.fatal(ProblemCode.VHDX_NO_VALID_REGION_TABLE,
          RegionTableLayout.place(1).site(RegionTableLayout.SIGNATURE),
          "a region table copy with a right signature and checksum", "none",
          "neither region table copy (192 KiB, 256 KiB) is valid");
    }
    if (v1 && v2 && !t1.equals(t2)) {
      ctx.p.error(ProblemCode.VHDX_REGION_TABLE_MISMATCH, true,
          RegionTableLayout.place(2).site(RegionTableLayout.SIGNATURE), "a copy of region table 1",
          "a different table", "both region table copies are valid but differ; table 1 is used");
    }
    int copy = v1 ? 1 : 2;
    ByteBuffer t = v1 ? t1 : t2;
    ranges.add(new Range("the header section", 0, IdentifierLayout.HEADER_SECTION, HEADER_SECTION));
    long[] log = headers.log();
    if (log != null) {
      ranges.add(new Range("the log", log[0], log[1],
          HeaderLayout.place(headers.current().copy()).site(HeaderLayout.LOG_OFFSET)));
    }
    List<VhdxRegion> regions = entries(copy, t);
    VhdxRegion bat = find(copy, regions, Guids.BAT_REGION);
    VhdxRegion metadata = find(copy, regions, Guids.METADATA_REGION);
    overlaps();
    List<long[]> occupied = new ArrayList<>(ranges.size());
    for (Range r : ranges) {
      occupied.add(new long[] {r.start(), r.end()});
    }
    return new Regions(regions, bat, metadata, occupied);
  }

  /** MS-VHDX 2.2.3.1: a copy is valid when its signature is "regi" and its CRC-32C is right. */
  private boolean valid(int copy, ByteBuffer t) {
    Place at = RegionTableLayout.place(copy);
    if (!RegionTableLayout.SIGNATURE.matches(t, RegionTableLayout.SIGNATURE_BYTES)) {
      ctx.p.warning(ProblemCode.VHDX_REGION_TABLE_SIGNATURE, at.site(RegionTableLayout.SIGNATURE), "\"regi\"",
          Fmt.cookie(RegionTableLayout.SIGNATURE.bytes(t)), "this region table copy is not used");
      return false;
    }
    long stored = RegionTableLayout.CHECKSUM.u32(t);
    long computed = VhdxCrc.compute(t, RegionTableLayout.SIZE, RegionTableLayout.CHECKSUM);
    if (stored != computed) {
      ctx.p.warning(ProblemCode.VHDX_REGION_TABLE_CHECKSUM, at.site(RegionTableLayout.CHECKSUM), hex32(computed),
          hex32(stored), "this region table copy is not used");
      return false;
    }
    return true;
  }

  /** Decodes and checks the entries of the table in use (MS-VHDX 2.2.3.1, 2.2.3.2). */
  private List<VhdxRegion> entries(int copy, ByteBuffer t) {
    Place at = RegionTableLayout.place(copy);
    long count = RegionTableLayout.ENTRY_COUNT.u32(t);
    if (count > RegionTableLayout.MAX_ENTRIES) {
      ctx.p.error(ProblemCode.VHDX_REGION_TABLE_COUNT, false, at.site(RegionTableLayout.ENTRY_COUNT),
          "at most " + RegionTableLayout.MAX_ENTRIES, Long.toString(count),
          "only the entries that fit in the table are read");
      count = RegionTableLayout.MAX_ENTRIES;
    }
    if (RegionTableLayout.RESERVED.u32(t) != 0) {
      ctx.p.error(ProblemCode.VHDX_REGION_TABLE_RESERVED, false, at.site(RegionTableLayout.RESERVED), "0",
          hex32(RegionTableLayout.RESERVED.u32(t)), null);
    }
    List<VhdxRegion> out = new ArrayList<>((int) count);
    Set<UUID> seen = new HashSet<>();
    for (int i = 0; i < count; i++) {
      ByteBuffer e = t.slice(RegionTableLayout.entryIndex(i), RegionTableLayout.ENTRY_SIZE)
          .order(t.order());
      UUID guid = Guids.get(e, RegionTableLayout.GUID);
      long offset = RegionTableLayout.FILE_OFFSET.u64(e);
      long length = RegionTableLayout.LENGTH.u32(e);
      long flags = RegionTableLayout.REQUIRED.u32(e);
      boolean known = guid.equals(Guids.BAT_REGION) || guid.equals(Guids.METADATA_REGION);
      VhdxRegion r = new VhdxRegion(guid, Guids.name(guid), offset, length,
          (flags & RegionTableLayout.REQUIRED_BIT) != 0);
      if (!seen.add(guid)) {
        ctx.p.error(ProblemCode.VHDX_REGION_DUPLICATE, false, RegionTableLayout.entry(copy, i, RegionTableLayout.GUID),
            "a GUID used once", Guids.text(guid), "two region table entries name the same region");
        continue;
      }
      // MS-VHDX 2.2.3.2 Required: bit 0; the other bits are reserved.
      if ((flags & ~RegionTableLayout.REQUIRED_BIT) != 0) {
        ctx.p.error(ProblemCode.VHDX_REGION_FLAGS, false, RegionTableLayout.entry(copy, i, RegionTableLayout.REQUIRED),
            "0 or 1", hex32(flags), "reserved bits of the region's Required field are set");
      }
      // MS-VHDX 2.2: an unknown region marked required means the file cannot be read correctly.
      // Known regions with Required = 0 are accepted: QEMU writes them so.
      if (!known && r.required()) {
        throw ctx.p.fatal(ProblemCode.VHDX_REGION_UNKNOWN_REQUIRED,
            RegionTableLayout.entry(copy, i, RegionTableLayout.GUID), "a region this library knows",
            Guids.text(guid), "the file needs a feature this library does not support");
      }
      if (placed(copy, i, r, known)) {
        ranges.add(new Range("the " + r.name() + " region", offset, offset + length,
            RegionTableLayout.entry(copy, i, RegionTableLayout.FILE_OFFSET)));
      }
      out.add(r);
    }
    return out;
  }

  /**
   * MS-VHDX 2.2.3.2: FileOffset and Length are multiples of 1 MiB, the region lies after the
   * header section and (here) inside the file. The BAT and metadata regions are read next, so a
   * misplaced one stops the parse.
   */
  private boolean placed(int copy, int i, VhdxRegion r, boolean known) {
    long offset = r.fileOffset();
    long length = r.length();
    Site off = RegionTableLayout.entry(copy, i, RegionTableLayout.FILE_OFFSET);
    Site len = RegionTableLayout.entry(copy, i, RegionTableLayout.LENGTH);
    String what = "the " + r.name() + " region";
    if (length == 0 || length % BatLayout.MIB != 0) {
      return misplaced(known, len, "a non-zero multiple of 1 MiB", num(length), what + " has a bad length");
    }
    if (Long.remainderUnsigned(offset, BatLayout.MIB) != 0) {
      return misplaced(known, off, "a multiple of 1 MiB", Long.toUnsignedString(offset), what + " is misaligned");
    }
    if (Long.compareUnsigned(offset, IdentifierLayout.HEADER_SECTION) < 0) {
      return misplaced(known, off, "at least 1 MiB (after the header section)", num(offset),
          what + " lies in the header section");
    }
    // offset is at least 1 MiB when read unsigned; a negative long is beyond any file, and a sum
    // that would wrap past 2^64 is caught by the same comparison.
    if (offset < 0 || offset > ctx.length - length) {
      return misplaced(known, off, "a region ending by the file's end " + num(ctx.length),
          Long.toUnsignedString(offset) + " + " + length, what + " passes the end of the file");
    }
    return true;
  }

  private boolean misplaced(boolean known, Site site, String expected, String actual, String note) {
    if (known) {
      throw ctx.p.fatal(ProblemCode.VHDX_REGION_PLACEMENT, site, expected, actual, note);
    }
    ctx.p.error(ProblemCode.VHDX_REGION_PLACEMENT, false, site, expected, actual, note);
    return false;
  }

  /**
   * MS-VHDX 2.2.3.2: regions must not overlap each other, the log or the header section. Ranges
   * that only touch are fine. Sorted by start, each range is compared with the one reaching
   * furthest among those before it, which finds every range that overlaps an earlier one.
   */
  private void overlaps() {
    List<Range> sorted = new ArrayList<>(ranges);
    // Not Comparator.comparingLong: see MetadataTableParser.overlaps.
    sorted.sort((a, b) -> Long.compare(a.start(), b.start()));
    Range reach = null;
    for (Range r : sorted) {
      if (reach != null && r.start() < reach.end()) {
        ctx.p.error(ProblemCode.VHDX_REGION_OVERLAP, false, r.site(), "a range after " + num(reach.end()),
            "[" + r.start() + ", " + r.end() + ")", r.name() + " overlaps " + reach.name() + " [" + reach.start()
                + ", " + reach.end() + ")");
      }
      if (reach == null || r.end() > reach.end()) {
        reach = r;
      }
    }
  }

  /** MS-VHDX 2.2.3.2: the BAT and metadata regions must both be listed. */
  private VhdxRegion find(int copy, List<VhdxRegion> regions, UUID guid) {
    for (VhdxRegion r : regions) {
      if (r.guid().equals(guid)) {
        return r;
      }
    }
    throw ctx.p.fatal(ProblemCode.VHDX_REGION_MISSING,
        RegionTableLayout.place(copy).site(RegionTableLayout.ENTRY_COUNT), "a " + Guids.name(guid) + " region",
        "none", "the region table lists no " + Guids.name(guid) + " region");
  }
}
