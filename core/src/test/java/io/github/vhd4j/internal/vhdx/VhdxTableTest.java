package io.github.vhd4j.internal.vhdx;

import static io.github.vhd4j.internal.vhdx.BatFixture.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.internal.ImageLayer;
import io.github.vhd4j.internal.vhdx.layout.BatLayout;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The table as a block resolver: where entries are (chunk boundaries, sector sizes, the worked
 * example of vhdx.md §12a), what states resolve to, and the paged table against the heap one, from
 * many threads, at the largest size a VHDX disk can have.
 */
class VhdxTableTest {
  private static final long GIB = 1L << 30;
  private static final long TIB = 1L << 40;

  // ---- the worked example -------------------------------------------------------------------------

  @Test
  void shouldFollowTheWorkedExample() throws IOException {
    // vhdx.md §12a: 512-byte sectors, 2 MiB blocks, differencing; virtual offset 4 GiB + 5 MiB + 1536.
    BatFixture f = new BatFixture(8 * GIB, 2 * MIB, 512, true, 64 * MIB);
    long data = f.dataStart();
    long bitmap = data + 2 * MIB;
    assertEquals(2048, f.geometry.chunkRatio());
    assertEquals(4098, f.geometry.entries());
    assertEquals(4097, new VhdxGeometry(8 * GIB, 2 * MIB, 512, false).entries());
    assertEquals(4096, new VhdxGeometry(8 * GIB, 2 * MIB, 4096, false).entries());
    assertEquals(16385, new VhdxGeometry(8 * GIB, 2 * MIB, 4096, true).entries());
    long offset = 4 * GIB + 5 * MIB + 1536;
    int block = (int) (offset / (2 * MIB));
    assertEquals(2050, block);
    assertEquals(2051, BatLayout.payloadIndex(block, 2048));
    assertEquals(4097, BatLayout.bitmapIndex(1, 2048));
    f.entry(2051, BatLayout.entry(BatLayout.PAYLOAD_PARTIALLY_PRESENT, data));
    f.entry(4097, BatLayout.entry(BatLayout.BITMAP_PRESENT, bitmap));
    // Sector 10243 of chunk 1 is stored here: byte 1280, bit 3 of the bitmap block.
    f.storage.put(bitmap + 1280, new byte[] {8});
    BatFixture.Parsed r = f.open();
    assertTrue(r.opens(), r.describe());
    VhdxTable t = r.t();
    assertEquals(data | ImageLayer.PARTIAL, t.locate(block));
    long first = t.bitmapOffset(block);
    assertEquals(bitmap + 1024, first, "block 2050 starts at sector 2 * 4096 of its chunk: byte 1024");
    int sector = (int) ((offset - block * 2 * MIB) / 512);
    assertEquals(2051, sector);
    long byteAt = first + sector / 8;
    assertEquals(bitmap + 1280, byteAt);
    assertEquals(1 << 3, BatLayout.mask(sector));
    int b = readByte(f.storage, byteAt);
    assertTrue((b & BatLayout.mask(sector)) != 0, "sector 10243 is in this file");
    assertEquals(0, b & BatLayout.mask(sector - 1), "sector 10242 is in the parent");
    assertEquals(data + MIB + 1536, (t.locate(block) & ~ImageLayer.PARTIAL) + offset % (2 * MIB));
  }

