package io.github.vhd4j.internal.vhd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** The block table directly: the heap and the paged table must agree with the file in every case. */
class BlockTableTest {
  private static final long OFFSET = 1536;
  private static final int U = Layer.UNALLOCATED;

  /**
   * A table of {@code n} entries: unallocated runs of every length, and allocated entries whose
   * bytes include 0xFF (0xFFFFFF00, 0x00FFFFFF), which a byte-wise scan must still see.
   */
  private static int[] entries(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] e = new int[n];
    int i = 0;
    while (i < n) {
      int run = r.nextInt(4) == 0 ? r.nextInt(70_000) : r.nextInt(8);
      for (int k = 0; k < run && i < n; k++) {
        e[i++] = U;
      }
      if (i < n) {
        int kind = r.nextInt(4);
        e[i++] = kind == 0 ? 0xFFFFFF00 : kind == 1 ? 0x00FFFFFF : kind == 2 ? 0xFFFF00FF : r.nextInt(1 << 30);
      }
    }
    return e;
  }

  /** Every kind of table over the same file: heap, default paged, and paged with a 2-page cache. */
  private static List<BlockTable> tables(ArrayStorage s, int n) throws IOException {
    return List.of(HeapBlockTable.read(s, OFFSET, n), PagedBlockTable.of(s, OFFSET, n),
        PagedBlockTable.of(s, OFFSET, n, 3, 2));
  }

  private static int firstAllocated(int[] e, int from, int to) {
    for (int i = from; i < to; i++) {
      if (e[i] != U) {
        return i;
      }
    }
    return to;
  }

  @Test
  void shouldLookUpEveryEntryAsTheFileHoldsIt() throws IOException {
    int[] e = entries(3 * BlockTable.CHUNK + 77, 1);
    ArrayStorage s = ArrayStorage.withTable(OFFSET, e);
    for (BlockTable t : tables(s, e.length)) {
      assertEquals(e.length, t.length());
      for (int i = 0; i < e.length; i++) {
        assertEquals(e[i], t.get(i), t.getClass().getSimpleName() + " entry " + i);
        assertEquals(e[i], t.getAcquire(i), t.getClass().getSimpleName() + " entry " + i);
      }
      // Backwards too: every page of the small cache is evicted and read again.
      for (int i = e.length - 1; i >= 0; i -= 7) {
        assertEquals(e[i], t.get(i), t.getClass().getSimpleName() + " entry " + i);
      }
    }
  }

  @Test
  void shouldFindEveryAllocatedEntryInAnyRange() throws IOException {
    int[] e = entries(3 * BlockTable.CHUNK + 77, 2);
    // Allocated entries on both sides of each chunk boundary of the paged walk.
    for (int b : new int[] {BlockTable.CHUNK - 1, BlockTable.CHUNK, 2 * BlockTable.CHUNK - 1, 2 * BlockTable.CHUNK}) {
      e[b] = 0x00FFFFFF;
    }
    ArrayStorage s = ArrayStorage.withTable(OFFSET, e);
    SplittableRandom r = new SplittableRandom(3);
    for (BlockTable t : tables(s, e.length)) {
      String name = t.getClass().getSimpleName();
      // A whole walk finds exactly the allocated entries, with their values.
      BlockTable.Scan scan = t.scan();
      List<Integer> found = new ArrayList<>();
      for (int i = scan.next(0, e.length); i < e.length; i = scan.next(i + 1, e.length)) {
        assertEquals(e[i], scan.entry(i), name + " entry " + i);
        found.add(i);
      }
      List<Integer> want = new ArrayList<>();
      for (int i = 0; i < e.length; i++) {
        if (e[i] != U) {
          want.add(i);
        }
      }
      assertEquals(want, found, name);
      // Ranges anywhere, forwards and backwards, on one walk and on fresh ones.
      for (int k = 0; k < 2_000; k++) {
        int from = r.nextInt(e.length + 1);
        int to = from + r.nextInt(e.length - from + 1);
        BlockTable.Scan one = k % 2 == 0 ? scan : t.scan();
        assertEquals(firstAllocated(e, from, to), one.next(from, to), name + " [" + from + ", " + to + ")");
        int any = r.nextInt(e.length);
        assertEquals(e[any], one.entry(any), name + " entry " + any);
      }
    }
  }

  @Test
  void shouldReadOnlyWhatAWalkAsksFor() throws IOException {
    int[] e = entries(1 << 20, 4);
    ArrayStorage s = ArrayStorage.withTable(OFFSET, e);
    BlockTable.Scan scan = PagedBlockTable.of(s, OFFSET, e.length).scan();
    scan.next(1000, 1003);
    assertEquals(12, s.bytesRead.get(), "a walk over three entries reads three entries");
    scan.next(0, e.length);
    assertTrue(s.bytesRead.get() <= 12 + 4L * BlockTable.CHUNK * 2, "bytes read: " + s.bytesRead.get());
  }

  @Test
  void shouldWriteTheFileFirstThenPublish() throws IOException {
    int n = 40;
    int[] e = new int[n];
    Arrays.fill(e, U);
    for (int kind = 0; kind < 3; kind++) {
      ArrayStorage s = ArrayStorage.withTable(OFFSET, e.clone());
      BlockTable t = tables(s, n).get(kind);
      assertEquals(U, t.get(3), "page of block 3 cached (paged tables)");
      t.set(3, 1234);
      t.set(35, 5678);
      assertEquals(1234, s.entry(OFFSET, 3), "the file holds the new entry");
      assertEquals(5678, s.entry(OFFSET, 35));
      assertEquals(1234, t.get(3), "a cached page is updated");
      assertEquals(5678, t.getAcquire(35), "an uncached page is read with the new entry");
      BlockTable.Scan scan = t.scan();
      assertEquals(3, scan.next(0, n));
      assertEquals(35, scan.next(4, n));
      t.set(3, U);
      assertEquals(35, t.scan().next(0, n), "an entry set back to unallocated is skipped");
    }
  }

  @Test
  void shouldEvictPagesOfTheSameSlotAndReadThemAgain() throws IOException {
    int[] e = entries(256, 5);
    ArrayStorage s = ArrayStorage.withTable(OFFSET, e);
    // Pages of 4 entries, 2 slots: pages 0, 2, 4... share slot 0.
    PagedBlockTable t = PagedBlockTable.of(s, OFFSET, e.length, 2, 2);
    assertEquals(e[0], t.get(0));
    assertEquals(1, s.reads.get());
    assertEquals(16, s.bytesRead.get(), "a page is 4 entries");
    assertEquals(e[3], t.get(3));
    assertEquals(e[5], t.get(5));
    assertEquals(2, s.reads.get(), "page 0 is cached; page 1 went to the other slot");
    assertEquals(e[8], t.get(8));
    assertEquals(3, s.reads.get(), "page 2 evicts page 0");
    assertEquals(e[6], t.get(6));
    assertEquals(3, s.reads.get(), "page 1 stays in its slot");
    assertEquals(e[1], t.get(1));
    assertEquals(4, s.reads.get(), "page 0 is read again");
    // However many pages are read, at most two are held: each new one is read from the file.
    long before = s.reads.get();
    for (int p = 0; p < 64; p++) {
      assertEquals(e[4 * p], t.get(4 * p));
    }
    assertEquals(before + 62, s.reads.get(), "pages 0 and 1 were still cached, no other");
  }

  @Test
  void shouldChooseTheHeapTableForSmallTablesOnly() throws IOException {
    int[] small = new int[100];
    ArrayStorage s = ArrayStorage.withTable(OFFSET, small);
    BlockTable t = BlockTable.open(s, OFFSET, small.length);
    // A test run may lower the limit (vhd4j.tableHeapEntries=0 pages every table).
    if (small.length <= BlockTable.HEAP_ENTRIES) {
      assertInstanceOf(HeapBlockTable.class, t);
    } else {
      assertInstanceOf(PagedBlockTable.class, t);
    }
    int[] large = new int[(1 << 20) + 1];
    assertInstanceOf(PagedBlockTable.class,
        BlockTable.open(ArrayStorage.withTable(OFFSET, large), OFFSET, large.length));
  }

  /**
   * A page load and a set of an entry in that page, forced to overlap: the load has read the
   * file's old entry and not yet cached the page when the set starts. The set must wait for the
   * load (then update the page it cached); a set that wrote only the file would leave the load to
   * cache the old entry, and an allocated block would read as unallocated.
   */
  @Test
  void shouldOrderAPageLoadAndASetOfTheSameSlot() throws Exception {
    int[] e = new int[64];
    Arrays.fill(e, U);
    ArrayStorage s = ArrayStorage.withTable(OFFSET, e);
    PagedBlockTable t = PagedBlockTable.of(s, OFFSET, e.length, 3, 2);
    CountDownLatch inRead = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    s.gate = new CountDownLatch[] {inRead, release};
    ConcurrentLinkedQueue<Object> results = new ConcurrentLinkedQueue<>();
    Thread loader = new Thread(() -> {
      try {
        results.add(t.get(9));
      } catch (IOException ex) {
        results.add(ex);
      }
    });
    loader.start();
    assertTrue(inRead.await(10, TimeUnit.SECONDS), "the load reached the file");
    Thread setter = new Thread(() -> {
      try {
        t.set(10, 0x4321);
      } catch (IOException ex) {
        results.add(ex);
      }
    });
    setter.start();
    setter.join(300);
    boolean setWaited = setter.isAlive();
    release.countDown();
    loader.join();
    setter.join();
    assertEquals(List.of(U), new ArrayList<>(results), "the load read block 9");
    assertEquals(0x4321, t.get(10), "the cached page holds the new entry");
    assertTrue(setWaited, "the set waited for the load of its page");
  }

  /**
   * Readers racing a writer's entry updates through a cache far smaller than the table, with every
   * page read lingering after it copied the file's bytes: once its set returned, a block must read
   * as set from every thread.
   */
  @Test
  void shouldNeverServeAStaleEntryAfterSetReturned() throws Exception {
    int n = 4096;
    int[] e = new int[n];
    Arrays.fill(e, U);
    ArrayStorage s = ArrayStorage.withTable(OFFSET, e);
    s.lingerNanos = 20_000;
    PagedBlockTable t = PagedBlockTable.of(s, OFFSET, n, 3, 8);
    AtomicInteger published = new AtomicInteger();
    AtomicBoolean done = new AtomicBoolean();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    List<Thread> readers = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      long seed = k;
      Thread th = new Thread(() -> {
        SplittableRandom r = new SplittableRandom(seed);
        try {
          while (!done.get() && failures.isEmpty()) {
            // Mostly the blocks just set (their pages are the ones loads race with), sometimes any.
            int setSoFar = published.get();
            if (setSoFar > 0) {
              int b = setSoFar - 1 - r.nextInt(Math.min(setSoFar, 16));
              int got = t.get(b);
              if (got != value(b)) {
                failures.add("block " + b + " read " + Integer.toHexString(got) + " after its set returned");
              }
            }
            int any = r.nextInt(n);
            int got = t.get(any);
            if (got != U && got != value(any)) {
              failures.add("block " + any + " read " + Integer.toHexString(got));
            }
          }
        } catch (IOException ex) {
          failures.add(ex.toString());
        }
      });
      th.start();
      readers.add(th);
    }
    try {
      for (int b = 0; b < n && failures.isEmpty(); b++) {
        t.set(b, value(b));
        published.set(b + 1);
        if (b % 4 == 0) {
          // Give the readers time to load the page being written.
          LockSupport.parkNanos(10_000);
        }
      }
    } finally {
      done.set(true);
      for (Thread th : readers) {
        th.join();
      }
    }
    assertTrue(failures.isEmpty(), String.join("; ", failures));
    for (int b = 0; b < n; b++) {
      assertEquals(value(b), t.get(b));
    }
  }

  private static int value(int block) {
    return 0x1000 + block;
  }
}
