package io.github.vhd4j.pitfalls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.VhdxImage;
import io.github.vhd4j.internal.vhdx.VhdxLayer;
import io.github.vhd4j.internal.vhdx.VhdxParsing;
import io.github.vhd4j.internal.vhdx.layout.HeaderLayout;
import io.github.vhd4j.internal.vhdx.layout.RegionTableLayout;
import io.github.vhd4j.internal.vhdx.layout.VhdxCrc;
import io.github.vhd4j.testing.BuiltVhdx;
import io.github.vhd4j.testing.QemuImg;
import io.github.vhd4j.testing.VhdxBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * VHDX pitfalls (vhdx.md section 11) of the headers, the region tables and their checksums:
 * Each test's display name names its case.
 *
 * <p>Covered elsewhere: X-2 and the metadata cases in {@link VhdxMetadataPitfallsTest}.
 */
class VhdxHeaderPitfallsTest {
  private static final long MIB = VhdxBuilder.MIB;
  private static final byte[] DATA = "block zero, as written".getBytes(StandardCharsets.US_ASCII);

  @TempDir
  Path dir;

  private static BuiltVhdx withData() {
    return VhdxBuilder.dynamic(8 * MIB, 2 * MIB).block(0, DATA).build();
  }

  /** Opens strictly, asserts it opens, and returns the image's first bytes. */
  private static byte[] opensAndReads(BuiltVhdx v) throws IOException {
    VhdxParsing p = VhdxParsing.open(v);
    VhdxLayer layer = p.parse();
    assertNull(p.refusal(), () -> p.list().toString());
    VhdxImage img = p.image(layer);
    ByteBuffer b = ByteBuffer.allocate(DATA.length);
    img.readFully(0, b);
    return b.array();
  }

  // ---- torn header ------------------------------------------------------------------------

  @Test
  @DisplayName("X-16: a newer header with a bad checksum is skipped for the older one")
  void shouldUseTheOlderHeaderWhenTheNewerIsTorn() throws IOException {
    BuiltVhdx v = withData();
    v.header(2).set(HeaderLayout.SEQUENCE_NUMBER, 99);
    VhdxParsing p = VhdxParsing.open(v);
    assertEquals(1, p.parse().header.copy());
    assertEquals(Severity.WARNING, p.of(ProblemCode.VHDX_HEADER_CHECKSUM).get(0).severity());
    assertArrayEquals(DATA, opensAndReads(v));
  }

  @Test
  @DisplayName("X-16: a damaged header 1 does not stop the open (7-Zip, libvhdi and CH refuse)")
  void shouldOpenWithHeaderOneDamaged() throws IOException {
    BuiltVhdx v = withData();
    v.header(1).setBytes(0, new byte[4]);
    assertArrayEquals(DATA, opensAndReads(v));
  }

  // ---- checksum over the field as stored ---------------------------------------------------

  @Test
  @DisplayName("X-17: a checksum computed without zeroing the field fails; a right one verifies")
  void shouldRefuseAChecksumComputedOverItself() throws IOException {
    BuiltVhdx v = withData();
    ByteBuffer h = v.header(2).buffer();
    HeaderLayout.CHECKSUM.putU32(h, 0xFFFFFFFFL);
    CRC32C crc = new CRC32C();
    crc.update(h.duplicate().position(0).limit(HeaderLayout.SIZE));
    HeaderLayout.CHECKSUM.putU32(h, crc.getValue());
    VhdxParsing p = VhdxParsing.open(v);
    assertEquals(1, p.parse().header.copy());
    assertEquals(1, p.of(ProblemCode.VHDX_HEADER_CHECKSUM).size());
    v.header(2).reseal();
    VhdxParsing q = VhdxParsing.open(v);
    assertEquals(2, q.parse().header.copy());
    assertEquals(List.of(), q.list());
    v.header(2).buffer().put(1000, (byte) 1);
    VhdxParsing flipped = VhdxParsing.open(v);
    assertEquals(1, flipped.parse().header.copy(), "one flipped bit fails the checksum");
  }

