package io.github.vhd4j.internal;

import io.github.vhd4j.Extent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Computes the allocation map of a chain: which virtual ranges hold data in which layer (and
 * where in its file), and which read as zeros.
 *
 * <p>The semantics match the read engine and {@code qemu-img map}: a fixed layer is data
 * throughout; a dynamic layer is data over allocated blocks (whatever their bitmaps say) and zero
 * elsewhere; a differencing layer is data where bitmap bits are set and defers to its parent
 * elsewhere. The disk is processed in windows, and each window layer by layer (ranges still
 * pending after layer d are resolved in layer d+1), so neither memory nor the Java stack grows
 * with the disk size or the chain depth.
 */
public final class ExtentMapper {
  /** Bytes of virtual disk mapped per window; bounds the number of segments held at once. */
  private static final long WINDOW = 64L << 20;
  /** The whole chain, shared by every view of it; depths count from {@code base}. */
  private final ImageLayer[] layers;
  private final int base;

  public ExtentMapper(ImageLayer[] layers, int base) {
    this.layers = layers;
    this.base = base;
  }

  /** A run's kind: data in layer {@code depth}, zeros at {@code depth}, or pending in layer {@code depth}. */
  private static final byte DATA = 0;
  private static final byte ZERO = 1;
  private static final byte PENDING = 2;

  /**
   * The runs of one window in parallel arrays, reused window after window, so that mapping
   * allocates nothing per block (a 64 TiB disk of present blocks has two million of them). A run
   * that continues the last one (same kind and depth, adjacent, and for data adjacent in the file
   * too) lengthens it.
   */
  private static final class Runs {
    // Small at first: a view() or a one-block query maps a single run.
    private long[] start = new long[4];
    private long[] length = new long[4];
    private long[] fileOffset = new long[4];
    private int[] depth = new int[4];
    private byte[] kind = new byte[4];
    private int size;

    void clear() {
      size = 0;
    }

    void add(long s, long n, int d, byte k, long off) {
      int last = size - 1;
      if (last >= 0 && kind[last] == k && depth[last] == d && start[last] + length[last] == s
          && (k != DATA || fileOffset[last] + length[last] == off)) {
        length[last] += n;
        return;
      }
      if (size == start.length) {
        int c = 2 * size;
        start = Arrays.copyOf(start, c);
        length = Arrays.copyOf(length, c);
        fileOffset = Arrays.copyOf(fileOffset, c);
        depth = Arrays.copyOf(depth, c);
        kind = Arrays.copyOf(kind, c);
      }
      start[size] = s;
      length[size] = n;
      depth[size] = d;
      kind[size] = k;
      fileOffset[size] = off;
      size++;
    }
  }

  /** Brackets the parts of a walk that touch storage, so that close can wait for them. */
  interface Gate {
    void enter();

    void exit();
  }

  private static final Gate NO_GATE = new Gate() {
    @Override
    public void enter() {}

    @Override
    public void exit() {}
  };

  void forEach(long offset, long length, Consumer<Extent> action) throws IOException {
    forEach(offset, length, action, NO_GATE);
  }

  /**
   * Walks the map window by window; storage is touched only inside {@code gate}, and
   * {@code action} always runs outside it (it may even close the image).
   */
  void forEach(long offset, long length, Consumer<Extent> action, Gate gate) throws IOException {
    // Clamp the length before adding: offset + length overflows for lengths near Long.MAX_VALUE.
    long end = offset + Math.min(Math.max(0, length), Math.max(0, layers[base].virtualSize - offset));
    Merger merger = new Merger(action);
    long window = layers[base].blockSize > 0 ? Math.max(WINDOW, layers[base].blockSize) : Long.MAX_VALUE;
    for (long w = offset; w < end; ) {
      long wEnd = window == Long.MAX_VALUE ? end : Math.min(end, (w / window + 1) * window);
      Runs runs;
      gate.enter();
      try {
        runs = window(w, wEnd);
      } finally {
        gate.exit();
      }
      for (int i = 0; i < runs.size; i++) {
        merger.add(runs.start[i], runs.length[i], runs.depth[i], runs.kind[i] == DATA, runs.fileOffset[i]);
      }
      w = wEnd;
    }
    merger.flush();
  }

  /** The runs of the window being mapped and of the next layer down: two for the whole walk. */
  private final Runs runsA = new Runs();
  /** Made when a chain has a second layer to resolve. */
  private @Nullable Runs runsB;

  /**
   * Maps one window, resolving pending ranges layer by layer (no recursion). The runs returned
   * are reused by the next window: a 64 TiB disk has a million windows.
   */
  private Runs window(long w, long wEnd) throws IOException {
    Runs runs = runsA;
    runs.clear();
    mapLayer(0, w, wEnd - w, runs);
    for (int depth = 1; depth < layers.length - base; depth++) {
      Runs next = runs == runsA ? runsB() : runsA;
      next.clear();
      for (int i = 0; i < runs.size; i++) {
        if (runs.kind[i] == PENDING) {
          mapLayer(depth, runs.start[i], runs.length[i], next);
        } else {
          next.add(runs.start[i], runs.length[i], runs.depth[i], runs.kind[i], runs.fileOffset[i]);
        }
      }
      runs = next;
    }
    return runs;
  }

