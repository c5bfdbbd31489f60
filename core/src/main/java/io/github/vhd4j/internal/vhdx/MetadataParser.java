package io.github.vhd4j.internal.vhdx;

import static io.github.vhd4j.internal.Fmt.hex32;
import static io.github.vhd4j.internal.Fmt.num;

import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.VhdxMetadata;
import io.github.vhd4j.VhdxMetadataItem;
import io.github.vhd4j.VhdxRegion;
import io.github.vhd4j.internal.Place;
import io.github.vhd4j.internal.vhdx.layout.Guids;
import io.github.vhd4j.internal.vhdx.layout.MetadataLayout;
import io.github.vhd4j.internal.vhdx.layout.ParentLocatorLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Reads the metadata region (MS-VHDX 2.6): the table through {@link MetadataTableParser}, then the
 * system items of MS-VHDX 2.6.2, each with its exact length and flags and a value in range.
 */
final class MetadataParser {

  /**
   * The metadata and the parent locator item, which {@link VhdxLocatorParser} decodes.
   *
   * @param metadata the system items and the table
   * @param locator the Parent Locator item's bytes when the disk has a parent and the item is
   *     usable, else null
   * @param locatorOffset the item's file offset, or -1
   */
  record Parsed(VhdxMetadata metadata, @Nullable ByteBuffer locator, long locatorOffset) {}

  /** An item's expected length and IsVirtualDisk flag (MS-VHDX 2.6.2); length 0 = at least the locator header. */
  private record Shape(long length, boolean virtualDisk) {}

  private static final Map<UUID, Shape> SHAPES = Map.of(
      Guids.FILE_PARAMETERS, new Shape(MetadataLayout.FILE_PARAMETERS_LENGTH, false),
      Guids.VIRTUAL_DISK_SIZE, new Shape(MetadataLayout.VIRTUAL_DISK_SIZE_LENGTH, true),
      Guids.VIRTUAL_DISK_ID, new Shape(MetadataLayout.VIRTUAL_DISK_ID_LENGTH, true),
      Guids.LOGICAL_SECTOR_SIZE, new Shape(MetadataLayout.SECTOR_SIZE_LENGTH, true),
      Guids.PHYSICAL_SECTOR_SIZE, new Shape(MetadataLayout.SECTOR_SIZE_LENGTH, true),
      Guids.PARENT_LOCATOR, new Shape(0, false));
  /** The items every file must hold (MS-VHDX 2.6.2), in the order they are checked. */
  private static final List<UUID> REQUIRED = List.of(Guids.FILE_PARAMETERS, Guids.LOGICAL_SECTOR_SIZE,
      Guids.VIRTUAL_DISK_SIZE, Guids.PHYSICAL_SECTOR_SIZE, Guids.VIRTUAL_DISK_ID);

  private final VhdxParseContext ctx;
  private final VhdxRegion region;
  private final Map<UUID, MetadataTableParser.Entry> usable = new HashMap<>();

  private MetadataParser(VhdxParseContext ctx, VhdxRegion region) {
    this.ctx = ctx;
    this.region = region;
  }

  /**
   * Reads and checks the metadata.
   *
   * @param ctx the parse
   * @param region the metadata region, placed inside the file
   * @return the metadata and the locator item
   * @throws IOException if the file cannot be read
   */
  static Parsed parse(VhdxParseContext ctx, VhdxRegion region) throws IOException {
    return new MetadataParser(ctx, region).run();
  }

