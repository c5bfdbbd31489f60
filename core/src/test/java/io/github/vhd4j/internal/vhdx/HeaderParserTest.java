package io.github.vhd4j.internal.vhdx;

import static io.github.vhd4j.testing.VhdAssertions.assertNotReported;
import static io.github.vhd4j.testing.VhdAssertions.assertReported;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.VhdxHeader;
import io.github.vhd4j.internal.StopParsing;
import io.github.vhd4j.internal.vhdx.layout.Guids;
import io.github.vhd4j.internal.vhdx.layout.HeaderLayout;
import io.github.vhd4j.testing.BuiltVhdx;
import io.github.vhd4j.testing.VhdxBuilder;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Both header copies, the choice of the current one, and its log fields (MS-VHDX 2.2.2; V3-V10). */
class HeaderParserTest {
  private static final long MIB = VhdxBuilder.MIB;
  private static final long H1 = HeaderLayout.offset(1);
  private static final long H2 = HeaderLayout.offset(2);

  private static HeaderParser.Headers parse(VhdxParsing p) throws IOException {
    return HeaderParser.parse(p.ctx);
  }

  private static VhdxParsing with(Consumer<VhdxBuilder> knobs) {
    VhdxBuilder b = new VhdxBuilder();
    knobs.accept(b);
    return VhdxParsing.open(b.build());
  }

  private static VhdxParsing sealed(int copy, Consumer<BuiltVhdx> change) {
    BuiltVhdx v = new VhdxBuilder().build();
    change.accept(v);
    v.header(copy).reseal();
    return VhdxParsing.open(v);
  }

  @Test
  void shouldDecodeBothCopiesAndTakeTheGreaterSequenceNumber() throws IOException {
    VhdxBuilder b = new VhdxBuilder();
    b.header1.sequenceNumber = 9;
    b.header2.dataWriteGuid = UUID.randomUUID();
    VhdxParsing p = VhdxParsing.open(b.build());
    HeaderParser.Headers h = parse(p);
    assertEquals(1, h.current().copy());
    assertEquals(List.of(1, 2), h.all().stream().map(VhdxHeader::copy).toList());
    VhdxHeader h1 = h.all().get(0);
    VhdxHeader h2 = h.all().get(1);
    assertTrue(h1.valid() && h1.current());
    assertTrue(h2.valid() && !h2.current());
    assertEquals(9, h1.sequenceNumber());
    assertEquals(H1, h1.fileOffset());
    assertEquals(b.header1.fileWriteGuid, h1.fileWriteGuid());
    assertEquals(b.header1.dataWriteGuid, h1.dataWriteGuid());
    assertEquals(b.header2.dataWriteGuid, h2.dataWriteGuid());
    assertEquals(MIB, h1.logLength());
    assertEquals(MIB, h1.logOffset());
    assertEquals(1, h1.version());
    assertArrayEquals(new long[] {MIB, 2 * MIB}, h.log());
    assertEquals(List.of(), p.list());
  }

  @Test
  void shouldCompareSequenceNumbersUnsigned() throws IOException {
    // 2^63 is negative as a signed long; it is still the greater number.
    VhdxParsing p = with(b -> {
      b.header1.sequenceNumber = Long.MIN_VALUE;
      b.header2.sequenceNumber = Long.MAX_VALUE;
    });
    assertEquals(1, parse(p).current().copy());
    VhdxParsing q = with(b -> b.header2.sequenceNumber = -1L);
    assertEquals(2, parse(q).current().copy());
    assertEquals(-1L, parse(q).current().sequenceNumber());
  }

  @Test
  void shouldUseTheOtherCopyWhenOneChecksumIsWrongAndWarn() throws IOException {
    BuiltVhdx v = new VhdxBuilder().build();
    v.header(2).set(HeaderLayout.LOG_VERSION, 0).set(HeaderLayout.CHECKSUM, 0x12345678L);
    VhdxParsing p = VhdxParsing.open(v);
    HeaderParser.Headers h = parse(p);
    assertEquals(1, h.current().copy());
    assertFalse(h.all().get(1).valid());
    assertFalse(h.all().get(1).current());
    Problem w = assertReported(p.list(), ProblemCode.VHDX_HEADER_CHECKSUM, Severity.WARNING, "header 2", "checksum",
        H2 + HeaderLayout.CHECKSUM.offset());
    assertEquals("0x12345678", w.actual());
    assertNull(p.refusal(), "one damaged copy still opens strictly");
  }