  private static int readByte(SparseStorage s, long at) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(1);
    s.read(at, b, 0, 1);
    return b.get(0) & 0xFF;
  }

  // ---- X-7, X-8: the entry of blocks around every chunk boundary ---------------------------------

  static Stream<Arguments> geometries() {
    List<Arguments> a = new ArrayList<>();
    for (int sector : new int[] {512, 4096}) {
      for (long block : new long[] {MIB, 256 * MIB}) {
        for (String kind : new String[] {"fixed", "dynamic", "differencing"}) {
          a.add(Arguments.of(sector, block, kind));
        }
      }
    }
    return a.stream();
  }

  /**
   * Three chunks and one block: every block of a fixed disk present, in a dynamic or differencing
   * disk only those around the chunk boundaries, each at an offset naming it, so that an index
   * that skips no bitmap entry (libvhdi for fixed files, Cloud Hypervisor for all) reads another
   * block's offset or none.
   */
  @ParameterizedTest(name = "{0}-byte sectors, {1}-byte blocks, {2}")
  @MethodSource("geometries")
  void shouldFindTheEntryOfBlocksAroundEveryChunkBoundary(int sector, long blockSize, String kind)
      throws IOException {
    boolean differencing = kind.equals("differencing");
    long cr = BatLayout.chunkRatio(sector, blockSize);
    long chunk = cr * blockSize;
    assertEquals(sector == 512 ? 4 * GIB : 32 * GIB, chunk);
    long blocks = 3 * cr + 1;
    long virtual = blocks * blockSize;
    BatFixture probe = new BatFixture(virtual, blockSize, sector, differencing, 1);
    long data = probe.dataStart();
    long fileLength = data + (blocks + 4) * blockSize + 4 * MIB;
    BatFixture f = new BatFixture(virtual, blockSize, sector, differencing, fileLength);
    List<Long> wanted = new ArrayList<>();
    for (long b = 0; b < blocks; b++) {
      boolean nearBoundary = b % cr == 0 || b % cr == cr - 1 || b % cr == 1 || b == blocks - 1;
      if (kind.equals("fixed") || nearBoundary) {
        f.payload(b, BatLayout.PAYLOAD_FULLY_PRESENT, data + b * blockSize);
        wanted.add(b);
      }
    }
    if (differencing) {
      for (long c = 0; c < 4; c++) {
        f.bitmap(c, BatLayout.BITMAP_PRESENT, data + blocks * blockSize + c * MIB);
      }
    }
    BatFixture.Parsed r = f.open();
    assertTrue(r.opens(), r.describe());
    VhdxTable t = r.t();
    for (long k = 1; k <= 3; k++) {
      for (long b = k * cr - 1; b <= k * cr + 1 && b < blocks; b++) {
        assertEquals(data + b * blockSize, t.locate((int) b), "block " + b);
        assertEquals(BatLayout.entry(BatLayout.PAYLOAD_FULLY_PRESENT, data + b * blockSize),
            t.payloadEntry((int) b), "entry of block " + b);
      }
    }
    long empty = differencing ? ImageLayer.PARENT : ImageLayer.ZERO;
    List<Long> found = new ArrayList<>();
    ImageLayer.Scan s = t.scan(empty);
    for (int b = s.next(0, (int) blocks); b < blocks; b = s.next(b + 1, (int) blocks)) {
      assertEquals(data + (long) b * blockSize, s.locate(b));
      found.add((long) b);
    }
    assertEquals(wanted, found);
    if (differencing) {
      assertEquals(BatLayout.entry(BatLayout.BITMAP_PRESENT, data + blocks * blockSize + 3 * MIB),
          t.bitmapEntry(3));
    } else {
      assertEquals(0, t.bitmapEntry(3), "a disk without a parent has no entry for its last chunk's bitmap");
    }
  }

  // ---- X-29: 4096-byte sectors ----------------------------------------------------------------------

  @Test
  void shouldScaleTheChunkAndBitmapPositionsFor4096ByteSectors() throws IOException {
    BatFixture f = new BatFixture(64 * GIB, 2 * MIB, 4096, true, 64 * MIB);
    assertEquals(8 * new VhdxGeometry(64 * GIB, 2 * MIB, 512, true).chunkRatio(), f.geometry.chunkRatio());
    assertEquals(16384, f.geometry.chunkRatio());
    assertEquals(512, f.geometry.sectorsPerBlock());
    long data = f.dataStart();
    long bm0 = data + 12 * MIB;
    long bm1 = bm0 + MIB;
    int[] blocks = {0, 1, 16383, 16384, 16385, 32767};
    for (int i = 0; i < blocks.length; i++) {
      f.payload(blocks[i], BatLayout.PAYLOAD_PARTIALLY_PRESENT, data + i * 2 * MIB);
    }
    f.bitmap(0, BatLayout.BITMAP_PRESENT, bm0).bitmap(1, BatLayout.BITMAP_PRESENT, bm1);
    BatFixture.Parsed r = f.open();
    assertTrue(r.opens(), r.describe());
    VhdxTable t = r.t();
    // 512 sectors of 4 KiB per block, one bit each: 64 bitmap bytes per block.
    long[] expected = {bm0, bm0 + 64, bm0 + 16383 * 64, bm1, bm1 + 64, bm1 + 16383 * 64};
    for (int i = 0; i < blocks.length; i++) {
      assertEquals(expected[i], t.bitmapOffset(blocks[i]), "block " + blocks[i]);
      assertEquals((data + i * 2 * MIB) | ImageLayer.PARTIAL, t.locate(blocks[i]));
    }
    assertEquals(16385, BatLayout.payloadIndex(16384, 16384), "block 16384 follows chunk 0's bitmap entry");
  }

  // ---- X-6 ------------------------------------------------------------------------------------------

  @Test
  void shouldResolveOnlyNotPresentToTheParent() throws IOException {
    for (boolean differencing : new boolean[] {false, true}) {
      BatFixture f = new BatFixture(8 * GIB, 2 * MIB, 512, differencing, 64 * MIB);
      f.payload(1, BatLayout.PAYLOAD_UNDEFINED, 0).payload(2, BatLayout.PAYLOAD_ZERO, 0)
          .payload(3, BatLayout.PAYLOAD_UNMAPPED, 0);
      VhdxTable t = f.open().t();
      assertEquals(differencing ? ImageLayer.PARENT : ImageLayer.ZERO, t.locate(0));
      for (int b = 1; b <= 3; b++) {
        assertEquals(ImageLayer.ZERO, t.locate(b), "state " + b + ", differencing " + differencing);
      }
    }
  }

  // ---- paged and heap tables ------------------------------------------------------------------------

  /** A random table: every state, offsets good and bad, reserved bits, bitmaps present or not. */
  private static BatFixture random(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    boolean differencing = r.nextBoolean();
    int sector = r.nextBoolean() ? 512 : 4096;
    long blockSize = 256 * MIB >>> r.nextInt(4);
    long cr = BatLayout.chunkRatio(sector, blockSize);
    long blocks = 1 + r.nextLong(2 * cr + 2);
    long virtual = blocks * blockSize - (r.nextBoolean() ? 0 : sector);
    long file = 64 * MIB + blocks / 2 * blockSize;
    BatFixture f = new BatFixture(virtual, blockSize, sector, differencing, file);
    long count = f.geometry.entries();
    long slots = (file - f.dataStart()) / MIB;
    for (long i = 0; i < count; i++) {
      if (r.nextInt(4) == 0) {
        continue;
      }
      int state = r.nextInt(10);
      state = state >= 8 ? BatLayout.PAYLOAD_FULLY_PRESENT : state;
      if (state == 4 && r.nextInt(8) != 0) {
        state = BatLayout.PAYLOAD_ZERO;
      }
      long off = r.nextInt(20) == 0 ? r.nextLong(1L << 44) : f.dataStart() + r.nextLong(slots) * MIB;
      long e = BatLayout.entry(state, state >= 6 || r.nextBoolean() ? off : 0);
      f.entry(i, r.nextInt(30) == 0 ? e | 1L << 10 : e);
    }
    return f;
  }

  /** Everything a table answers for every block, with failures by problem code and entry. */
  private static List<String> answers(VhdxTable t, long seed) throws IOException {
    List<String> out = new ArrayList<>();
    int blocks = (int) t.geometry().payloadBlocks();
    for (int b = 0; b < blocks; b++) {
      int block = b;
      out.add(b + ": " + t.payloadEntry(b) + " " + attempt(() -> t.locate(block)) + " "
          + attempt(() -> t.bitmapOffset(block)));
    }
    for (int c = 0; c < t.geometry().chunks(); c++) {
      out.add("chunk " + c + ": " + t.bitmapEntry(c));
    }
    long empty = t.geometry().differencing() ? ImageLayer.PARENT : ImageLayer.ZERO;
    for (long e : new long[] {empty, ImageLayer.ZERO}) {
      SplittableRandom r = new SplittableRandom(seed);
      ImageLayer.Scan s = t.scan(e);
      for (int k = 0; k < 20; k++) {
        int from = r.nextInt(blocks);
        int to = from + r.nextInt(blocks - from + 1);
        for (int b = s.next(from, to); b < to; b = s.next(b + 1, to)) {
          int at = b;
          out.add("scan " + e + " " + b + " " + attempt(() -> s.locate(at)));
        }
      }
    }
    return out;
  }

  private interface Answer {
    long get() throws IOException;
  }

  private static String attempt(Answer a) throws IOException {
    try {
      long v = a.get();
      return v == ImageLayer.ZERO ? "ZERO" : v == ImageLayer.PARENT ? "PARENT"
          : (v & ImageLayer.PARTIAL) != 0 ? "PARTIAL+" + (v & ~ImageLayer.PARTIAL) : "DATA+" + v;
    } catch (VhdFormatException e) {
      return e.getCode() + "@" + e.getField();
    }
  }

  @Test
  void shouldAnswerAlikeFromHeapAndPagedTables() throws IOException {
    StringBuilder seen = new StringBuilder();
    for (long seed = 1; seed <= 16; seed++) {
      BatFixture f = random(seed);
      BatFixture.Parsed heap = f.heap();
      List<String> expected = answers(heap.t(), seed);
      seen.append(expected);
      assertInstanceOf(HeapBatEntries.class, entries(heap.t()));
      int[][] tunings = {{0, 1}, {2, 2}, {4, 1}, {13, 128}};
      for (int[] tuning : tunings) {
        BatFixture.Parsed paged = f.paged(tuning[0], tuning[1]);
        assertInstanceOf(PagedBatEntries.class, entries(paged.t()));
        assertEquals(heap.describe(), paged.describe(), "seed " + seed);
        assertEquals(expected, answers(paged.t(), seed), "seed " + seed + ", tuning " + tuning[0]);
      }
    }
    // The tables must have exercised every answer: data, partial data, zeros, the parent, each failure.
    for (String a : new String[] {"DATA+", "PARTIAL+", "ZERO", "PARENT", "VHDX_BAT_OVERLAP@", "VHDX_BAT_OFFSET@",
        "VHDX_BITMAP_MISSING@", "VHDX_BAT_STATE@"}) {
      assertTrue(seen.indexOf(a) >= 0, "no answer " + a);
    }
  }

  @Test
  void shouldAnswerConcurrentLookupsFromATinyCache() throws Exception {
    BatFixture f = random(7);
    while (f.geometry.payloadBlocks() < 64) {
      f = random(f.geometry.payloadBlocks() + 100);
    }
    VhdxTable heap = f.heap().t();
    VhdxTable paged = f.paged(2, 2).t();
    int blocks = (int) f.geometry.payloadBlocks();
    String[] expected = new String[blocks];
    for (int b = 0; b < blocks; b++) {
      int block = b;
      expected[b] = attempt(() -> heap.locate(block)) + " " + attempt(() -> heap.bitmapOffset(block));
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (int th = 0; th < 8; th++) {
        long seed = th;
        done.add(pool.submit(() -> {
          SplittableRandom r = new SplittableRandom(seed);
          for (int k = 0; k < 20_000; k++) {
            int b = r.nextInt(blocks);
            String got = attempt(() -> paged.locate(b)) + " " + attempt(() -> paged.bitmapOffset(b));
            if (!got.equals(expected[b])) {
              throw new AssertionError("block " + b + ": " + got + ", expected " + expected[b]);
            }
          }
          return 20_000;
        }));
      }
      for (Future<Integer> d : done) {
        assertEquals(20_000, d.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  // ---- X-46: the largest table ----------------------------------------------------------------------

  @Test
  void shouldValidateAndScanTheLargestTableInBoundedMemory() throws IOException {
    com.sun.management.ThreadMXBean mx = threadBean();
    // 64 TiB of 1 MiB blocks: 2^26 payload entries and 16,383 bitmap entries, 512 MiB of table,
    // in a sparse file of 64 TiB + 1 GiB.
    BatFixture f = new BatFixture(64 * TIB, MIB, 512, false, 64 * TIB + GIB);
    assertEquals((1L << 26) + 16383, f.geometry.entries());
    long[] blocks = {0, 4095, 4096, 5_000_000, (1L << 26) - 1};
    long[] offsets = {f.dataStart(), 5 * GIB, 4 * GIB, 40 * TIB, 64 * TIB};
    for (int i = 0; i < blocks.length; i++) {
      f.payload(blocks[i], BatLayout.PAYLOAD_FULLY_PRESENT, offsets[i]);
    }
    long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
    BatFixture.Parsed r = f.open();
    assertTrue(r.opens(), r.describe());
    VhdxTable t = r.t();
    long tableBytes = 8 * f.geometry.entries();
    assertTrue(f.storage.bytesRead.get() >= tableBytes && f.storage.bytesRead.get() < tableBytes + MIB,
        "the validation reads the table once: " + f.storage.bytesRead.get());
    long reads = f.storage.reads.get();
    List<Long> found = new ArrayList<>();
    ImageLayer.Scan s = t.scan(ImageLayer.ZERO);
    int n = 1 << 26;
    for (int b = s.next(0, n); b < n; b = s.next(b + 1, n)) {
      found.add(s.locate(b));
    }
    long scanReads = f.storage.reads.get() - reads;
    long allocated = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
    assertEquals(List.of(offsets[0], offsets[2], offsets[1], offsets[3], offsets[4]),
        List.of(found.get(0), found.get(2), found.get(1), found.get(3), found.get(4)));
    assertTrue(scanReads <= 5, "the scan reads only the table pages that hold blocks: " + scanReads);
    assertTrue(allocated < 32 * MIB, "a 512 MiB table validated and scanned in " + allocated + " bytes");
    PagedBatEntries paged = assertInstanceOf(PagedBatEntries.class, entries(t));
    for (long b = 0; b < n; b += 9973) {
      t.locate((int) b);
    }
    assertEquals(4 * MIB, paged.cacheCapacity());
    assertTrue(paged.cachedBytes() <= paged.cacheCapacity());
    assertEquals(offsets[3], t.locate(5_000_000));
  }

  @Test
  void shouldAllocateNothingPerCachedLookup() throws IOException {
    com.sun.management.ThreadMXBean mx = threadBean();
    BatFixture f = new BatFixture(4 * TIB, MIB, 512, true, 64 * GIB);
    f.payload(7, BatLayout.PAYLOAD_PARTIALLY_PRESENT, f.dataStart())
        .bitmap(0, BatLayout.BITMAP_PRESENT, f.dataStart() + MIB);
    VhdxTable t = f.open().t();
    assertInstanceOf(PagedBatEntries.class, entries(t));
    long sum = 0;
    for (int k = 0; k < 1000; k++) {
      sum += t.locate(k % 64) + t.bitmapOffset(7);
    }
    long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
    for (int k = 0; k < 200_000; k++) {
      sum += t.locate(k % 64) + t.bitmapOffset(7);
    }
    long allocated = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
    assertTrue(allocated < 64 * 1024, "200,000 cached lookups allocated " + allocated + " bytes");
    assertTrue(sum != 0);
  }

  private static com.sun.management.ThreadMXBean threadBean() {
    java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Assumptions.assumeTrue(mx instanceof com.sun.management.ThreadMXBean, "needs allocation counters");
    com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) mx;
    Assumptions.assumeTrue(bean.isThreadAllocatedMemorySupported() && bean.isThreadAllocatedMemoryEnabled());
    return bean;
  }

  @Test
  void shouldSkipEmptyGroupsWithoutReadingThem() throws IOException {
    // 4 TiB of 1 MiB blocks: 4,194,304 + 1,023 entries, past the heap limit.
    BatFixture f = new BatFixture(4 * TIB, MIB, 512, true, 64 * GIB);
    long data = f.dataStart();
    f.payload(3_000_000, BatLayout.PAYLOAD_ZERO, 0);
    f.payload(3_000_001, BatLayout.PAYLOAD_FULLY_PRESENT, data);
    BatFixture.Parsed r = f.open();
    assertTrue(r.opens(), r.describe());
    VhdxTable t = r.t();
    long reads = f.storage.reads.get();
    ImageLayer.Scan s = t.scan(ImageLayer.PARENT);
    int n = (int) f.geometry.payloadBlocks();
    assertEquals(3_000_000, s.next(0, n), "ZERO is not the parent in a differencing disk");
    assertEquals(ImageLayer.ZERO, s.locate(3_000_000));
    assertEquals(3_000_001, s.next(3_000_001, n));
    assertEquals(data, s.locate(3_000_001));
    assertEquals(n, s.next(3_000_002, n));
    assertEquals(2_999_999, s.next(2_999_999, 2_999_999), "an empty range ends at its end");
    assertTrue(f.storage.reads.get() - reads <= 2, "reads: " + (f.storage.reads.get() - reads));
    // A walk for another default looks at every entry, and stops at the first.
    assertEquals(0, t.scan(ImageLayer.ZERO).next(0, n));
  }

  private static BatEntries entries(VhdxTable t) {
    try {
      Field field = BatTable.class.getDeclaredField("entries");
      field.setAccessible(true);
      return (BatEntries) Objects.requireNonNull(field.get(t));
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }
}
