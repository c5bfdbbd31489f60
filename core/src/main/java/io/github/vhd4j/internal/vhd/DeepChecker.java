package io.github.vhd4j.internal.vhd;

import io.github.vhd4j.DiskType;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.ProgressListener;
import io.github.vhd4j.Severity;
import io.github.vhd4j.internal.Problems;
import io.github.vhd4j.internal.ProgressCounter;
import io.github.vhd4j.internal.Sectors;
import io.github.vhd4j.internal.Zeros;
import io.github.vhd4j.internal.vhd.layout.BitmapLayout;
import io.github.vhd4j.internal.vhd.layout.TableLayout;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The deep part of {@code check}: reads every allocated block's sector bitmap and verifies the
 * specification's rule that sectors whose bit is clear hold zeros on disk. Only sectors with clear
 * bits are read, in runs of at most {@link #CHUNK} bytes, so memory stays bounded.
 */
final class DeepChecker {
  private static final int CHUNK = 1 << 20;

  private DeepChecker() {}

  /**
   * A layer to scan deeply, and where in the report its problems belong.
   *
   * @param layer the layer
   * @param at the index in the report's problems where the scan's problems go
   */
  record Scan(Layer layer, int at) {}

  /**
   * Runs the deep scans in order, reporting progress in bytes of the blocks scanned out of all the
   * scans' blocks, and inserts each scan's problems where it belongs.
   *
   * @param scans the scans, in the order of their layers
   * @param all the report's problems; each scan's are inserted at its index, shifted by the
   *     problems the scans before it inserted
   * @param progress told the bytes scanned; told once, with nothing to scan, when there are no
   *     blocks
   * @throws IOException if a file cannot be read
   */
  static void scanAll(List<Scan> scans, List<Problem> all, ProgressListener progress) throws IOException {
    long[] blocks = new long[scans.size()];
    long total = 0;
    for (int i = 0; i < scans.size(); i++) {
      blocks[i] = blocksToScan(scans.get(i).layer());
      total += blocks[i] * scans.get(i).layer().blockSize;
    }
    ProgressCounter counter = new ProgressCounter(progress, total);
    int shift = 0;
    for (int i = 0; i < scans.size(); i++) {
      Layer l = scans.get(i).layer();
      Problems p = new Problems(l.resource);
      try {
        check(l, p, () -> counter.add(l.blockSize));
        if (blocks[i] > 0) {
          counter.add(l.blockSize);
        }
      } catch (EOFException e) {
        p.error(ProblemCode.BAT_ENTRY_OUTSIDE_FILE, false, "file", "length", -1, null, null,
            "the file ended during the deep scan: " + e.getMessage());
      }
      List<Problem> found = p.list();
      all.addAll(scans.get(i).at() + shift, found);
      shift += found.size();
    }
    counter.finish();
  }

  /**
   * Returns the blocks {@link #check} reads: the allocated ones that are not known to be damaged.
   *
   * @param l the layer
   * @return the number of blocks the scan reads
   * @throws IOException if the file cannot be read
   */
  static long blocksToScan(Layer l) throws IOException {
    if (l.type == DiskType.FIXED || l.bat == null) {
      return 0;
    }
    long n = 0;
    int blocks = (int) Sectors.ceilDiv(l.virtualSize, l.blockSize);
    BlockTable.Scan scan = l.bat.scan();
    for (int i = scan.next(0, blocks); i < blocks; i = scan.next(i + 1, blocks)) {
      if (!l.isBad(i, scan.entry(i))) {
        n++;
      }
    }
    return n;
  }

  /**
   * Scans every allocated block's bitmap, and the data under its clear bits.
   *
   * @param l the layer
   * @param p where problems go
   * @param scanned told the layer's block size after each block scanned
   * @throws IOException if the file cannot be read
   */
  static void check(Layer l, Problems p, Runnable scanned) throws IOException {
    if (l.type == DiskType.FIXED || l.bat == null) {
      return;
    }
    boolean first = true;
    int sectorsPerBlock = (int) (l.blockSize / Sectors.SIZE);
    int blocks = (int) Sectors.ceilDiv(l.virtualSize, l.blockSize);
    ByteBuffer bm = ByteBuffer.allocate(l.bitmapBytes);
    ByteBuffer data = ByteBuffer.allocate((int) Math.min(CHUNK, l.blockSize));
    BlockTable.Scan scan = l.bat.scan();
    for (int i = scan.next(0, blocks); i < blocks; i = scan.next(i + 1, blocks)) {
      int entry = scan.entry(i);
      if (l.isBad(i, entry)) {
        continue;
      }
      // Reported when the next block starts (the loop continues in several places), and the
      // last one by the caller when the scan ends.
      if (!first) {
        scanned.run();
      }
      first = false;
      long blockStart = TableLayout.blockOffset(entry);
      long dataStart = blockStart + l.bitmapBytes;
      l.storage.read(blockStart, bm, 0, l.bitmapBytes);
      // Sectors of this block that lie inside the disk (the last block may be partial).
      long inDisk = Math.min(sectorsPerBlock, Sectors.ceilDiv(l.virtualSize - (long) i * l.blockSize, Sectors.SIZE));
      int set = 0;
      boolean padding = false;
      boolean pastEnd = false;
      for (int sector = 0; sector < l.bitmapBytes * 8; sector++) {
        if (!l.bit(bm.get(BitmapLayout.byteIndex(sector)), sector)) {
          continue;
        }
        if (sector >= sectorsPerBlock) {
          padding = true;
        } else if (sector >= inDisk) {
          pastEnd = true;
        } else {
          set++;
        }
      }
      String s = "block[" + i + "]";
      if (padding && p.admit(ProblemCode.BLOCK_BITMAP_PADDING, Severity.WARNING)) {
        p.addAdmitted(p.make(Severity.WARNING, ProblemCode.BLOCK_BITMAP_PADDING, s, "bitmap", blockStart,
            "clear padding bits", null, "bits beyond the block's " + sectorsPerBlock + " sectors are set"), true);
      }
      if (pastEnd && p.admit(ProblemCode.BLOCK_BITMAP_PADDING, Severity.INFO)) {
        p.addAdmitted(p.make(Severity.INFO, ProblemCode.BLOCK_BITMAP_PADDING, s, "bitmap", blockStart, null, null,
            "sectors past the end of the disk are marked as written"), true);
      }
      if (set == 0 && p.admit(ProblemCode.BLOCK_BITMAP_EMPTY, Severity.INFO)) {
        p.addAdmitted(p.make(Severity.INFO, ProblemCode.BLOCK_BITMAP_EMPTY, s, "bitmap", blockStart, null, null,
            "the block is allocated but its bitmap marks no sector"), true);
      }
      if (set == inDisk) {
        continue;
      }
      long dirty = 0;
      long firstDirty = -1;
      int sector = 0;
      while (sector < inDisk) {
        if (l.bit(bm.get(BitmapLayout.byteIndex(sector)), sector)) {
          sector++;
          continue;
        }
        int runEnd = sector + 1;
        while (runEnd < inDisk && !l.bit(bm.get(BitmapLayout.byteIndex(runEnd)), runEnd)
            && (runEnd - sector) < CHUNK / Sectors.SIZE) {
          runEnd++;
        }
        int bytes = (runEnd - sector) * Sectors.SIZE;
        l.storage.read(dataStart + (long) sector * Sectors.SIZE, data, 0, bytes);
        for (int k = 0; k < runEnd - sector; k++) {
          if (!Zeros.isZero(data, k * Sectors.SIZE, Sectors.SIZE)) {
            dirty++;
            if (firstDirty < 0) {
              firstDirty = dataStart + (long) (sector + k) * Sectors.SIZE;
            }
          }
        }
        sector = runEnd;
      }
      if (dirty > 0 && p.admit(ProblemCode.BLOCK_DATA_UNDER_CLEAR_BIT, Severity.WARNING)) {
        p.addAdmitted(p.make(Severity.WARNING, ProblemCode.BLOCK_DATA_UNDER_CLEAR_BIT, s, "data", firstDirty, "zeros",
            dirty + " non-zero sector(s)", l.type == DiskType.DYNAMIC
                ? "sectors marked unwritten hold data; reads return it as stored, as QEMU does"
                : "sectors marked unwritten hold data; reads take the parent's data instead"), true);
      }
    }
  }
}
