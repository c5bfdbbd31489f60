package io.github.vhd4j.internal.vhd;

import io.github.vhd4j.DiskType;
import io.github.vhd4j.DynamicHeader;
import io.github.vhd4j.Footer;
import io.github.vhd4j.ParentLocator;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.SizeInfo;
import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.internal.ImageLayer;
import io.github.vhd4j.internal.Sectors;
import io.github.vhd4j.internal.Site;
import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.vhd.layout.BitmapLayout;
import io.github.vhd4j.internal.vhd.layout.DynamicHeaderLayout;
import io.github.vhd4j.internal.vhd.layout.FooterLayout;
import io.github.vhd4j.internal.vhd.layout.TableLayout;
import java.io.IOException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * One parsed and validated image file of a chain: everything the read engine needs, immutable.
 */
public final class Layer extends ImageLayer {
  /** BAT value of an unallocated block. */
  public static final int UNALLOCATED = TableLayout.UNUSED;

  final Footer footer;
  final long footerOffset;
  final int footerLength;
  final boolean headCopyUsed;
  final @Nullable DynamicHeader header;
  final SizeInfo sizes;
  final DiskType type;
  /** Block allocation table (sector offsets of each block's bitmap); null for fixed disks. */
  final @Nullable BlockTable bat;
  final int bitmapBytes;
  final boolean lsbFirstBitmap;
  /** The blocks lenient mode kept although they cannot be read; null when every block is fine. */
  final @Nullable DamagedBlocks damaged;
  /** End of the area blocks may occupy (the footer's offset, or the file end without one). */
  final long dataEnd;

  /**
   * Where a layer's bytes come from.
   *
   * @param storage the file
   * @param resource its name for messages
   * @param path its path, or null
   */
  record Origin(Storage storage, String resource, @Nullable Path path) {}

  /**
   * The footer in effect and where it was found.
   *
   * @param footer the footer
   * @param offset its file offset
   * @param length 512, or 511 for a footer written before Virtual PC 2004
   * @param headCopyUsed true when the copy at offset 0 stands in for a lost or damaged footer
   * @param dataEnd where blocks may end (the footer's offset, or the file end without one)
   */
  record FooterAt(Footer footer, long offset, int length, boolean headCopyUsed, long dataEnd) {}

  /**
   * What a dynamic or differencing layer adds to a fixed one.
   *
   * @param header the dynamic header
   * @param table the block allocation table
   * @param lsbFirstBitmap true for blktap 0.1's sector bitmaps, least significant bit first
   * @param damaged the blocks lenient mode kept although they cannot be read, or null
   */
  record Sparse(DynamicHeader header, BlockTable table, boolean lsbFirstBitmap, @Nullable DamagedBlocks damaged) {}

  private Layer(Origin origin, FooterAt found, SizeInfo sizes, @Nullable Sparse sparse) {
    super(origin.storage(), origin.resource(), origin.path(), sizes.virtualSize(),
        found.footer().diskType() == DiskType.FIXED, found.footer().diskType() == DiskType.DIFFERENCING,
        sparse == null ? 0 : sparse.header().blockSize(), Sectors.SIZE);
    this.footer = found.footer();
    this.footerOffset = found.offset();
    this.footerLength = found.length();
    this.headCopyUsed = found.headCopyUsed();
    this.dataEnd = found.dataEnd();
    this.sizes = sizes;
    this.type = footer.diskType();
    this.header = sparse == null ? null : sparse.header();
    this.bat = sparse == null ? null : sparse.table();
    this.bitmapBytes = header == null ? 0 : (int) header.bitmapSize();
    this.lsbFirstBitmap = sparse != null && sparse.lsbFirstBitmap();
    this.damaged = sparse == null ? null : sparse.damaged();
  }

  /**
   * A fixed layer: a footer and the data before it.
   *
   * @param origin the file
   * @param found the footer
   * @param sizes the sizes it is read with
   * @return the layer
   */
  static Layer fixed(Origin origin, FooterAt found, SizeInfo sizes) {
    return new Layer(origin, found, sizes, null);
  }

  /**
   * A dynamic or differencing layer.
   *
   * @param origin the file
   * @param found the footer
   * @param sizes the sizes it is read with
   * @param sparse its header, table and damaged blocks
   * @return the layer
   */
  static Layer sparse(Origin origin, FooterAt found, SizeInfo sizes, Sparse sparse) {
    return new Layer(origin, found, sizes, sparse);
  }