  @Test
  void shouldUseTheOtherCopyWhenOneSignatureIsWrong() throws IOException {
    BuiltVhdx v = new VhdxBuilder().build();
    v.header(1).setBytes(0, "HEAD".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).reseal();
    VhdxParsing p = VhdxParsing.open(v);
    assertEquals(2, parse(p).current().copy());
    assertReported(p.list(), ProblemCode.VHDX_HEADER_SIGNATURE, Severity.WARNING, "header 1", "signature", H1);
    assertNotReported(p.list(), ProblemCode.VHDX_HEADER_CHECKSUM);
  }

  @Test
  void shouldStopWhenNeitherCopyIsValid() {
    BuiltVhdx v = new VhdxBuilder().build();
    v.header(1).set(HeaderLayout.SEQUENCE_NUMBER, 5);
    v.header(2).set(HeaderLayout.SEQUENCE_NUMBER, 5);
    VhdxParsing p = VhdxParsing.open(v);
    Problem stop = assertThrows(StopParsing.class, () -> parse(p)).problem();
    assertEquals(ProblemCode.VHDX_NO_VALID_HEADER, stop.code());
    assertEquals(2, p.of(ProblemCode.VHDX_HEADER_CHECKSUM).size(), "each damaged copy is named");
  }

  @Test
  void shouldAcceptEqualSequenceNumbersOnIdenticalCopies() throws IOException {
    VhdxParsing p = with(b -> b.header2.sequenceNumber = 1);
    assertEquals(1, parse(p).current().copy());
    assertEquals(List.of(), p.list());
  }

  @Test
  void shouldRefuseEqualSequenceNumbersOnDifferentCopiesUnlessLenient() throws IOException {
    Consumer<VhdxBuilder> knobs = b -> {
      b.header2.sequenceNumber = 1;
      b.header2.fileWriteGuid = UUID.randomUUID();
    };
    VhdxParsing p = with(knobs);
    assertEquals(1, parse(p).current().copy());
    Problem e = assertReported(p.list(), ProblemCode.VHDX_HEADER_SEQUENCE, Severity.ERROR, "header 2",
        "sequenceNumber", H2 + HeaderLayout.SEQUENCE_NUMBER.offset());
    assertEquals(e, VhdxParsing.open(build(knobs)).refusal());
    assertNull(VhdxParsing.lenient(build(knobs)).refusal(), "lenient mode takes header 1");
  }

  @Test
  void shouldCompareOnlyTheFieldsOfEqualCopies() throws IOException {
    VhdxParsing p = sealed(2, v -> v.header(2).set(HeaderLayout.SEQUENCE_NUMBER, 1).setBytes(200, new byte[] {1}));
    parse(p);
    assertNotReported(p.list(), ProblemCode.VHDX_HEADER_SEQUENCE);
    assertNotReported(p.list(), ProblemCode.VHDX_HEADER_RESERVED);
  }

  private static BuiltVhdx build(Consumer<VhdxBuilder> knobs) {
    VhdxBuilder b = new VhdxBuilder();
    knobs.accept(b);
    return b.build();
  }

  @Test
  void shouldRefuseAnotherVersionInTheCurrentCopyOnly() throws IOException {
    VhdxParsing p = with(b -> b.header2.version = 2);
    parse(p);
    Problem e = assertReported(p.list(), ProblemCode.VHDX_HEADER_VERSION, Severity.ERROR, "header 2", "version",
        H2 + HeaderLayout.VERSION.offset());
    assertEquals("2", e.actual());
    assertEquals(ProblemCode.VHDX_HEADER_VERSION, VhdxParsing.lenient(build(b -> b.header2.version = 2)).refusal()
        .code());
    VhdxParsing old = with(b -> b.header1.version = 0);
    parse(old);
    assertEquals(List.of(), old.list(), "the copy not in effect is not judged");
  }

