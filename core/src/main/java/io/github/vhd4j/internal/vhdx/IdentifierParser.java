package io.github.vhd4j.internal.vhdx;

import static io.github.vhd4j.internal.Fmt.num;

import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.internal.Fmt;
import io.github.vhd4j.internal.Place;
import io.github.vhd4j.internal.Site;
import io.github.vhd4j.internal.vhdx.layout.IdentifierLayout;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads the file type identifier (MS-VHDX 2.2.1) and checks that the file can hold the header
 * section (MS-VHDX 2.2).
 */
final class IdentifierParser {
  /** Where a file's length is reported. */
  static final Site FILE_LENGTH = new Site("file", "length", -1);

  private IdentifierParser() {}

  /**
   * Checks the signature and the file's length, and decodes the creator.
   *
   * @param ctx the parse
   * @return the creator text, for display only (MS-VHDX: it must not drive behaviour)
   * @throws IOException if the file cannot be read
   */
  static String parse(VhdxParseContext ctx) throws IOException {
    Place at = new Place(IdentifierLayout.STRUCTURE, IdentifierLayout.OFFSET);
    if (ctx.length < IdentifierLayout.READ_SIZE) {
      throw ctx.p.fatal(ProblemCode.VHDX_FILE_TOO_SMALL, FILE_LENGTH,
          "at least " + num(IdentifierLayout.HEADER_SECTION) + " bytes", num(ctx.length) + " bytes",
          "the file cannot hold a VHDX header section");
    }
    ByteBuffer b = ctx.read(IdentifierLayout.OFFSET, IdentifierLayout.READ_SIZE);
    // MS-VHDX 2.2.1 Signature: MUST be "vhdxfile".
    if (!IdentifierLayout.SIGNATURE.matches(b, IdentifierLayout.SIGNATURE_BYTES)) {
      throw ctx.p.fatal(ProblemCode.VHDX_SIGNATURE, at.site(IdentifierLayout.SIGNATURE), "\"vhdxfile\"",
          Fmt.cookie(IdentifierLayout.SIGNATURE.bytes(b)), "not a VHDX file");
    }
    // MS-VHDX 2.2: the header section is 1 MiB; a shorter file lacks headers or region tables.
    if (ctx.length < IdentifierLayout.HEADER_SECTION) {
      throw ctx.p.fatal(ProblemCode.VHDX_FILE_TOO_SMALL, FILE_LENGTH,
          "at least " + num(IdentifierLayout.HEADER_SECTION) + " bytes", num(ctx.length) + " bytes",
          "the file is shorter than the VHDX header section");
    }
    return IdentifierLayout.creator(b);
  }
}
