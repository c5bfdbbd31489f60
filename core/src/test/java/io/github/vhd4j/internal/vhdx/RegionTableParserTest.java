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
import io.github.vhd4j.VhdxRegion;
import io.github.vhd4j.internal.StopParsing;
import io.github.vhd4j.internal.vhdx.layout.Guids;
import io.github.vhd4j.internal.vhdx.layout.RegionTableLayout;
import io.github.vhd4j.testing.BuiltVhdx;
import io.github.vhd4j.testing.SparseImage;
import io.github.vhd4j.testing.VhdxBuilder;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The region table: its two copies, its entries and their placement (MS-VHDX 2.2.3; V11-V16). */
class RegionTableParserTest {
  private static final long MIB = VhdxBuilder.MIB;
  private static final long T1 = RegionTableLayout.offset(1);
  private static final long T2 = RegionTableLayout.offset(2);
  private static final UUID EXTRA = UUID.fromString("11111111-2222-3333-4444-555555555555");

  private static RegionTableParser.Regions parse(VhdxParsing p) throws IOException {
    return RegionTableParser.parse(p.ctx, HeaderParser.parse(p.ctx));
  }

  private static Problem stops(VhdxParsing p) {
    return assertThrows(StopParsing.class, () -> parse(p)).problem();
  }

  /** Changes both copies the same way and seals them. */
  private static BuiltVhdx both(BuiltVhdx v, Consumer<SparseImage.Struct> change) {
    for (int copy = 1; copy <= 2; copy++) {
      change.accept(v.regionTable(copy));
      v.regionTable(copy).reseal();
    }
    return v;
  }

  /** A file whose BAT entry has one field changed in both copies. */
  private static VhdxParsing batField(io.github.vhd4j.internal.Field f, long value) {
    BuiltVhdx v = new VhdxBuilder().build();
    return VhdxParsing.open(both(v, t -> t.set(v.regionEntry(Guids.BAT_REGION), f, value)));
  }

  private static long entrySite(int i, io.github.vhd4j.internal.Field f) {
    return T1 + RegionTableLayout.entryIndex(i) + f.offset();
  }

  @Test
  void shouldListTheRegionsAndWhatTheyOccupy() throws IOException {
    VhdxBuilder b = new VhdxBuilder();
    b.extraRegions.add(new VhdxBuilder.Region(EXTRA, MIB, 0, null));
    VhdxParsing p = VhdxParsing.open(b.build());
    RegionTableParser.Regions r = parse(p);
    assertEquals(List.of("metadata", "BAT", "{" + EXTRA + "}"), r.regions().stream().map(VhdxRegion::name).toList());
    assertEquals(new VhdxRegion(Guids.METADATA_REGION, "metadata", 2 * MIB, MIB, true), r.metadata());
    assertEquals(new VhdxRegion(Guids.BAT_REGION, "BAT", 3 * MIB, MIB, true), r.bat());
    assertEquals(5, r.occupied().size());
    assertArrayEquals(new long[] {0, MIB}, r.occupied().get(0));
    assertArrayEquals(new long[] {MIB, 2 * MIB}, r.occupied().get(1));
    assertArrayEquals(new long[] {4 * MIB, 5 * MIB}, r.occupied().get(4));
    assertEquals(List.of(), p.list());
  }

  @Test
  void shouldUseTableTwoWhenTableOneIsDamaged() throws IOException {
    BuiltVhdx v = new VhdxBuilder().build();
    v.regionTable(1).set(RegionTableLayout.ENTRY_COUNT, 0);
    VhdxParsing p = VhdxParsing.open(v);
    assertEquals(2, parse(p).regions().size());
    assertReported(p.list(), ProblemCode.VHDX_REGION_TABLE_CHECKSUM, Severity.WARNING, "region table 1", "checksum",
        T1 + RegionTableLayout.CHECKSUM.offset());
    assertNull(p.refusal());
  }

  @Test
  void shouldWarnOfABadSignature() throws IOException {
    BuiltVhdx v = new VhdxBuilder().build();
    v.regionTable(2).setBytes(0, new byte[4]).reseal();
    VhdxParsing p = VhdxParsing.open(v);
    parse(p);
    assertReported(p.list(), ProblemCode.VHDX_REGION_TABLE_SIGNATURE, Severity.WARNING, "region table 2",
        "signature", T2);
  }

  @Test
  void shouldStopWhenBothTablesAreDamaged() {
    BuiltVhdx v = new VhdxBuilder().build();
    v.regionTable(1).set(RegionTableLayout.RESERVED, 1);
    v.regionTable(2).set(RegionTableLayout.RESERVED, 1);
    assertEquals(ProblemCode.VHDX_NO_VALID_REGION_TABLE, stops(VhdxParsing.open(v)).code());
  }

