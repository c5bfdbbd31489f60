package io.github.vhd4j.mmap;

import static io.github.vhd4j.testing.VhdAssertions.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.StorageMode;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.testing.TestImage;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Mapped storage against file-channel storage, chunk boundaries, files beyond 4 GiB, the fallback
 * when mapping fails, close racing with reads, zero-copy views and allocation-free reads. (Every
 * core test also runs over mapped storage: see this module's POM.)
 */
class MappedStorageTest {
  private static final int KIB = 1024;
  private static final int MIB = 1024 * KIB;

  @TempDir Path dir;

  private static OpenOptions mapped(long chunk) {
    return OpenOptions.defaults().withStorage(StorageMode.MAPPED).withMapChunkSize(chunk);
  }

  /** A three-level chain of dynamic and differencing disks with random data, as files in dir. */
  private Path chain() throws IOException {
    TestImage base = TestImage.dynamic(8 * MIB, 512 * KIB).random(0, 3 * MIB, 1).random(5 * MIB + 100, 2 * MIB, 2);
    base.writeTo(dir.resolve("base.vhd"));
    TestImage mid = TestImage.differencing(base, "base.vhd", 2 * MIB).random(700 * KIB, MIB, 3).random(6 * MIB, 4 * KIB, 4);
    mid.writeTo(dir.resolve("mid.vhd"));
    TestImage top = TestImage.differencing(mid, "mid.vhd", 4 * KIB).random(4000, 100 * KIB, 5);
    return top.writeTo(dir.resolve("top.vhd"));
  }

  @ParameterizedTest
  @ValueSource(longs = {512, 4096, 64 * 1024, 1 << 20, 1 << 30})
  void shouldReadExactlyWhatFileChannelReads(long chunk) throws IOException {
    Path top = chain();
    try (VhdImage viaChannel = Vhd.open(top);
        VhdImage viaMap = Vhd.open(top, mapped(chunk))) {
      assertTrue(viaMap.getWarnings().stream().noneMatch(p -> p.code() == ProblemCode.STORAGE_FALLBACK),
          () -> viaMap.getWarnings().toString());
      assertArrayEquals(readAll(viaChannel), readAll(viaMap));
      assertEquals(viaChannel.map(), viaMap.map());
      Random r = new Random(chunk);
      for (int i = 0; i < 300; i++) {
        long pos = r.nextInt((int) viaMap.getSize());
        int len = 1 + r.nextInt(r.nextBoolean() ? 2000 : 300_000);
        ByteBuffer a = ByteBuffer.allocate(len);
        ByteBuffer b = r.nextBoolean() ? ByteBuffer.allocateDirect(len) : ByteBuffer.allocate(len);
        assertEquals(viaChannel.read(pos, a), viaMap.read(pos, b));
        a.flip();
        b.flip();
        assertEquals(a, b, "range " + pos + "+" + len);
      }
    }
  }

  @Test
  void shouldMapFilesFarBeyondFourGibibytes() throws IOException {
    // A sparse fixed disk of 5 GiB: data then the footer. Markers straddle 2^31, 2^32 and chunk
    // boundaries, where int arithmetic or a single 2 GiB buffer would fail.
    long size = 5L << 30;
    TestImage footerOnly = TestImage.fixed(0);
    footerOnly.setSize(size);
    Path p = dir.resolve("big.vhd");
    long[] markers = {(1L << 31) - 8, (1L << 32) - 8, (1L << 30) * 3 - 3, size - 16};
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
      f.setLength(size);
      for (long m : markers) {
        f.seek(m);
        f.writeLong(m);
        f.writeLong(~m);
      }
      f.seek(size);
      f.write(footerOnly.footerBytes(-1));
    }
    for (long chunk : new long[] {1L << 30, 1L << 29, 1L << 20}) {
      try (VhdImage img = Vhd.open(p, mapped(chunk))) {
        assertEquals(size, img.getSize());
        for (long m : markers) {
          ByteBuffer b = ByteBuffer.allocate(16);
          img.readFully(m, b);
          assertEquals(m, b.getLong(0), "marker at " + m + ", chunk " + chunk);
          assertEquals(~m, b.getLong(8));
        }
        if (chunk >= 1L << 29) {
          // A range inside one chunk is a view; one whose end passes 2^31 inside the chunk's
          // arithmetic is not (and must not overflow into a bad slice). Only with large chunks:
          // a handed-out view keeps the image's mappings until garbage collection.
          assertEquals(4096, img.view((1L << 30) + 512, 4096).remaining(), "chunk " + chunk);
          assertNull(img.view((1L << 29) + (1L << 28), Integer.MAX_VALUE - 8), "chunk " + chunk);
        }
      }
    }
  }

  @Test
  void shouldFallBackToFileChannelWhenTheMapCountIsExhausted() throws IOException {
    // A 48 MiB file in 512-byte chunks needs 98,305 mappings: beyond the mapping budget (half of
    // vm.max_map_count) unless the limit was raised past 196,000.
    long maxMaps;
    try (java.io.BufferedReader r = Files.newBufferedReader(Path.of("/proc/sys/vm/max_map_count"))) {
      maxMaps = Long.parseLong(r.readLine().trim());
    }
    assumeTrue(maxMaps < 196_000, "vm.max_map_count is raised; mapping would not be refused");
    TestImage t = TestImage.fixed(48 * MIB).random(0, 48 * MIB, 7);
    Path p = t.writeTo(dir.resolve("many.vhd"));
    try (VhdImage img = Vhd.open(p, mapped(512))) {
      assertTrue(img.getWarnings().stream().anyMatch(w -> w.code() == ProblemCode.STORAGE_FALLBACK
          && w.message().contains("could not be mapped") && w.message().contains("mappings")),
          () -> img.getWarnings().toString());
      assertArrayEquals(t.expectedContent(), readAll(img));
    }
  }

  @Test
  void shouldReturnItsMappingsToTheBudgetOnClose() throws IOException {
    long before = io.github.vhd4j.mmap.internal.MappedStorageProvider.mappingsInUse();
    Path top = chain();
    VhdImage img = Vhd.open(top, mapped(4096));
    assertTrue(io.github.vhd4j.mmap.internal.MappedStorageProvider.mappingsInUse() > before + 1000,
        "three files in 4 KiB chunks");
    img.close();
    assertEquals(before, io.github.vhd4j.mmap.internal.MappedStorageProvider.mappingsInUse());
  }

  @Test
  @Timeout(120)
  void shouldNeverTouchUnmappedMemoryWhenClosingDuringReads() throws Exception {
    assertTrue(MappedStorage.isUnmapSupported(), "deterministic unmap expected on this JVM");
    Path top = chain();
    byte[] expected;
    try (VhdImage img = Vhd.open(top)) {
      expected = readAll(img);
    }
    // A read that raced with close on unmapped memory would crash this JVM, failing the build.
    for (int round = 0; round < 40; round++) {
      VhdImage img = Vhd.open(top, mapped(4096));
      int threads = 6;
      CountDownLatch started = new CountDownLatch(threads);
      AtomicReference<Throwable> unexpected = new AtomicReference<>();
      List<Thread> readers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long seed = round * 31L + t;
        Thread th = new Thread(() -> {
          Random r = new Random(seed);
          ByteBuffer buf = ByteBuffer.allocateDirect(256 * KIB);
          started.countDown();
          try {
            while (true) {
              int pos = r.nextInt(expected.length - buf.capacity());
              buf.clear();
              img.readFully(pos, buf);
              for (int k = 0; k < 64; k++) {
                int at = r.nextInt(buf.capacity());
                if (buf.get(at) != expected[pos + at]) {
                  throw new AssertionError("wrong byte at " + (pos + at));
                }
              }
            }
          } catch (IllegalStateException closed) {
            // The expected way for a read to end once the image is closed.
          } catch (Throwable other) {
            unexpected.compareAndSet(null, other);
          }
        });
        readers.add(th);
        th.start();
      }
      started.await();
      Thread.sleep(round % 5);
      img.close();
      for (Thread th : readers) {
        th.join();
      }
      if (unexpected.get() != null) {
        throw new AssertionError("round " + round, unexpected.get());
      }
    }
  }

  @Test
  void shouldOfferZeroCopyViewsThatFailCleanlyAfterClose() throws IOException {
    TestImage t = TestImage.dynamic(8 * MIB, 2 * MIB).random(0, 8 * MIB, 9);
    Path p = t.writeTo(dir.resolve("d.vhd"));
    byte[] expected = t.expectedContent();
    ByteBuffer view;
    // Block 0's data starts after its bitmap: this guest offset sits 10 bytes before the file's
    // first 1 MiB chunk boundary.
    long dataStart = t.blockOffset(0) + t.bitmapBytes();
    long beforeChunkEnd = MIB - dataStart - 10;
    try (VhdImage img = Vhd.open(p, mapped(1 << 20))) {
      view = img.view(3 * MIB + 5, 1000);
      assertNotNull(view, "a range inside one block and one chunk");
      assertTrue(view.isReadOnly());
      assertNotNull(img.view(beforeChunkEnd, 10), "ends exactly at the chunk boundary");
      assertNull(img.view(beforeChunkEnd, 20), "crosses a chunk boundary");
      assertNull(img.view(2 * MIB - 10, 20), "crosses a block boundary");
    }
    // After close the view still works (JDK 17 to 21: its chunk is left to the garbage collector)
    // or fails cleanly (JDK 22+: the arena is closed); it never reads unmapped memory.
    byte[] got = new byte[1000];
    try {
      view.get(got);
      assertArrayEquals(java.util.Arrays.copyOfRange(expected, 3 * MIB + 5, 3 * MIB + 1005), got);
    } catch (IllegalStateException closedArena) {
      assertTrue(Runtime.version().feature() >= 22, "only the foreign-memory path closes views");
    }
    try (VhdImage img = Vhd.open(p)) {
      assertNull(img.view(3 * MIB + 5, 1000), "file-channel storage offers no views");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"MAPPED", "FILE_CHANNEL"})
  void shouldNotAllocatePerReadInSteadyState(StorageMode mode) throws Exception {
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    assumeTrue(mx.isThreadAllocatedMemorySupported());
    mx.setThreadAllocatedMemoryEnabled(true);
    Path top = chain();
    try (VhdImage img = Vhd.open(top, OpenOptions.defaults().withStorage(mode).withMapChunkSize(1 << 20))) {
      ByteBuffer buf = ByteBuffer.allocateDirect(64 * KIB);
      Random r = new Random(11);
      long[] positions = new long[4096];
      for (int i = 0; i < positions.length; i++) {
        positions[i] = r.nextInt((int) img.getSize() - buf.capacity());
      }
      for (int warm = 0; warm < 20; warm++) {
        for (long pos : positions) {
          buf.clear();
          img.readFully(pos, buf);
        }
      }
      long tid = Thread.currentThread().getId();
      long before = mx.getThreadAllocatedBytes(tid);
      for (int rep = 0; rep < 5; rep++) {
        for (long pos : positions) {
          buf.clear();
          img.readFully(pos, buf);
        }
      }
      long perRead = (mx.getThreadAllocatedBytes(tid) - before) / (5L * positions.length);
      assertTrue(perRead < 8, "allocated " + perRead + " bytes per read");
    }
  }
}
