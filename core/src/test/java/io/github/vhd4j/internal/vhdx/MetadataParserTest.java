package io.github.vhd4j.internal.vhdx;

import static io.github.vhd4j.testing.VhdAssertions.assertNotReported;
import static io.github.vhd4j.testing.VhdAssertions.assertReported;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.VhdxMetadata;
import io.github.vhd4j.VhdxMetadataItem;
import io.github.vhd4j.internal.Field;
import io.github.vhd4j.internal.StopParsing;
import io.github.vhd4j.internal.vhdx.layout.Guids;
import io.github.vhd4j.internal.vhdx.layout.MetadataLayout;
import io.github.vhd4j.testing.BuiltVhdx;
import io.github.vhd4j.testing.VhdxBuilder;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The metadata table and the system items (MS-VHDX 2.6; V24-V33, V44). */
class MetadataParserTest {
  private static final long MIB = VhdxBuilder.MIB;
  /** The metadata region's file offset in the builder's default layout. */
  private static final long META = 2 * MIB;
  private static final UUID OTHER = UUID.fromString("0badf00d-0000-4000-8000-000000000001");
  private static final long USER = MetadataLayout.IS_USER;
  private static final long REQUIRED = MetadataLayout.IS_REQUIRED;

  static MetadataParser.Parsed parse(VhdxParsing p) throws IOException {
    return MetadataParser.parse(p.ctx, RegionTableParser.parse(p.ctx, HeaderParser.parse(p.ctx)).metadata());
  }

  private static Problem stops(VhdxParsing p) {
    return assertThrows(StopParsing.class, () -> parse(p)).problem();
  }

  private static VhdxParsing with(Consumer<VhdxBuilder> knobs) {
    VhdxBuilder b = new VhdxBuilder();
    knobs.accept(b);
    return VhdxParsing.open(b.build());
  }

  private static VhdxParsing changed(Consumer<BuiltVhdx> change) {
    BuiltVhdx v = new VhdxBuilder().build();
    change.accept(v);
    return VhdxParsing.open(v);
  }

  private static long entrySite(int i, Field f) {
    return META + MetadataLayout.entryIndex(i) + f.offset();
  }

  private static VhdxBuilder.Item item(UUID id, long flags, int length) {
    return new VhdxBuilder.Item(id, flags, new byte[length], null);
  }

  @Test
  void shouldReadTheSystemItems() throws IOException {
    VhdxBuilder b = VhdxBuilder.fixed(40 * MIB, 8 * MIB);
    b.logicalSectorSize = 4096;
    b.physicalSectorSize = 512;
    VhdxParsing p = VhdxParsing.open(b.build());
    MetadataParser.Parsed parsed = parse(p);
    VhdxMetadata m = parsed.metadata();
    assertEquals(8 * MIB, m.blockSize());
    assertTrue(m.leaveBlockAllocated());
    assertFalse(m.hasParent());
    assertEquals(40 * MIB, m.virtualSize());
    assertEquals(b.virtualDiskId, m.virtualDiskId());
    assertEquals(4096, m.logicalSectorSize());
    assertEquals(512, m.physicalSectorSize());
    assertNull(parsed.locator());
    assertEquals(List.of("File Parameters", "Virtual Disk Size", "Virtual Disk ID", "Logical Sector Size",
        "Physical Sector Size"), m.items().stream().map(VhdxMetadataItem::name).toList());
    VhdxMetadataItem size = m.items().get(1);
    assertEquals(new VhdxMetadataItem(Guids.VIRTUAL_DISK_SIZE, "Virtual Disk Size", 64 * 1024 + 8, 8, false, true,
        true, true), size);
    assertEquals(List.of(), p.list());
  }

  @Test
  void shouldHandTheLocatorItemOverForADifferencingDisk() throws IOException {
    BuiltVhdx v = VhdxBuilder.differencing(8 * MIB, 2 * MIB, UUID.randomUUID()).build();
    VhdxParsing p = VhdxParsing.open(v);
    MetadataParser.Parsed parsed = parse(p);
    assertTrue(parsed.metadata().hasParent());
    assertNotNull(parsed.locator());
    assertEquals(v.item(Guids.PARENT_LOCATOR).offset(), parsed.locatorOffset());
    assertEquals(v.item(Guids.PARENT_LOCATOR).buffer(), parsed.locator());
  }

