package io.github.vhd4j.testing;

import io.github.vhd4j.internal.vhdx.layout.BatLayout;
import io.github.vhd4j.internal.vhdx.layout.Guids;
import io.github.vhd4j.internal.vhdx.layout.HeaderLayout;
import io.github.vhd4j.internal.vhdx.layout.IdentifierLayout;
import io.github.vhd4j.internal.vhdx.layout.MetadataLayout;
import io.github.vhd4j.internal.vhdx.layout.ParentLocatorLayout;
import io.github.vhd4j.internal.vhdx.layout.RegionTableLayout;
import io.github.vhd4j.internal.vhdx.layout.VhdxCrc;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Builds VHDX files in memory for tests, from MS-VHDX: the header section (identifier, two headers,
 * two region tables), a log, the metadata and BAT regions, and payload and sector bitmap blocks.
 * Every knob is a public field or a method; the result is a {@link BuiltVhdx} whose structures can
 * still be changed, field by field, with or without sealing their checksums again ({@link BuiltVhdx}).
 *
 * <p>Memory follows what the file holds, not its length: a 64 TiB dynamic disk with one block is a
 * few extents. Fixed disks get every block allocated, with contents only where set.
 *
 * <p>Layout: log at 1 MiB (when {@link #logLength} is not zero), then the metadata and BAT regions
 * (in the order {@link #metadataFirst} says), then extra regions, then blocks in table order.
 */
public final class VhdxBuilder {
  /** 1 MiB, the unit of VHDX placement. */
  public static final long MIB = 1L << 20;
  /** 1 KiB. */
  public static final int KIB = 1 << 10;

  /** The disk types. */
  public enum Type {
    /** LeaveBlockAllocated: every block present. */
    FIXED,
    /** Blocks allocated as written. */
    DYNAMIC,
    /** HasParent: blocks not present read the parent. */
    DIFFERENCING
  }

  /** One header copy's fields (MS-VHDX 2.2.2). */
  public static final class Header {
    /** SequenceNumber. */
    public long sequenceNumber;
    /** FileWriteGuid. */
    public UUID fileWriteGuid;
    /** DataWriteGuid. */
    public UUID dataWriteGuid;
    /** LogGuid; zero for a clean file. */
    public UUID logGuid = Guids.ZERO;
    /** LogVersion. */
    public int logVersion;
    /** Version. */
    public int version = HeaderLayout.VERSION_1;
    /** LogLength, or null for the builder's log. */
    public @Nullable Long logLength;
    /** LogOffset, or null for the builder's log. */
    public @Nullable Long logOffset;

    Header(long sequenceNumber, UUID fileWriteGuid, UUID dataWriteGuid) {
      this.sequenceNumber = sequenceNumber;
      this.fileWriteGuid = fileWriteGuid;
      this.dataWriteGuid = dataWriteGuid;
    }
  }

  /**
   * A region beyond the BAT and metadata.
   *
   * @param guid its GUID
   * @param length its length
   * @param required its Required field (bit 0, and any reserved bits to set)
   * @param offset its file offset, or null to place it after the others
   */
  public record Region(UUID guid, long length, long required, @Nullable Long offset) {}

  /**
   * A metadata item beyond the system items the builder writes.
   *
   * @param id its GUID
   * @param flags its flags (IsUser 1, IsVirtualDisk 2, IsRequired 4)
   * @param data its contents
   * @param offset its offset in the region, or null to pack it after the others
   */
  public record Item(UUID id, long flags, byte[] data, @Nullable Long offset) {}

  /** Header 1; sequence number 1. */
  public final Header header1;
  /** Header 2; sequence number 2, so it is current. */
  public final Header header2;
  /** Virtual Disk Size. */
  public long virtualSize = 16 * MIB;
  /** File Parameters BlockSize. */
  public long blockSize = 2 * MIB;
  /** Logical Sector Size. */
  public long logicalSectorSize = 512;
  /** Physical Sector Size. */
  public long physicalSectorSize = 4096;
  /** The disk type, which sets File Parameters' flags. */
  public Type type = Type.DYNAMIC;
  /** File Parameters flags to write instead of the type's, or null. */
  public @Nullable Long fileParameterFlags;
  /** The identifier's creator. */
  public String creator = "vhd4j VhdxBuilder";
  /** Virtual Disk ID. */
  public UUID virtualDiskId = UUID.randomUUID();
  /** Whether the metadata region comes before the BAT region (Hyper-V) or after (QEMU). */
  public boolean metadataFirst = true;
  /** The BAT region's Required field (QEMU writes 0). */
  public long batRequired = RegionTableLayout.REQUIRED_BIT;
  /** The metadata region's Required field (QEMU writes 0). */
  public long metadataRequired = RegionTableLayout.REQUIRED_BIT;
  /** The log's length; 0 for none. */
  public long logLength = MIB;
  /** Bytes placed at the log's start (log entries), or null. */
  public byte @Nullable [] logBytes;
  /** The metadata region's length. */
  public long metadataRegionLength = MIB;
  /** The BAT region's length, or null for the entries rounded up to 1 MiB. */
  public @Nullable Long batRegionLength;
  /** Extra regions. */
  public final List<Region> extraRegions = new ArrayList<>();
  /** Extra metadata items. */
  public final List<Item> extraItems = new ArrayList<>();
  /** The parent locator's entries, in stored order (differencing disks only unless forced). */
  public final Map<String, String> locator = new LinkedHashMap<>();
  /** Whether to write a Parent Locator item: null for "when differencing". */
  public @Nullable Boolean writeLocator;
  /** Bytes added after the natural end (Disk2vhd: 512). */
  public long tailBytes;
  /** The file's length instead of the natural one (truncation), or null. */
  public @Nullable Long fileLength;

  private final TreeMap<Long, Long> entries = new TreeMap<>();
  private final Map<Long, Boolean> allocate = new HashMap<>();
  private final Map<Long, byte[]> contents = new HashMap<>();
  private final Map<Long, byte[]> placed = new TreeMap<>();

  /** Starts a 16 MiB dynamic disk with 2 MiB blocks, 512-byte logical sectors and a 1 MiB log. */
  public VhdxBuilder() {
    UUID file = UUID.randomUUID();
    UUID data = UUID.randomUUID();
    header1 = new Header(1, file, data);
    header2 = new Header(2, file, data);
    locator.put(ParentLocatorLayout.PARENT_LINKAGE, Guids.text(UUID.randomUUID()));
    locator.put(ParentLocatorLayout.RELATIVE_PATH, ".\\parent.vhdx");
  }

  /**
   * A fixed disk.
   *
   * @param virtualSize its size
   * @param blockSize its block size
   * @return the builder
   */
  public static VhdxBuilder fixed(long virtualSize, long blockSize) {
    VhdxBuilder b = new VhdxBuilder();
    b.type = Type.FIXED;
    b.virtualSize = virtualSize;
    b.blockSize = blockSize;
    return b;
  }

  /**
   * A dynamic disk.
   *
   * @param virtualSize its size
   * @param blockSize its block size
   * @return the builder
   */
  public static VhdxBuilder dynamic(long virtualSize, long blockSize) {
    VhdxBuilder b = new VhdxBuilder();
    b.virtualSize = virtualSize;
    b.blockSize = blockSize;
    return b;
  }

  /**
   * A differencing disk whose parent_linkage is the given DataWriteGuid.
   *
   * @param virtualSize its size
   * @param blockSize its block size
   * @param parentDataWriteGuid the parent's DataWriteGuid
   * @return the builder
   */
  public static VhdxBuilder differencing(long virtualSize, long blockSize, UUID parentDataWriteGuid) {
    VhdxBuilder b = dynamic(virtualSize, blockSize);
    b.type = Type.DIFFERENCING;
    b.locator.put(ParentLocatorLayout.PARENT_LINKAGE, Guids.text(parentDataWriteGuid));
    return b;
  }

  /**
   * Sets both headers' LogGuid.
   *
   * @param logGuid the GUID
   * @return this
   */
  public VhdxBuilder logGuid(UUID logGuid) {
    header1.logGuid = logGuid;
    header2.logGuid = logGuid;
    return this;
  }

  /**
   * Makes a payload block FULLY_PRESENT in a block the builder allocates, holding {@code data}
   * from the block's start (zeros after).
   *
   * @param block the payload block
   * @param data at most a block of bytes
   * @return this
   */
  public VhdxBuilder block(int block, byte[] data) {
    return allocated(payloadIndex(block), BatLayout.PAYLOAD_FULLY_PRESENT, data);
  }

  /**
   * Makes a payload block PARTIALLY_PRESENT in a block the builder allocates; which sectors are
   * present is set with {@link #sectors}.
   *
   * @param block the payload block
   * @param data the block's stored bytes from its start
   * @return this
   */
  public VhdxBuilder partial(int block, byte[] data) {
    return allocated(payloadIndex(block), BatLayout.PAYLOAD_PARTIALLY_PRESENT, data);
  }

  /**
   * Marks sectors of a block present in its chunk's sector bitmap, which the builder allocates and
   * marks present.
   *
   * @param block the payload block
   * @param first the first sector, counted from the block's start
   * @param count the sectors
   * @return this
   */
  public VhdxBuilder sectors(int block, long first, long count) {
    long cr = chunkRatio();
    long chunk = block / cr;
    byte[] bits = contents.computeIfAbsent(BatLayout.bitmapIndex(chunk, cr),
        k -> new byte[(int) BatLayout.BITMAP_BLOCK]);
    allocated(BatLayout.bitmapIndex(chunk, cr), BatLayout.BITMAP_PRESENT, bits);
    long base = (block % cr) * (layoutBlockSize() / layoutSectorSize());
    for (long s = base + first; s < base + first + count; s++) {
      bits[(int) (s >>> 3)] |= (byte) (1 << (s & 7));
    }
    return this;
  }

  /**
   * Makes a chunk's sector bitmap present with the given contents.
   *
   * @param chunk the chunk
   * @param bits up to 1 MiB of bitmap
   * @return this
   */
  public VhdxBuilder bitmap(int chunk, byte[] bits) {
    return allocated(BatLayout.bitmapIndex(chunk, chunkRatio()), BatLayout.BITMAP_PRESENT, bits);
  }

  /**
   * Sets a payload block's entry as given: nothing is allocated or written.
   *
   * @param block the payload block
   * @param state the state
   * @param fileOffset the file offset (a multiple of 1 MiB), or 0
   * @return this
   */
  public VhdxBuilder entry(int block, int state, long fileOffset) {
    return rawEntry(payloadIndex(block), BatLayout.entry(state, fileOffset));
  }

  /**
   * Sets a chunk's sector bitmap entry as given: nothing is allocated or written.
   *
   * @param chunk the chunk
   * @param state the state
   * @param fileOffset the file offset, or 0
   * @return this
   */
  public VhdxBuilder bitmapEntry(int chunk, int state, long fileOffset) {
    return rawEntry(BatLayout.bitmapIndex(chunk, chunkRatio()), BatLayout.entry(state, fileOffset));
  }

  /**
   * Sets any BAT entry to any 64-bit value (reserved bits included).
   *
   * @param index the entry's index
   * @param value the entry
   * @return this
   */
  public VhdxBuilder rawEntry(long index, long value) {
    entries.put(index, value);
    allocate.remove(index);
    return this;
  }

  /**
   * Writes bytes at a file offset (data for entries set with {@link #entry}, or anything else).
   *
   * @param fileOffset where
   * @param bytes what
   * @return this
   */
  public VhdxBuilder place(long fileOffset, byte[] bytes) {
    placed.put(fileOffset, bytes);
    return this;
  }

  private VhdxBuilder allocated(long index, int state, byte[] data) {
    entries.put(index, (long) state);
    allocate.put(index, true);
    contents.put(index, data);
    return this;
  }

  /**
   * The chunk ratio the builder lays the table out with.
   *
   * @return payload blocks per chunk
   */
  public long chunkRatio() {
    return BatLayout.chunkRatio(layoutSectorSize(), layoutBlockSize());
  }

  /**
   * The number of table entries the builder writes.
   *
   * @return the entries
   */
  public long batEntries() {
    long size = Math.min(Math.max(virtualSize, 1), MetadataLayout.MAX_VIRTUAL_SIZE);
    return BatLayout.entries(BatLayout.payloadBlocks(size, layoutBlockSize()), chunkRatio(),
        type == Type.DIFFERENCING);
  }

  private long payloadIndex(long block) {
    return BatLayout.payloadIndex(block, chunkRatio());
  }

  /** The block size used for layout: a valid one even while a test writes an invalid value. */
  private long layoutBlockSize() {
    boolean ok = blockSize >= MetadataLayout.MIN_BLOCK_SIZE && blockSize <= MetadataLayout.MAX_BLOCK_SIZE
        && Long.bitCount(blockSize) == 1;
    return ok ? blockSize : MIB;
  }

  private long layoutSectorSize() {
    return logicalSectorSize == 4096 ? 4096 : 512;
  }

  /**
   * Builds the file.
   *
   * @return the image
   */
  public BuiltVhdx build() {
    return new VhdxLayoutWriter(this).write();
  }

  /**
   * Builds the file as one array.
   *
   * @return the bytes
   */
  public byte[] toBytes() {
    return build().file.toBytes();
  }

  /**
   * Builds the file and writes it, sparse.
   *
   * @param path the file
   * @return {@code path}
   * @throws IOException if it cannot be written
   */
  public Path write(Path path) throws IOException {
    return build().file.write(path);
  }

  // ---- what the writer reads -------------------------------------------------------------------

  TreeMap<Long, Long> entries() {
    return entries;
  }

  boolean allocates(long index) {
    return allocate.getOrDefault(index, false);
  }

  byte @Nullable [] contents(long index) {
    return contents.get(index);
  }

  Map<Long, byte[]> placed() {
    return placed;
  }

  long layoutBlock() {
    return layoutBlockSize();
  }

  /** File Parameters flags for the type. */
  long flags() {
    if (fileParameterFlags != null) {
      return fileParameterFlags;
    }
    return switch (type) {
      case FIXED -> MetadataLayout.LEAVE_BLOCK_ALLOCATED;
      case DYNAMIC -> 0;
      case DIFFERENCING -> MetadataLayout.HAS_PARENT;
    };
  }

  boolean locatorWritten() {
    return writeLocator != null ? writeLocator : type == Type.DIFFERENCING;
  }

  /** Encodes the parent locator item (MS-VHDX 2.6.2.6): header, entries, then the strings. */
  byte[] locatorItem() {
    int n = locator.size();
    int at = ParentLocatorLayout.entryIndex(n);
    int size = at;
    for (Map.Entry<String, String> e : locator.entrySet()) {
      size += 2 * (e.getKey().length() + e.getValue().length());
    }
    ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    Guids.put(b, ParentLocatorLayout.LOCATOR_TYPE, Guids.VHDX_LOCATOR_TYPE);
    ParentLocatorLayout.KEY_VALUE_COUNT.putU16(b, n);
    int i = 0;
    for (Map.Entry<String, String> e : locator.entrySet()) {
      ByteBuffer entry = b.slice(ParentLocatorLayout.entryIndex(i++), ParentLocatorLayout.ENTRY_SIZE)
          .order(ByteOrder.LITTLE_ENDIAN);
      byte[] key = e.getKey().getBytes(StandardCharsets.UTF_16LE);
      byte[] value = e.getValue().getBytes(StandardCharsets.UTF_16LE);
      ParentLocatorLayout.KEY_OFFSET.putU32(entry, at);
      ParentLocatorLayout.KEY_LENGTH.putU16(entry, key.length);
      b.put(at, key);
      at += key.length;
      ParentLocatorLayout.VALUE_OFFSET.putU32(entry, at);
      ParentLocatorLayout.VALUE_LENGTH.putU16(entry, value.length);
      b.put(at, value);
      at += value.length;
    }
    return b.array();
  }

  /** Encodes a header copy (MS-VHDX 2.2.2) and seals it. */
  ByteBuffer header(Header h, long logOffset) {
    ByteBuffer b = ByteBuffer.allocate(HeaderLayout.SIZE).order(ByteOrder.LITTLE_ENDIAN);
    HeaderLayout.SIGNATURE.putBytes(b, HeaderLayout.SIGNATURE_BYTES);
    HeaderLayout.SEQUENCE_NUMBER.putU64(b, h.sequenceNumber);
    Guids.put(b, HeaderLayout.FILE_WRITE_GUID, h.fileWriteGuid);
    Guids.put(b, HeaderLayout.DATA_WRITE_GUID, h.dataWriteGuid);
    Guids.put(b, HeaderLayout.LOG_GUID, h.logGuid);
    HeaderLayout.LOG_VERSION.putU16(b, h.logVersion);
    HeaderLayout.VERSION.putU16(b, h.version);
    HeaderLayout.LOG_LENGTH.putU32(b, h.logLength != null ? h.logLength : logLength);
    HeaderLayout.LOG_OFFSET.putU64(b, h.logOffset != null ? h.logOffset : logLength == 0 ? 0 : logOffset);
    VhdxCrc.seal(b, HeaderLayout.SIZE, HeaderLayout.CHECKSUM);
    return b;
  }

  /** The identifier (MS-VHDX 2.2.1). */
  ByteBuffer identifier() {
    return IdentifierLayout.encode(creator);
  }
}
