package io.github.vhd4j.internal.vhd;

import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.internal.Site;
import io.github.vhd4j.internal.vhd.layout.TableLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Opens the block allocation table (VHD specification, "Block Allocation Table and Data Blocks")
 * within the bounds {@link TableBounds} checked, checks the entries that pad it to a sector, and
 * validates every entry in one streaming pass with {@link TableValidator}: each block inside the
 * file, clear of metadata, and no two blocks overlapping.
 */
final class TableParser {
  /**
   * The table and the blocks lenient mode cannot read.
   *
   * @param table the table, in memory when small, read from the file on demand when large
   * @param damaged the blocks that cannot be read, or null when every block is readable
   */
  record Table(BlockTable table, @Nullable DamagedBlocks damaged) {}

  private TableParser() {}

  /**
   * Opens and validates the table.
   *
   * @param ctx the parse
   * @param bounds where the table lies
   * @param stride a block's bitmap and data bytes
   * @param dataEnd where blocks must end
   * @param regions every metadata region: footer copy, header, table, locator data, batmap
   * @return the table and its damaged blocks
   * @throws IOException if the file cannot be read
   */
  static Table read(ParseContext ctx, TableBounds bounds, long stride, long dataEnd, List<long[]> regions)
      throws IOException {
    BlockTable table = BlockTable.open(ctx.storage, bounds.offset, (int) bounds.entries);
    if (bounds.regionEnd <= dataEnd) {
      checkPadding(ctx, bounds.offset + bounds.bytes, bounds.regionEnd - bounds.offset - bounds.bytes);
    }
    DamagedBlocks damaged = TableValidator.validate(table, ctx.p, stride, bounds.needed, dataEnd, regions);
    return new Table(table, damaged);
  }

  /**
   * Checks the entries that pad the table to its sector's end (at most 127 of them): they should
   * be unused (all ones); Disk2vhd writes zeros.
   *
   * @param ctx the parse
   * @param at the padding's file offset
   * @param bytes its length
   * @throws IOException if the file cannot be read
   */
  static void checkPadding(ParseContext ctx, long at, long bytes) throws IOException {
    if (bytes == 0) {
      return;
    }
    ByteBuffer raw = ctx.read(at, (int) bytes, (int) bytes);
    boolean allOnes = true;
    boolean allZero = true;
    for (int i = 0; i < bytes; i++) {
      byte b = raw.get(i);
      allOnes &= b == (byte) 0xFF;
      allZero &= b == 0;
    }
    if (!allOnes) {
      ctx.p.warning(ProblemCode.BAT_PADDING, new Site(TableLayout.STRUCTURE, TableLayout.PADDING, at),
          "0xffffffff entries", allZero ? "zeros" : "other values",
          allZero ? "zero padding as Disk2vhd writes it; harmless" : "padding is never read");
    }
  }
}
