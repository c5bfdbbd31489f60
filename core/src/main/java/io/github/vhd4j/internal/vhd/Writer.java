package io.github.vhd4j.internal.vhd;

import io.github.vhd4j.DiskType;
import io.github.vhd4j.Durability;
import io.github.vhd4j.Extent;
import io.github.vhd4j.internal.ExtentMapper;
import io.github.vhd4j.internal.ReadEngine;
import io.github.vhd4j.internal.Sectors;
import io.github.vhd4j.internal.Zeros;
import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.vhd.layout.BitmapLayout;
import io.github.vhd4j.internal.vhd.layout.FooterLayout;
import io.github.vhd4j.internal.vhd.layout.TableLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;

/**
 * Writes to the top layer of a chain: positional writes, sector read-modify-write, exact sector
 * bitmaps and crash-ordered block allocation.
 *
 * <p><b>Allocation order.</b> A new block goes where the tail footer is (every structure of a valid
 * image lies before it, so nothing foreign is overwritten), or, in a 4 KiB-aligned image, at the
 * next place that keeps its data 4 KiB aligned. The steps are: (1) write the footer at the new
 * end of file, (2) write the block's bitmap and the data written to it over the old footer's
 * place, (3) force, (4) write the table entry, (5) force. The table entry is the commit point: a
 * crash before it leaves an image whose new block is unreferenced space, a crash after it an
 * image with the whole new block. Step 1 precedes step 2 so that a process killed at any point
 * leaves a valid footer at the end of the file.
 *
 * <p><b>Bitmaps.</b> Only sectors written get their bit set, in dynamic disks too (in
 * differencing disks, whole bitmap bytes: see {@link #granule}). Data reaches
 * the file (and in a differencing disk with {@link Durability#SYNC_ALLOCATIONS}, the device)
 * before the bit that makes it visible, so a crash shows the old content of a sector or the new.
 *
 * <p><b>Concurrency.</b> Writes lock the block they touch (a fixed lock stripe per block), and
 * reads of a writable image lock it shared, so a reader sees a sector's old or new content and
 * allocation happens once per block. Reserving space for a new block and moving the footer are
 * serialised; writing the new blocks' data is not.
 */
public final class Writer {
  /** Lock stripes; a power of two. */
  private static final int STRIPES = 64;
  /** Granularity of locking for fixed disks, which have no blocks. */
  private static final int FIXED_REGION_SHIFT = 21;
  private static final int SECTOR = Sectors.SIZE;

  private final Layer[] layers;
  private final Layer top;
  private final Storage storage;
  private final boolean sync;
  /** Whether closing forces: every durability but {@link Durability#NONE}. */
  public final boolean forceOnClose;
  private final ReadEngine engine;
  private final ReentrantReadWriteLock[] stripes = new ReentrantReadWriteLock[STRIPES];
  private final ReentrantLock allocation = new ReentrantLock();
  /** The tail footer as it is on disk, padded to 512 bytes (a 511-byte footer gains its zero). */
  private final byte[] footer;
  /** File offset of the tail footer: where the next block goes. Guarded by {@link #allocation}. */
  private long end;
  /**
   * Bytes written at a time at the edges of a write: a sector, or in a differencing disk the 4 KiB
   * one bitmap byte covers. libvhdi misreads a bitmap byte with some bits set (every sector after
   * the first set bit counts as the child's; conformance/DIVERGENCES.md case 6), so a differencing
   * write is widened to whole bitmap bytes, the added sectors carrying their current content
   * (usually the parent's): what each sector reads stays exact, and every peer agrees on it.
   */
  private final int granule;
  /** Whether new blocks keep their data 4 KiB aligned, as the image's existing blocks do. */
  private final boolean aligned;
  /** The failure that left metadata in an unknown state; later writes refuse to go on. */
  private volatile @Nullable IOException failure;

