package io.github.vhd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.testing.TestImage;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link VhdImage#map()} and its range and streaming forms. Expected maps come from an independent
 * per-sector oracle over the test builder's own layout ({@link TestImage#blockOffset}), merged by
 * the documented rule: neighbours merge only when depth and kind agree and, for data, their file
 * offsets are contiguous (as {@code qemu-img map} does).
 */
class MapTest {
  private static final int KIB = 1024;
  private static final int MIB = 1024 * 1024;
  private static final int BS = 512 * KIB;

  @TempDir Path dir;

  @Test
  void shouldMapFixedDiskAsOneDataRun() throws IOException {
    try (VhdImage img = open(TestImage.fixed(MIB).random(0, 1000, 1))) {
      assertEquals(List.of(new Extent(0, MIB, 0, true, 0)), img.map());
    }
  }

  @Test
  void shouldNotMergeDynamicBlocksSeparatedByTheirBitmaps() throws IOException {
    TestImage t = TestImage.dynamic(4L * BS, BS).random(0, 100, 2).random(BS, 100, 3);
    long b0 = t.blockOffset(0);
    long b1 = t.blockOffset(1);
    assertEquals(b0 + 512 + BS, b1, "stored back to back: only the bitmap lies between the data");
    try (VhdImage img = open(t)) {
      assertEquals(List.of(
          new Extent(0, BS, 0, true, b0 + 512),
          new Extent(BS, BS, 0, true, b1 + 512),
          new Extent(2L * BS, 2L * BS, 0, false, -1)), img.map());
    }
  }

  @Test
  void shouldMapDynamicBlocksStoredOutOfOrder() throws IOException {
    TestImage t = TestImage.dynamic(3L * BS, BS);
    t.random(2L * BS, 10, 4).random(0, 10, 5);
    try (VhdImage img = open(t)) {
      assertEquals(List.of(
          new Extent(0, BS, 0, true, t.blockOffset(0) + 512),
          new Extent(BS, BS, 0, false, -1),
          new Extent(2L * BS, BS, 0, true, t.blockOffset(2) + 512)), img.map());
      assertEquals(oracle(List.of(t)), img.map());
    }
  }

  @Test
  void shouldMapDifferencingDiskPerBitmap() throws IOException {
    TestImage parent = TestImage.dynamic(2L * BS, BS).random(0, 100, 6);
    parent.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(parent, "base.vhd", BS).fill(0, 2048, 0x22);
    Path path = child.writeTo(dir.resolve("child.vhd"));
    try (VhdImage img = Vhd.open(path)) {
      assertEquals(List.of(
          new Extent(0, 2048, 0, true, child.blockOffset(0) + 512),
          new Extent(2048, BS - 2048, 1, true, parent.blockOffset(0) + 512 + 2048),
          new Extent(BS, BS, 1, false, -1)), img.map());
    }
  }

  @Test
  void shouldMatchOracleOnThreeLevelChainWithSmallerGrandparent() throws IOException {
    List<TestImage> chain = threeLevels();
    try (VhdImage img = Vhd.open(dir.resolve("child.vhd"))) {
      List<Extent> map = img.map();
      assertEquals(oracle(chain), map);
      assertTrue(map.stream().anyMatch(x -> x.depth() == 2 && x.data()), "the grandparent shows through");
      assertTrue(map.stream().anyMatch(x -> x.depth() == 2 && !x.data()), "zeros beyond the grandparent");
    }
  }

  @Test
  void shouldAgreeWithReadsOnEveryRun() throws IOException {
    threeLevels();
    try (VhdImage img = Vhd.open(dir.resolve("child.vhd"))) {
      for (Extent x : img.map()) {
        byte[] read = new byte[(int) x.length()];
        img.readFully(x.start(), ByteBuffer.wrap(read));
        if (x.data()) {
          byte[] stored = new byte[(int) x.length()];
          try (FileChannel ch = FileChannel.open(img.getChain().get(x.depth()).getPath())) {
            assertEquals(stored.length, ch.read(ByteBuffer.wrap(stored), x.fileOffset()));
          }
          assertArrayEquals(stored, read, x::toString);
        } else {
          assertArrayEquals(new byte[read.length], read, x::toString);
        }
      }
    }
  }

  @Test
  void shouldMapSubRangesConsistentlyWithWholeMap() throws IOException {
    threeLevels();
    try (VhdImage img = Vhd.open(dir.resolve("child.vhd"))) {
      List<Extent> whole = img.map();
      long size = img.getSize();
      Random rnd = new Random(7);
      for (int i = 0; i < 200; i++) {
        long offset = i < 100 ? rnd.nextInt((int) size) : rnd.nextInt((int) size / 512) * 512L;
        long length = rnd.nextInt((int) (size - offset) + 1);
        List<Extent> sub = img.map(offset, length);
        assertEquals(clip(whole, offset, length), sub, "map(" + offset + ", " + length + ")");
        List<Extent> streamed = new ArrayList<>();
        img.forEachExtent(offset, length, streamed::add);
        assertEquals(sub, streamed);
      }
    }
  }

