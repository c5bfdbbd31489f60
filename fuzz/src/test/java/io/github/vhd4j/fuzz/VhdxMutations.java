package io.github.vhd4j.fuzz;

import io.github.vhd4j.internal.Field;
import io.github.vhd4j.internal.vhdx.layout.BatLayout;
import io.github.vhd4j.internal.vhdx.layout.Guids;
import io.github.vhd4j.internal.vhdx.layout.HeaderLayout;
import io.github.vhd4j.internal.vhdx.layout.MetadataLayout;
import io.github.vhd4j.internal.vhdx.layout.ParentLocatorLayout;
import io.github.vhd4j.internal.vhdx.layout.RegionTableLayout;
import io.github.vhd4j.testing.BuiltVhdx;
import io.github.vhd4j.testing.SparseImage;
import io.github.vhd4j.testing.VhdxBuilder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

/**
 * The mutations of a VHDX {@link Recipe}, by operation code. The first group changes the
 * {@link VhdxBuilder} before the file is laid out (the file stays self-consistent where the change
 * allows: header copies, layout, regions, metadata items, table entries, blocks, the locator); the
 * second changes fields of the built file through the layout descriptors ({@link BuiltVhdx}'s
 * corruptors) or as raw bytes, leaving checksums stale unless the recipe asks for them to be
 * sealed again ({@link Recipe#fixChecksums()}, or an operation's own reseal bit).
 */
final class VhdxMutations {
  static final int SEQUENCE = 0;
  static final int HEADER_GUID = 1;
  static final int HEADER_VERSION = 2;
  static final int HEADER_LOG = 3;
  static final int LAYOUT = 4;
  static final int REGION_LENGTHS = 5;
  static final int EXTRA_REGION = 6;
  static final int EXTRA_ITEM = 7;
  static final int METADATA_VALUE = 8;
  static final int ENTRY = 9;
  static final int BITMAP_ENTRY = 10;
  static final int BLOCK = 11;
  static final int PLACE = 12;
  static final int LOCATOR = 13;
  static final int HEADER_FIELD = 14;
  static final int REGION_FIELD = 15;
  static final int METADATA_FIELD = 16;
  static final int ITEM_FIELD = 17;
  static final int BAT_ENTRY = 18;
  static final int RAW = 19;
  static final int LENGTH = 20;
  static final int COPY = 21;
  static final int OPS = 22;

  private static final long MIB = VhdxBuilder.MIB;
  static final long[] VIRTUAL_SIZES = {0, 512, 8 * MIB + 100, 1049088, 1L << 46, (1L << 46) + 2 * MIB,
      (1L << 52) + 2 * MIB, -1L};
  static final long[] SECTOR_SIZES = {512, 4096, 0, 1024, 513, 8192, 0xFFFFFFFFL, 256};
  static final String[] KEYS = {ParentLocatorLayout.PARENT_LINKAGE, ParentLocatorLayout.PARENT_LINKAGE2,
      ParentLocatorLayout.RELATIVE_PATH, ParentLocatorLayout.VOLUME_PATH, ParentLocatorLayout.ABSOLUTE_WIN32_PATH,
      "", "x", "PARENT_LINKAGE"};
  static final String[] VALUES = {Guids.text(VhdxFixture.PARENT_512), Guids.text(VhdxFixture.PARENT_4K),
      Guids.text(Guids.ZERO), "{not-a-guid}", ".\\" + VhdxFixture.NAME_512, "..\\..\\x.vhdx",
      "\\\\?\\C:\\vms\\" + VhdxFixture.NAME_4K, ""};
  private static final UUID[] ITEM_IDS = {Guids.CHS_PARAMETERS, Guids.INCOMPLETE_FILE, Guids.PMEM_LABEL_STORAGE,
      null, Guids.FILE_PARAMETERS, Guids.VIRTUAL_DISK_SIZE, Guids.ZERO, Guids.PARENT_LOCATOR,
      Guids.LOGICAL_SECTOR_SIZE, Guids.VIRTUAL_DISK_ID};
  private static final UUID[] SYSTEM_ITEMS = {Guids.FILE_PARAMETERS, Guids.VIRTUAL_DISK_SIZE, Guids.VIRTUAL_DISK_ID,
      Guids.LOGICAL_SECTOR_SIZE, Guids.PHYSICAL_SECTOR_SIZE, Guids.PARENT_LOCATOR};
  private static final Field[] HEADER_FIELDS = {HeaderLayout.SIGNATURE, HeaderLayout.CHECKSUM,
      HeaderLayout.SEQUENCE_NUMBER, HeaderLayout.LOG_VERSION, HeaderLayout.VERSION, HeaderLayout.LOG_LENGTH,
      HeaderLayout.LOG_OFFSET};
  private static final Field[] REGION_ENTRY_FIELDS = {RegionTableLayout.FILE_OFFSET, RegionTableLayout.LENGTH,
      RegionTableLayout.REQUIRED};
  private static final Field[] METADATA_ENTRY_FIELDS = {MetadataLayout.OFFSET, MetadataLayout.LENGTH,
      MetadataLayout.FLAGS, MetadataLayout.ENTRY_RESERVED};
  private static final Field[] LOCATOR_ENTRY_FIELDS = {ParentLocatorLayout.KEY_OFFSET,
      ParentLocatorLayout.VALUE_OFFSET, ParentLocatorLayout.KEY_LENGTH, ParentLocatorLayout.VALUE_LENGTH};

