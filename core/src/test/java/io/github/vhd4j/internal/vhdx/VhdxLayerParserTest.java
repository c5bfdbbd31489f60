package io.github.vhd4j.internal.vhdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.DiskType;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.internal.vhdx.layout.Guids;
import io.github.vhd4j.internal.vhdx.layout.HeaderLayout;
import io.github.vhd4j.internal.vhdx.layout.MetadataLayout;
import io.github.vhd4j.internal.vhdx.layout.ParentLocatorLayout;
import io.github.vhd4j.internal.vhdx.layout.RegionTableLayout;
import io.github.vhd4j.testing.BuiltVhdx;
import io.github.vhd4j.testing.VhdxBuilder;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A whole file through {@link VhdxLayerParser}: the order of the parts and what the layer holds. */
class VhdxLayerParserTest {
  private static final long MIB = VhdxBuilder.MIB;

  @Test
  void shouldAssembleTheLayerFromEveryPart() throws IOException {
    UUID parent = UUID.randomUUID();
    VhdxBuilder b = VhdxBuilder.differencing(12 * MIB, 4 * MIB, parent);
    b.creator = "Microsoft Windows 10.0.17763.0";
    b.logicalSectorSize = 4096;
    VhdxParsing p = VhdxParsing.open(b.build());
    VhdxLayer layer = p.parse();
    assertEquals(List.of(), p.list());
    assertEquals("Microsoft Windows 10.0.17763.0", layer.creator);
    assertEquals(2, layer.headers.size());
    assertEquals(layer.headers.get(1), layer.header);
    assertEquals(2, layer.regions.size());
    assertEquals(DiskType.DIFFERENCING, layer.diskType());
    assertEquals(Guids.text(parent), layer.locator.parentLinkage());
    assertFalse(layer.log.dirty());
    assertEquals(MIB, layer.log.offset());
    VhdxGeometry g = layer.table.geometry();
    assertEquals(new VhdxGeometry(12 * MIB, 4 * MIB, 4096, true), g);
    assertEquals(12 * MIB, layer.virtualSize);
    assertEquals(4 * MIB, layer.blockSize);
  }

  @Test
  void shouldCollectEveryProblemInACheck() throws IOException {
    BuiltVhdx v = VhdxBuilder.dynamic(8 * MIB, 2 * MIB).build();
    v.header(1).set(HeaderLayout.VERSION, 3);
    v.header(2).setBytes(HeaderLayout.RESERVED.offset(), new byte[] {1}).reseal();
    v.regionTable(1).set(RegionTableLayout.RESERVED, 1);
    v.item(Guids.PHYSICAL_SECTOR_SIZE).set(MetadataLayout.SECTOR_SIZE, 520);
    v.item(Guids.FILE_PARAMETERS).set(MetadataLayout.FILE_FLAGS, 8);
    VhdxParsing p = VhdxParsing.check(v);
    p.parse();
    assertEquals(Set.of(ProblemCode.VHDX_HEADER_CHECKSUM, ProblemCode.VHDX_HEADER_RESERVED,
        ProblemCode.VHDX_REGION_TABLE_CHECKSUM, ProblemCode.VHDX_SECTOR_SIZE,
        ProblemCode.VHDX_FILE_PARAMETERS_RESERVED), Set.copyOf(p.list().stream().map(Problem::code).toList()));
  }

  @Test
  void shouldReplayTheLogBeforeReadingTheRegionTables() {
    // The region tables, the metadata and the BAT are what a log rewrites, so nothing of them may
    // be judged before the replay: a dirty log whose entries are missing stops the parse first.
    VhdxBuilder b = new VhdxBuilder().logGuid(UUID.randomUUID());
    BuiltVhdx v = b.build();
    v.regionTable(1).set(RegionTableLayout.ENTRY_COUNT, 0);
    VhdxParsing p = VhdxParsing.open(v);
    Problem stop = p.stops();
    assertTrue(stop.code().name().startsWith("VHDX_LOG"), stop.toString());
    assertEquals(List.of(), p.of(ProblemCode.VHDX_REGION_TABLE_CHECKSUM));
  }

  @Test
  void shouldNotReplayAnEmptyLogNamedByItsGuid() throws IOException {
    VhdxBuilder b = new VhdxBuilder().logGuid(UUID.randomUUID());
    b.logLength = 0;
    VhdxParsing p = VhdxParsing.lenient(b.build());
    VhdxLayer layer = p.parse();
    assertFalse(layer.log.dirty());
    assertTrue(layer.header.logDirty(), "the header is kept as stored");
    assertNull(p.refusal());
    assertEquals(ProblemCode.VHDX_LOG_GUID_WITHOUT_LOG, VhdxParsing.open(b.build()).refusal().code());
  }

  @Test
  void shouldKeepAMalformedLocatorOutOfTheLayer() throws IOException {
    BuiltVhdx v = VhdxBuilder.differencing(8 * MIB, 2 * MIB, UUID.randomUUID()).build();
    v.item(Guids.PARENT_LOCATOR).setGuid(0, ParentLocatorLayout.LOCATOR_TYPE, UUID.randomUUID());
    VhdxParsing p = VhdxParsing.check(v);
    VhdxLayer layer = p.parse();
    assertNull(layer.locator);
    assertEquals(ProblemCode.VHDX_PARENT_LOCATOR, p.refusal().code());
  }

  @Test
  void shouldAcceptDisk2vhdsExtraSectorAndRefuseATruncatedFile() throws IOException {
    VhdxBuilder b = new VhdxBuilder();
    b.tailBytes = 512;
    VhdxParsing p = VhdxParsing.open(b.build());
    p.parse();
    assertEquals(List.of(), p.list());
    b.tailBytes = 0;
    b.fileLength = 3 * MIB + 4096;
    assertEquals(ProblemCode.VHDX_REGION_PLACEMENT, VhdxParsing.open(b.build()).stops().code());
  }

  @Test
  void shouldReadTheStructuresOfAQemuOrderedFile() throws IOException {
    VhdxBuilder b = VhdxBuilder.dynamic(64 * MIB, 8 * MIB);
    b.metadataFirst = false;
    b.batRequired = 0;
    b.metadataRequired = 0;
    b.creator = "QEMU v7.2.22";
    b.block(7, new byte[] {9});
    VhdxParsing p = VhdxParsing.open(b.build());
    VhdxLayer layer = p.parse();
    assertEquals(List.of(), p.list());
    assertEquals(List.of("BAT", "metadata"), layer.regions.stream().map(r -> r.name()).toList());
    assertEquals(6, layer.table.payloadEntry(7) & 7);
  }
}
