package io.github.vhd4j.internal.vhd;

import io.github.vhd4j.DiskType;
import io.github.vhd4j.ProgressListener;
import io.github.vhd4j.UnsupportedVhdFeatureException;
import io.github.vhd4j.internal.ProgressCounter;
import io.github.vhd4j.internal.Sectors;
import io.github.vhd4j.internal.Zeros;
import io.github.vhd4j.internal.vhd.layout.FooterLayout;
import io.github.vhd4j.internal.vhd.layout.TableLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Drops the all-zero blocks of a dynamic disk and closes the gaps: each block that reads as zeros
 * is unallocated, then the blocks stored last are moved into the freed places (copy, force,
 * repoint, force) and the file is cut after the last block.
 */
public final class Compactor {
  private Compactor() {}

  /**
   * Compacts a dynamic disk.
   *
   * @param path the dynamic image
   * @param progress told, after each allocated block examined, the virtual bytes examined so far
   *     (the unallocated blocks before it included)
   * @param locking hold the image exclusively while it changes
   * @return the number of bytes the file shrank by
   * @throws IOException if the image is not a healthy dynamic disk or cannot be written
   */
  public static long compact(Path path, ProgressListener progress, boolean locking) throws IOException {
    return compact(path, progress, Maintenance.files(locking));
  }

  /**
   * Compacts through storage from {@code opener}; see
   * {@link #compact(Path, ProgressListener, boolean)}.
   *
   * @param path the dynamic image
   * @param progress told about the blocks examined
   * @param opener opens the file for writing
   * @return the number of bytes the file shrank by
   * @throws IOException if the image cannot be compacted
   */
  public static long compact(Path path, ProgressListener progress, Maintenance.Opener opener) throws IOException {
    long before;
    long after;
    try (Maintenance.Target t = new Maintenance.Target(path, opener, true)) {
      before = t.storage.size();
      Layer l = t.layer;
      if (l.type != DiskType.DYNAMIC) {
        throw new UnsupportedVhdFeatureException("only a dynamic disk can be compacted (a differencing"
            + " disk's zero blocks hide its parent's data)", l.resource, null);
      }
      if (t.storage.isFixedLength()) {
        throw new UnsupportedVhdFeatureException("an image on a block device cannot be compacted: the device"
            + " cannot be cut, so no space would be freed", l.resource, null);
      }
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(l.blockSize, 4 << 20));
      long[] free = unallocateZeroBlocks(t, buf, progress);
      long[] owner = blocksByOffset(l.bat);
      moveLastIntoFree(t, free, owner, buf);
      // Cut the file after the last structure in use.
      long end = l.metadataEnd(l.footerOffset);
      long stride = l.bitmapBytes + l.blockSize;
      for (long o : owner) {
        end = Math.max(end, (o >>> 32) * Sectors.SIZE + stride);
      }
      if (end < l.footerOffset) {
        t.write(end, t.footer);
        t.force();
        t.storage.truncate(end + FooterLayout.SIZE);
        t.force();
      }
      after = t.storage.size();
    }
    return before - after;
  }

  /**
   * Unallocates the blocks whose data is all zeros and returns their file offsets, sorted. Memory
   * follows the blocks the file holds, not the table, which may have hundreds of millions of
   * entries.
   */
  private static long[] unallocateZeroBlocks(Maintenance.Target t, ByteBuffer buf, ProgressListener progress)
      throws IOException {
    Layer l = t.layer;
    BlockTable bat = l.bat;
    int length = bat.length();
    long[] free = new long[16];
    int freeCount = 0;
    ProgressCounter examined = new ProgressCounter(progress, l.virtualSize);
    BlockTable.Scan scan = bat.scan();
    int reported = 0;
    for (int b = scan.next(0, length); b < length; b = scan.next(b + 1, length)) {
      long start = TableLayout.blockOffset(scan.entry(b));
      if (Zeros.isZero(t.storage, start + l.bitmapBytes, l.blockSize, buf)) {
        bat.set(b, Layer.UNALLOCATED);
        free = append(free, freeCount++, start);
      }
      // The unallocated blocks before this one were examined too (by the scan).
      examined.add((long) (b + 1 - reported) * l.blockSize);
      reported = b + 1;
    }
    examined.finish();
    t.force();
    Arrays.sort(free, 0, freeCount);
    return Arrays.copyOf(free, freeCount);
  }

  /**
   * Moves the blocks stored last into the lowest free places, updating {@code owner}. A moved
   * block's old place is never a target: it lies above every block still to move.
   */
  private static void moveLastIntoFree(Maintenance.Target t, long[] free, long[] owner, ByteBuffer buf)
      throws IOException {
    Layer l = t.layer;
    long stride = l.bitmapBytes + l.blockSize;
    int fi = 0;
    for (int k = owner.length - 1; k >= 0 && fi < free.length; k--) {
      long start = (owner[k] >>> 32) * Sectors.SIZE;
      int block = (int) (owner[k] & 0xFFFFFFFFL);
      long target = free[fi];
      if (target >= start) {
        break;
      }
      Maintenance.copy(t.storage, start, target, stride, buf);
      t.force();
      l.bat.set(block, (int) (target / Sectors.SIZE));
      t.force();
      owner[k] = (target / Sectors.SIZE) << 32 | block;
      fi++;
    }
  }

  private static long[] append(long[] a, int size, long v) {
    long[] out = size < a.length ? a : Arrays.copyOf(a, 2 * a.length);
    out[size] = v;
    return out;
  }

  /** The allocated blocks as (sector << 32 | block), sorted by file offset. */
  private static long[] blocksByOffset(BlockTable bat) throws IOException {
    int length = bat.length();
    long[] out = new long[16];
    int n = 0;
    BlockTable.Scan scan = bat.scan();
    for (int b = scan.next(0, length); b < length; b = scan.next(b + 1, length)) {
      out = append(out, n++, (scan.entry(b) & 0xFFFFFFFFL) << 32 | b);
    }
    out = Arrays.copyOf(out, n);
    Arrays.sort(out);
    return out;
  }
}