  /**
   * Prepares writes to {@code layers[0]}.
   *
   * @param layers the chain, top first; the top layer's storage must be writable
   * @param durability when to force
   * @throws IOException if the footer cannot be read
   */
  Writer(Layer[] layers, Durability durability) throws IOException {
    this.layers = layers;
    this.top = layers[0];
    this.storage = top.storage;
    this.sync = durability == Durability.SYNC_ALLOCATIONS;
    this.forceOnClose = durability != Durability.NONE;
    this.engine = new ReadEngine(layers, 0);
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new ReentrantReadWriteLock();
    }
    ByteBuffer f = ByteBuffer.allocate(FooterLayout.SIZE);
    storage.read(top.footerOffset, f, 0, top.footerLength);
    this.footer = f.array();
    this.end = top.footerOffset;
    this.aligned = top.type != DiskType.FIXED && isAligned(top);
    this.granule = top.type == DiskType.DIFFERENCING ? (int) Math.min(8 * SECTOR, top.blockSize) : SECTOR;
  }

  /**
   * Tells whether an image keeps its block data 4 KiB aligned. With blocks: every block's data is
   * aligned. Without: the first block at the footer's place would be, and the footer sits after
   * padding beyond the last structure (header, table, locators), as in Hyper-V's empty disks;
   * a compact image whose first block happens to fall on a boundary stays compact.
   */
  private static boolean isAligned(Layer l) throws IOException {
    int n = l.bat.length();
    BlockTable.Scan scan = l.bat.scan();
    boolean any = false;
    for (int i = scan.next(0, n); i < n; i = scan.next(i + 1, n)) {
      any = true;
      if ((TableLayout.blockOffset(scan.entry(i)) + l.bitmapBytes) % Creator.ALIGN != 0) {
        return false;
      }
    }
    if (any) {
      return true;
    }
    return (l.footerOffset + l.bitmapBytes) % Creator.ALIGN == 0 && l.footerOffset > l.metadataEnd(l.footerOffset);
  }

  private ReentrantReadWriteLock stripe(long unit) {
    return stripes[(int) (unit & (STRIPES - 1))];
  }

  private int unitShift() {
    return top.type == DiskType.FIXED ? FIXED_REGION_SHIFT : top.blockShift;
  }

  /**
   * Reads {@code length} virtual bytes at {@code pos} into {@code dst} at {@code dstIndex}, one
   * block at a time under that block's shared lock.
   */
  public void read(long pos, ByteBuffer dst, int dstIndex, int length) throws IOException {
    int shift = unitShift();
    long unitSize = 1L << shift;
    long p = pos;
    int d = dstIndex;
    int left = length;
    while (left > 0) {
      int n = (int) Math.min(left, unitSize - (p & (unitSize - 1)));
      ReentrantReadWriteLock.ReadLock lock = stripe(p >>> shift).readLock();
      lock.lock();
      try {
        engine.read(p, dst, d, n);
      } finally {
        lock.unlock();
      }
      p += n;
      d += n;
      left -= n;
    }
  }

  /**
   * Writes {@code src[srcIndex, srcIndex + length)} at virtual offset {@code pos}; the caller has
   * checked that the range lies inside the disk.
   */
  public void write(long pos, ByteBuffer src, int srcIndex, int length) throws IOException {
    IOException failed = failure;
    if (failed != null) {
      throw new IOException("an earlier write to " + top.resource + " failed while updating metadata;"
          + " reopen the image (and run vhd check) before writing again", failed);
    }
    int shift = unitShift();
    long unitSize = 1L << shift;
    long p = pos;
    int s = srcIndex;
    int left = length;
    while (left > 0) {
      int n = (int) Math.min(left, unitSize - (p & (unitSize - 1)));
      ReentrantReadWriteLock.WriteLock lock = stripe(p >>> shift).writeLock();
      lock.lock();
      try {
        if (top.type == DiskType.FIXED) {
          // Whole sectors here too: a sector is the unit a crash keeps or loses, so a partial
          // write must not reach the file as a few bytes that a lost earlier write leaves stranded.
          long inRegion = p & (unitSize - 1);
          pieces(p, inRegion, src, s, n).writeTo(storage, p - inRegion);
        } else {
          writeBlock((int) (p >>> shift), p & (unitSize - 1), src, s, n);
        }
      } finally {
        lock.unlock();
      }
      p += n;
      s += n;
      left -= n;
    }
  }

  /**
   * Forces every completed write to the device.
   *
   * @throws IOException if the device reports a failure
   */
  public void flush() throws IOException {
    try {
      storage.force();
    } catch (IOException e) {
      // After a failed fsync the kernel may have dropped the dirty pages: nothing written since
      // the last successful force can be trusted.
      failure = e;
      throw e;
    }
  }

  /** Writes a range inside one block; the caller holds the block's lock. */
  private void writeBlock(int block, long inBlock, ByteBuffer src, int srcIndex, int length) throws IOException {
    int entry = top.bat.getAcquire(block);
    long vpos = ((long) block << top.blockShift) + inBlock;
    if (entry == Layer.UNALLOCATED) {
      // Writing zeros over a block that reads as zeros changes nothing; but in a differencing
      // disk the block shows the parent, and zeros over parent data must be stored.
      if (Zeros.isZero(src, srcIndex, length) && (top.type == DiskType.DYNAMIC || !parentHasData(vpos, length))) {
        return;
      }
      allocate(block, inBlock, src, srcIndex, length);
      return;
    }
    top.checkReadable(block, entry);
    long blockStart = TableLayout.blockOffset(entry);
    Pieces pieces = pieces(vpos, inBlock, src, srcIndex, length);
    long data = blockStart + top.bitmapBytes;
    pieces.writeTo(storage, data);
    // Mark the sectors written; bits already set need no metadata write at all.
    int first = firstSector(inBlock);
    int last = lastSector(inBlock, length);
    int firstByte = BitmapLayout.byteIndex(first);
    int bytes = BitmapLayout.byteIndex(last) - firstByte + 1;
    ByteBuffer bm = ByteBuffer.allocate(bytes);
    storage.read(blockStart + firstByte, bm, 0, bytes);
    boolean changed = false;
    for (int sector = first; sector <= last; sector++) {
      int i = BitmapLayout.byteIndex(sector) - firstByte;
      int b = bm.get(i);
      int bit = top.mask(sector);
      if ((b & bit) == 0) {
        bm.put(i, (byte) (b | bit));
        changed = true;
      }
    }
    if (changed) {
      try {
        // In a differencing disk a set bit hides the parent's sector, so the data must be on the
        // device first. A dynamic disk's unwritten sectors hold zeros, which is also what a
        // cleared bit reads as, so there the order cannot expose anything.
        if (sync && top.type == DiskType.DIFFERENCING) {
          storage.force();
        }
        storage.write(blockStart + firstByte, bm, 0, bytes);
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }
  }

  /** Allocates a block and writes the first data into it; the caller holds the block's lock. */
  private void allocate(int block, long inBlock, ByteBuffer src, int srcIndex, int length) throws IOException {
    long vpos = ((long) block << top.blockShift) + inBlock;
    // Merge partial sectors before taking the allocation lock: they read the parent or zeros.
    Pieces pieces = pieces(vpos, inBlock, src, srcIndex, length);
    int bitmapBytes = top.bitmapBytes;
    ByteBuffer bitmap = ByteBuffer.allocate(bitmapBytes);
    int first = firstSector(inBlock);
    int last = lastSector(inBlock, length);
    for (int sector = first; sector <= last; sector++) {
      int i = BitmapLayout.byteIndex(sector);
      bitmap.put(i, (byte) (bitmap.get(i) | top.mask(sector)));
    }
    // Only reserving the space and moving the footer is serialised; the data of different new
    // blocks is then written in parallel. Each reservation writes its footer at the new end
    // under the lock, so the file's tail always holds the latest footer, and a later block's
    // bitmap is what overwrites an earlier reservation's footer.
    long oldEnd;
    long blockStart;
    allocation.lock();
    try {
      oldEnd = end;
      // Table entries count sectors: a footer that does not start on a sector boundary (a file
      // whose length is not a multiple of 512) still gets the next block on one.
      blockStart = aligned ? Sectors.roundUp(oldEnd + bitmapBytes, Creator.ALIGN) - bitmapBytes
          : Sectors.roundUp(oldEnd);
      if (blockStart / SECTOR >= 0xFFFF_FFFFL) {
        throw new IOException(top.resource + ": the file has no room for another block: table entries"
            + " address at most 2 TiB of file");
      }
      long newEnd = blockStart + bitmapBytes + top.blockSize;
      try {
        // (1) The footer at the new end: from here on the file ends with a valid footer.
        storage.write(newEnd, ByteBuffer.wrap(footer), 0, footer.length);
      } catch (IOException e) {
        failure = e;
        throw e;
      }
      end = newEnd;
    } finally {
      allocation.unlock();
    }
    long sector = blockStart / SECTOR;
    try {
      // (2) Zeros over the old footer when alignment leaves a gap, then bitmap and data.
      Zeros.write(storage, oldEnd, blockStart);
      storage.write(blockStart, bitmap, 0, bitmapBytes);
      pieces.writeTo(storage, blockStart + bitmapBytes);
      // (3) Data and footer durable before anything points at them.
      if (sync) {
        storage.force();
      }
      // (4) The commit point: the table entry, in the file and then (release) for lookups.
      top.bat.set(block, (int) sector);
      if (sync) {
        storage.force();
      }
    } catch (IOException e) {
      failure = e;
      throw e;
    }
  }

  /** Tells whether any ancestor stores data in a virtual range. */
  private boolean parentHasData(long pos, int length) throws IOException {
    if (layers.length < 2) {
      return false;
    }
    long parentSize = layers[1].virtualSize;
    if (pos >= parentSize) {
      return false;
    }
    long n = Math.min(length, parentSize - pos);
    for (Extent e : new ExtentMapper(layers, 1).list(pos, n)) {
      if (e.data()) {
        return true;
      }
    }
    return false;
  }

  /** The first sector a write at {@code inBlock} stores: its granule's first. */
  private int firstSector(long inBlock) {
    return (int) (inBlock / granule * granule / SECTOR);
  }

  /** The last sector a write of {@code length} bytes at {@code inBlock} stores. */
  private int lastSector(long inBlock, int length) {
    return (int) ((Sectors.roundUp(inBlock + length, granule) - 1) / SECTOR);
  }


  /**
   * Splits a write into whole granules (sectors, or 4 KiB in a differencing disk): a merged head
   * granule, the aligned middle (straight from the caller's buffer) and a merged tail granule. A
   * partial granule is completed with the disk's current content there: this image's own sectors,
   * or (where it has none) the parent's.
   */
  private Pieces pieces(long vpos, long inBlock, ByteBuffer src, int srcIndex, int length) throws IOException {
    Pieces p = new Pieces();
    int g = granule;
    long start = inBlock;
    long stop = inBlock + length;
    long alignedStart = start / g * g;
    long alignedStop = Sectors.roundUp(stop, g);
    long vbase = vpos - inBlock;
    if (alignedStart < start || (alignedStop > stop && alignedStop - g <= alignedStart)) {
      // The head granule is partial (or the whole write lies inside one granule).
      ByteBuffer head = current(vbase + alignedStart);
      int n = (int) (Math.min(stop, alignedStart + g) - start);
      head.put((int) (start - alignedStart), src, srcIndex, n);
      p.add(alignedStart, head, 0, g);
      start = alignedStart + g;
    }
    if (start >= stop) {
      return p;
    }
    long middleStop = alignedStop > stop ? alignedStop - g : stop;
    if (middleStop > start) {
      p.add(start, src, srcIndex + (int) (start - inBlock), (int) (middleStop - start));
    }
    if (middleStop < stop) {
      ByteBuffer tail = current(vbase + middleStop);
      tail.put(0, src, srcIndex + (int) (middleStop - inBlock), (int) (stop - middleStop));
      p.add(middleStop, tail, 0, g);
    }
    return p;
  }

  /** The disk's current granule at an aligned virtual offset, as a reader sees it (zeros past the end). */
  private ByteBuffer current(long vpos) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(granule);
    long avail = top.virtualSize - vpos;
    if (avail > 0) {
      engine.read(vpos, b, 0, (int) Math.min(granule, avail));
    }
    return b;
  }

  /** Up to three whole-sector ranges of a block to write, in order. */
  private static final class Pieces {
    private final long[] offsets = new long[3];
    private final ByteBuffer[] buffers = new ByteBuffer[3];
    private final int[] indexes = new int[3];
    private final int[] lengths = new int[3];
    private int count;

    void add(long offsetInBlock, ByteBuffer buf, int index, int length) {
      offsets[count] = offsetInBlock;
      buffers[count] = buf;
      indexes[count] = index;
      lengths[count] = length;
      count++;
    }

    void writeTo(Storage storage, long dataStart) throws IOException {
      for (int i = 0; i < count; i++) {
        storage.write(dataStart + offsets[i], buffers[i], indexes[i], lengths[i]);
      }
    }
  }
}
