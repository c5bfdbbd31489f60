package io.github.vhd4j.testing;

import io.github.vhd4j.internal.vhdx.layout.BatLayout;
import io.github.vhd4j.internal.vhdx.layout.Guids;
import io.github.vhd4j.internal.vhdx.layout.HeaderLayout;
import io.github.vhd4j.internal.vhdx.layout.IdentifierLayout;
import io.github.vhd4j.internal.vhdx.layout.MetadataLayout;
import io.github.vhd4j.internal.vhdx.layout.RegionTableLayout;
import io.github.vhd4j.internal.vhdx.layout.VhdxCrc;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** Lays out and writes what a {@link VhdxBuilder} describes (see its class comment for the layout). */
final class VhdxLayoutWriter {
  /** The table is written in pages; pages of zero entries are left out (sparse). */
  private static final int PAGE = 64 * VhdxBuilder.KIB;

  private final VhdxBuilder b;
  private final SparseImage img = new SparseImage(0);
  private long cursor = IdentifierLayout.HEADER_SECTION;

  VhdxLayoutWriter(VhdxBuilder b) {
    this.b = b;
  }

  private long alloc(long length) {
    long at = cursor;
    cursor += (length + VhdxBuilder.MIB - 1) / VhdxBuilder.MIB * VhdxBuilder.MIB;
    return at;
  }

  BuiltVhdx write() {
    long logOffset = b.logLength > 0 ? alloc(b.logLength) : 0;
    long batLength = b.batRegionLength != null ? b.batRegionLength
        : (b.batEntries() * BatLayout.ENTRY_SIZE + VhdxBuilder.MIB - 1) / VhdxBuilder.MIB * VhdxBuilder.MIB;
    long meta;
    long bat;
    if (b.metadataFirst) {
      meta = alloc(b.metadataRegionLength);
      bat = alloc(batLength);
    } else {
      bat = alloc(batLength);
      meta = alloc(b.metadataRegionLength);
    }
    // Region table entries in file order: {offset, length, Required field}.
    Map<UUID, long[]> regions = new LinkedHashMap<>();
    long[] batEntry = {bat, batLength, b.batRequired};
    long[] metaEntry = {meta, b.metadataRegionLength, b.metadataRequired};
    regions.put(b.metadataFirst ? Guids.METADATA_REGION : Guids.BAT_REGION, b.metadataFirst ? metaEntry : batEntry);
    regions.put(b.metadataFirst ? Guids.BAT_REGION : Guids.METADATA_REGION, b.metadataFirst ? batEntry : metaEntry);
    for (VhdxBuilder.Region r : b.extraRegions) {
      long at = r.offset() != null ? r.offset() : alloc(r.length());
      regions.put(r.guid(), new long[] {at, r.length(), r.required()});
    }
    Map<Long, Long> entries = table();
    headerSection(logOffset, regions);
    if (b.logBytes != null) {
      img.put(logOffset, b.logBytes);
    }
    Map<UUID, long[]> items = new LinkedHashMap<>();
    metadata(meta, items);
    writeTable(bat, entries);
    for (Map.Entry<Long, byte[]> e : b.placed().entrySet()) {
      img.put(e.getKey(), e.getValue());
      cursor = Math.max(cursor, e.getKey() + e.getValue().length);
    }
    long natural = cursor + b.tailBytes;
    img.setLength(b.fileLength != null ? b.fileLength : natural);
    return new BuiltVhdx(img, logOffset, meta, bat, new ArrayList<>(regions.keySet()), new ArrayList<>(items.keySet()),
        items, entries);
  }

