package io.github.vhd4j.internal;

import io.github.vhd4j.DiskType;
import io.github.vhd4j.DynamicHeader;
import io.github.vhd4j.Footer;
import io.github.vhd4j.Problem;
import io.github.vhd4j.SizeInfo;
import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.internal.storage.Storage;
import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One parsed and validated image file of a chain: everything the read engine needs, immutable.
 */
public final class Layer {
  /** BAT value of an unallocated block. */
  public static final int UNALLOCATED = 0xFFFFFFFF;

  final Storage storage;
  final String resource;
  final @Nullable Path path;
  final Footer footer;
  final long footerOffset;
  final int footerLength;
  final boolean headCopyUsed;
  final @Nullable DynamicHeader header;
  final SizeInfo sizes;
  final long virtualSize;
  final DiskType type;
  /** BAT entries (sector offsets of each block's bitmap); null for fixed disks. */
  final int @Nullable [] bat;
  final int blockShift;
  final long blockSize;
  final int bitmapBytes;
  final boolean lsbFirstBitmap;
  /** Blocks lenient mode kept but that must not be read, with the reason. */
  final Map<Integer, Problem> badBlocks;
  /** End of the area blocks may occupy (the footer's offset, or the file end without one). */
  final long dataEnd;

  Layer(Storage storage, String resource, @Nullable Path path, Footer footer, long footerOffset,
      int footerLength, boolean headCopyUsed, @Nullable DynamicHeader header, SizeInfo sizes,
      int @Nullable [] bat, boolean lsbFirstBitmap, Map<Integer, Problem> badBlocks, long dataEnd) {
    this.storage = storage;
    this.resource = resource;
    this.path = path;
    this.footer = footer;
    this.footerOffset = footerOffset;
    this.footerLength = footerLength;
    this.headCopyUsed = headCopyUsed;
    this.header = header;
    this.sizes = sizes;
    this.virtualSize = sizes.virtualSize();
    this.type = footer.diskType();
    this.bat = bat;
    this.blockSize = header == null ? 0 : header.blockSize();
    this.blockShift = header == null ? 0 : Long.numberOfTrailingZeros(header.blockSize());
    this.bitmapBytes = header == null ? 0 : (int) header.bitmapSize();
    this.lsbFirstBitmap = lsbFirstBitmap;
    this.badBlocks = Map.copyOf(badBlocks);
    this.dataEnd = dataEnd;
  }

  /**
   * Returns the image name.
   *
   * @return the resource
   */
  public String resource() {
    return resource;
  }

  /** Throws the recorded problem if lenient mode kept a damaged block that a read now needs. */
  void checkReadable(int block) throws VhdFormatException {
    if (!badBlocks.isEmpty()) {
      Problem p = badBlocks.get(block);
      if (p != null) {
        throw new VhdFormatException(p);
      }
    }
  }

  /** Tells whether sector {@code sector} of a block is marked in bitmap byte {@code b}. */
  boolean bit(int b, int sector) {
    int shift = lsbFirstBitmap ? (sector & 7) : 7 - (sector & 7);
    return ((b >>> shift) & 1) != 0;
  }
}