  private final VhdxBuilder b;

  VhdxMutations(VhdxBuilder builder) {
    this.b = builder;
  }

  /** Seals both headers and both region tables again. */
  static void reseal(BuiltVhdx v) {
    for (int copy = 1; copy <= 2; copy++) {
      v.header(copy).reseal();
      v.regionTable(copy).reseal();
    }
  }

  private static UUID guid(long v) {
    return v == 0 ? Guids.ZERO : new UUID(v, v * 31 + 7);
  }

  private long layoutBlock() {
    long bs = b.blockSize;
    boolean ok = bs >= MetadataLayout.MIN_BLOCK_SIZE && bs <= MetadataLayout.MAX_BLOCK_SIZE && Long.bitCount(bs) == 1;
    return ok ? bs : MIB;
  }

  private long payloadBlocks() {
    return BatLayout.payloadBlocks(Math.min(Math.max(b.virtualSize, 1), MetadataLayout.MAX_VIRTUAL_SIZE), layoutBlock());
  }

  /** A block index: mostly a real one, sometimes one past the end. */
  private int block(long v) {
    return (int) Math.floorMod(v, Math.min(payloadBlocks() + 2, Integer.MAX_VALUE));
  }

  /** A file offset for an entry: a low MiB, or anywhere up to 64 TiB. */
  private static long entryOffset(Recipe.Op op, int bit) {
    return op.bits(bit, 1) == 0 ? op.bits(bit + 1, 8) * MIB : op.bits(bit + 1, 26) * MIB;
  }

  private byte[] data(Recipe.Op op) {
    return op.bytes().length > 0 ? op.bytes() : new byte[] {(byte) op.value(), 1, 2, 3};
  }

