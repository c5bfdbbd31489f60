package io.github.vhd4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.vhd4j.DiskImage;
import io.github.vhd4j.DiskType;
import io.github.vhd4j.Extent;
import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.VhdImage;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * What must hold for every image the library agrees to open, whatever its bytes.
 *
 * <p>The central oracle ties {@link VhdImage#map()} to the file bytes: the map covers the disk
 * exactly, every data run lies inside the file of the layer it names, and every byte
 * {@link VhdImage#read} returns equals what the map says (the layer file's bytes at the run's file
 * offset, or zeros). Reads are split into random chunks, so block, sector and bitmap boundaries are
 * crossed in every way. An image opened in strict mode must never fail a read or a map; one opened
 * in lenient mode may fail them only with a {@link VhdFormatException} about a damaged block, and
 * when its map succeeds its reads must too.
 */
final class Oracles {
  /** Disks up to this size are read completely; larger ones are sampled. */
  static final long WHOLE_READ_CAP = 2L << 20;
  private static final int SAMPLE = 16 * 1024;
  private static final int SAMPLED_EXTENTS = 64;

  private Oracles() {}

  /**
   * What one open produced; two opens of the same bytes (strict and lenient, or two storage
   * engines) must produce equal snapshots.
   */
  record Snapshot(long size, Object footer, Object header, Object sizeInfo, DiskType type, long blockSize,
      int chainLength, List<String> warnings, List<Extent> map) {}

  /**
   * Exercises an open image and returns its snapshot.
   *
   * @param img the image
   * @param files each chain layer's file bytes, top first
   * @param rnd per-input randomness (chunk sizes and sampled positions)
   * @param lenient whether the image was opened leniently (damaged blocks may then fail to read)
   */
  static Snapshot exercise(VhdImage img, List<byte[]> files, SplittableRandom rnd, boolean lenient)
      throws IOException {
    Layers layers = Layers.of(files);
    long size = img.getSize();
    assertTrue(size >= 0, "negative size " + size);
    List<VhdImage> chain = img.getChain();
    assertSame(img, chain.get(0), "the chain starts with the image itself");
    assertEquals(files.size(), chain.size(), "one file per chain layer");
    assertNotNull(img.getFooter());
    assertNotNull(img.getSizeInfo());
    assertEquals(size, img.getSizeInfo().virtualSize(), "getSize() and getSizeInfo() disagree");
    // Only a leniently opened fixed disk whose current size is short of its data is sized by the
    // data before its footer.
    assertTrue(size <= img.getSizeInfo().currentSize()
            || lenient && img.getSizeInfo().source() == io.github.vhd4j.SizeSource.FILE_LENGTH,
        "the disk is larger than its current size: " + img.getSizeInfo());
    if (img.getSizeInfo().source() == io.github.vhd4j.SizeSource.FILE_LENGTH) {
      assertTrue(lenient && img.getDiskType() == DiskType.FIXED, "sized by its file length: " + img.getSizeInfo());
    }
    if (img.getDiskType() == DiskType.FIXED) {
      assertEquals(0, img.getBlockSize());
      assertTrue(size <= files.get(0).length, "a fixed disk larger than its file");
    } else {
      long bs = img.getBlockSize();
      assertTrue(bs >= 512 && Long.bitCount(bs) == 1, "block size " + bs);
      assertNotNull(img.getDynamicHeader());
    }
    for (int i = 0; i + 1 < chain.size(); i++) {
      assertSame(chain.get(i + 1), chain.get(i).getParent());
      assertEquals(DiskType.DIFFERENCING, chain.get(i).getDiskType(), "only differencing disks have parents");
    }
    assertFalse(chain.get(chain.size() - 1).getDiskType() == DiskType.DIFFERENCING,
        "the last layer of a chain is a differencing disk");

    List<Extent> map;
    try {
      map = img.map();
    } catch (VhdFormatException e) {
      if (!lenient) {
        throw new AssertionError("map() of a strictly opened image failed: " + e, e);
      }
      assertDamagedBlock(e);
      readWithoutMap(img, size, rnd);
      return new Snapshot(size, img.getFooter(), img.getDynamicHeader(), img.getSizeInfo(), img.getDiskType(),
          img.getBlockSize(), chain.size(), List.of(), null);
    }
    readAgainstMap(img, map, layers, size, rnd);
    return new Snapshot(size, img.getFooter(), img.getDynamicHeader(), img.getSizeInfo(), img.getDiskType(),
        img.getBlockSize(), chain.size(), Problems.normalize(img.getWarnings(), img.getResource()), map);
  }

  /** The file bytes of each layer: the given top bytes, then each parent's file as found. */
  static List<byte[]> files(VhdImage img, byte[] top) throws IOException {
    List<byte[]> out = new ArrayList<>();
    out.add(top);
    List<VhdImage> chain = img.getChain();
    for (int i = 1; i < chain.size(); i++) {
      Path p = Objects.requireNonNull(chain.get(i).getPath(), "a parent always has a path");
      out.add(Files.readAllBytes(p));
    }
    return out;
  }

  private static void assertDamagedBlock(VhdFormatException e) {
    switch (e.getCode()) {
      case BAT_ENTRY_OUTSIDE_FILE:
      case BAT_ENTRY_IN_METADATA:
      case BAT_ENTRY_OVERLAP:
        return;
      default:
        throw new AssertionError(
            "a lenient image failed to read for another reason than a damaged block: " + e, e);
    }
  }

  /** Lenient image with damaged blocks: reads may fail, but only with a damaged-block error. */
  private static void readWithoutMap(VhdImage img, long size, SplittableRandom rnd) throws IOException {
    for (int i = 0; i < 8 && size > 0; i++) {
      long pos = Math.floorMod(rnd.nextLong(), size);
      int len = (int) Math.min(size - pos, 1 + rnd.nextInt(SAMPLE));
      try {
        readChunked(img, pos, len, rnd);
      } catch (VhdFormatException e) {
        assertDamagedBlock(e);
      }
    }
  }

  /**
   * The central oracle on an image whose map succeeded: the map is valid, every sampled read equals
   * what the map says, a sub-range map is the clipped whole map, and the end-of-disk contracts and
   * views hold.
   */
  static void readAgainstMap(DiskImage img, List<Extent> map, Layers layers, long size, SplittableRandom rnd)
      throws IOException {
    readAgainstMap(img, map, layers, size, WHOLE_READ_CAP, rnd);
  }

  /** As {@link #readAgainstMap(DiskImage, List, Layers, long, SplittableRandom)}, reading disks up to {@code whole} bytes whole. */
  static void readAgainstMap(DiskImage img, List<Extent> map, Layers layers, long size, long whole,
      SplittableRandom rnd) throws IOException {
    validateMap(map, size, layers);
    for (Range r : ranges(map, size, whole, rnd)) {
      byte[] got = readChunked(img, r.pos, r.len, rnd);
      byte[] want = expected(map, layers, r.pos, r.len);
      if (!java.util.Arrays.equals(want, got)) {
        int i = java.util.Arrays.mismatch(want, got);
        fail("read at " + (r.pos + i) + " returned " + got[i] + ", the map says " + want[i] + " ("
            + extentAt(map, r.pos + i) + ")");
      }
    }
    subrangeMap(img, map, size, rnd);
    contracts(img, map, layers, size, rnd);
  }

  /** The map covers [0, size) in order, with valid runs that lie inside their layer's file. */
  static void validateMap(List<Extent> map, long size, Layers files) {
    long pos = 0;
    Extent prev = null;
    for (Extent e : map) {
      assertEquals(pos, e.start(), "map gap or overlap before " + e);
      assertTrue(e.length() > 0, "empty run " + e);
      assertTrue(e.depth() >= 0 && e.depth() < files.count(), "depth outside the chain: " + e);
      if (e.data()) {
        long fileLength = files.length(e.depth());
        assertTrue(e.fileOffset() >= 0 && e.fileOffset() <= fileLength - e.length(),
            "data run outside its " + fileLength + "-byte file: " + e);
      } else {
        assertEquals(-1, e.fileOffset(), "zero run with a file offset: " + e);
      }
      if (prev != null) {
        boolean mergeable = prev.depth() == e.depth() && prev.data() == e.data()
            && (!e.data() || prev.fileOffset() + prev.length() == e.fileOffset());
        assertFalse(mergeable, "adjacent runs not merged: " + prev + ", " + e);
      }
      pos = e.end();
      prev = e;
    }
    assertEquals(size, pos, "the map does not end at the disk's end");
  }

  private record Range(long pos, int len) {}

  /** Everything for small disks; for large ones the ends, each run's edges and random spots. */
  private static List<Range> ranges(List<Extent> map, long size, long whole, SplittableRandom rnd) {
    List<Range> out = new ArrayList<>();
    if (size <= whole) {
      out.add(new Range(0, (int) size));
      return out;
    }
    out.add(new Range(0, SAMPLE));
    out.add(new Range(size - SAMPLE, SAMPLE));
    for (int i = 0; i < map.size(); i++) {
      if (i >= SAMPLED_EXTENTS && i < map.size() - SAMPLED_EXTENTS) {
        continue;
      }
      Extent e = map.get(i);
      long around = Math.max(0, e.start() - 512);
      out.add(new Range(around, (int) Math.min(SAMPLE, size - around)));
      long last = Math.max(0, e.end() - SAMPLE + 512);
      out.add(new Range(last, (int) Math.min(SAMPLE, size - last)));
    }
    for (int i = 0; i < 8; i++) {
      long pos = Math.floorMod(rnd.nextLong(), size);
      out.add(new Range(pos, (int) Math.min(size - pos, 1 + rnd.nextInt(SAMPLE))));
    }
    return out;
  }

  /** Reads [pos, pos + len) with read() and readFully() in random chunk sizes and buffer kinds. */
  static byte[] readChunked(DiskImage img, long pos, int len, SplittableRandom rnd) throws IOException {
    byte[] out = new byte[len];
    int done = 0;
    while (done < len) {
      int left = len - done;
      int chunk;
      switch (rnd.nextInt(4)) {
        case 0:
          chunk = 1 + rnd.nextInt(Math.min(left, 511));
          break;
        case 1:
          chunk = 1 + rnd.nextInt(Math.min(left, 8192));
          break;
        case 2:
          chunk = 1 + rnd.nextInt(Math.min(left, 256 * 1024));
          break;
        default:
          chunk = left;
          break;
      }
      long at = pos + done;
      if (rnd.nextInt(8) == 0) {
        ByteBuffer direct = ByteBuffer.allocateDirect(chunk);
        img.readFully(at, direct);
        assertFalse(direct.hasRemaining(), "readFully left the buffer unfilled");
        direct.flip().get(out, done, chunk);
      } else {
        ByteBuffer dst = ByteBuffer.wrap(out, done, chunk);
        int n = img.read(at, dst);
        assertEquals(chunk, n, "short read at " + at + " inside the disk");
        assertEquals(done + chunk, dst.position(), "read() did not advance the buffer by its count");
      }
      done += chunk;
    }
    return out;
  }

  /** The bytes the map promises for [pos, pos + len). */
  static byte[] expected(List<Extent> map, Layers files, long pos, int len) {
    byte[] out = new byte[len];
    int i = indexAt(map, pos);
    long p = pos;
    long end = pos + len;
    while (p < end) {
      Extent e = map.get(i++);
      long n = Math.min(end, e.end()) - p;
      if (e.data()) {
        long src = e.fileOffset() + (p - e.start());
        files.copy(e.depth(), src, out, (int) (p - pos), (int) n);
      }
      p += n;
    }
    return out;
  }

  private static int indexAt(List<Extent> map, long pos) {
    int lo = 0;
    int hi = map.size() - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (map.get(mid).start() <= pos) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  private static Extent extentAt(List<Extent> map, long pos) {
    return map.get(indexAt(map, pos));
  }

  /** map(offset, length) is the whole map clipped to the range. */
  private static void subrangeMap(DiskImage img, List<Extent> map, long size, SplittableRandom rnd)
      throws IOException {
    long off = size == 0 ? 0 : Math.floorMod(rnd.nextLong(), size + 1);
    long len = rnd.nextInt(4) == 0 ? Long.MAX_VALUE - off : Math.floorMod(rnd.nextLong(), size + 1);
    List<Extent> want = new ArrayList<>();
    long end = off + Math.min(len, size - off);
    for (Extent e : map) {
      long s = Math.max(off, e.start());
      long t = Math.min(end, e.end());
      if (s < t) {
        want.add(new Extent(s, t - s, e.depth(), e.data(), e.data() ? e.fileOffset() + (s - e.start()) : -1));
      }
    }
    assertEquals(want, img.map(off, len), "map(" + off + ", " + len + ") is not the clipped whole map");
  }

  /** End-of-disk behaviour of read, readFully, the channel view and the stream view. */
  private static void contracts(DiskImage img, List<Extent> map, Layers files, long size,
      SplittableRandom rnd) throws IOException {
    assertEquals(-1, img.read(size, ByteBuffer.allocate(1)), "read at the end must return -1");
    assertEquals(0, img.read(size, ByteBuffer.allocate(0)), "a read with no room returns 0");
    if (size > 0) {
      ByteBuffer two = ByteBuffer.allocate(2);
      assertEquals(1, img.read(size - 1, two), "a read across the end returns what is left");
      assertThrows(EOFException.class, () -> img.readFully(size - 1, ByteBuffer.allocate(2)));
    }
    long pos = size == 0 ? 0 : Math.floorMod(rnd.nextLong(), size);
    int len = (int) Math.min(size - pos, 1 + rnd.nextInt(4096));
    byte[] want = expected(map, files, pos, len);
    try (SeekableByteChannel ch = img.newChannel()) {
      assertEquals(size, ch.size());
      ch.position(pos);
      ByteBuffer b = ByteBuffer.allocate(len);
      while (b.hasRemaining() && ch.read(b) > 0) {
        // The channel may return fewer bytes per call; keep reading.
      }
      assertArrayEquals(want, b.array(), "channel view at " + pos);
      ch.position(size);
      assertEquals(-1, ch.read(ByteBuffer.allocate(1)), "channel read at the end");
    }
    try (InputStream in = img.newInputStream()) {
      in.skipNBytes(pos);
      assertArrayEquals(want, in.readNBytes(len), "stream view at " + pos);
    }
    views(img, map, files, size, pos, len, rnd);
  }

  /**
   * Zero-copy views: where one is lent (memory storage, a range stored contiguously), it is
   * read-only and holds exactly the bytes a read returns; a range outside the disk is refused.
   * Tries the random range, and a random part of a random data extent, where a view is likeliest.
   */
  private static void views(DiskImage img, List<Extent> map, Layers files, long size, long pos, int len,
      SplittableRandom rnd) throws IOException {
    List<long[]> ranges = new ArrayList<>();
    ranges.add(new long[] {pos, len});
    List<Extent> data = map.stream().filter(Extent::data).toList();
    if (!data.isEmpty()) {
      Extent e = data.get(rnd.nextInt(data.size()));
      long start = e.start() + Math.floorMod(rnd.nextLong(), e.length());
      ranges.add(new long[] {start, Math.min(e.end() - start, 1 + rnd.nextInt(1 << 16))});
    }
    for (long[] r : ranges) {
      ByteBuffer v = img.view(r[0], (int) r[1]);
      if (v != null) {
        assertTrue(v.isReadOnly(), "a view must be read-only");
        assertEquals(r[1], v.remaining(), "view length at " + r[0]);
        byte[] got = new byte[v.remaining()];
        v.duplicate().get(got);
        assertArrayEquals(expected(map, files, r[0], (int) r[1]), got, "view at " + r[0]);
      }
    }
    assertThrows(IllegalArgumentException.class, () -> img.view(size, 1), "a view past the end");
    assertThrows(IllegalArgumentException.class, () -> img.view(-1, 1), "a view before the start");
  }
}