  @Test
  void shouldRefuseARegionOver128MibBeforeReadingIt() throws IOException {
    VhdxBuilder b = new VhdxBuilder();
    b.metadataRegionLength = 129 * MIB;
    BuiltVhdx v = b.build();
    v.metadataTable().setBytes(0, new byte[8]);
    VhdxParsing p = VhdxParsing.open(v);
    Problem stop = stops(p);
    assertEquals(ProblemCode.VHDX_METADATA_LIMIT, stop.code(), "the damaged table is never read");
    assertEquals(List.of(stop), p.list());
    b.metadataRegionLength = 128 * MIB;
    VhdxParsing q = VhdxParsing.open(b.build());
    parse(q);
    assertEquals(List.of(), q.list());
  }

  @Test
  void shouldStopOnABadSignature() {
    Problem stop = stops(changed(v -> v.metadataTable().setBytes(0, new byte[] {'M'})));
    assertEquals(ProblemCode.VHDX_METADATA_SIGNATURE, stop.code());
    assertEquals(META, stop.offset());
  }

  @Test
  void shouldRefuseReservedFields() throws IOException {
    VhdxParsing p = changed(v -> v.metadataTable().set(MetadataLayout.RESERVED, 1).setBytes(31, new byte[] {1})
        .set(MetadataLayout.entryIndex(2), MetadataLayout.ENTRY_RESERVED, 5));
    parse(p);
    assertReported(p.list(), ProblemCode.VHDX_METADATA_RESERVED, Severity.ERROR, "metadata table", "reserved",
        META + MetadataLayout.RESERVED.offset());
    assertReported(p.list(), ProblemCode.VHDX_METADATA_RESERVED, Severity.ERROR, "metadata table", "reserved2",
        META + MetadataLayout.RESERVED2.offset());
    assertReported(p.list(), ProblemCode.VHDX_METADATA_RESERVED, Severity.ERROR, "metadata table",
        "entry[2].reserved2", entrySite(2, MetadataLayout.ENTRY_RESERVED));
  }

  @Test
  void shouldRefuseMoreEntriesThanTheTableHolds() throws IOException {
    VhdxParsing p = changed(v -> v.metadataTable().set(MetadataLayout.ENTRY_COUNT, 0xFFFF));
    parse(p);
    assertReported(p.list(), ProblemCode.VHDX_METADATA_COUNT, Severity.ERROR, "metadata table", "entryCount",
        META + MetadataLayout.ENTRY_COUNT.offset());
  }

  @Test
  void shouldRefuseMoreThan1024UserItemsUnlessLenient() throws IOException {
    VhdxBuilder b = new VhdxBuilder();
    for (int i = 0; i < 1025; i++) {
      b.extraItems.add(item(new UUID(7, i), USER, 0));
    }
    VhdxParsing p = VhdxParsing.open(b.build());
    assertEquals(1030, parse(p).metadata().items().size());
    assertEquals(ProblemCode.VHDX_METADATA_COUNT, VhdxParsing.open(b.build()).refusal().code());
    assertNull(VhdxParsing.lenient(b.build()).refusal());
    b.extraItems.remove(0);
    VhdxParsing q = VhdxParsing.open(b.build());
    parse(q);
    assertEquals(List.of(), q.list());
  }

  @Test
  void shouldRefuseMoreThan1023SystemItemsUnlessLenient() throws IOException {
    VhdxBuilder b = new VhdxBuilder();
    for (int i = 0; i < 1019; i++) {
      b.extraItems.add(item(new UUID(8, i), 0, 0));
    }
    VhdxParsing p = VhdxParsing.open(b.build());
    parse(p);
    assertReported(p.list(), ProblemCode.VHDX_METADATA_COUNT, Severity.ERROR, "metadata table", "entryCount",
        META + MetadataLayout.ENTRY_COUNT.offset());
    assertNull(VhdxParsing.lenient(b.build()).refusal());
    b.extraItems.remove(0);
    VhdxParsing q = VhdxParsing.open(b.build());
    parse(q);
    assertEquals(List.of(), q.list());
  }