  private Parsed run() throws IOException {
    List<MetadataTableParser.Entry> entries = MetadataTableParser.parse(ctx, region);
    List<VhdxMetadataItem> items = new ArrayList<>(entries.size());
    boolean locatorListed = false;
    for (MetadataTableParser.Entry e : entries) {
      items.add(e.item());
      Shape shape = e.item().user() ? null : SHAPES.get(e.item().itemId());
      locatorListed |= shape != null && e.item().itemId().equals(Guids.PARENT_LOCATOR);
      if (shape != null && e.placed() && shaped(e, shape)) {
        usable.put(e.item().itemId(), e);
      }
    }
    for (UUID id : REQUIRED) {
      if (!usable.containsKey(id) && !listed(entries, id)) {
        throw ctx.p.fatal(ProblemCode.VHDX_METADATA_MISSING, new Place(MetadataLayout.STRUCTURE, region.fileOffset())
            .site(MetadataLayout.ENTRY_COUNT), "a " + Guids.name(id) + " item", "none",
            "the metadata table lists no " + Guids.name(id) + " item");
      }
    }
    ByteBuffer fp = item(Guids.FILE_PARAMETERS);
    long blockSize = MetadataLayout.BLOCK_SIZE.u32(fp);
    long flags = MetadataLayout.FILE_FLAGS.u32(fp);
    blockSize(blockSize);
    if ((flags & ~(MetadataLayout.LEAVE_BLOCK_ALLOCATED | MetadataLayout.HAS_PARENT)) != 0) {
      ctx.p.error(ProblemCode.VHDX_FILE_PARAMETERS_RESERVED, false, place(Guids.FILE_PARAMETERS)
          .site(MetadataLayout.FILE_FLAGS), "only bits 0-1", hex32(flags), "reserved File Parameters flags are set");
    }
    boolean hasParent = (flags & MetadataLayout.HAS_PARENT) != 0;
    int logical = sectorSize(Guids.LOGICAL_SECTOR_SIZE, true);
    long size = virtualSize(logical);
    int physical = sectorSize(Guids.PHYSICAL_SECTOR_SIZE, false);
    UUID id = usable.containsKey(Guids.VIRTUAL_DISK_ID)
        ? Guids.get(item(Guids.VIRTUAL_DISK_ID), MetadataLayout.VIRTUAL_DISK_ID) : Guids.ZERO;
    VhdxMetadata metadata = new VhdxMetadata(blockSize, (flags & MetadataLayout.LEAVE_BLOCK_ALLOCATED) != 0,
        hasParent, size, id, logical, physical, items);
    return locator(metadata, locatorListed);
  }

  /** MS-VHDX 2.6.2: each known item has an exact length (the locator at least its header) and IsVirtualDisk flag. */
  private boolean shaped(MetadataTableParser.Entry e, Shape shape) {
    VhdxMetadataItem item = e.item();
    boolean lengthOk = shape.length() == 0 ? item.length() >= ParentLocatorLayout.HEADER_SIZE
        : item.length() == shape.length();
    String expected = (shape.length() == 0 ? "at least " + ParentLocatorLayout.HEADER_SIZE : shape.length())
        + " bytes, IsVirtualDisk " + (shape.virtualDisk() ? 1 : 0);
    if (lengthOk && item.virtualDisk() == shape.virtualDisk()) {
      return true;
    }
    String actual = item.length() + " bytes, IsVirtualDisk " + (item.virtualDisk() ? 1 : 0);
    var site = MetadataTableParser.entrySite(region.fileOffset(), e.index(),
        lengthOk ? MetadataLayout.FLAGS : MetadataLayout.LENGTH);
    if (MetadataTableParser.GEOMETRY.contains(item.itemId())) {
      throw ctx.p.fatal(ProblemCode.VHDX_METADATA_ITEM_LENGTH, site, expected, actual,
          "the " + item.name() + " item is malformed");
    }
    ctx.p.error(ProblemCode.VHDX_METADATA_ITEM_LENGTH, false, site, expected, actual,
        "the " + item.name() + " item is malformed and not used");
    return false;
  }

  private static boolean listed(List<MetadataTableParser.Entry> entries, UUID id) {
    for (MetadataTableParser.Entry e : entries) {
      if (!e.item().user() && e.item().itemId().equals(id)) {
        return true;
      }
    }
    return false;
  }

