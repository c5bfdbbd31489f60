package io.github.vhd4j.pitfalls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.VhdxImage;
import io.github.vhd4j.internal.vhdx.VhdxLayer;
import io.github.vhd4j.internal.vhdx.VhdxParsing;
import io.github.vhd4j.internal.vhdx.layout.Guids;
import io.github.vhd4j.internal.vhdx.layout.MetadataLayout;
import io.github.vhd4j.internal.vhdx.layout.ParentLocatorLayout;
import io.github.vhd4j.internal.vhdx.layout.RegionTableLayout;
import io.github.vhd4j.testing.BuiltVhdx;
import io.github.vhd4j.testing.SparseImage;
import io.github.vhd4j.testing.VhdxBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * VHDX pitfalls (vhdx.md section 11) of the region table's contents, the metadata and the parent
 * locator. Each test's display name names its case.
 * "Refused" means a strict and a lenient open both stop at the problem named.
 */
class VhdxMetadataPitfallsTest {
  private static final long MIB = VhdxBuilder.MIB;
  private static final Duration QUICK = Duration.ofSeconds(10);
  private static final UUID UNKNOWN = UUID.fromString("c0ffee00-1234-4567-89ab-cdef01234567");

  private static VhdxBuilder disk() {
    return VhdxBuilder.dynamic(8 * MIB, 2 * MIB);
  }

  /** Asserts that strict and lenient opens both refuse the file with the code. */
  private static Problem refused(BuiltVhdx v, ProblemCode code) throws IOException {
    Problem strict = VhdxParsing.open(v).refusal();
    assertNotNull(strict, "strict open accepted the file");
    assertEquals(code, strict.code(), strict::toString);
    Problem lenient = VhdxParsing.lenient(v).refusal();
    assertNotNull(lenient, "lenient open accepted the file");
    assertEquals(code, lenient.code(), lenient::toString);
    return strict;
  }

  private static BuiltVhdx with(Consumer<VhdxBuilder> knobs) {
    VhdxBuilder b = disk();
    knobs.accept(b);
    return b.build();
  }

  // ---- CVE-2014-0148 ------------------------------------------------------------------------

  @ParameterizedTest(name = "X-1: block size {0}")
  @ValueSource(longs = {0, 3 * MIB, 512 * MIB})
  @DisplayName("X-1: an out-of-range block size is refused at once, without a loop or a division by zero")
  void shouldRefuseBadBlockSizes(long blockSize) {
    assertTimeoutPreemptively(QUICK, () -> refused(with(b -> b.blockSize = blockSize), ProblemCode.VHDX_BLOCK_SIZE));
  }

  @ParameterizedTest(name = "X-1: logical sector size {0}")
  @ValueSource(longs = {0, 1024})
  @DisplayName("X-1: an out-of-range logical sector size is refused at once")
  void shouldRefuseBadLogicalSectorSizes(long size) {
    assertTimeoutPreemptively(QUICK,
        () -> refused(with(b -> b.logicalSectorSize = size), ProblemCode.VHDX_SECTOR_SIZE));
  }

  // ---- over 64 TiB --------------------------------------------------------------------------

  @Test
  @DisplayName("X-2: a virtual size of 2^52 + 2 MiB with 1 MiB blocks and a 1 MiB BAT is refused")
  void shouldRefuseASizeBeyond64Tib() throws IOException {
    BuiltVhdx v = with(b -> {
      b.virtualSize = (1L << 52) + 2 * MIB;
      b.blockSize = MIB;
      b.batRegionLength = MIB;
    });
    Problem p = refused(v, ProblemCode.VHDX_VIRTUAL_SIZE);
    assertEquals("4503599629467648", p.actual());
  }

  // ---- unknown required region or item ---------------------------------------------------