  /** Every non-zero table entry: those set, and blocks the builder allocates in table order. */
  private Map<Long, Long> table() {
    TreeMap<Long, Long> out = new TreeMap<>(b.entries());
    if (b.type == VhdxBuilder.Type.FIXED) {
      long cr = b.chunkRatio();
      long blocks = BatLayout.payloadBlocks(Math.min(Math.max(b.virtualSize, 1), MetadataLayout.MAX_VIRTUAL_SIZE),
          b.layoutBlock());
      for (long blk = 0; blk < blocks; blk++) {
        out.putIfAbsent(BatLayout.payloadIndex(blk, cr), (long) BatLayout.PAYLOAD_FULLY_PRESENT);
      }
    }
    long cr = b.chunkRatio();
    for (Map.Entry<Long, Long> e : out.entrySet()) {
      long index = e.getKey();
      boolean fixedDefault = b.type == VhdxBuilder.Type.FIXED && !b.entries().containsKey(index);
      if (!b.allocates(index) && !fixedDefault) {
        continue;
      }
      boolean bitmap = BatLayout.isBitmapIndex(index, cr);
      long at = alloc(bitmap ? BatLayout.BITMAP_BLOCK : b.layoutBlock());
      e.setValue(BatLayout.entry((int) (long) e.getValue(), at));
      byte[] data = b.contents(index);
      if (data != null) {
        img.put(at, data);
      }
    }
    return out;
  }

  /** Identifier, two headers, two identical region tables (MS-VHDX 2.2). */
  private void headerSection(long logOffset, Map<UUID, long[]> regions) {
    byte[] section = img.extent(0, (int) (RegionTableLayout.offset(2) + RegionTableLayout.SIZE));
    ByteBuffer s = ByteBuffer.wrap(section).order(ByteOrder.LITTLE_ENDIAN);
    s.put(0, b.identifier(), 0, IdentifierLayout.SIZE);
    s.put((int) HeaderLayout.offset(1), b.header(b.header1, logOffset), 0, HeaderLayout.SIZE);
    s.put((int) HeaderLayout.offset(2), b.header(b.header2, logOffset), 0, HeaderLayout.SIZE);
    ByteBuffer t = ByteBuffer.allocate(RegionTableLayout.SIZE).order(ByteOrder.LITTLE_ENDIAN);
    RegionTableLayout.SIGNATURE.putBytes(t, RegionTableLayout.SIGNATURE_BYTES);
    int i = 0;
    for (Map.Entry<UUID, long[]> r : regions.entrySet()) {
      ByteBuffer e = t.slice(RegionTableLayout.entryIndex(i++), RegionTableLayout.ENTRY_SIZE)
          .order(ByteOrder.LITTLE_ENDIAN);
      Guids.put(e, RegionTableLayout.GUID, r.getKey());
      RegionTableLayout.FILE_OFFSET.putU64(e, r.getValue()[0]);
      RegionTableLayout.LENGTH.putU32(e, r.getValue()[1]);
      RegionTableLayout.REQUIRED.putU32(e, r.getValue()[2]);
    }
    RegionTableLayout.ENTRY_COUNT.putU32(t, i);
    VhdxCrc.seal(t, RegionTableLayout.SIZE, RegionTableLayout.CHECKSUM);
    s.put((int) RegionTableLayout.offset(1), t, 0, RegionTableLayout.SIZE);
    s.put((int) RegionTableLayout.offset(2), t, 0, RegionTableLayout.SIZE);
  }