  @Test
  void shouldClampRangesToTheDisk() throws IOException {
    TestImage t = TestImage.dynamic(4L * BS, BS).random(100, 5000, 8).random(3L * BS, 10, 9);
    try (VhdImage img = open(t)) {
      List<Extent> whole = img.map();
      long size = img.getSize();
      assertEquals(List.of(), img.map(0, 0));
      assertEquals(List.of(), img.map(size, 10));
      assertEquals(List.of(), img.map(size + 100, 10));
      assertEquals(clip(whole, size - 512, 512), img.map(size - 512, 10_000));
      assertEquals(whole, img.map(0, Long.MAX_VALUE));
      assertThrows(IllegalArgumentException.class, () -> img.map(-1, 10));
      assertThrows(IllegalArgumentException.class, () -> img.map(0, -1));
    }
  }

  @Test
  void shouldClampLengthWhoseEndOverflows() throws IOException {
    TestImage t = TestImage.dynamic(4L * BS, BS).random(100, 5000, 8).random(3L * BS, 10, 9);
    try (VhdImage img = open(t)) {
      List<Extent> whole = img.map();
      long size = img.getSize();
      // offset + length exceeds Long.MAX_VALUE; "clamped to the disk's end" still applies.
      assertEquals(clip(whole, 512, size - 512), img.map(512, Long.MAX_VALUE));
      List<Extent> streamed = new ArrayList<>();
      img.forEachExtent(BS, Long.MAX_VALUE - 1, streamed::add);
      assertEquals(clip(whole, BS, size - BS), streamed);
    }
  }

  @Test
  void shouldCoverEveryDiskWithoutGapsOrMergeableNeighbours() throws IOException {
    List<VhdImage> images = new ArrayList<>();
    threeLevels();
    try {
      images.add(open(TestImage.fixed(MIB)));
      images.add(open(TestImage.dynamic(3L * MIB, 2 * MIB)));
      images.add(open(TestImage.dynamic(4L * BS, BS).random(BS - 700, 1400, 10)));
      images.add(Vhd.open(dir.resolve("child.vhd")));
      images.add(Vhd.open(dir.resolve("parent.vhd")));
      for (VhdImage img : images) {
        List<Extent> map = img.map();
        long next = 0;
        Extent prev = null;
        for (Extent x : map) {
          assertEquals(next, x.start(), () -> "gap or overlap in " + map);
          assertTrue(x.length() > 0, x::toString);
          assertEquals(x.start() + x.length(), x.end());
          assertTrue(x.data() ? x.fileOffset() >= 0 : x.fileOffset() == -1, x::toString);
          assertTrue(x.depth() >= 0 && x.depth() < img.getChain().size(), x::toString);
          if (prev != null) {
            boolean mergeable = prev.depth() == x.depth() && prev.data() == x.data()
                && (!x.data() || prev.fileOffset() + prev.length() == x.fileOffset());
            assertFalse(mergeable, "not merged: " + prev + " and " + x);
          }
          next = x.end();
          prev = x;
        }
        assertEquals(img.getSize(), next, img::toString);
      }
    } finally {
      for (VhdImage img : images) {
        img.close();
      }
    }
  }

  @Test
  void shouldMergeZeroRunsOfLargeDynamicDisk() throws IOException {
    long size = 200L * MIB;
    try (VhdImage img = open(TestImage.dynamic(size, 2 * MIB))) {
      assertEquals(List.of(new Extent(0, size, 0, false, -1)), img.map());
    }
    TestImage t = TestImage.dynamic(size, 2 * MIB).random(80L * MIB, 10, 11);
    try (VhdImage img = open(t)) {
      assertEquals(List.of(
          new Extent(0, 80L * MIB, 0, false, -1),
          new Extent(80L * MIB, 2 * MIB, 0, true, t.blockOffset(40) + 512),
          new Extent(82L * MIB, size - 82L * MIB, 0, false, -1)), img.map());
    }
  }

