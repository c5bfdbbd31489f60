package io.github.vhd4j;

import static io.github.vhd4j.testing.VhdAssertions.bytes;
import static io.github.vhd4j.testing.VhdAssertions.filled;
import static io.github.vhd4j.testing.VhdAssertions.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.testing.MemoryChannel;
import io.github.vhd4j.testing.TestImage;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read API of {@link VhdImage}: positional reads, channel and stream views, closing, and the
 * three ways to open an image (path, caller's channel, buffer). Expected bytes always come from
 * the test builder, never from the library.
 */
class ReadApiTest {
  private static final int KIB = 1024;
  private static final int MIB = 1024 * 1024;
  private static final int READS_PER_THREAD = 200;

  @TempDir Path dir;

  /** A dynamic 1 MiB disk with data in both blocks. */
  private static TestImage dynamic() {
    return TestImage.dynamic(MIB, 512 * KIB).random(1000, 300_000, 1).random(700_000, 5000, 2);
  }

  private static VhdImage open(TestImage t) throws IOException {
    return Vhd.open(ByteBuffer.wrap(t.toBytes()), OpenOptions.defaults());
  }

  // ---------------------------------------------------------------------------------------------
  // read()

  @Test
  void shouldReturnMinusOneAtAndBeyondTheEnd() throws IOException {
    try (VhdImage img = open(dynamic())) {
      ByteBuffer b = ByteBuffer.allocate(512);
      assertEquals(-1, img.read(MIB, b));
      assertEquals(-1, img.read(MIB + 1, b));
      assertEquals(-1, img.read(Long.MAX_VALUE, b));
      assertEquals(0, b.position(), "nothing consumed");
    }
  }

  @Test
  void shouldReturnPartialCountAtTheEnd() throws IOException {
    TestImage t = dynamic();
    byte[] expected = t.expectedContent();
    try (VhdImage img = open(t)) {
      ByteBuffer b = ByteBuffer.wrap(filled(4096, 0x5A));
      assertEquals(100, img.read(MIB - 100, b));
      assertEquals(100, b.position());
      assertArrayEquals(Arrays.copyOfRange(expected, MIB - 100, MIB), Arrays.copyOf(b.array(), 100));
      assertArrayEquals(filled(4096 - 100, 0x5A), Arrays.copyOfRange(b.array(), 100, 4096), "untouched");
    }
  }

  @Test
  void shouldReturnZeroForDestinationWithoutRoom() throws IOException {
    try (VhdImage img = open(dynamic())) {
      assertEquals(0, img.read(0, ByteBuffer.allocate(0)));
      assertEquals(0, img.read(MIB, ByteBuffer.allocate(0)), "no room: 0, even at the end");
      ByteBuffer full = ByteBuffer.allocate(16).position(16);
      assertEquals(0, img.read(10, full));
      assertEquals(16, full.position());
    }
  }

  @Test
  void shouldRejectNegativePositionAndReadOnlyDestination() throws IOException {
    try (VhdImage img = open(dynamic())) {
      assertThrows(IllegalArgumentException.class, () -> img.read(-1, ByteBuffer.allocate(16)));
      assertThrows(IllegalArgumentException.class, () -> img.readFully(-1, ByteBuffer.allocate(16)));
      assertThrows(IllegalArgumentException.class, () -> img.read(Long.MIN_VALUE, ByteBuffer.allocate(16)));
      ByteBuffer ro = ByteBuffer.allocate(16).asReadOnlyBuffer();
      assertThrows(IllegalArgumentException.class, () -> img.read(0, ro));
      assertThrows(IllegalArgumentException.class, () -> img.readFully(0, ro));
      assertEquals(0, ro.position());
    }
  }

  @Test
  void shouldThrowEofExceptionWhenReadFullyPassesTheEnd() throws IOException {
    TestImage t = dynamic();
    byte[] expected = t.expectedContent();
    try (VhdImage img = open(t)) {
      assertThrows(EOFException.class, () -> img.readFully(MIB - 10, ByteBuffer.allocate(20)));
      assertThrows(EOFException.class, () -> img.readFully(MIB, ByteBuffer.allocate(1)));
      assertThrows(EOFException.class, () -> img.readFully(Long.MAX_VALUE, ByteBuffer.allocate(1)));
      ByteBuffer exact = ByteBuffer.allocate(20);
      img.readFully(MIB - 20, exact);
      assertEquals(20, exact.position());
      assertArrayEquals(Arrays.copyOfRange(expected, MIB - 20, MIB), exact.array());
      assertDoesNotThrow(() -> img.readFully(MIB, ByteBuffer.allocate(0)));
    }
  }

  @Test
  void shouldFillHeapDirectAndOffsetBuffersAlike() throws IOException {
    TestImage fixed = TestImage.fixed(MIB).random(0, MIB, 3);
    TestImage dyn = dynamic();
    TestImage parent = TestImage.dynamic(MIB, 512 * KIB).random(0, MIB, 4);
    parent.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(parent, "base.vhd", 512 * KIB).random(3000, 600_000, 5);
    Path childPath = child.writeTo(dir.resolve("child.vhd"));
    List<VhdImage> images = List.of(open(fixed), open(dyn), Vhd.open(childPath));
    List<byte[]> contents = List.of(fixed.expectedContent(), dyn.expectedContent(),
        child.expectedContent(parent.expectedContent()));
    try {
      for (int i = 0; i < images.size(); i++) {
        VhdImage img = images.get(i);
        byte[] expected = contents.get(i);
        int pos = 511_999;
        int n = 70_001;
        byte[] want = Arrays.copyOfRange(expected, pos, pos + n);
        for (boolean direct : new boolean[] {false, true}) {
          // The destination window sits inside a larger buffer with sentinels on both sides.
          ByteBuffer b = direct ? ByteBuffer.allocateDirect(n + 40) : ByteBuffer.allocate(n + 40);
          for (int k = 0; k < b.capacity(); k++) {
            b.put(k, (byte) 0x5A);
          }
          b.position(13).limit(13 + n);
          assertEquals(n, img.read(pos, b));
          assertEquals(13 + n, b.position());
          byte[] got = new byte[n];
          b.get(13, got);
          assertArrayEquals(want, got, "image " + i + ", direct=" + direct);
          b.clear();
          for (int k : new int[] {0, 12, 13 + n, n + 39}) {
            assertEquals((byte) 0x5A, b.get(k), "sentinel at " + k);
          }
        }
        // A heap buffer whose array offset is not 0.
        ByteBuffer slice = ByteBuffer.wrap(new byte[n + 7], 7, n).slice();
        img.readFully(pos, slice);
        assertArrayEquals(want, Arrays.copyOfRange(slice.array(), 7, 7 + n));
      }
    } finally {
      for (VhdImage img : images) {
        img.close();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // newChannel()

  @Test
  void shouldProvideReadOnlyChannelsWithIndependentPositions() throws IOException {
    TestImage t = dynamic();
    byte[] expected = t.expectedContent();
    try (VhdImage img = open(t)) {
      SeekableByteChannel a = img.newChannel();
      SeekableByteChannel b = img.newChannel();
      assertEquals(MIB, a.size());
      assertEquals(0, a.position());
      ByteBuffer buf = ByteBuffer.allocateDirect(1000);
      assertEquals(1000, a.read(buf));
      assertEquals(1000, a.position());
      assertEquals(0, b.position(), "cursors are independent");
      assertArrayEquals(Arrays.copyOf(expected, 1000), bytes(buf.flip()));

      b.position(MIB - 300);
      buf.clear();
      assertEquals(300, b.read(buf));
      assertEquals(MIB, b.position());
      assertArrayEquals(Arrays.copyOfRange(expected, MIB - 300, MIB), bytes(buf.flip()));
      buf.clear();
      assertEquals(-1, b.read(buf));
      assertEquals(-1, b.position(MIB + 5000).read(buf.clear()), "beyond the end");

      buf.clear();
      assertEquals(1000, a.read(buf));
      assertArrayEquals(Arrays.copyOfRange(expected, 1000, 2000), bytes(buf.flip()));

      assertThrows(NonWritableChannelException.class, () -> a.write(ByteBuffer.allocate(1)));
      assertThrows(NonWritableChannelException.class, () -> a.truncate(0));
      assertThrows(IllegalArgumentException.class, () -> a.position(-1));

      a.close();
      assertFalse(a.isOpen());
      assertThrows(ClosedChannelException.class, () -> a.read(ByteBuffer.allocate(1)));
      assertTrue(b.isOpen());
      assertEquals(1, img.read(0, ByteBuffer.allocate(1)), "closing a channel leaves the image open");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // newInputStream()

  @Test
  void shouldProvideInputStreamsWithIndependentPositions() throws IOException {
    TestImage t = dynamic();
    byte[] expected = t.expectedContent();
    try (VhdImage img = open(t)) {
      InputStream in = img.newInputStream();
      InputStream other = img.newInputStream();
      assertEquals(MIB, in.available());
      for (int i = 0; i < 1100; i++) {
        assertEquals(expected[i] & 0xFF, in.read(), "byte " + i);
      }
      byte[] chunk = new byte[5000];
      assertEquals(5000, in.read(chunk));
      assertArrayEquals(Arrays.copyOfRange(expected, 1100, 6100), chunk);
      byte[] offset = filled(100, 0x5A);
      assertEquals(50, in.read(offset, 10, 50));
      assertArrayEquals(Arrays.copyOfRange(expected, 6100, 6150), Arrays.copyOfRange(offset, 10, 60));
      assertEquals((byte) 0x5A, offset[9]);
      assertEquals((byte) 0x5A, offset[60]);
      assertEquals(0, in.read(offset, 0, 0));
      assertEquals(MIB - 6150, in.available());

      assertEquals(400_000, in.skip(400_000));
      assertEquals(expected[406_150] & 0xFF, in.read());
      assertEquals(MIB - 406_151, in.skip(Long.MAX_VALUE), "skip stops at the end");
      assertEquals(0, in.available());
      assertEquals(0, in.skip(10));
      assertEquals(-1, in.read());
      assertEquals(-1, in.read(chunk));

      assertEquals(expected[0] & 0xFF, other.read(), "streams are independent");
      assertArrayEquals(Arrays.copyOfRange(expected, 1, MIB), other.readAllBytes());
      in.close();
      other.close();
      assertEquals(1, img.read(0, ByteBuffer.allocate(1)), "closing a stream leaves the image open");
    }
  }

  @Test
  void shouldCapAvailableAtIntegerMaxValue() throws IOException {
    try (VhdImage img = open(TestImage.dynamic(5L << 30, 2 * MIB));
        InputStream in = img.newInputStream()) {
      assertEquals(Integer.MAX_VALUE, in.available());
      assertEquals((5L << 30) - 512, in.skip((5L << 30) - 512));
      assertEquals(512, in.available());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // close()

  @Test
  void shouldRefuseUseAfterCloseAndAllowClosingTwice() throws IOException {
    TestImage parent = TestImage.dynamic(MIB, 512 * KIB).random(0, 1000, 6);
    parent.writeTo(dir.resolve("base.vhd"));
    Path childPath = TestImage.differencing(parent, "base.vhd", 512 * KIB).writeTo(dir.resolve("child.vhd"));
    VhdImage img = Vhd.open(childPath);
    VhdImage parentView = img.getParent();
    // The parent belongs to the child: closing it alone changes nothing.
    parentView.close();
    assertEquals(1, img.read(0, ByteBuffer.allocate(1)));
    assertEquals(1, parentView.read(0, ByteBuffer.allocate(1)));
    SeekableByteChannel ch = img.newChannel();
    InputStream in = img.newInputStream();
    img.close();
    assertDoesNotThrow(img::close);
    List<Executable> uses = List.of(
        () -> img.read(0, ByteBuffer.allocate(1)),
        () -> img.readFully(0, ByteBuffer.allocate(1)),
        img::newChannel,
        img::newInputStream,
        img::map,
        () -> img.map(0, 512),
        () -> img.forEachExtent(0, 512, x -> { }),
        () -> parentView.read(0, ByteBuffer.allocate(1)),
        () -> ch.read(ByteBuffer.allocate(1)),
        () -> in.read());
    for (int i = 0; i < uses.size(); i++) {
      assertThrows(IllegalStateException.class, uses.get(i), "use " + i + " after close");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Opening from a caller's channel or buffer

  @Test
  void shouldLeaveCallersFileChannelOpen() throws IOException {
    TestImage t = dynamic();
    Path path = t.writeTo(dir.resolve("d.vhd"));
    try (FileChannel ch = FileChannel.open(path)) {
      try (VhdImage img = Vhd.open(ch, OpenOptions.defaults())) {
        assertEquals("channel", img.getResource());
        assertEquals(null, img.getPath());
        assertArrayEquals(t.expectedContent(), readAll(img));
      }
      assertTrue(ch.isOpen());
      assertEquals(512, ch.read(ByteBuffer.allocate(512), 0), "still readable by its owner");
    }
  }

  @Test
  void shouldReadThroughNonFileChannelAndLeaveItOpen() throws IOException {
    TestImage t = dynamic();
    MemoryChannel ch = new MemoryChannel(t.toBytes(), 4096);
    try (VhdImage img = Vhd.open(ch, "in-memory", OpenOptions.defaults())) {
      assertEquals("in-memory", img.getResource());
      assertArrayEquals(t.expectedContent(), readAll(img));
    }
    assertTrue(ch.isOpen());
  }

  @Test
  void shouldRespectPositionAndLimitOfSourceBuffer() throws IOException {
    TestImage t = dynamic();
    byte[] image = t.toBytes();
    for (boolean direct : new boolean[] {false, true}) {
      int before = 1536;
      int after = 512;
      ByteBuffer src = direct ? ByteBuffer.allocateDirect(before + image.length + after)
          : ByteBuffer.allocate(before + image.length + after);
      // Junk that looks like a footer around the image: a reader ignoring position and limit fails.
      byte[] junk = TestImage.fixed(0).toBytes();
      src.put(before - 512, junk).put(before, image).put(before + image.length, junk);
      src.position(before).limit(before + image.length);
      try (VhdImage img = Vhd.open(src, OpenOptions.defaults())) {
        assertEquals(MIB, img.getSize());
        assertArrayEquals(t.expectedContent(), readAll(img));
      }
      assertEquals(before, src.position(), "the caller's buffer is left as it was");
      assertEquals(before + image.length, src.limit());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Concurrency

  @Test
  @Timeout(30)
  void shouldReadRandomRangesFromEightThreadsConsistently() throws Exception {
    int size = 4 * MIB;
    TestImage gp = TestImage.dynamic(size, 2 * MIB).random(0, size, 7);
    gp.writeTo(dir.resolve("gp.vhd"));
    TestImage parent = TestImage.differencing(gp, "gp.vhd", 512 * KIB)
        .random(100_000, 900_000, 8).random(3 * MIB, 20_000, 9);
    parent.writeTo(dir.resolve("parent.vhd"));
    TestImage child = TestImage.differencing(parent, "parent.vhd", 2 * MIB)
        .random(50_000, 70_000, 10).random(2 * MIB - 5000, 10_000, 11);
    for (int s = 0; s < 8192; s += 37) {
      child.random((long) s * 512, 512, 100 + s);
    }
    Path top = child.writeTo(dir.resolve("child.vhd"));
    byte[] expected = child.expectedContent(parent.expectedContent(gp.expectedContent()));

    TestImage dyn = dynamic();
    MemoryChannel shared = new MemoryChannel(dyn.toBytes(), 4096);
    try (VhdImage chain = Vhd.open(top);
        VhdImage viaChannel = Vhd.open(shared, OpenOptions.defaults())) {
      assertRandomReadsAgree(chain, expected, 12);
      // A non-file channel has one position shared by all threads.
      assertRandomReadsAgree(viaChannel, dyn.expectedContent(), 13);
    }
  }

  private static void assertRandomReadsAgree(VhdImage img, byte[] expected, long seed) throws Exception {
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long threadSeed = seed * 31 + t;
        Callable<Integer> task = () -> {
          Random rnd = new Random(threadSeed);
          start.await();
          int checked = 0;
          for (int i = 0; i < READS_PER_THREAD; i++) {
            int pos = rnd.nextInt(expected.length);
            int len = 1 + rnd.nextInt(Math.min(32 * KIB, expected.length - pos));
            ByteBuffer b = rnd.nextBoolean() ? ByteBuffer.allocateDirect(len) : ByteBuffer.allocate(len);
            img.readFully(pos, b);
            b.flip();
            byte[] got = new byte[len];
            b.get(got);
            if (Arrays.mismatch(got, 0, len, expected, pos, pos + len) != -1) {
              throw new AssertionError("thread read wrong bytes at " + pos + " (+" + len + ")");
            }
            checked++;
          }
          return checked;
        };
        results.add(pool.submit(task));
      }
      start.countDown();
      for (Future<Integer> f : results) {
        assertEquals(READS_PER_THREAD, f.get(30, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
