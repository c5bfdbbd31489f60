package io.github.vhd4j.fuzz;

import io.github.vhd4j.internal.vhdx.layout.BatLayout;
import io.github.vhd4j.testing.VhdxBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What a builder-made VHDX disk must read as: each block's state and stored bytes are recorded as
 * they are given to the {@link VhdxBuilder}, and {@link #read} answers from them by MS-VHDX's rules
 * (2.5.1.1): stored bytes for FULLY_PRESENT, per sector stored bytes or the parent's for
 * PARTIALLY_PRESENT, the parent's for NOT_PRESENT in a differencing disk, zeros otherwise and past
 * the parent's end. Independent of the library's reader.
 */
final class VhdxContent {
  /** One block as recorded: its state, its stored bytes from the block's start, its present sectors. */
  private record Block(int state, byte[] data, List<long[]> sectors) {}

  final long size;
  final long blockSize;
  final long sectorSize;
  private final @Nullable VhdxContent parent;
  private final Map<Long, Block> blocks = new TreeMap<>();
  /** Per block, every sector range marked present so far: the builder's bitmap keeps them all. */
  private final Map<Long, List<long[]>> marked = new TreeMap<>();

  VhdxContent(long size, long blockSize, long sectorSize, @Nullable VhdxContent parent) {
    this.size = size;
    this.blockSize = blockSize;
    this.sectorSize = sectorSize;
    this.parent = parent;
  }

  /** Stores {@code bytes} at {@code offset} of a FULLY_PRESENT block. */
  void full(VhdxBuilder b, int block, int offset, byte[] bytes) {
    byte[] data = placed(offset, bytes);
    b.block(block, data);
    blocks.put((long) block, new Block(BatLayout.PAYLOAD_FULLY_PRESENT, data, List.of()));
  }

  /** Stores {@code bytes} at {@code offset} of a PARTIALLY_PRESENT block, of which sectors are present. */
  void partial(VhdxBuilder b, int block, int offset, byte[] bytes, long[]... sectorRanges) {
    byte[] data = placed(offset, bytes);
    b.partial(block, data);
    // The builder's sector bitmap keeps the bits earlier partial writes of this block set, whatever
    // the block's state was in between.
    List<long[]> ranges = marked.computeIfAbsent((long) block, k -> new ArrayList<>());
    for (long[] r : sectorRanges) {
      b.sectors(block, r[0], r[1]);
      ranges.add(r.clone());
    }
    blocks.put((long) block, new Block(BatLayout.PAYLOAD_PARTIALLY_PRESENT, data, List.copyOf(ranges)));
  }

  /** Gives a block a state that stores nothing (ZERO, UNDEFINED, UNMAPPED or NOT_PRESENT). */
  void state(VhdxBuilder b, int block, int state) {
    b.entry(block, state, 0);
    blocks.put((long) block, new Block(state, new byte[0], List.of()));
  }

  /** Records a block made FULLY_PRESENT by other means (a replayed log) holding {@code data}. */
  void present(int block, byte[] data) {
    blocks.put((long) block, new Block(BatLayout.PAYLOAD_FULLY_PRESENT, data, List.of()));
  }

  private static byte[] placed(int offset, byte[] bytes) {
    byte[] data = new byte[offset + bytes.length];
    System.arraycopy(bytes, 0, data, offset, bytes.length);
    return data;
  }

  /** The disk's bytes at {@code [pos, pos + len)}, inside the disk. */
  byte[] read(long pos, int len) {
    byte[] out = new byte[len];
    long end = pos + len;
    long at = pos;
    while (at < end) {
      long block = at / blockSize;
      long blockEnd = Math.min(end, (block + 1) * blockSize);
      fill(out, (int) (at - pos), block, at - block * blockSize, (int) (blockEnd - at));
      at = blockEnd;
    }
    return out;
  }

  /** Fills {@code n} bytes from {@code inBlock} of {@code block}. */
  private void fill(byte[] out, int outAt, long block, long inBlock, int n) {
    Block b = blocks.get(block);
    int state = b == null ? BatLayout.PAYLOAD_NOT_PRESENT : b.state;
    long virtual = block * blockSize + inBlock;
    if (state == BatLayout.PAYLOAD_FULLY_PRESENT) {
      stored(b, out, outAt, inBlock, n);
    } else if (state == BatLayout.PAYLOAD_PARTIALLY_PRESENT) {
      for (int i = 0; i < n; ) {
        long sector = (inBlock + i) / sectorSize;
        int run = (int) Math.min(n - i, (sector + 1) * sectorSize - (inBlock + i));
        if (present(b, sector)) {
          stored(b, out, outAt + i, inBlock + i, run);
        } else {
          fromParent(out, outAt + i, virtual + i, run);
        }
        i += run;
      }
    } else if (state == BatLayout.PAYLOAD_NOT_PRESENT) {
      fromParent(out, outAt, virtual, n);
    }
  }

  private static boolean present(Block b, long sector) {
    for (long[] r : b.sectors) {
      if (sector >= r[0] && sector < r[0] + r[1]) {
        return true;
      }
    }
    return false;
  }

  private static void stored(Block b, byte[] out, int outAt, long inBlock, int n) {
    int have = (int) Math.max(0, Math.min(n, b.data.length - inBlock));
    if (have > 0) {
      System.arraycopy(b.data, (int) inBlock, out, outAt, have);
    }
  }

  private void fromParent(byte[] out, int outAt, long virtual, int n) {
    VhdxContent p = parent;
    if (p == null || virtual >= p.size) {
      return;
    }
    int have = (int) Math.min(n, p.size - virtual);
    System.arraycopy(p.read(virtual, have), 0, out, outAt, have);
  }
}