  @Test
  void shouldRefuseMalformedEntries() throws IOException {
    VhdxParsing p = with(b -> {
      b.extraItems.add(item(OTHER, 8 | USER, 4));
      b.extraItems.add(item(Guids.ZERO, USER, 0));
      b.extraItems.add(item(Guids.FILE_PARAMETERS, 0, 8));
    });
    List<VhdxMetadataItem> items = parse(p).metadata().items();
    assertEquals(7, items.size(), "the duplicate is left out");
    assertReported(p.list(), ProblemCode.VHDX_METADATA_ENTRY, Severity.ERROR, "metadata table", "entry[5].flags",
        entrySite(5, MetadataLayout.FLAGS));
    assertReported(p.list(), ProblemCode.VHDX_METADATA_ENTRY, Severity.ERROR, "metadata table", "entry[6].itemId",
        entrySite(6, MetadataLayout.ITEM_ID));
    assertReported(p.list(), ProblemCode.VHDX_METADATA_ENTRY, Severity.ERROR, "metadata table", "entry[7].itemId",
        entrySite(7, MetadataLayout.ITEM_ID));
  }

  @Test
  void shouldAcceptTheSameIdAsUserAndSystemItem() throws IOException {
    VhdxParsing p = with(b -> b.extraItems.add(item(Guids.FILE_PARAMETERS, USER, 8)));
    MetadataParser.Parsed parsed = parse(p);
    assertEquals(6, parsed.metadata().items().size());
    assertFalse(parsed.metadata().items().get(5).known(), "a user item is never a system item");
    assertEquals(List.of(), p.list());
  }

  @Test
  void shouldRefuseARequiredUserItemUnlessLenient() throws IOException {
    VhdxBuilder b = new VhdxBuilder();
    b.extraItems.add(item(OTHER, USER | REQUIRED, 4));
    VhdxParsing p = VhdxParsing.open(b.build());
    parse(p);
    assertReported(p.list(), ProblemCode.VHDX_METADATA_ENTRY, Severity.ERROR, "metadata table", "entry[5].flags",
        entrySite(5, MetadataLayout.FLAGS));
    assertNull(VhdxParsing.lenient(b.build()).refusal());
  }

  @ParameterizedTest(name = "offset {0}")
  @ValueSource(longs = {0, 100, 65532, MIB - 2, 0xFFFF_FFFFL})
  void shouldRefuseAnItemOutsideTheRegionOrInTheTable(long offset) throws IOException {
    VhdxParsing p = with(b -> b.extraItems.add(new VhdxBuilder.Item(OTHER, USER, new byte[4], offset)));
    parse(p);
    assertReported(p.list(), ProblemCode.VHDX_METADATA_ITEM_PLACEMENT, Severity.ERROR, "metadata table",
        "entry[5].offset", entrySite(5, MetadataLayout.OFFSET));
  }

  @Test
  void shouldRefuseAnItemOverOneMib() throws IOException {
    VhdxParsing p = changed(v -> v.metadataEntry(Guids.VIRTUAL_DISK_ID, MetadataLayout.LENGTH, MIB + 1));
    parse(p);
    assertReported(p.list(), ProblemCode.VHDX_METADATA_ITEM_PLACEMENT, Severity.ERROR, "metadata table",
        "entry[2].length", entrySite(2, MetadataLayout.LENGTH));
  }

  @Test
  void shouldAcceptAnEmptyItemOnlyAtOffsetZero() throws IOException {
    VhdxParsing empty = with(b -> b.extraItems.add(item(OTHER, 0, 0)));
    assertEquals(0, parse(empty).metadata().items().get(5).offset());
    assertEquals(List.of(), empty.list());
    VhdxParsing p = with(b -> b.extraItems.add(new VhdxBuilder.Item(OTHER, 0, new byte[0], 70_000L)));
    parse(p);
    assertReported(p.list(), ProblemCode.VHDX_METADATA_ITEM_PLACEMENT, Severity.ERROR, "metadata table",
        "entry[5].offset", entrySite(5, MetadataLayout.OFFSET));
  }

