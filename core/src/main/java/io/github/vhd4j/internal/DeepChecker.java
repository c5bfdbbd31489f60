package io.github.vhd4j.internal;

import io.github.vhd4j.DiskType;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The deep part of {@code check}: reads every allocated block's sector bitmap and verifies the
 * specification's rule that sectors whose bit is clear hold zeros on disk. Only sectors with clear
 * bits are read, in runs of at most {@link #CHUNK} bytes, so memory stays bounded.
 */
final class DeepChecker {
  private static final int CHUNK = 1 << 20;

  private DeepChecker() {}

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
    int blocks = (int) LayerParser.ceilDiv(l.virtualSize, l.blockSize);
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
    int sectorsPerBlock = (int) (l.blockSize >>> 9);
    int blocks = (int) LayerParser.ceilDiv(l.virtualSize, l.blockSize);
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
      long blockStart = (entry & 0xFFFFFFFFL) * 512;
      long dataStart = blockStart + l.bitmapBytes;
      l.storage.read(blockStart, bm, 0, l.bitmapBytes);
      // Sectors of this block that lie inside the disk (the last block may be partial).
      long inDisk = Math.min(sectorsPerBlock, (l.virtualSize - (long) i * l.blockSize + 511) >>> 9);
      int set = 0;
      boolean padding = false;
      boolean pastEnd = false;
      for (int sector = 0; sector < l.bitmapBytes * 8; sector++) {
        if (!l.bit(bm.get(sector >>> 3), sector)) {
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
        if (l.bit(bm.get(sector >>> 3), sector)) {
          sector++;
          continue;
        }
        int runEnd = sector + 1;
        while (runEnd < inDisk && !l.bit(bm.get(runEnd >>> 3), runEnd) && (runEnd - sector) < CHUNK / 512) {
          runEnd++;
        }
        int bytes = (runEnd - sector) * 512;
        l.storage.read(dataStart + ((long) sector << 9), data, 0, bytes);
        for (int k = 0; k < runEnd - sector; k++) {
          if (!Codec.isZero(data, k * 512, k * 512 + 512)) {
            dirty++;
            if (firstDirty < 0) {
              firstDirty = dataStart + ((long) (sector + k) << 9);
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
