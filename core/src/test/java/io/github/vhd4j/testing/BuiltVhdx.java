package io.github.vhd4j.testing;

import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.vhdx.layout.BatLayout;
import io.github.vhd4j.internal.vhdx.layout.HeaderLayout;
import io.github.vhd4j.internal.vhdx.layout.IdentifierLayout;
import io.github.vhd4j.internal.vhdx.layout.MetadataLayout;
import io.github.vhd4j.internal.vhdx.layout.RegionTableLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A VHDX file {@link VhdxBuilder} made: the file, where each structure lies, and corruptors that
 * change any field afterwards. A change leaves the checksum as it was (so a checksummed structure
 * becomes invalid) until {@link SparseImage.Struct#reseal()} is called.
 *
 * <pre>{@code
 * BuiltVhdx v = VhdxBuilder.dynamic(64 << 20, 1 << 20).build();
 * v.header(2).set(HeaderLayout.VERSION, 2).reseal();        // a valid header 2 of version 2
 * v.regionTable(1).set(RegionTableLayout.ENTRY_COUNT, 9);    // table 1 now fails its checksum
 * v.metadataEntry(Guids.VIRTUAL_DISK_SIZE, MetadataLayout.LENGTH, 4);
 * }</pre>
 */
public final class BuiltVhdx {
  /** The file. */
  public final SparseImage file;
  /** The log's file offset (0 without a log). */
  public final long logOffset;
  /** The metadata region's file offset. */
  public final long metadataOffset;
  /** The BAT region's file offset. */
  public final long batOffset;
  private final List<UUID> regionOrder;
  private final List<UUID> itemOrder;
  private final Map<UUID, long[]> items;
  private final Map<Long, Long> batEntries;

  BuiltVhdx(SparseImage file, long logOffset, long metadataOffset, long batOffset, List<UUID> regionOrder,
      List<UUID> itemOrder, Map<UUID, long[]> items, Map<Long, Long> batEntries) {
    this.file = file;
    this.logOffset = logOffset;
    this.metadataOffset = metadataOffset;
    this.batOffset = batOffset;
    this.regionOrder = regionOrder;
    this.itemOrder = itemOrder;
    this.items = items;
    this.batEntries = batEntries;
  }

  /**
   * The file identifier (64 KiB at offset 0).
   *
   * @return the structure
   */
  public SparseImage.Struct identifier() {
    return file.struct(IdentifierLayout.OFFSET, IdentifierLayout.READ_SIZE, null);
  }

  /**
   * A header copy.
   *
   * @param copy 1 or 2
   * @return the structure, checksummed
   */
  public SparseImage.Struct header(int copy) {
    return file.struct(HeaderLayout.offset(copy), HeaderLayout.SIZE, HeaderLayout.CHECKSUM);
  }

  /**
   * A region table copy.
   *
   * @param copy 1 or 2
   * @return the structure, checksummed
   */
  public SparseImage.Struct regionTable(int copy) {
    return file.struct(RegionTableLayout.offset(copy), RegionTableLayout.SIZE, RegionTableLayout.CHECKSUM);
  }

  /**
   * The index in a region table of a region's entry, for {@link SparseImage.Struct#set(int,
   * io.github.vhd4j.internal.Field, long)}.
   *
   * @param guid the region
   * @return the entry's byte index in the table
   */
  public int regionEntry(UUID guid) {
    int i = regionOrder.indexOf(guid);
    if (i < 0) {
      throw new IllegalArgumentException("no region " + guid);
    }
    return RegionTableLayout.entryIndex(i);
  }

  /**
   * The metadata table (64 KiB at the metadata region's start; no checksum).
   *
   * @return the structure
   */
  public SparseImage.Struct metadataTable() {
    return file.struct(metadataOffset, MetadataLayout.TABLE_SIZE, null);
  }

  /**
   * The index in the metadata table of an item's entry.
   *
   * @param id the item
   * @return the entry's byte index in the table
   */
  public int metadataEntry(UUID id) {
    int i = itemOrder.indexOf(id);
    if (i < 0) {
      throw new IllegalArgumentException("no item " + id);
    }
    return MetadataLayout.entryIndex(i);
  }

  /**
   * Changes a field of an item's metadata table entry.
   *
   * @param id the item
   * @param f an entry field of {@link MetadataLayout}
   * @param value the value
   * @return this
   */
  public BuiltVhdx metadataEntry(UUID id, io.github.vhd4j.internal.Field f, long value) {
    metadataTable().set(metadataEntry(id), f, value);
    return this;
  }

  /**
   * A metadata item's bytes, as the builder placed them.
   *
   * @param id the item
   * @return the structure
   */
  public SparseImage.Struct item(UUID id) {
    long[] at = items.get(id);
    if (at == null) {
      throw new IllegalArgumentException("no item " + id);
    }
    return file.struct(metadataOffset + at[0], (int) at[1], null);
  }

  /**
   * The item's offset within the metadata region.
   *
   * @param id the item
   * @return the offset
   */
  public long itemOffset(UUID id) {
    return items.get(id)[0];
  }

  /**
   * The file offset of a table entry's block as built (allocated or set).
   *
   * @param index the entry's index
   * @return the entry
   */
  public long entry(long index) {
    return batEntries.getOrDefault(index, 0L);
  }

  /**
   * The file offset of a payload block the builder allocated.
   *
   * @param block the block
   * @param chunkRatio the chunk ratio
   * @return its file offset
   */
  public long blockOffset(int block, long chunkRatio) {
    return BatLayout.fileOffset(entry(BatLayout.payloadIndex(block, chunkRatio)));
  }

  /**
   * Overwrites a table entry in the file.
   *
   * @param index the entry's index
   * @param value the entry
   * @return this
   */
  public BuiltVhdx batEntry(long index, long value) {
    ByteBuffer b = ByteBuffer.allocate(BatLayout.ENTRY_SIZE).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value);
    file.put(batOffset + index * BatLayout.ENTRY_SIZE, b.array());
    batEntries.put(index, value);
    return this;
  }

  /**
   * A read-only storage over the file.
   *
   * @return the storage
   */
  public Storage storage() {
    return file.storage();
  }

  /**
   * The file as one array.
   *
   * @return the bytes
   */
  public byte[] toBytes() {
    return file.toBytes();
  }

  /**
   * Writes the file, sparse.
   *
   * @param path where
   * @return {@code path}
   * @throws IOException if it cannot be written
   */
  public Path write(Path path) throws IOException {
    return file.write(path);
  }
}