  /**
   * Returns the image name.
   *
   * @return the resource
   */
  public String resource() {
    return resource;
  }

  /**
   * Tells whether lenient mode kept a block although it cannot be read.
   *
   * @param block the block
   * @param entry its table entry
   * @return true when reading the block must fail
   */
  boolean isBad(int block, int entry) {
    return damaged != null && damaged.reason(block, entry) != 0;
  }

  /** Throws a format error when a read needs a block that lenient mode kept but cannot read. */
  void checkReadable(int block, int entry) throws VhdFormatException {
    if (damaged == null) {
      return;
    }
    byte why = damaged.reason(block, entry);
    if (why == 0) {
      return;
    }
    ProblemCode code = why == DamagedBlocks.OUTSIDE_FILE ? ProblemCode.BAT_ENTRY_OUTSIDE_FILE
        : why == DamagedBlocks.IN_METADATA ? ProblemCode.BAT_ENTRY_IN_METADATA : ProblemCode.BAT_ENTRY_OVERLAP;
    String reason = why == DamagedBlocks.OUTSIDE_FILE ? "lies outside the file"
        : why == DamagedBlocks.IN_METADATA ? "overlaps metadata" : "overlaps another block";
    long sector = entry & 0xFFFFFFFFL;
    Site site = TableLayout.entry(header.tableOffset(), block);
    throw new VhdFormatException(new Problem(code, Severity.ERROR, resource, site.structure(), site.field(),
        site.offset(), null, "sector " + sector,
        "block " + block + " " + reason + "; lenient mode opened the image but cannot read this block"));
  }

  /**
   * Returns where the metadata of a dynamic or differencing layer ends: the furthest end of the
   * header, the table (padded to a sector) and the locator data (padded to sectors), counting only
   * structures that end within {@code limit}. A locator that points past the file (lenient mode
   * keeps it, as a warning) must not place a block or a footer terabytes away; the table always
   * lies in the file, so its unpadded end counts when only its padding passes the limit.
   *
   * @param limit the file length, or where structures may end
   * @return the end offset, at least 512 (the footer copy)
   */
  long metadataEnd(long limit) {
    DynamicHeader h = header;
    long end = Math.max(FooterLayout.SIZE, h.offset() + DynamicHeaderLayout.SIZE);
    long table = h.tableOffset() + TableLayout.ENTRY_SIZE * h.maxTableEntries();
    long padded = Sectors.roundUp(table);
    end = Math.max(end, padded <= limit ? padded : table);
    for (ParentLocator loc : h.parentLocators()) {
      if (loc.platformCode() != 0 && loc.dataLength() > 0 && loc.dataOffset() >= 0) {
        long locEnd = loc.dataOffset() + Sectors.roundUp(loc.dataLength());
        if (locEnd <= limit) {
          end = Math.max(end, locEnd);
        }
      }
    }
    return end;
  }

  /**
   * The bit of a sector within its bitmap byte: most significant first, as the specification
   * says, or least significant first in blktap 0.1's images.
   */
  @Override
  public int mask(int sector) {
    return lsbFirstBitmap ? 1 << (sector & 7) : BitmapLayout.mask(sector);
  }

  /**
   * A block's data: zeros or the parent where it is not stored; a differencing disk's stored
   * blocks are partial, the sector bitmap just before the data deciding per sector.
   */
  @Override
  public long locate(int block) throws IOException {
    return resolve(block, bat.get(block));
  }

  private long resolve(int block, int entry) throws VhdFormatException {
    if (entry == UNALLOCATED) {
      return differencing ? PARENT : ZERO;
    }
    checkReadable(block, entry);
    long data = TableLayout.blockOffset(entry) + bitmapBytes;
    return differencing ? data | PARTIAL : data;
  }

  @Override
  public long bitmapOffset(int block, long located) {
    return (located & ~PARTIAL) - bitmapBytes;
  }

  @Override
  public Scan scan() {
    BlockTable.Scan s = bat.scan();
    return new Scan() {
      @Override
      public int next(int from, int to) throws IOException {
        return s.next(from, to);
      }

      @Override
      public long locate(int block) throws IOException {
        return resolve(block, s.entry(block));
      }

      @Override
      public long empty() {
        return differencing ? PARENT : ZERO;
      }
    };
  }
}
