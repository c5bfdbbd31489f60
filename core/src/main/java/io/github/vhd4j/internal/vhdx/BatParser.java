package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.VhdxRegion;
import io.github.vhd4j.internal.Fmt;
import io.github.vhd4j.internal.Site;
import io.github.vhd4j.internal.vhdx.layout.BatLayout;
import java.io.IOException;
import java.util.List;

/**
 * Reads and validates the BAT region (MS-VHDX 2.5) into a {@link VhdxTable}: the region must hold
 * every entry the disk needs (entries past them are padding, never read); a table of up to
 * {@link HeapBatEntries#MAX_ENTRIES} entries is held on the heap, a larger one (up to the 67
 * million entries, 512 MiB, of a 64 TiB disk of 1 MiB blocks) stays in the file behind a bounded
 * cache. Either way the validation reads it once, in chunks.
 */
public final class BatParser {
  private BatParser() {}

  /**
   * How tables are held: at most {@code heapLimit} entries on the heap, else paged with a cache of
   * {@code slots} pages of {@code 2^pageShift} entries.
   *
   * @param heapLimit the most entries held whole
   * @param pageShift log2 of the entries per cached page, 0 to 13
   * @param slots the pages cached, a power of two
   */
  record Tuning(long heapLimit, int pageShift, int slots) {
    /** The library's choice: 2^20 entries (8 MiB) on the heap, else 128 pages of 32 KiB. */
    static final Tuning DEFAULT =
        new Tuning(HeapBatEntries.MAX_ENTRIES, PagedBatEntries.PAGE_SHIFT, PagedBatEntries.SLOTS);
  }

  /**
   * Reads the table. Problems go to {@code ctx.p}; an open's caller throws on the first error
   * (strict) or the first one lenient mode cannot open (lenient), and lenient mode's table fails
   * the reads of the blocks it kept but cannot read.
   *
   * @param ctx the parse; entries are read through {@code ctx.storage} and bounded by {@code
   *     ctx.length}
   * @param region the BAT region, inside the file
   * @param geometry the disk's numbers from validated metadata
   * @param occupied file ranges {@code [start, end)} taken by other structures (header section,
   *     log, regions); present blocks must not overlap them
   * @return the table
   * @throws io.github.vhd4j.internal.StopParsing if the region is too small for the disk
   * @throws IOException if the file cannot be read
   */
  public static VhdxTable parse(VhdxParseContext ctx, VhdxRegion region, VhdxGeometry geometry,
      List<long[]> occupied) throws IOException {
    return parse(ctx, region, geometry, occupied, Tuning.DEFAULT);
  }

  /**
   * As {@link #parse(VhdxParseContext, VhdxRegion, VhdxGeometry, List)}, holding the table as
   * {@code tuning} says (tests force the paged table with it).
   *
   * @param ctx the parse
   * @param region the BAT region
   * @param geometry the disk's numbers
   * @param occupied the ranges of other structures
   * @param tuning how the table is held
   * @return the table
   * @throws IOException if the file cannot be read
   */
  static VhdxTable parse(VhdxParseContext ctx, VhdxRegion region, VhdxGeometry geometry, List<long[]> occupied,
      Tuning tuning) throws IOException {
    long count = entries(geometry);
    long offset = region.fileOffset();
    Site site = new Site(BatLayout.STRUCTURE, "region length", offset);
    // Compared by division: no product of file values can wrap (QEMU's 32-bit count did, X-2).
    if (count < 0 || count > region.length() / BatLayout.ENTRY_SIZE) {
      throw ctx.p.fatal(ProblemCode.VHDX_BAT_TOO_SMALL, site,
          count < 0 ? "a region for more than 2^60 entries" : "at least " + count + " entries of 8 bytes",
          Fmt.num(region.length()), "the BAT region cannot hold an entry for every block and sector bitmap"
              + " the disk's size needs");
    }
    long end = offset + count * BatLayout.ENTRY_SIZE;
    if (offset < 0 || end > ctx.length) {
      throw ctx.p.fatal(ProblemCode.VHDX_REGION_PLACEMENT, site, "entries ending by " + ctx.length,
          Fmt.num(end), "the BAT's entries pass the file's end");
    }
    BatEntries entries = count <= tuning.heapLimit() ? HeapBatEntries.read(ctx.storage, offset, count)
        : PagedBatEntries.of(ctx.storage, offset, count, tuning.pageShift(), tuning.slots());
    BatValidator.Result r = BatValidator.validate(ctx, offset, geometry, entries, occupied);
    return new BatTable(geometry, entries, offset, ctx.length, ctx.resource, r.summary(), r.damage());
  }

  /**
   * The entries the table must hold (MS-VHDX 2.5), in 64 bits from any virtual size.
   *
   * @param g the geometry
   * @return the count, or -1 when it would pass 2^60
   */
  static long entries(VhdxGeometry g) {
    long bs = g.blockSize();
    if (Long.bitCount(bs) != 1 || bs < BatLayout.MIB || bs > 256 * BatLayout.MIB
        || g.logicalSectorSize() != 512 && g.logicalSectorSize() != 4096 || g.virtualSize() <= 0) {
      throw new IllegalArgumentException("not a validated geometry: " + g);
    }
    long blocks = g.virtualSize() / bs + (g.virtualSize() % bs == 0 ? 0 : 1);
    long n = BatLayout.entries(blocks, g.chunkRatio(), g.differencing());
    return n > 1L << 60 ? -1 : n;
  }
}