  @Test
  @DisplayName("X-17: both headers of a file qemu-img made verify")
  void shouldVerifyAnotherProgramsHeaders() throws Exception {
    QemuImg.require();
    Path img = QemuImg.create("vhdx", dir.resolve("q.vhdx"), 8 * MIB, "subformat=dynamic");
    VhdxParsing p = VhdxParsing.open(Files.readAllBytes(img));
    VhdxLayer layer = p.parse();
    assertTrue(layer.headers.get(0).valid() && layer.headers.get(1).valid());
    assertEquals(List.of(), p.complaints());
  }

  // ---- equal sequence numbers ------------------------------------------------------------

  @Test
  @DisplayName("X-18: identical headers with equal sequence numbers open (Disk2vhd)")
  void shouldOpenIdenticalHeaders() throws IOException {
    VhdxBuilder b = VhdxBuilder.dynamic(8 * MIB, 2 * MIB).block(0, DATA);
    b.creator = "d2v";
    b.header2.sequenceNumber = 1;
    b.tailBytes = 512;
    assertArrayEquals(DATA, opensAndReads(b.build()));
  }

  @Test
  @DisplayName("X-18: different headers with equal sequence numbers are refused; lenient opens use header 1")
  void shouldRefuseDifferentHeadersWithEqualNumbers() throws IOException {
    VhdxBuilder b = VhdxBuilder.dynamic(8 * MIB, 2 * MIB);
    b.header2.sequenceNumber = 1;
    b.header2.dataWriteGuid = UUID.randomUUID();
    Problem refused = VhdxParsing.open(b.build()).refusal();
    assertNotNull(refused);
    assertEquals(ProblemCode.VHDX_HEADER_SEQUENCE, refused.code());
    assertEquals(HeaderLayout.offset(2) + HeaderLayout.SEQUENCE_NUMBER.offset(), refused.offset());
    VhdxParsing lenient = VhdxParsing.lenient(b.build());
    assertEquals(b.header1.dataWriteGuid, lenient.parse().header.dataWriteGuid());
    assertNull(lenient.refusal());
  }

  // ---- the largest sequence number -------------------------------------------------------

  @Test
  @DisplayName("X-19: sequence number 2^64 - 1 opens and wins, with no arithmetic on it")
  void shouldOpenTheLargestSequenceNumber() throws IOException {
    VhdxBuilder b = VhdxBuilder.dynamic(8 * MIB, 2 * MIB).block(0, DATA);
    b.header1.sequenceNumber = -1L;
    b.header2.sequenceNumber = 5;
    BuiltVhdx v = b.build();
    VhdxParsing p = VhdxParsing.open(v);
    VhdxLayer layer = p.parse();
    assertEquals(1, layer.header.copy());
    assertEquals("18446744073709551615", Long.toUnsignedString(layer.header.sequenceNumber()));
    assertArrayEquals(DATA, opensAndReads(v));
  }

  // ---- X-20: region table 1 damaged --------------------------------------------------------------

  @Test
  @DisplayName("X-20: region table 1 damaged, table 2 valid: the file opens (QEMU, 7-Zip, libvhdi refuse)")
  void shouldOpenWithRegionTableTwo() throws IOException {
    BuiltVhdx v = withData();
    v.regionTable(1).set(RegionTableLayout.ENTRY_COUNT, 1);
    VhdxParsing p = VhdxParsing.open(v);
    p.parse();
    assertEquals(Severity.WARNING, p.of(ProblemCode.VHDX_REGION_TABLE_CHECKSUM).get(0).severity());
    assertArrayEquals(DATA, opensAndReads(v));
  }

  // ---- X-21: region overlap and wrap ----------------------------------------------------------

