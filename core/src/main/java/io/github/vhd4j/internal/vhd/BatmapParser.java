package io.github.vhd4j.internal.vhd;

import static io.github.vhd4j.internal.Fmt.hex32;
import static io.github.vhd4j.internal.Fmt.hex64;

import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.internal.Place;
import io.github.vhd4j.internal.Problems;
import io.github.vhd4j.internal.Sectors;
import io.github.vhd4j.internal.vhd.layout.BatmapLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Recognises blktap's batmap: a one-sector header with cookie {@code "tdbatmap"} right after the
 * padded table, and a map with one bit per table entry (see {@link BatmapLayout}). Both become
 * known metadata regions, so a block placed over them is reported and a writer will not allocate
 * over them. Reads never use the map, so every problem with it is a warning.
 */
final class BatmapParser {
  private BatmapParser() {}

  /**
   * Looks for a batmap and validates it.
   *
   * @param ctx the parse
   * @param at where the padded table ends
   * @param entries the table's entries
   * @param dataEnd where structures must end
   * @param regions the metadata regions; the batmap's header and map are added
   * @throws IOException if the file cannot be read
   */
  static void parse(ParseContext ctx, long at, long entries, long dataEnd, List<long[]> regions) throws IOException {
    if (at + BatmapLayout.SIZE > dataEnd) {
      return;
    }
    ByteBuffer b = ctx.read(at, BatmapLayout.SIZE, BatmapLayout.SIZE);
    if (!BatmapLayout.COOKIE.matches(b, BatmapLayout.COOKIE_VALUE)) {
      return;
    }
    Problems p = ctx.p;
    Place place = new Place(BatmapLayout.STRUCTURE, at);
    regions.add(new long[] {at, at + BatmapLayout.SIZE});
    long version = BatmapLayout.BATMAP_VERSION.u32(b);
    if (version > BatmapLayout.VERSION_MAX || version < BatmapLayout.VERSION_MIN) {
      p.warning(ProblemCode.BATMAP, place.site(BatmapLayout.BATMAP_VERSION), "1.0 to 1.2", hex32(version), null);
    }
    long mapOffset = BatmapLayout.BATMAP_OFFSET.u64(b);
    long mapBytes = BatmapLayout.BATMAP_SIZE.u32(b) * Sectors.SIZE;
    long expected = Math.max(1, Sectors.ceilDiv(Sectors.ceilDiv(entries, 8), Sectors.SIZE)) * Sectors.SIZE;
    if (mapOffset < 0 || mapOffset % Sectors.SIZE != 0 || mapBytes > dataEnd || mapOffset > dataEnd - mapBytes) {
      p.warning(ProblemCode.BATMAP, place.site(BatmapLayout.BATMAP_OFFSET), "a sector-aligned map inside the file",
          hex64(mapOffset) + " + " + mapBytes + " bytes", "batmap ignored");
      return;
    }
    regions.add(new long[] {mapOffset, mapOffset + mapBytes});
    if (mapBytes != expected) {
      p.warning(ProblemCode.BATMAP, place.site(BatmapLayout.BATMAP_SIZE), expected / Sectors.SIZE + " sectors",
          mapBytes / Sectors.SIZE + " sectors", "one bit per table entry, padded to sectors");
    }
    long computed = mapChecksum(ctx, mapOffset, (int) Math.min(mapBytes, expected), version);
    long stored = BatmapLayout.CHECKSUM.u32(b);
    if (computed != stored) {
      p.warning(ProblemCode.BATMAP, place.site(BatmapLayout.CHECKSUM), hex32(computed), hex32(stored),
          "the batmap is damaged; reads do not use it");
    }
  }

  /** The one's complement of the map's byte sum; version 1.1 summed signed bytes. */
  private static long mapChecksum(ParseContext ctx, long offset, int bytes, long version) throws IOException {
    ByteBuffer map = ctx.read(offset, bytes, bytes);
    boolean signed = version == BatmapLayout.VERSION_SIGNED_SUM;
    long sum = 0;
    for (int i = 0; i < bytes; i++) {
      sum += signed ? map.get(i) : map.get(i) & 0xFF;
    }
    return ~sum & 0xFFFFFFFFL;
  }
}