  @Test
  void shouldMergeContiguousDataOfLargeFixedParent() throws IOException {
    long size = 70L * MIB;
    TestImage parent = TestImage.fixed(0).setSize(size);
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve("base.vhd").toFile(), "rw")) {
      f.setLength(size);
      f.seek(size);
      f.write(parent.footerBytes(-1L));
    }
    TestImage child = TestImage.differencing(parent, "base.vhd", 2 * MIB);
    Path empty = child.writeTo(dir.resolve("empty.vhd"));
    try (VhdImage img = Vhd.open(empty)) {
      assertEquals(List.of(new Extent(0, size, 1, true, 0)), img.map());
    }
    child.fill(66L * MIB, 512, 0x55);
    try (VhdImage img = Vhd.open(child.writeTo(dir.resolve("child.vhd")))) {
      assertEquals(List.of(
          new Extent(0, 66L * MIB, 1, true, 0),
          new Extent(66L * MIB, 512, 0, true, child.blockOffset(33) + 512),
          new Extent(66L * MIB + 512, size - 66L * MIB - 512, 1, true, 66L * MIB + 512)), img.map());
    }
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * Writes gp.vhd (dynamic, 3 MiB, smaller than its children), parent.vhd (differencing, 4 MiB,
   * 512 KiB blocks) and child.vhd (differencing, 4 MiB, 2 MiB blocks). Returns child first.
   */
  private List<TestImage> threeLevels() throws IOException {
    TestImage gp = TestImage.dynamic(3L * MIB, 2 * MIB).random(0, MIB, 20).random(2L * MIB + 4096, 8192, 21);
    gp.writeTo(dir.resolve("gp.vhd"));
    TestImage parent = TestImage.differencing(gp, "gp.vhd", BS).setSize(4L * MIB);
    parent.random(100_000, 300_000, 22).fill(MIB + 3 * 512, 5 * 512, 0x33).random(3L * MIB - 1000, 5000, 23);
    parent.writeTo(dir.resolve("parent.vhd"));
    TestImage child = TestImage.differencing(parent, "parent.vhd", 2 * MIB);
    child.fill(200_000, 70_000, 0x44).random(MIB, 4096, 24).random(4L * MIB - 600, 600, 25);
    for (int s = 0; s < 8192; s += 97) {
      child.fill((long) s * 512, 512, s & 0xFF);
    }
    child.writeTo(dir.resolve("child.vhd"));
    return List.of(child, parent, gp);
  }

  /** The map the documented semantics give, sector by sector, merged by the documented rule. */
  private static List<Extent> oracle(List<TestImage> chain) {
    List<Extent> out = new ArrayList<>();
    List<List<Long>> offsets = new ArrayList<>();
    for (TestImage t : chain) {
      List<Long> o = new ArrayList<>();
      long blocks = t.diskType == TestImage.FIXED ? 0 : t.entries();
      for (int i = 0; i < blocks; i++) {
        o.add(t.blocks.containsKey(i) ? t.blockOffset(i) : -1L);
      }
      offsets.add(o);
    }
    for (long v = 0; v < chain.get(0).currentSize; v += 512) {
      Extent e = null;
      for (int d = 0; d < chain.size() && e == null; d++) {
        TestImage t = chain.get(d);
        if (v >= t.currentSize) {
          e = new Extent(v, 512, d, false, -1);
        } else if (t.diskType == TestImage.FIXED) {
          e = new Extent(v, 512, d, true, v);
        } else {
          int block = (int) (v / t.blockSize);
          long inBlock = v % t.blockSize;
          long at = offsets.get(d).get(block);
          if (at < 0) {
            e = t.diskType == TestImage.DYNAMIC ? new Extent(v, 512, d, false, -1) : null;
          } else {
            int s = (int) (inBlock / 512);
            boolean set = (t.blocks.get(block).bitmap[s >>> 3] & (0x80 >>> (s & 7))) != 0;
            if (t.diskType == TestImage.DYNAMIC || set) {
              e = new Extent(v, 512, d, true, at + t.bitmapBytes() + inBlock);
            }
          }
        }
      }
      Extent last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && last.depth() == e.depth() && last.data() == e.data()
          && (!e.data() || last.fileOffset() + last.length() == e.fileOffset())) {
        out.set(out.size() - 1, new Extent(last.start(), last.length() + 512, last.depth(), last.data(),
            last.fileOffset()));
      } else {
        out.add(e);
      }
    }
    return out;
  }

  /** The part of {@code map} inside {@code [offset, offset + length)}. */
  private static List<Extent> clip(List<Extent> map, long offset, long length) {
    long end = offset + length;
    List<Extent> out = new ArrayList<>();
    for (Extent x : map) {
      long s = Math.max(x.start(), offset);
      long e = Math.min(x.end(), end);
      if (s < e) {
        out.add(new Extent(s, e - s, x.depth(), x.data(), x.data() ? x.fileOffset() + (s - x.start()) : -1));
      }
    }
    return out;
  }

  private static VhdImage open(TestImage t) throws IOException {
    return Vhd.open(ByteBuffer.wrap(t.toBytes()), OpenOptions.defaults());
  }
}