  @Test
  void shouldStopWhenAnItemTheGeometryNeedsLiesOutsideTheRegion() {
    Problem stop = stops(changed(v -> v.metadataEntry(Guids.VIRTUAL_DISK_SIZE, MetadataLayout.OFFSET, 5 * MIB)));
    assertEquals(ProblemCode.VHDX_METADATA_ITEM_PLACEMENT, stop.code());
    assertEquals(entrySite(1, MetadataLayout.OFFSET), stop.offset());
  }

  @Test
  void shouldRefuseOverlappingItems() throws IOException {
    VhdxParsing p = with(b -> {
      b.extraItems.add(new VhdxBuilder.Item(OTHER, USER, new byte[100], 200_000L));
      b.extraItems.add(new VhdxBuilder.Item(new UUID(1, 2), USER, new byte[100], 200_099L));
      b.extraItems.add(new VhdxBuilder.Item(new UUID(1, 3), USER, new byte[100], 200_199L));
    });
    parse(p);
    List<Problem> found = p.of(ProblemCode.VHDX_METADATA_ITEM_OVERLAP);
    assertEquals(1, found.size(), "items that only touch do not overlap");
    assertReported(p.list(), ProblemCode.VHDX_METADATA_ITEM_OVERLAP, Severity.ERROR, "metadata table",
        "entry[6].offset", entrySite(6, MetadataLayout.OFFSET));
  }

  @Test
  void shouldAcceptEntriesOutOfOffsetOrder() throws IOException {
    // Disk2vhd lists items out of offset order; swap where the two sector size items lie.
    BuiltVhdx v = VhdxBuilder.dynamic(8 * MIB, 2 * MIB).build();
    long logical = v.itemOffset(Guids.LOGICAL_SECTOR_SIZE);
    long physical = v.itemOffset(Guids.PHYSICAL_SECTOR_SIZE);
    v.metadataEntry(Guids.LOGICAL_SECTOR_SIZE, MetadataLayout.OFFSET, physical);
    v.metadataEntry(Guids.PHYSICAL_SECTOR_SIZE, MetadataLayout.OFFSET, logical);
    VhdxParsing p = VhdxParsing.open(v);
    VhdxMetadata m = parse(p).metadata();
    assertEquals(4096, m.logicalSectorSize());
    assertEquals(512, m.physicalSectorSize());
    assertEquals(List.of(), p.list());
  }

  @Test
  void shouldStopOnAnUnknownRequiredSystemItem() {
    VhdxParsing p = with(b -> b.extraItems.add(item(OTHER, REQUIRED, 4)));
    Problem stop = stops(p);
    assertEquals(ProblemCode.VHDX_METADATA_UNKNOWN_REQUIRED, stop.code());
    assertEquals(entrySite(5, MetadataLayout.ITEM_ID), stop.offset());
  }

  @Test
  void shouldKeepUnknownOptionalItemsAndWindowsOwnItems() throws IOException {
    VhdxParsing p = with(b -> {
      b.extraItems.add(item(OTHER, 0, 12));
      b.extraItems.add(item(new UUID(3, 3), USER, 0));
      b.extraItems.add(item(Guids.CHS_PARAMETERS, REQUIRED, 8));
      b.extraItems.add(item(Guids.PMEM_LABEL_STORAGE, REQUIRED, 16));
    });
    List<VhdxMetadataItem> items = parse(p).metadata().items();
    assertEquals(9, items.size());
    assertFalse(items.get(5).known());
    assertEquals("{" + OTHER + "}", items.get(5).name());
    assertEquals("CHS Parameters", items.get(7).name());
    assertTrue(items.get(7).known() && items.get(8).known());
    assertEquals(List.of(), p.list());
  }

  @Test
  void shouldRefuseAnIncompleteFileWithItsOwnCode() throws IOException {
    VhdxBuilder b = new VhdxBuilder();
    b.extraItems.add(item(Guids.INCOMPLETE_FILE, 0, 0));
    VhdxParsing p = VhdxParsing.open(b.build());
    parse(p);
    assertReported(p.list(), ProblemCode.VHDX_INCOMPLETE_FILE, Severity.ERROR, "metadata table", "entry[5].itemId",
        entrySite(5, MetadataLayout.ITEM_ID));
    assertEquals(ProblemCode.VHDX_INCOMPLETE_FILE, VhdxParsing.lenient(b.build()).refusal().code());
  }

