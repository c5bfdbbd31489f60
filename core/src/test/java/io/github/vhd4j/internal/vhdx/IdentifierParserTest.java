package io.github.vhd4j.internal.vhdx;

import static io.github.vhd4j.testing.VhdAssertions.assertReported;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.internal.StopParsing;
import io.github.vhd4j.internal.vhdx.layout.IdentifierLayout;
import io.github.vhd4j.testing.BuiltVhdx;
import io.github.vhd4j.testing.VhdxBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The file type identifier and the header section's length (MS-VHDX 2.2.1, 2.2; V1, V2). */
class IdentifierParserTest {

  private static Problem stops(VhdxParsing p) {
    return assertThrows(StopParsing.class, () -> IdentifierParser.parse(p.ctx)).problem();
  }

  @Test
  void shouldReturnTheCreator() throws IOException {
    VhdxBuilder b = new VhdxBuilder();
    b.creator = "QEMU v7.2.22";
    VhdxParsing p = VhdxParsing.open(b.build());
    assertEquals("QEMU v7.2.22", IdentifierParser.parse(p.ctx));
    assertEquals(List.of(), p.list());
  }

  @Test
  void shouldNeutraliseControlCharactersInTheCreatorAndStopAtNul() throws IOException {
    BuiltVhdx v = new VhdxBuilder().build();
    v.identifier().setBytes(IdentifierLayout.CREATOR.offset(),
        "a\u001bb\u0000c".getBytes(StandardCharsets.UTF_16LE));
    assertEquals("a\uFFFDb", IdentifierParser.parse(VhdxParsing.open(v).ctx));
  }

  @Test
  void shouldRefuseAnotherSignature() {
    BuiltVhdx v = new VhdxBuilder().build();
    v.identifier().setBytes(0, "conectix".getBytes(StandardCharsets.US_ASCII));
    VhdxParsing p = VhdxParsing.open(v);
    Problem stop = stops(p);
    assertEquals(ProblemCode.VHDX_SIGNATURE, stop.code());
    assertEquals("\"conectix\"", stop.actual());
    assertReported(p.list(), ProblemCode.VHDX_SIGNATURE, Severity.ERROR, "file identifier", "signature", 0);
  }

  @Test
  void shouldRefuseAFileShorterThanTheHeaderSection() {
    VhdxBuilder b = new VhdxBuilder();
    b.fileLength = IdentifierLayout.HEADER_SECTION - 1;
    VhdxParsing p = VhdxParsing.open(b.build());
    Problem stop = stops(p);
    assertEquals(ProblemCode.VHDX_FILE_TOO_SMALL, stop.code());
    assertEquals("file", stop.structure());
  }

  @Test
  void shouldRefuseAFileTooShortForTheIdentifier() {
    byte[] tiny = Arrays.copyOf("vhdxfile".getBytes(StandardCharsets.US_ASCII), 100);
    assertEquals(ProblemCode.VHDX_FILE_TOO_SMALL, stops(VhdxParsing.open(tiny)).code());
  }

  @Test
  void shouldAcceptAFileOfExactlyTheHeaderSection() throws IOException {
    VhdxBuilder b = new VhdxBuilder();
    b.fileLength = IdentifierLayout.HEADER_SECTION;
    VhdxParsing p = VhdxParsing.open(b.build());
    IdentifierParser.parse(p.ctx);
    assertEquals(List.of(), p.list());
  }
}
