package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.UnsupportedVhdFeatureException;
import java.io.IOException;

/**
 * Parses one VHDX file in the order MS-VHDX prescribes: identifier, headers, log, region tables,
 * metadata, table.
 */
public final class VhdxLayerParser {
  private VhdxLayerParser() {}

  /**
   * Parses and validates a file.
   *
   * @param ctx the parse
   * @return the layer
   * @throws IOException if the file cannot be read or is not a valid VHDX file
   */
  public static VhdxLayer parse(VhdxParseContext ctx) throws IOException {
    throw new UnsupportedVhdFeatureException("VHDX parsing is being built (issue 17)", ctx.resource, null);
  }
}