  @Test
  void shouldReportDifferentValidCopiesAsRecoverable() throws IOException {
    BuiltVhdx v = new VhdxBuilder().build();
    v.regionTable(2).set(v.regionEntry(Guids.BAT_REGION), RegionTableLayout.LENGTH, 2 * MIB).reseal();
    VhdxParsing p = VhdxParsing.open(v);
    assertEquals(MIB, parse(p).bat().length(), "table 1 is used");
    assertReported(p.list(), ProblemCode.VHDX_REGION_TABLE_MISMATCH, Severity.ERROR, "region table 2", "signature",
        T2);
    assertEquals(ProblemCode.VHDX_REGION_TABLE_MISMATCH, VhdxParsing.open(v).refusal().code());
    assertNull(VhdxParsing.lenient(v).refusal());
  }

  @Test
  void shouldRefuseTooManyEntriesAndReadOnlyThoseThatFit() throws IOException {
    BuiltVhdx v = new VhdxBuilder().build();
    VhdxParsing p = VhdxParsing.open(both(v, t -> t.set(RegionTableLayout.ENTRY_COUNT, 0xFFFF_FFFFL)));
    assertEquals(3, parse(p).regions().size(), "the first zero entry is kept, as an unknown region");
    assertEquals(RegionTableLayout.MAX_ENTRIES - 3, p.of(ProblemCode.VHDX_REGION_DUPLICATE).stream()
        .filter(x -> !x.structure().equals("*")).count(), "every later zero entry repeats its GUID");
    assertReported(p.list(), ProblemCode.VHDX_REGION_TABLE_COUNT, Severity.ERROR, "region table 1", "entryCount",
        T1 + RegionTableLayout.ENTRY_COUNT.offset());
  }

  @Test
  void shouldRefuseReservedBits() throws IOException {
    BuiltVhdx v = new VhdxBuilder().build();
    VhdxParsing p = VhdxParsing.open(both(v, t -> t.set(RegionTableLayout.RESERVED, 2)));
    parse(p);
    assertReported(p.list(), ProblemCode.VHDX_REGION_TABLE_RESERVED, Severity.ERROR, "region table 1", "reserved",
        T1 + RegionTableLayout.RESERVED.offset());
  }

  @ParameterizedTest(name = "offset {0}")
  @ValueSource(longs = {0, 512 * 1024, 3 * MIB + 4096, 1L << 40, -MIB, Long.MIN_VALUE})
  void shouldStopOnAMisplacedBatRegion(long offset) {
    VhdxParsing p = batField(RegionTableLayout.FILE_OFFSET, offset);
    Problem stop = stops(p);
    assertEquals(ProblemCode.VHDX_REGION_PLACEMENT, stop.code());
    assertEquals(entrySite(1, RegionTableLayout.FILE_OFFSET), stop.offset());
  }

  @ParameterizedTest(name = "length {0}")
  @ValueSource(longs = {0, 4096, MIB + 1, 0xFFF0_0000L})
  void shouldStopOnABadBatRegionLength(long length) {
    Problem stop = stops(batField(RegionTableLayout.LENGTH, length));
    assertEquals(ProblemCode.VHDX_REGION_PLACEMENT, stop.code());
    assertEquals("region table 1", stop.structure());
  }

  @Test
  void shouldReportAMisplacedUnknownRegionAndGoOn() throws IOException {
    VhdxBuilder b = new VhdxBuilder();
    b.extraRegions.add(new VhdxBuilder.Region(EXTRA, MIB, 0, 7 * MIB + 512));
    VhdxParsing p = VhdxParsing.open(b.build());
    RegionTableParser.Regions r = parse(p);
    assertEquals(3, r.regions().size());
    assertEquals(4, r.occupied().size(), "a misplaced region occupies nothing");
    assertReported(p.list(), ProblemCode.VHDX_REGION_PLACEMENT, Severity.ERROR, "region table 1",
        "entry[2].fileOffset", entrySite(2, RegionTableLayout.FILE_OFFSET));
  }

  @Test
  void shouldRefuseDuplicateGuids() throws IOException {
    VhdxBuilder b = new VhdxBuilder();
    b.extraRegions.add(new VhdxBuilder.Region(EXTRA, MIB, 0, null));
    BuiltVhdx v = b.build();
    VhdxParsing p = VhdxParsing.open(both(v, t -> t.setGuid(v.regionEntry(EXTRA), RegionTableLayout.GUID,
        Guids.METADATA_REGION)));
    RegionTableParser.Regions r = parse(p);
    assertEquals(2, r.regions().size());
    assertEquals(2 * MIB, r.metadata().fileOffset(), "the first entry stands");
    assertReported(p.list(), ProblemCode.VHDX_REGION_DUPLICATE, Severity.ERROR, "region table 1", "entry[2].guid",
        entrySite(2, RegionTableLayout.GUID));
  }