  /** A file with one extra region at an offset and length, both copies of the table alike. */
  private static Problem refusalWithRegion(long offset, long length) throws IOException {
    VhdxBuilder b = VhdxBuilder.dynamic(8 * MIB, 2 * MIB);
    b.extraRegions.add(new VhdxBuilder.Region(UUID.randomUUID(), length, 0, offset));
    b.tailBytes = 16 * MIB;
    return VhdxParsing.open(b.build()).refusal();
  }

  @ParameterizedTest(name = "X-21: region [{0} MiB, +{1} MiB) {2}")
  @CsvSource({"2, 1, identical to the metadata region", "2, 3, containing the metadata and BAT regions",
      "3, 2, partly over the BAT region", "1, 1, over the log", "1, 4, over the log and every region"})
  @DisplayName("X-21: overlapping regions are refused")
  void shouldRefuseOverlappingRegions(long offsetMib, long lengthMib, String what) throws IOException {
    Problem refused = refusalWithRegion(offsetMib * MIB, lengthMib * MIB);
    assertNotNull(refused, what);
    assertEquals(ProblemCode.VHDX_REGION_OVERLAP, refused.code(), what);
  }

  @Test
  @DisplayName("X-21: a region over the header section is refused")
  void shouldRefuseARegionOverTheHeaderSection() throws IOException {
    assertEquals(ProblemCode.VHDX_REGION_PLACEMENT, refusalWithRegion(0, 2 * MIB).code());
  }

  @Test
  @DisplayName("X-21: regions that touch are accepted")
  void shouldAcceptTouchingRegions() throws IOException {
    assertNull(refusalWithRegion(4 * MIB, MIB));
  }

  @Test
  @DisplayName("X-21: a region whose end wraps past 2^64 is refused, not taken for one near offset 0")
  void shouldRefuseAWrappingRegion() throws IOException {
    Problem refused = refusalWithRegion(-MIB, 2 * MIB);
    assertEquals(ProblemCode.VHDX_REGION_PLACEMENT, refused.code());
    refused = refusalWithRegion(Long.MIN_VALUE, MIB);
    assertEquals(ProblemCode.VHDX_REGION_PLACEMENT, refused.code());
  }

  // ---- CRC-32C, not CRC-32 -----------------------------------------------------------------

  @Test
  @DisplayName("X-48: the checksum is CRC-32C: check value 0xE3069283, computed with the field zeroed")
  void shouldUseCrc32c() {
    CRC32C c = new CRC32C();
    c.update("123456789".getBytes(StandardCharsets.US_ASCII));
    assertEquals(0xE3069283L, c.getValue());
    ByteBuffer h = withData().header(1).buffer();
    CRC32C zeroed = new CRC32C();
    ByteBuffer copy = ByteBuffer.allocate(HeaderLayout.SIZE).put(h.duplicate().clear()).clear();
    copy.putInt(HeaderLayout.CHECKSUM.offset(), 0);
    zeroed.update(copy);
    assertEquals(zeroed.getValue(), VhdxCrc.compute(h, HeaderLayout.SIZE, HeaderLayout.CHECKSUM));
    assertEquals(zeroed.getValue(), HeaderLayout.CHECKSUM.u32(h), "the builder seals with CRC-32C");
  }

  @Test
  @DisplayName("X-48: a header sealed with CRC-32 (IEEE) is invalid")
  void shouldRefuseAnIeeeChecksum() throws IOException {
    BuiltVhdx v = withData();
    for (int copy = 1; copy <= 2; copy++) {
      ByteBuffer h = v.header(copy).buffer();
      HeaderLayout.CHECKSUM.putU32(h, 0);
      CRC32 ieee = new CRC32();
      ieee.update(h.duplicate().position(0).limit(HeaderLayout.SIZE));
      HeaderLayout.CHECKSUM.putU32(h, ieee.getValue());
    }
    VhdxParsing p = VhdxParsing.open(v);
    assertEquals(ProblemCode.VHDX_NO_VALID_HEADER, p.stops().code());
    assertEquals(2, p.of(ProblemCode.VHDX_HEADER_CHECKSUM).size());
  }
}