  void beforeBuild(Recipe.Op op) {
    long v = op.value();
    VhdxBuilder.Header h = op.bits(0, 1) == 0 ? b.header1 : b.header2;
    VhdxBuilder.Header other = h == b.header1 ? b.header2 : b.header1;
    switch (op.code() % OPS) {
      case SEQUENCE -> h.sequenceNumber = switch ((int) op.bits(1, 2)) {
        case 0 -> v >>> 3;
        case 1 -> other.sequenceNumber;
        case 2 -> -1L;
        default -> other.sequenceNumber + (op.bits(3, 1) == 0 ? 1 : -1);
      };
      case HEADER_GUID -> {
        UUID g = guid(op.bits(3, 1) == 0 ? 0 : v >>> 4);
        switch ((int) op.bits(1, 2)) {
          case 0 -> h.fileWriteGuid = g;
          case 1 -> h.dataWriteGuid = g;
          case 2 -> h.logGuid = g;
          default -> b.logGuid(g);
        }
      }
      case HEADER_VERSION -> {
        h.version = (int) op.bits(1, 16);
        if (op.bits(17, 1) == 1) {
          h.logVersion = (int) op.bits(18, 16);
        }
      }
      case HEADER_LOG -> {
        h.logLength = op.bits(1, 1) == 0 ? op.bits(2, 11) * MIB : op.bits(2, 32);
        h.logOffset = op.bits(34, 1) == 0 ? op.bits(35, 12) * MIB : v >>> 35;
      }
      case LAYOUT -> {
        b.metadataFirst = op.bits(0, 1) == 1;
        b.batRequired = op.bits(1, 2);
        b.metadataRequired = op.bits(3, 2);
        long[] logs = {0, MIB, 2 * MIB, b.logLength};
        b.logLength = logs[(int) op.bits(5, 2)];
        b.tailBytes = op.bits(7, 1) * 512;
      }
      case REGION_LENGTHS -> {
        b.metadataRegionLength = op.bits(0, 1) == 0 ? (1 + op.bits(1, 3)) * MIB : op.bits(1, 24);
        switch ((int) op.bits(25, 2)) {
          case 0 -> b.batRegionLength = null;
          case 1 -> b.batRegionLength = op.bits(27, 4) * MIB;
          case 2 -> b.batRegionLength = op.bits(27, 24);
          default -> { }
        }
      }
      case EXTRA_REGION -> {
        UUID[] guids = {guid(v | 1), Guids.BAT_REGION, Guids.METADATA_REGION, Guids.ZERO};
        long length = op.bits(2, 1) == 0 ? op.bits(3, 3) * MIB : op.bits(3, 20);
        Long offset = op.bits(25, 1) == 0 ? null : op.bits(26, 1) == 0 ? op.bits(27, 6) * MIB : op.bits(27, 30);
        b.extraRegions.add(new VhdxBuilder.Region(guids[(int) op.bits(0, 2)], length, op.bits(23, 2), offset));
      }
      case EXTRA_ITEM -> {
        UUID id = ITEM_IDS[(int) (op.bits(0, 4) % ITEM_IDS.length)];
        long flags = op.bits(4, 3) | (op.bits(7, 1) == 1 ? 1L << (3 + op.bits(8, 5)) : 0);
        Long offset = op.bits(13, 1) == 0 ? null
            : op.bits(14, 1) == 0 ? MetadataLayout.TABLE_SIZE + op.bits(15, 16) : op.bits(15, 24);
        b.extraItems.add(new VhdxBuilder.Item(id == null ? guid(v | 1) : id, flags, op.bytes(), offset));
      }
      case METADATA_VALUE -> metadataValue(op);
      case ENTRY -> {
        if (op.bits(63, 1) == 1) {
          b.rawEntry(Math.floorMod(op.bits(0, 24), b.batEntries() + 8), Long.rotateLeft(v, 20));
        } else {
          b.entry(block(op.bits(0, 32)), (int) op.bits(32, 3), entryOffset(op, 35));
        }
      }
      case BITMAP_ENTRY -> b.bitmapEntry((int) Math.floorMod(op.bits(0, 32), payloadBlocks() / b.chunkRatio() + 2),
          (int) op.bits(32, 3), entryOffset(op, 35));
      case BLOCK -> blockData(op);
      case PLACE -> b.place(op.bits(0, 34), data(op));
      case LOCATOR -> locator(op);
      default -> { }
    }
  }

  private void metadataValue(Recipe.Op op) {
    switch ((int) op.bits(0, 3)) {
      case 0 -> {
        long bs = op.bits(3, 1) == 0 ? 1L << op.bits(4, 5) : op.bits(4, 32);
        long old = b.blockSize;
        b.blockSize = bs;
        if (b.type == VhdxBuilder.Type.FIXED && payloadBlocks() > 4096) {
          // A fixed disk's builder allocates every block: keep the file small.
          b.blockSize = old;
        }
      }
      case 1 -> {
        long size = op.bits(3, 1) == 0 ? VIRTUAL_SIZES[(int) op.bits(4, 3)] : op.value() >>> 4;
        if (b.type != VhdxBuilder.Type.FIXED || BatLayout.payloadBlocks(Math.min(Math.max(size, 1),
            MetadataLayout.MAX_VIRTUAL_SIZE), layoutBlock()) <= 4096) {
          b.virtualSize = size;
        }
      }
      case 2 -> b.logicalSectorSize = SECTOR_SIZES[(int) op.bits(3, 3)];
      case 3 -> b.physicalSectorSize = SECTOR_SIZES[(int) op.bits(3, 3)];
      case 4 -> b.fileParameterFlags = op.bits(3, 32);
      case 5 -> b.writeLocator = op.bits(3, 1) == 1;
      case 6 -> b.virtualDiskId = guid(op.value());
      default -> b.creator = new String(op.bytes(), StandardCharsets.ISO_8859_1);
    }
  }