  @Test
  void shouldStopOnALogVersionOnlyWhenTheLogMustBeReplayed() throws IOException {
    VhdxParsing clean = with(b -> b.header2.logVersion = 1);
    parse(clean);
    assertReported(clean.list(), ProblemCode.VHDX_LOG_VERSION, Severity.WARNING, "header 2", "logVersion",
        H2 + HeaderLayout.LOG_VERSION.offset());
    assertNull(clean.refusal());
    VhdxParsing dirty = with(b -> {
      b.header2.logVersion = 1;
      b.logGuid(UUID.randomUUID());
    });
    assertEquals(ProblemCode.VHDX_LOG_VERSION, assertThrows(StopParsing.class, () -> parse(dirty)).problem().code());
  }

  @ParameterizedTest(name = "log length {0}")
  @ValueSource(longs = {4096, 3 * MIB / 2, 2L << 30})
  void shouldRefuseABadLogLength(long length) throws IOException {
    VhdxParsing p = with(b -> b.header2.logLength = length);
    HeaderParser.Headers h = parse(p);
    assertNull(h.log());
    assertReported(p.list(), ProblemCode.VHDX_LOG_PLACEMENT, Severity.ERROR, "header 2", "logLength",
        H2 + HeaderLayout.LOG_LENGTH.offset());
  }

  @ParameterizedTest(name = "log offset {0}")
  @ValueSource(longs = {MIB + 4096, 0, 512 * 1024, 100 * MIB, -MIB, Long.MIN_VALUE})
  void shouldRefuseABadLogOffset(long offset) throws IOException {
    VhdxParsing p = with(b -> b.header2.logOffset = offset);
    assertNull(parse(p).log());
    assertReported(p.list(), ProblemCode.VHDX_LOG_PLACEMENT, Severity.ERROR, "header 2", "logOffset",
        H2 + HeaderLayout.LOG_OFFSET.offset());
    VhdxParsing dirty = with(b -> {
      b.header2.logOffset = offset;
      b.logGuid(UUID.randomUUID());
    });
    assertEquals(ProblemCode.VHDX_LOG_PLACEMENT, assertThrows(StopParsing.class, () -> parse(dirty)).problem().code(),
        "a dirty log that is misplaced cannot be replayed");
  }

  @Test
  void shouldAcceptALogEndingAtTheFilesEnd() throws IOException {
    VhdxBuilder b = new VhdxBuilder();
    long length = b.build().file.length();
    b.header2.logOffset = length - MIB;
    VhdxParsing p = VhdxParsing.open(b.build());
    assertArrayEquals(new long[] {length - MIB, length}, parse(p).log());
    assertNotReported(p.list(), ProblemCode.VHDX_LOG_PLACEMENT);
  }

  @Test
  void shouldTreatAnEmptyLogWithAGuidAsCleanExceptInStrictMode() throws IOException {
    UUID guid = UUID.randomUUID();
    Consumer<VhdxBuilder> knobs = b -> {
      b.logLength = 0;
      b.logGuid(guid);
    };
    VhdxParsing p = with(knobs);
    HeaderParser.Headers h = parse(p);
    assertNull(h.log());
    assertEquals(guid, h.current().logGuid(), "the header is reported as stored");
    assertEquals(Guids.ZERO, h.forReplay().logGuid(), "nothing is replayed");
    assertReported(p.list(), ProblemCode.VHDX_LOG_GUID_WITHOUT_LOG, Severity.ERROR, "header 2", "logGuid",
        H2 + HeaderLayout.LOG_GUID.offset());
    assertNull(VhdxParsing.lenient(build(knobs)).refusal());
    assertEquals(ProblemCode.VHDX_LOG_GUID_WITHOUT_LOG, VhdxParsing.open(build(knobs)).refusal().code());
  }

  @Test
  void shouldAcceptNoLog() throws IOException {
    VhdxParsing p = with(b -> b.logLength = 0);
    HeaderParser.Headers h = parse(p);
    assertNull(h.log());
    assertEquals(h.current(), h.forReplay());
    assertEquals(List.of(), p.list());
  }

  @Test
  void shouldWarnOfReservedBytesAtTheFirstOneSet() throws IOException {
    VhdxParsing p = sealed(2, v -> v.header(2).setBytes(4000, new byte[] {0, 7}));
    parse(p);
    Problem w = assertReported(p.list(), ProblemCode.VHDX_HEADER_RESERVED, Severity.WARNING, "header 2", "reserved",
        H2 + 4001);
    assertEquals("0x00000007", w.actual());
    assertNull(p.refusal());
  }
}