  @ParameterizedTest(name = "entry {0}")
  @ValueSource(ints = {0, 1, 2, 3, 4})
  void shouldStopWhenASystemItemIsMissing(int entry) {
    BuiltVhdx v = new VhdxBuilder().build();
    v.metadataTable().setGuid(MetadataLayout.entryIndex(entry), MetadataLayout.ITEM_ID, OTHER)
        .set(MetadataLayout.entryIndex(entry), MetadataLayout.FLAGS, 0);
    VhdxParsing p = VhdxParsing.open(v);
    Problem stop = stops(p);
    assertEquals(ProblemCode.VHDX_METADATA_MISSING, stop.code());
    assertEquals(META + MetadataLayout.ENTRY_COUNT.offset(), stop.offset());
  }

  @Test
  void shouldStopOnAGeometryItemOfTheWrongLengthOrFlags() {
    Problem length = stops(changed(v -> v.metadataEntry(Guids.FILE_PARAMETERS, MetadataLayout.LENGTH, 12)));
    assertEquals(ProblemCode.VHDX_METADATA_ITEM_LENGTH, length.code());
    assertEquals(entrySite(0, MetadataLayout.LENGTH), length.offset());
    assertEquals("8 bytes, IsVirtualDisk 0", length.expected());
    Problem flags = stops(changed(v -> v.metadataEntry(Guids.VIRTUAL_DISK_SIZE, MetadataLayout.FLAGS, REQUIRED)));
    assertEquals(ProblemCode.VHDX_METADATA_ITEM_LENGTH, flags.code());
    assertEquals(entrySite(1, MetadataLayout.FLAGS), flags.offset());
  }

  @Test
  void shouldReportOtherItemsOfTheWrongLengthAndGoOn() throws IOException {
    VhdxParsing p = changed(v -> v.metadataEntry(Guids.VIRTUAL_DISK_ID, MetadataLayout.LENGTH, 8)
        .metadataEntry(Guids.PHYSICAL_SECTOR_SIZE, MetadataLayout.FLAGS, REQUIRED));
    VhdxMetadata m = parse(p).metadata();
    assertEquals(Guids.ZERO, m.virtualDiskId());
    assertReported(p.list(), ProblemCode.VHDX_METADATA_ITEM_LENGTH, Severity.ERROR, "metadata table",
        "entry[2].length", entrySite(2, MetadataLayout.LENGTH));
    assertReported(p.list(), ProblemCode.VHDX_METADATA_ITEM_LENGTH, Severity.ERROR, "metadata table",
        "entry[4].flags", entrySite(4, MetadataLayout.FLAGS));
  }

  @ParameterizedTest(name = "block size {0}")
  @ValueSource(longs = {0, 512 * 1024, 3 * MIB, 512 * MIB, 0xFFFF_FFFFL})
  void shouldStopOnABadBlockSize(long blockSize) {
    VhdxParsing p = with(b -> b.blockSize = blockSize);
    Problem stop = stops(p);
    assertEquals(ProblemCode.VHDX_BLOCK_SIZE, stop.code());
    assertEquals("File Parameters", stop.structure());
    assertEquals(META + 64 * 1024 + MetadataLayout.BLOCK_SIZE.offset(), stop.offset());
  }

  @ParameterizedTest(name = "block size {0}")
  @ValueSource(longs = {MIB, 32 * MIB, 256 * MIB})
  void shouldAcceptEveryBlockSizeInRange(long blockSize) throws IOException {
    VhdxParsing p = with(b -> {
      b.blockSize = blockSize;
      b.virtualSize = 256 * MIB;
    });
    assertEquals(blockSize, parse(p).metadata().blockSize());
    assertEquals(List.of(), p.list());
  }

  @Test
  void shouldRefuseReservedFileParameterFlags() throws IOException {
    VhdxParsing p = with(b -> b.fileParameterFlags = 4L);
    parse(p);
    assertReported(p.list(), ProblemCode.VHDX_FILE_PARAMETERS_RESERVED, Severity.ERROR, "File Parameters", "flags",
        META + 64 * 1024 + MetadataLayout.FILE_FLAGS.offset());
  }