  /** The metadata table and items (MS-VHDX 2.6), items packed from 64 KiB in table order. */
  private void metadata(long meta, Map<UUID, long[]> placedItems) {
    List<VhdxBuilder.Item> items = new ArrayList<>();
    ByteBuffer fp = le(MetadataLayout.FILE_PARAMETERS_LENGTH);
    MetadataLayout.BLOCK_SIZE.putU32(fp, b.blockSize);
    MetadataLayout.FILE_FLAGS.putU32(fp, b.flags());
    items.add(new VhdxBuilder.Item(Guids.FILE_PARAMETERS, MetadataLayout.IS_REQUIRED, fp.array(), null));
    ByteBuffer size = le(MetadataLayout.VIRTUAL_DISK_SIZE_LENGTH);
    MetadataLayout.VIRTUAL_DISK_SIZE.putU64(size, b.virtualSize);
    items.add(system(Guids.VIRTUAL_DISK_SIZE, size));
    ByteBuffer id = le(MetadataLayout.VIRTUAL_DISK_ID_LENGTH);
    Guids.put(id, MetadataLayout.VIRTUAL_DISK_ID, b.virtualDiskId);
    items.add(system(Guids.VIRTUAL_DISK_ID, id));
    ByteBuffer logical = le(MetadataLayout.SECTOR_SIZE_LENGTH);
    MetadataLayout.SECTOR_SIZE.putU32(logical, b.logicalSectorSize);
    items.add(system(Guids.LOGICAL_SECTOR_SIZE, logical));
    ByteBuffer physical = le(MetadataLayout.SECTOR_SIZE_LENGTH);
    MetadataLayout.SECTOR_SIZE.putU32(physical, b.physicalSectorSize);
    items.add(system(Guids.PHYSICAL_SECTOR_SIZE, physical));
    if (b.locatorWritten()) {
      items.add(new VhdxBuilder.Item(Guids.PARENT_LOCATOR, MetadataLayout.IS_REQUIRED, b.locatorItem(), null));
    }
    items.addAll(b.extraItems);
    long next = MetadataLayout.TABLE_SIZE;
    Map<Long, byte[]> data = new HashMap<>();
    ByteBuffer t = le(MetadataLayout.TABLE_SIZE);
    MetadataLayout.SIGNATURE.putBytes(t, MetadataLayout.SIGNATURE_BYTES);
    MetadataLayout.ENTRY_COUNT.putU16(t, items.size());
    for (int i = 0; i < items.size(); i++) {
      VhdxBuilder.Item item = items.get(i);
      long length = item.data().length;
      long offset = item.offset() != null ? item.offset() : length == 0 ? 0 : next;
      if (item.offset() == null) {
        next += length;
      }
      ByteBuffer e = t.slice(MetadataLayout.entryIndex(i), MetadataLayout.ENTRY_SIZE).order(ByteOrder.LITTLE_ENDIAN);
      Guids.put(e, MetadataLayout.ITEM_ID, item.id());
      MetadataLayout.OFFSET.putU32(e, offset);
      MetadataLayout.LENGTH.putU32(e, length);
      MetadataLayout.FLAGS.putU32(e, item.flags());
      placedItems.putIfAbsent(item.id(), new long[] {offset, length});
      data.put(offset, item.data());
    }
    img.extent(meta, (int) Math.max(next, MetadataLayout.TABLE_SIZE));
    for (Map.Entry<Long, byte[]> d : data.entrySet()) {
      if (d.getValue().length > 0) {
        img.put(meta + d.getKey(), d.getValue());
      }
    }
    // Last, so that an item a test placed inside the table does not overwrite it.
    img.put(meta, t.array());
  }

  private static VhdxBuilder.Item system(UUID id, ByteBuffer data) {
    return new VhdxBuilder.Item(id, MetadataLayout.IS_REQUIRED | MetadataLayout.IS_VIRTUAL_DISK, data.array(), null);
  }

  /** The table, one extent per 64 KiB page that holds a non-zero entry. */
  private void writeTable(long bat, Map<Long, Long> entries) {
    Map<Long, ByteBuffer> pages = new TreeMap<>();
    for (Map.Entry<Long, Long> e : entries.entrySet()) {
      if (e.getValue() == 0) {
        continue;
      }
      long byteIndex = e.getKey() * BatLayout.ENTRY_SIZE;
      long page = byteIndex / PAGE;
      ByteBuffer p = pages.computeIfAbsent(page, k -> le(PAGE));
      p.putLong((int) (byteIndex % PAGE), e.getValue());
    }
    for (Map.Entry<Long, ByteBuffer> p : pages.entrySet()) {
      img.put(bat + p.getKey() * PAGE, p.getValue().array());
    }
  }

  private static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }
}