  private void blockData(Recipe.Op op) {
    int block = block(op.bits(0, 32));
    byte[] data = data(op);
    // Sectors stay inside the block: the builder's bitmap holds one chunk.
    long perBlock = layoutBlock() / (b.logicalSectorSize == 4096 ? 4096 : 512);
    long first = Math.min(op.bits(34, 12), perBlock - 1);
    long count = Math.min(1 + op.bits(46, 8), perBlock - first);
    switch ((int) op.bits(32, 2)) {
      case 0 -> b.block(block, data);
      case 1 -> {
        b.partial(block, data);
        b.sectors(block, first, count);
      }
      case 2 -> b.sectors(block, first, count);
      // A whole 1 MiB bitmap: the builder sets sector bits in the array it was given.
      default -> b.bitmap((int) (block / b.chunkRatio()), Arrays.copyOf(data, (int) BatLayout.BITMAP_BLOCK));
    }
  }

  private void locator(Recipe.Op op) {
    String key = KEYS[(int) op.bits(2, 3)];
    switch ((int) op.bits(0, 2)) {
      case 0 -> b.locator.put(key, op.bytes().length > 0
          ? new String(op.bytes(), StandardCharsets.UTF_16LE) : VALUES[(int) op.bits(5, 3)]);
      case 1 -> b.locator.remove(key);
      case 2 -> b.locator.clear();
      default -> b.writeLocator = op.bits(5, 1) == 1;
    }
  }

  void afterBuild(BuiltVhdx v, Recipe.Op op) {
    int copy = 1 + (int) op.bits(0, 1);
    switch (op.code() % OPS) {
      case HEADER_FIELD -> {
        SparseImage.Struct s = v.header(copy);
        if (op.bits(1, 3) == HEADER_FIELDS.length) {
          s.setBytes(HeaderLayout.RESERVED.offset() + (int) (op.bits(5, 11) % HeaderLayout.RESERVED.size()),
              new byte[] {(byte) op.bits(16, 8)});
        } else {
          s.set(HEADER_FIELDS[(int) (op.bits(1, 3) % HEADER_FIELDS.length)], op.value() >>> 5);
        }
        if (op.bits(4, 1) == 1) {
          s.reseal();
        }
      }
      case REGION_FIELD -> {
        SparseImage.Struct s = v.regionTable(copy);
        if (op.bits(1, 1) == 0) {
          Field[] fields = {RegionTableLayout.SIGNATURE, RegionTableLayout.ENTRY_COUNT, RegionTableLayout.RESERVED};
          s.set(fields[(int) (op.bits(2, 2) % fields.length)], op.value() >>> 8);
        } else {
          int at = RegionTableLayout.entryIndex((int) op.bits(2, 3));
          if (op.bits(5, 2) == REGION_ENTRY_FIELDS.length) {
            UUID[] guids = {Guids.BAT_REGION, Guids.METADATA_REGION, Guids.ZERO, guid(op.value() >>> 9)};
            s.setGuid(at, RegionTableLayout.GUID, guids[(int) op.bits(8, 2)]);
          } else {
            s.set(at, REGION_ENTRY_FIELDS[(int) op.bits(5, 2)], op.value() >>> 8);
          }
        }
        if (op.bits(7, 1) == 1) {
          s.reseal();
        }
      }
      case METADATA_FIELD -> metadataField(v, op);
      case ITEM_FIELD -> itemField(v, op);
      case BAT_ENTRY -> {
        long value = op.bytes().length >= 8 ? ByteBuffer.wrap(op.bytes()).order(ByteOrder.LITTLE_ENDIAN).getLong(0)
            : BatLayout.entry((int) op.bits(24, 3), op.bits(27, 12) * MIB)
                | op.bits(39, 1) << (3 + op.bits(40, 4));
        v.batEntry(Math.floorMod(op.bits(0, 24), b.batEntries() + 16), value);
      }
      case RAW -> {
        long[] bases = {0, 64 << 10, 128 << 10, 192 << 10, 256 << 10, v.logOffset, v.metadataOffset, v.batOffset,
            v.metadataOffset + MetadataLayout.TABLE_SIZE, v.file.length() - 4096, MIB - 4096,
            v.metadataOffset + 32 * 1024};
        long at = Math.max(0, bases[(int) (op.bits(0, 4) % bases.length)] + op.bits(4, 20));
        v.file.put(at, op.bytes().length > 0 ? op.bytes() : new byte[] {(byte) op.bits(24, 8)});
      }
      case LENGTH -> {
        long len = v.file.length();
        long next = switch ((int) op.bits(0, 2)) {
          case 0 -> op.bits(2, 14) * MIB + op.bits(16, 1) * 512;
          case 1 -> len - op.bits(2, 20);
          case 2 -> len + op.bits(2, 20);
          default -> len / MIB * MIB + 512 * op.bits(2, 3);
        };
        v.file.setLength(Math.max(0, Math.min(next, 1L << 34)));
      }
      case COPY -> {
        long[][] pairs = {{HeaderLayout.offset(1), HeaderLayout.offset(2), HeaderLayout.SIZE},
            {HeaderLayout.offset(2), HeaderLayout.offset(1), HeaderLayout.SIZE},
            {RegionTableLayout.offset(1), RegionTableLayout.offset(2), RegionTableLayout.SIZE},
            {RegionTableLayout.offset(2), RegionTableLayout.offset(1), RegionTableLayout.SIZE}};
        long[] p = pairs[(int) op.bits(0, 2)];
        v.file.put(p[1], v.file.read(p[0], (int) p[2]));
      }
      default -> { }
    }
  }