  private Place place(UUID id) {
    return new Place(Guids.name(id), region.fileOffset() + usable.get(id).item().offset());
  }

  /** Reads a usable item whole; items are at most 1 MiB and inside the region (checked). */
  private ByteBuffer item(UUID id) throws IOException {
    VhdxMetadataItem item = usable.get(id).item();
    return ctx.read(region.fileOffset() + item.offset(), (int) item.length());
  }

  /** MS-VHDX 2.6.2.1 BlockSize: a power of two from 1 MiB to 256 MiB (CVE-2014-0148 was its absence). */
  private void blockSize(long blockSize) {
    if (blockSize < MetadataLayout.MIN_BLOCK_SIZE || blockSize > MetadataLayout.MAX_BLOCK_SIZE
        || Long.bitCount(blockSize) != 1) {
      throw ctx.p.fatal(ProblemCode.VHDX_BLOCK_SIZE, place(Guids.FILE_PARAMETERS).site(MetadataLayout.BLOCK_SIZE),
          "a power of two from 1 MiB to 256 MiB", num(blockSize), null);
    }
  }

  /**
   * MS-VHDX 2.6.2.4, 2.6.2.5: 512 or 4096. A bad logical size stops the parse (the table's layout
   * depends on it); a bad physical size is reported and the value kept.
   */
  private int sectorSize(UUID id, boolean logical) throws IOException {
    if (!usable.containsKey(id)) {
      return 0;
    }
    long v = MetadataLayout.SECTOR_SIZE.u32(item(id));
    if (v == 512 || v == 4096) {
      return (int) v;
    }
    var site = place(id).site(MetadataLayout.SECTOR_SIZE);
    if (logical) {
      throw ctx.p.fatal(ProblemCode.VHDX_SECTOR_SIZE, site, "512 or 4096", Long.toString(v), null);
    }
    ctx.p.error(ProblemCode.VHDX_SECTOR_SIZE, false, site, "512 or 4096", Long.toString(v), null);
    return (int) Math.min(v, Integer.MAX_VALUE);
  }

  /** MS-VHDX 2.6.2.2: 0 &lt; size &le; 64 TiB and a multiple of the logical sector size. */
  private long virtualSize(int logical) throws IOException {
    long size = MetadataLayout.VIRTUAL_DISK_SIZE.u64(item(Guids.VIRTUAL_DISK_SIZE));
    if (size <= 0 || size > MetadataLayout.MAX_VIRTUAL_SIZE || size % logical != 0) {
      throw ctx.p.fatal(ProblemCode.VHDX_VIRTUAL_SIZE, place(Guids.VIRTUAL_DISK_SIZE)
          .site(MetadataLayout.VIRTUAL_DISK_SIZE), "a multiple of " + logical + " from " + logical + " to 2^46",
          Long.toUnsignedString(size), null);
    }
    return size;
  }

  /** MS-VHDX 2.6.2.6: HasParent and the Parent Locator item come together. */
  private Parsed locator(VhdxMetadata m, boolean listed) throws IOException {
    boolean usableLocator = usable.containsKey(Guids.PARENT_LOCATOR);
    if (m.hasParent() != listed) {
      ctx.p.error(ProblemCode.VHDX_PARENT_LOCATOR_PRESENCE, false, place(Guids.FILE_PARAMETERS)
          .site(MetadataLayout.FILE_FLAGS), m.hasParent() ? "a Parent Locator item" : "no Parent Locator item",
          listed ? "a Parent Locator item" : "none", m.hasParent() ? "HasParent is set but the parent cannot be found"
              : "a Parent Locator item in a disk whose HasParent flag is clear");
    }
    if (!m.hasParent() || !usableLocator) {
      return new Parsed(m, null, -1);
    }
    return new Parsed(m, item(Guids.PARENT_LOCATOR), place(Guids.PARENT_LOCATOR).base());
  }
}
