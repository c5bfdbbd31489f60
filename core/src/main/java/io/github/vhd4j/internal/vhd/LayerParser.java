package io.github.vhd4j.internal.vhd;

import io.github.vhd4j.internal.ParseMode;
import io.github.vhd4j.DiskType;
import io.github.vhd4j.DynamicHeader;
import io.github.vhd4j.Footer;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ParentLocator;
import io.github.vhd4j.SizeInfo;
import io.github.vhd4j.internal.Problems;
import io.github.vhd4j.internal.Sectors;
import io.github.vhd4j.internal.StopParsing;
import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.vhd.layout.DynamicHeaderLayout;
import io.github.vhd4j.internal.vhd.layout.FooterLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Parses and validates one image file in the order of the format: the footer (found, validated,
 * compared with its copy at offset 0), the size, and for dynamic and differencing disks the
 * dynamic header, the table's bounds, the parent fields and locators, blktap's batmap and the
 * table itself. Each structure has a parser of its own; they share one {@link ParseContext}.
 *
 * <p>Every size read from the file is bounded by the file length before anything is allocated
 * from it, and all arithmetic on file values is done in {@code long} with explicit bounds, so no
 * field value can cause an overflow, a large allocation or a read outside the file.
 *
 * <p>Problems go to a {@link Problems} collector. A problem that makes further parsing meaningless
 * throws {@link StopParsing}; everything else is recorded and parsing continues, so that
 * {@code check} can report every problem at once.
 */
public final class LayerParser {

  private final ParseContext ctx;
  private final Layer.Origin origin;

  private LayerParser(ParseContext ctx) {
    this.ctx = ctx;
    this.origin = new Layer.Origin(ctx.storage, ctx.resource, ctx.path);
  }

  /**
   * Parses one image file.
   *
   * @param storage the file
   * @param resource its name for messages
   * @param path its path, or null
   * @param options size policy, recovery and parent settings
   * @param mode open or check
   * @param problems receives every problem
   * @return the layer
   * @throws StopParsing when a problem makes further parsing meaningless (recorded in problems)
   * @throws IOException when the file cannot be read
   */
  public static Layer parse(Storage storage, String resource, @Nullable Path path, OpenOptions options,
      ParseMode mode, Problems problems) throws IOException {
    return parse(ParseContext.now(storage, resource, path, options, mode, problems));
  }

  /**
   * Parses one image file in a context the caller made (tests fix the clock this way).
   *
   * @param ctx the parse
   * @return the layer
   * @throws IOException when the file cannot be read
   */
  static Layer parse(ParseContext ctx) throws IOException {
    return new LayerParser(ctx).run();
  }

  private Layer run() throws IOException {
    FooterChoice found = FooterLocator.locate(ctx);
    FooterCandidate chosen = found.chosen();
    Footer footer = FooterValidator.validate(ctx, chosen);
    boolean fixed = footer.diskType() == DiskType.FIXED;
    if (!found.headCopyUsed() && !fixed) {
      HeadCopyComparison.compare(ctx, chosen, found.head());
    }
    SizeInfo sizes = SizeResolver.sizes(ctx, footer, chosen);
    Layer.FooterAt at = new Layer.FooterAt(footer, chosen.offset, chosen.length, found.headCopyUsed(),
        found.dataEnd());
    if (fixed) {
      return Layer.fixed(origin, at, SizeResolver.fixedLayout(ctx, footer, sizes, chosen.offset));
    }
    return Layer.sparse(origin, at, sizes, parseSparse(chosen, footer, sizes, found.dataEnd()));
  }

  /**
   * Parses what follows the footer of a dynamic or differencing disk, in the order of the format:
   * the dynamic header, the table's bounds, the parent fields and locators, the batmap after the
   * table, and the table's entries.
   */
  private Layer.Sparse parseSparse(FooterCandidate chosen, Footer footer, SizeInfo sizes, long dataEnd)
      throws IOException {
    DynamicHeaderParser.Header h = DynamicHeaderParser.read(ctx, chosen, footer.dataOffset(), dataEnd);
    SizeResolver.sparseLimit(ctx, footer, sizes, chosen);
    TableBounds table = TableBounds.check(ctx, h, footer, sizes.virtualSize(), dataEnd);
    List<long[]> regions = new ArrayList<>();
    regions.add(new long[] {0, FooterLayout.SIZE});
    regions.add(new long[] {h.offset(), h.offset() + DynamicHeaderLayout.SIZE});
    regions.add(new long[] {table.offset, Math.min(table.regionEnd, dataEnd)});
    // blktap 0.1 wrote the parent name and the sector bitmaps in host (little-endian) order.
    boolean tap01 = footer.creatorApplication().equals("tap\0") && footer.creatorVersion() == 0x00000001L;
    String parentName = DynamicHeaderLayout.parentName(h.buf(), tap01);
    List<ParentLocator> locators = parents(h, footer, parentName, dataEnd, regions);
    BatmapParser.parse(ctx, table.regionEnd, table.entries, dataEnd, regions);
    DynamicHeader header = DynamicHeaderLayout.decode(h.buf(), h.offset(), parentName, locators);
    TableParser.Table t = TableParser.read(ctx, table, header.bitmapSize() + header.blockSize(), dataEnd, regions);
    DynamicHeaderParser.reportCutOff(ctx, chosen, h);
    return new Layer.Sparse(header, t.table(), tap01, t.damaged());
  }

  private List<ParentLocator> parents(DynamicHeaderParser.Header h, Footer footer, String parentName, long dataEnd,
      List<long[]> regions) throws IOException {
    if (footer.diskType() == DiskType.DIFFERENCING) {
      ParentFields.checkDifferencing(ctx, h, parentName);
      return LocatorParser.parse(ctx, h, parentName, dataEnd, regions);
    }
    List<ParentLocator> raw = LocatorParser.raw(h.buf());
    ParentFields.checkUnused(ctx, h, parentName, footer.diskType());
    return raw;
  }

  /**
   * Divides, rounding up. Kept for callers outside the parser; {@link Sectors#ceilDiv} is the one
   * implementation.
   *
   * @param a dividend, non-negative
   * @param b divisor, positive
   * @return the smallest n with n * b at least a
   */
  static long ceilDiv(long a, long b) {
    return Sectors.ceilDiv(a, b);
  }

  /**
   * Rounds up to a multiple of a unit. Kept for callers outside the parser; {@link Sectors#roundUp}
   * is the one implementation.
   *
   * @param a a non-negative value
   * @param unit a positive unit
   * @return the smallest multiple of unit at least a
   */
  static long roundUp(long a, long unit) {
    return Sectors.roundUp(a, unit);
  }
}