  @Test
  void shouldStopWhenTheBatOrMetadataRegionIsMissing() {
    for (UUID gone : List.of(Guids.BAT_REGION, Guids.METADATA_REGION)) {
      BuiltVhdx v = new VhdxBuilder().build();
      Problem stop = stops(VhdxParsing.open(both(v, t -> t.setGuid(v.regionEntry(gone), RegionTableLayout.GUID,
          EXTRA).set(v.regionEntry(gone), RegionTableLayout.REQUIRED, 0))));
      assertEquals(ProblemCode.VHDX_REGION_MISSING, stop.code(), gone.toString());
      assertTrue(stop.message().contains(Guids.name(gone)), stop.message());
    }
  }

  @Test
  void shouldStopOnAnUnknownRequiredRegionButKeepAnUnknownOptionalOne() throws IOException {
    VhdxBuilder b = new VhdxBuilder();
    b.extraRegions.add(new VhdxBuilder.Region(EXTRA, MIB, RegionTableLayout.REQUIRED_BIT, null));
    VhdxParsing p = VhdxParsing.open(b.build());
    Problem stop = stops(p);
    assertEquals(ProblemCode.VHDX_REGION_UNKNOWN_REQUIRED, stop.code());
    assertEquals(entrySite(2, RegionTableLayout.GUID), stop.offset());
    b.extraRegions.set(0, new VhdxBuilder.Region(EXTRA, MIB, 0, null));
    VhdxParsing q = VhdxParsing.open(b.build());
    assertFalse(parse(q).regions().get(2).required());
    assertEquals(List.of(), q.list());
  }

  @Test
  void shouldAcceptKnownRegionsNotMarkedRequired() throws IOException {
    VhdxBuilder b = new VhdxBuilder();
    b.batRequired = 0;
    b.metadataRequired = 0;
    VhdxParsing p = VhdxParsing.open(b.build());
    RegionTableParser.Regions r = parse(p);
    assertFalse(r.bat().required());
    assertFalse(r.metadata().required());
    assertEquals(List.of(), p.list());
  }

  @Test
  void shouldRefuseReservedRequiredBits() throws IOException {
    VhdxParsing p = batField(RegionTableLayout.REQUIRED, 3);
    assertTrue(parse(p).bat().required());
    assertReported(p.list(), ProblemCode.VHDX_REGION_FLAGS, Severity.ERROR, "region table 1", "entry[1].required",
        entrySite(1, RegionTableLayout.REQUIRED));
  }

  /** The metadata region starts at 2 MiB, the BAT at 3 MiB; the extra region is placed by hand. */
  private static List<Problem> overlapsWith(long offset, long length) throws IOException {
    VhdxBuilder b = new VhdxBuilder();
    b.extraRegions.add(new VhdxBuilder.Region(EXTRA, length, 0, offset));
    b.tailBytes = 8 * MIB;
    VhdxParsing p = VhdxParsing.open(b.build());
    parse(p);
    return p.of(ProblemCode.VHDX_REGION_OVERLAP);
  }

  @Test
  void shouldFindOverlapsButAllowTouchingRanges() throws IOException {
    assertEquals(1, overlapsWith(2 * MIB, MIB).size(), "identical to the metadata region");
    assertEquals(2, overlapsWith(2 * MIB, 4 * MIB).size(), "containing the metadata and BAT regions");
    assertEquals(1, overlapsWith(MIB, MIB).size(), "over the log");
    assertEquals(1, overlapsWith(3 * MIB, 2 * MIB).size(), "partly over the BAT region");
    assertEquals(List.of(), overlapsWith(4 * MIB, MIB), "touching the BAT region's end");
    Problem o = overlapsWith(2 * MIB, MIB).get(0);
    assertTrue(o.message().contains("metadata region"), o.message());
  }

  @Test
  void shouldReportEveryRegionAContainingOneCovers() throws IOException {
    List<Problem> found = overlapsWith(MIB, 3 * MIB);
    assertEquals(3, found.size(), found.toString());
  }

  @Test
  void shouldRefuseARegionWhoseEndWrapsPast64Bits() throws IOException {
    // offset + length passes 2^64 and wraps to 1 MiB: an overlap test on the wrapped end would
    // think the region lies over the header section; it is refused as misplaced instead.
    VhdxBuilder b = new VhdxBuilder();
    b.extraRegions.add(new VhdxBuilder.Region(EXTRA, 2 * MIB, 0, -MIB));
    VhdxParsing p = VhdxParsing.open(b.build());
    RegionTableParser.Regions r = parse(p);
    assertEquals(4, r.occupied().size());
    assertReported(p.list(), ProblemCode.VHDX_REGION_PLACEMENT, Severity.ERROR, "region table 1",
        "entry[2].fileOffset", entrySite(2, RegionTableLayout.FILE_OFFSET));
    assertNotReported(p.list(), ProblemCode.VHDX_REGION_OVERLAP);
  }
}
