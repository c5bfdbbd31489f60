package io.github.vhd4j.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Reads virtual-disk ranges from a chain of layers of any format.
 *
 * <p>Flat layers map straight to the file. Each block of a layer with blocks is resolved by its
 * format ({@link ImageLayer#locate}): zeros, the parent, the file, or, for a partial block,
 * per sector as the block's sector bitmap says. Each storage read covers the longest run the
 * layout allows; parent ranges that touch are merged before they are read. A VHD dynamic disk's
 * blocks read as stored (the bitmap is not consulted, exactly like QEMU); a VHD differencing
 * disk's blocks are all partial, so it is bitmap-exact.
 *
 * <p>Chains are walked with an explicit work stack, never Java recursion, so depth is bounded by
 * memory and not by the thread stack. The stack and the bitmap buffer are per-thread scratch that
 * is reused, so steady-state reads do not allocate.
 */
public final class ReadEngine {
  /** Per-thread reusable state. */
  private static final class Scratch {
    long[] stack = new long[4 * 64];
    ByteBuffer bitmap = ByteBuffer.allocate(512);
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /** The whole chain, shared by every view of it; this engine reads from {@code base} down. */
  private final ImageLayer[] layers;
  private final int base;

  public ReadEngine(ImageLayer[] layers, int base) {
    this.layers = layers;
    this.base = base;
  }

  /**
   * Fills {@code dst[dstIndex, dstIndex + length)} with virtual bytes starting at {@code pos}; the
   * caller has clamped the range to the top layer's size.
   */
  public void read(long pos, ByteBuffer dst, int dstIndex, int length) throws IOException {
    ImageLayer top = layers[base];
    if (top.flat) {
      top.storage.read(pos, dst, dstIndex, length);
    } else if (!top.differencing) {
      readBlocks(top, pos, dst, dstIndex, length);
    } else {
      readChain(pos, dst, dstIndex, length);
    }
  }

  /** A layer without a parent: each block is zeros or stored whole. */
  private static void readBlocks(ImageLayer l, long pos, ByteBuffer dst, int dstIndex, int length)
      throws IOException {
    long mask = l.blockSize - 1;
    long p = pos;
    int d = dstIndex;
    int remaining = length;
    while (remaining > 0) {
      int block = (int) (p >>> l.blockShift);
      long inBlock = p & mask;
      int n = (int) Math.min(remaining, l.blockSize - inBlock);
      long at = l.locate(block);
      if (at < 0) {
        Zeros.fill(dst, d, n);
      } else {
        l.storage.read(at + inBlock, dst, d, n);
      }
      p += n;
      d += n;
      remaining -= n;
    }
  }

  /** Reads through a differencing chain with an explicit stack of (layer, pos, dst index, length). */
  private void readChain(long pos, ByteBuffer dst, int dstIndex, int length) throws IOException {
    Scratch s = SCRATCH.get();
    int sp = push(s, 0, base, pos, dstIndex, length);
    while (sp > 0) {
      sp -= 4;
      long[] st = s.stack;
      int li = (int) st[sp];
      long p = st[sp + 1];
      int d = (int) st[sp + 2];
      int n = (int) st[sp + 3];
      if (li >= layers.length) {
        // Cannot happen: the bottom layer never falls through to a parent.
        throw new IllegalStateException("parent chain ended inside a differencing layer");
      }
      ImageLayer l = layers[li];
      // A parent may be smaller than its child: the rest reads as zeros.
      long avail = Math.max(0, l.virtualSize - p);
      int m = (int) Math.min(n, avail);
      if (m < n) {
        Zeros.fill(dst, d + m, n - m);
      }
      if (m == 0) {
        continue;
      }
      if (l.flat) {
        l.storage.read(p, dst, d, m);
      } else if (!l.differencing) {
        readBlocks(l, p, dst, d, m);
      } else {
        sp = readDifferencing(s, sp, li, l, p, dst, d, m);
      }
    }
  }

  /**
   * Reads a range of one differencing layer: its own sectors directly, the rest pushed as parent
   * work. Returns the new stack pointer.
   */
  private static int readDifferencing(Scratch s, int sp, int li, ImageLayer l, long pos, ByteBuffer dst,
      int dstIndex, int length) throws IOException {
    long mask = l.blockSize - 1;
    int shift = l.sectorShift;
    // Pending parent range, merged while contiguous.
    long pendPos = -1;
    int pendDst = 0;
    int pendLen = 0;
    long p = pos;
    int d = dstIndex;
    int remaining = length;
    while (remaining > 0) {
      int block = (int) (p >>> l.blockShift);
      long inBlock = p & mask;
      int n = (int) Math.min(remaining, l.blockSize - inBlock);
      long at = l.locate(block);
      if (at == ImageLayer.PARENT) {
        if (pendLen > 0 && pendPos + pendLen == p) {
          pendLen += n;
        } else {
          sp = pendLen > 0 ? push(s, sp, li + 1, pendPos, pendDst, pendLen) : sp;
          pendPos = p;
          pendDst = d;
          pendLen = n;
        }
      } else if (at == ImageLayer.ZERO) {
        Zeros.fill(dst, d, n);
      } else if ((at & ImageLayer.PARTIAL) == 0) {
        l.storage.read(at + inBlock, dst, d, n);
      } else {
        long dataStart = at & ~ImageLayer.PARTIAL;
        long bitmapStart = l.bitmapOffset(block, at);
        int firstSector = (int) (inBlock >>> shift);
        int lastSector = (int) ((inBlock + n - 1) >>> shift);
        // Both formats keep eight sectors per bitmap byte, the block's first sector at bit 0 or 7.
        int firstByte = firstSector >>> 3;
        int bitmapLen = (lastSector >>> 3) - firstByte + 1;
        ByteBuffer bm = bitmap(s, bitmapLen);
        l.storage.read(bitmapStart + firstByte, bm, 0, bitmapLen);
        int sector = firstSector;
        while (sector <= lastSector) {
          boolean mine = l.bit(bm.get((sector >>> 3) - firstByte), sector);
          int runEnd = sector + 1;
          while (runEnd <= lastSector) {
            int b = bm.get((runEnd >>> 3) - firstByte);
            if ((runEnd & 7) == 0 && runEnd + 7 <= lastSector && (b == 0 || b == -1)) {
              // A whole bitmap byte of one value: skip eight sectors at once.
              if ((b != 0) != mine) {
                break;
              }
              runEnd += 8;
            } else if (l.bit(b, runEnd) == mine) {
              runEnd++;
            } else {
              break;
            }
          }
          long runStart = Math.max(inBlock, (long) sector << shift);
          long runStop = Math.min(inBlock + n, (long) runEnd << shift);
          int runLen = (int) (runStop - runStart);
          long vpos = p + (runStart - inBlock);
          int rd = d + (int) (runStart - inBlock);
          if (mine) {
            l.storage.read(dataStart + runStart, dst, rd, runLen);
          } else if (pendLen > 0 && pendPos + pendLen == vpos) {
            pendLen += runLen;
          } else {
            sp = pendLen > 0 ? push(s, sp, li + 1, pendPos, pendDst, pendLen) : sp;
            pendPos = vpos;
            pendDst = rd;
            pendLen = runLen;
          }
          sector = runEnd;
        }
      }
      p += n;
      d += n;
      remaining -= n;
    }
    return pendLen > 0 ? push(s, sp, li + 1, pendPos, pendDst, pendLen) : sp;
  }

  private static int push(Scratch s, int sp, int layer, long pos, int dstIndex, int length) {
    if (sp + 4 > s.stack.length) {
      s.stack = Arrays.copyOf(s.stack, s.stack.length * 2);
    }
    s.stack[sp] = layer;
    s.stack[sp + 1] = pos;
    s.stack[sp + 2] = dstIndex;
    s.stack[sp + 3] = length;
    return sp + 4;
  }

  private static ByteBuffer bitmap(Scratch s, int length) {
    if (s.bitmap.capacity() < length) {
      s.bitmap = ByteBuffer.allocate(Integer.highestOneBit(length - 1) << 1);
    }
    return s.bitmap;
  }
}