  @Test
  @DisplayName("X-22: an unknown region marked required is refused (libvhdi opens it)")
  void shouldRefuseAnUnknownRequiredRegion() throws IOException {
    BuiltVhdx v = with(b -> b.extraRegions.add(new VhdxBuilder.Region(UNKNOWN, MIB,
        RegionTableLayout.REQUIRED_BIT, null)));
    Problem p = refused(v, ProblemCode.VHDX_REGION_UNKNOWN_REQUIRED);
    assertEquals("{" + UNKNOWN + "}", p.actual());
  }

  @Test
  @DisplayName("X-22: an unknown system metadata item marked required is refused (libvhdi, DiscUtils open it)")
  void shouldRefuseAnUnknownRequiredItem() throws IOException {
    BuiltVhdx v = with(b -> b.extraItems.add(new VhdxBuilder.Item(UNKNOWN, MetadataLayout.IS_REQUIRED, new byte[8],
        null)));
    refused(v, ProblemCode.VHDX_METADATA_UNKNOWN_REQUIRED);
  }

  // ---- an item outside the region -------------------------------------------------------

  @Test
  @DisplayName("X-23: a Virtual Disk Size item pointing into payload data is refused, not read from guest bytes")
  void shouldRefuseAnItemOutsideTheRegion() throws IOException {
    VhdxBuilder b = disk();
    byte[] guest = ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0, 32 * MIB).array();
    b.block(0, guest);
    BuiltVhdx v = b.build();
    long block = v.blockOffset(0, b.chunkRatio());
    v.metadataEntry(Guids.VIRTUAL_DISK_SIZE, MetadataLayout.OFFSET, block - v.metadataOffset);
    Problem p = refused(v, ProblemCode.VHDX_METADATA_ITEM_PLACEMENT);
    assertEquals(v.metadataOffset + v.metadataEntry(Guids.VIRTUAL_DISK_SIZE) + MetadataLayout.OFFSET.offset(),
        p.offset());
  }

  // ---- overlapping items -----------------------------------------------------------------

  @Test
  @DisplayName("X-24: overlapping metadata items are refused (QEMU, 7-Zip, libvhdi accept them)")
  void shouldRefuseOverlappingItems() throws IOException {
    BuiltVhdx v = disk().build();
    // The Virtual Disk ID's 16 bytes now also hold the logical and physical sector sizes.
    v.metadataEntry(Guids.VIRTUAL_DISK_ID, MetadataLayout.OFFSET, v.itemOffset(Guids.LOGICAL_SECTOR_SIZE) - 8);
    refused(v, ProblemCode.VHDX_METADATA_ITEM_OVERLAP);
  }

  // ---- empty unknown item -----------------------------------------------------------------

  @Test
  @DisplayName("X-25: an unknown optional item of length 0 at offset 0 opens and is ignored")
  void shouldIgnoreAnEmptyUnknownItem() throws IOException {
    VhdxBuilder b = disk();
    b.extraItems.add(new VhdxBuilder.Item(UNKNOWN, 0, new byte[0], null));
    b.extraItems.add(new VhdxBuilder.Item(new UUID(1, 1), MetadataLayout.IS_USER, new byte[0], null));
    VhdxParsing p = VhdxParsing.open(b.build());
    VhdxLayer layer = p.parse();
    assertNull(p.refusal());
    assertEquals(List.of(), p.list());
    assertEquals(7, layer.metadata.items().size());
    assertEquals(0, layer.metadata.items().get(5).length());
  }

  // ---- the virtual size ----------------------------------------------------

  @Test
  @DisplayName("X-26: a virtual size of 8 MiB + 100 is refused (QEMU truncates, 7-Zip and libvhdi expose it)")
  void shouldRefuseASizeNotAMultipleOfTheSector() throws IOException {
    refused(with(b -> b.virtualSize = 8 * MIB + 100), ProblemCode.VHDX_VIRTUAL_SIZE);
  }

  @Test
  @DisplayName("X-27: an odd number of 512-byte sectors (1049088 bytes) opens (7-Zip refuses it)")
  void shouldOpenAnOddNumberOfSectors() throws IOException {
    VhdxBuilder b = VhdxBuilder.dynamic(1_049_088, MIB);
    byte[] last = new byte[512];
    last[511] = 42;
    b.block(1, last);
    VhdxParsing p = VhdxParsing.open(b.build());
    VhdxLayer layer = p.parse();
    assertNull(p.refusal());
    assertEquals(1_049_088, layer.virtualSize);
    VhdxImage img = p.image(layer);
    ByteBuffer sector = ByteBuffer.allocate(512);
    img.readFully(1_049_088 - 512, sector);
    assertArrayEquals(last, sector.array());
  }

  @Test
  @DisplayName("X-28: a virtual size of 0 is refused")
  void shouldRefuseAZeroSize() throws IOException {
    refused(with(b -> b.virtualSize = 0), ProblemCode.VHDX_VIRTUAL_SIZE);
  }

  // ---- physical sector size ------------------------------------------------------------

  @Test
  @DisplayName("X-30: a physical sector size of 1024 is refused (QEMU opens it)")
  void shouldRefuseAPhysicalSectorSizeOf1024() throws IOException {
    Problem p = refused(with(b -> b.physicalSectorSize = 1024), ProblemCode.VHDX_SECTOR_SIZE);
    assertEquals("Physical Sector Size", p.structure());
  }

  // ---- parent locator fuzz -----------------------------------------------------------------

  private static BuiltVhdx child(Consumer<SparseImage.Struct> change) {
    BuiltVhdx v = VhdxBuilder.differencing(8 * MIB, 2 * MIB, UUID.randomUUID()).build();
    change.accept(v.item(Guids.PARENT_LOCATOR));
    return v;
  }

  private static int entry(int i) {
    return ParentLocatorLayout.entryIndex(i);
  }

  @ParameterizedTest(name = "X-45: {0}")
  @ValueSource(strings = {"KeyValueCount 0", "KeyValueCount 257", "odd key length", "odd value offset",
      "value past the item", "embedded NUL", "unpaired surrogate", "duplicate key"})
  @DisplayName("X-45: malformed parent locators are refused")
  void shouldRefuseMalformedLocators(String how) throws IOException {
    BuiltVhdx v = child(s -> {
      ByteBuffer b = s.buffer();
      int value1 = b.getInt(entry(1) + ParentLocatorLayout.VALUE_OFFSET.offset());
      switch (how) {
        case "KeyValueCount 0" -> s.set(ParentLocatorLayout.KEY_VALUE_COUNT, 0);
        case "KeyValueCount 257" -> s.set(ParentLocatorLayout.KEY_VALUE_COUNT, 257);
        case "odd key length" -> s.set(entry(0), ParentLocatorLayout.KEY_LENGTH, 27);
        case "odd value offset" -> s.set(entry(1), ParentLocatorLayout.VALUE_OFFSET, value1 + 1);
        case "value past the item" -> s.set(entry(1), ParentLocatorLayout.VALUE_OFFSET, 1 << 20);
        case "embedded NUL" -> s.setBytes(value1 + 2, new byte[2]);
        case "unpaired surrogate" -> s.setBytes(value1 + 2, new byte[] {0x00, (byte) 0xDC});
        default -> {
          s.set(entry(1), ParentLocatorLayout.KEY_OFFSET, b.getInt(entry(0) + ParentLocatorLayout.KEY_OFFSET.offset()));
          s.set(entry(1), ParentLocatorLayout.KEY_LENGTH,
              b.getShort(entry(0) + ParentLocatorLayout.KEY_LENGTH.offset()));
        }
      }
    });
    refused(v, ProblemCode.VHDX_PARENT_LOCATOR);
  }

  // ---- HasParent without a locator -------------------------------------------------------

  @Test
  @DisplayName("X-47: HasParent without a Parent Locator item is refused at open")
  void shouldRefuseHasParentWithoutALocator() throws IOException {
    BuiltVhdx v = with(b -> {
      b.type = VhdxBuilder.Type.DIFFERENCING;
      b.writeLocator = false;
    });
    Problem p = refused(v, ProblemCode.VHDX_PARENT_LOCATOR_PRESENCE);
    assertEquals("File Parameters", p.structure());
  }
}