  private void metadataField(BuiltVhdx v, Recipe.Op op) {
    SparseImage.Struct t = v.metadataTable();
    long value = op.value() >>> 8;
    if (op.bits(0, 1) == 0) {
      switch ((int) op.bits(1, 2)) {
        case 0 -> t.set(MetadataLayout.SIGNATURE, value);
        case 1 -> t.set(MetadataLayout.RESERVED, value);
        case 2 -> t.set(MetadataLayout.ENTRY_COUNT, value);
        default -> t.setBytes(MetadataLayout.RESERVED2.offset() + (int) (op.bits(3, 5) % MetadataLayout.RESERVED2.size()),
            new byte[] {(byte) value});
      }
      return;
    }
    int at = MetadataLayout.entryIndex((int) op.bits(1, 4));
    if (op.bits(5, 3) >= METADATA_ENTRY_FIELDS.length) {
      UUID id = ITEM_IDS[(int) (op.bits(8, 4) % ITEM_IDS.length)];
      t.setGuid(at, MetadataLayout.ITEM_ID, id == null ? guid(op.value() >>> 12) : id);
    } else {
      t.set(at, METADATA_ENTRY_FIELDS[(int) op.bits(5, 3)], value);
    }
  }

  private void itemField(BuiltVhdx v, Recipe.Op op) {
    UUID id = SYSTEM_ITEMS[(int) (op.bits(0, 3) % SYSTEM_ITEMS.length)];
    SparseImage.Struct item;
    long length;
    try {
      item = v.item(id);
      length = item.buffer().capacity();
    } catch (IllegalArgumentException absent) {
      // No such item in this file (a locator when the disk has no parent), or not held whole.
      return;
    }
    if (op.bytes().length > 0) {
      int at = (int) (op.bits(3, 16) % Math.max(1, length));
      byte[] bytes = Arrays.copyOf(op.bytes(), (int) Math.min(op.bytes().length, length - at));
      item.setBytes(at, bytes);
      return;
    }
    long value = op.value() >>> 9;
    if (id.equals(Guids.FILE_PARAMETERS) && length >= 8) {
      item.set(op.bits(3, 1) == 0 ? MetadataLayout.BLOCK_SIZE : MetadataLayout.FILE_FLAGS,
          op.bits(4, 1) == 0 ? 1L << op.bits(5, 5) : value);
    } else if (id.equals(Guids.VIRTUAL_DISK_SIZE) && length >= 8) {
      item.set(MetadataLayout.VIRTUAL_DISK_SIZE, op.bits(3, 1) == 0 ? VIRTUAL_SIZES[(int) op.bits(4, 3)] : value);
    } else if ((id.equals(Guids.LOGICAL_SECTOR_SIZE) || id.equals(Guids.PHYSICAL_SECTOR_SIZE)) && length >= 4) {
      item.set(MetadataLayout.SECTOR_SIZE, SECTOR_SIZES[(int) op.bits(3, 3)]);
    } else if (id.equals(Guids.PARENT_LOCATOR) && length >= ParentLocatorLayout.HEADER_SIZE) {
      int entry = (int) op.bits(3, 4);
      int at = ParentLocatorLayout.entryIndex(entry);
      if (op.bits(7, 1) == 0 || at + ParentLocatorLayout.ENTRY_SIZE > length) {
        Field f = op.bits(8, 1) == 0 ? ParentLocatorLayout.KEY_VALUE_COUNT : ParentLocatorLayout.RESERVED;
        item.set(f, op.bits(9, 1) == 0 ? op.bits(10, 9) : value);
      } else {
        item.set(at, LOCATOR_ENTRY_FIELDS[(int) op.bits(8, 2)], value);
      }
    }
  }
}
