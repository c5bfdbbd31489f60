package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.VhdxLogState;
import io.github.vhd4j.VhdxMetadata;
import io.github.vhd4j.VhdxParentLocator;
import java.io.IOException;

/**
 * Parses one VHDX file in the order MS-VHDX prescribes (vhdx.md section 8): identifier, headers,
 * log, region tables, metadata, parent locator, table. Each structure has a parser of its own; they
 * share one {@link VhdxParseContext}.
 *
 * <p>A dirty log is replayed before anything after the headers is read, because the region tables,
 * the metadata and the table are the structures it updates (MS-VHDX 2.3.3); from then on every read
 * goes through the replay.
 *
 * <p>Problems go to the context's collector. A problem that makes further parsing meaningless
 * throws {@link io.github.vhd4j.internal.StopParsing}; everything else is recorded and parsing
 * continues, so that a check reports every problem at once. Whether an open accepts the problems
 * recorded is its caller's decision.
 */
public final class VhdxLayerParser {
  private VhdxLayerParser() {}

  /**
   * Parses and validates a file.
   *
   * @param ctx the parse
   * @return the layer
   * @throws IOException if the file cannot be read
   */
  public static VhdxLayer parse(VhdxParseContext ctx) throws IOException {
    String creator = IdentifierParser.parse(ctx);
    HeaderParser.Headers headers = HeaderParser.parse(ctx);
    VhdxLogState log = LogReplay.replay(ctx, headers.forReplay());
    RegionTableParser.Regions regions = RegionTableParser.parse(ctx, headers);
    MetadataParser.Parsed parsed = MetadataParser.parse(ctx, regions.metadata());
    VhdxMetadata m = parsed.metadata();
    VhdxParentLocator locator = parsed.locator() == null ? null
        : VhdxLocatorParser.parse(ctx, parsed.locator(), parsed.locatorOffset());
    VhdxGeometry geometry = new VhdxGeometry(m.virtualSize(), m.blockSize(), m.logicalSectorSize(), m.hasParent());
    VhdxTable table = BatParser.parse(ctx, regions.bat(), geometry, regions.occupied());
    return new VhdxLayer(ctx, new VhdxLayer.Parts(creator, headers.all(), headers.current(), regions.regions(), m,
        locator, log), table);
  }
}