  @ParameterizedTest(name = "size {0}")
  @ValueSource(longs = {0, 8 * MIB + 100, (1L << 46) + 512, (1L << 52) + 2 * MIB, -512})
  void shouldStopOnABadVirtualSize(long size) {
    Problem stop = stops(with(b -> b.virtualSize = size));
    assertEquals(ProblemCode.VHDX_VIRTUAL_SIZE, stop.code());
    assertEquals("Virtual Disk Size", stop.structure());
    assertEquals(Long.toUnsignedString(size), stop.actual());
  }

  @Test
  void shouldRequireAMultipleOfTheLogicalSectorSize() throws IOException {
    VhdxParsing odd = with(b -> b.virtualSize = 1_049_088);
    assertEquals(1_049_088, parse(odd).metadata().virtualSize(), "2049 sectors of 512 bytes");
    Problem stop = stops(with(b -> {
      b.virtualSize = 1_049_088;
      b.logicalSectorSize = 4096;
    }));
    assertEquals(ProblemCode.VHDX_VIRTUAL_SIZE, stop.code());
    VhdxParsing max = with(b -> {
      b.virtualSize = 1L << 46;
      b.blockSize = 256 * MIB;
    });
    assertEquals(1L << 46, parse(max).metadata().virtualSize());
  }

  @ParameterizedTest(name = "logical sector size {0}")
  @ValueSource(longs = {0, 1024, 520, 8192})
  void shouldStopOnABadLogicalSectorSize(long size) {
    Problem stop = stops(with(b -> b.logicalSectorSize = size));
    assertEquals(ProblemCode.VHDX_SECTOR_SIZE, stop.code());
    assertEquals("Logical Sector Size", stop.structure());
  }

  @Test
  void shouldRefuseABadPhysicalSectorSizeAndGoOn() throws IOException {
    VhdxParsing p = with(b -> b.physicalSectorSize = 1024);
    assertEquals(1024, parse(p).metadata().physicalSectorSize());
    Problem e = assertReported(p.list(), ProblemCode.VHDX_SECTOR_SIZE, Severity.ERROR, "Physical Sector Size",
        "sectorSize", META + 64 * 1024 + 8 + 8 + 16 + 4);
    assertEquals("512 or 4096", e.expected());
  }

  @Test
  void shouldRefuseHasParentWithoutALocator() throws IOException {
    VhdxParsing p = with(b -> {
      b.type = VhdxBuilder.Type.DIFFERENCING;
      b.writeLocator = false;
    });
    MetadataParser.Parsed parsed = parse(p);
    assertTrue(parsed.metadata().hasParent());
    assertNull(parsed.locator());
    assertReported(p.list(), ProblemCode.VHDX_PARENT_LOCATOR_PRESENCE, Severity.ERROR, "File Parameters", "flags",
        META + 64 * 1024 + MetadataLayout.FILE_FLAGS.offset());
  }

  @Test
  void shouldRefuseALocatorWithoutHasParent() throws IOException {
    VhdxParsing p = with(b -> b.writeLocator = true);
    assertNull(parse(p).locator());
    assertReported(p.list(), ProblemCode.VHDX_PARENT_LOCATOR_PRESENCE, Severity.ERROR, "File Parameters", "flags",
        META + 64 * 1024 + MetadataLayout.FILE_FLAGS.offset());
  }

  @Test
  void shouldRefuseALocatorTooShortForItsHeader() throws IOException {
    BuiltVhdx v = VhdxBuilder.differencing(8 * MIB, 2 * MIB, UUID.randomUUID()).build();
    v.metadataEntry(Guids.PARENT_LOCATOR, MetadataLayout.LENGTH, 10);
    VhdxParsing p = VhdxParsing.open(v);
    assertNull(parse(p).locator());
    assertReported(p.list(), ProblemCode.VHDX_METADATA_ITEM_LENGTH, Severity.ERROR, "metadata table",
        "entry[5].length", entrySite(5, MetadataLayout.LENGTH));
    assertNotReported(p.list(), ProblemCode.VHDX_PARENT_LOCATOR_PRESENCE);
  }
}