  private Runs runsB() {
    Runs b = runsB;
    if (b == null) {
      b = new Runs();
      runsB = b;
    }
    return b;
  }

  List<Extent> list(long offset, long length, Gate gate) throws IOException {
    List<Extent> out = new ArrayList<>();
    forEach(offset, length, out::add, gate);
    return out;
  }

  public List<Extent> list(long offset, long length) throws IOException {
    List<Extent> out = new ArrayList<>();
    forEach(offset, length, out::add);
    return out;
  }

  private void mapLayer(int depth, long start, long length, Runs out) throws IOException {
    ImageLayer l = layers[base + depth];
    long end = start + length;
    long inside = Math.min(end, Math.max(start, l.virtualSize));
    if (inside > start) {
      if (l.flat) {
        out.add(start, inside - start, depth, DATA, start);
      } else {
        mapSparse(depth, l, start, inside, out);
      }
    }
    if (end > inside) {
      // Beyond a smaller parent's end the child reads zeros.
      out.add(inside, end - inside, depth, ZERO, -1);
    }
  }

  /** Bitmap of the differencing block being mapped; one buffer for the whole walk, grown to fit. */
  private ByteBuffer bitmap = ByteBuffer.allocate(0);

  private ByteBuffer bitmap(int bytes) {
    if (bitmap.capacity() < bytes) {
      bitmap = ByteBuffer.allocate(bytes);
    }
    return bitmap;
  }

  /** Each sparse layer's table walk, made on first use; one per depth for the whole walk. */
  private ImageLayer.@Nullable Scan[] scans = new ImageLayer.Scan[0];

  private ImageLayer.Scan scan(int depth, ImageLayer l) {
    if (scans.length <= depth) {
      scans = Arrays.copyOf(scans, Math.max(depth + 1, 2 * scans.length));
    }
    ImageLayer.Scan s = scans[depth];
    if (s == null) {
      s = l.scan();
      scans[depth] = s;
    }
    return s;
  }

  /** Adds a run that reads zeros or falls through to the parent. */
  private static void notHere(Runs out, long at, long start, long length, int depth) {
    if (at == ImageLayer.PARENT) {
      out.add(start, length, depth + 1, PENDING, -1);
    } else {
      out.add(start, length, depth, ZERO, -1);
    }
  }

  private void mapSparse(int depth, ImageLayer l, long start, long end, Runs out) throws IOException {
    long mask = l.blockSize - 1;
    int shift = l.sectorShift;
    ImageLayer.Scan scan = scan(depth, l);
    int endBlock = (int) ((end - 1) >>> l.blockShift) + 1;
    long p = start;
    while (p < end) {
      int block = (int) (p >>> l.blockShift);
      // A run of blocks in the layer's default state is one segment, however many blocks it spans.
      long other = Math.min(end, (long) scan.next(block, endBlock) << l.blockShift);
      if (other > p) {
        notHere(out, scan.empty(), p, other - p, depth);
        p = other;
        continue;
      }
      long inBlock = p & mask;
      long n = Math.min(end - p, l.blockSize - inBlock);
      long at = scan.locate(block);
      if (at < 0) {
        notHere(out, at, p, n, depth);
      } else if ((at & ImageLayer.PARTIAL) == 0) {
        out.add(p, n, depth, DATA, at + inBlock);
      } else {
        long dataStart = at & ~ImageLayer.PARTIAL;
        int first = (int) (inBlock >>> shift);
        int last = (int) ((inBlock + n - 1) >>> shift);
        int firstByte = first >>> 3;
        int bytes = (last >>> 3) - firstByte + 1;
        // Allocated once per walk, not per window: a large disk has thousands of windows.
        ByteBuffer bm = bitmap(bytes);
        l.storage.read(l.bitmapOffset(block, at) + firstByte, bm, 0, bytes);
        int sector = first;
        while (sector <= last) {
          boolean mine = l.bit(bm.get((sector >>> 3) - firstByte), sector);
          int runEnd = sector + 1;
          while (runEnd <= last && l.bit(bm.get((runEnd >>> 3) - firstByte), runEnd) == mine) {
            runEnd++;
          }
          long rs = Math.max(inBlock, (long) sector << shift);
          long re = Math.min(inBlock + n, (long) runEnd << shift);
          long vpos = p + (rs - inBlock);
          if (mine) {
            out.add(vpos, re - rs, depth, DATA, dataStart + rs);
          } else {
            out.add(vpos, re - rs, depth + 1, PENDING, -1);
          }
          sector = runEnd;
        }
      }
      p += n;
    }
  }

  private static final class Merger {
    private final Consumer<Extent> action;
    private long start = -1;
    private long length;
    private int depth;
    private boolean data;
    private long fileOffset;

    Merger(Consumer<Extent> action) {
      this.action = action;
    }

    void add(long s, long n, int d, boolean isData, long off) {
      if (start >= 0 && depth == d && data == isData && start + length == s
          && (!isData || fileOffset + length == off)) {
        length += n;
        return;
      }
      flush();
      start = s;
      length = n;
      depth = d;
      data = isData;
      fileOffset = isData ? off : -1;
    }

    void flush() {
      if (start >= 0 && length > 0) {
        action.accept(new Extent(start, length, depth, data, fileOffset));
      }
      start = -1;
    }
  }
}
