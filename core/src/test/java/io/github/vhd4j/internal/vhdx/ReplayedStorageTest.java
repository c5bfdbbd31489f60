package io.github.vhd4j.internal.vhdx;

import static io.github.vhd4j.testing.VhdxLogBuilder.SECTOR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.StorageMode;
import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.storage.Storages;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The overlay against a model that applies every descriptor in order to a copy of the file:
 * whatever the mix of overlapping data and zero descriptors, every read returns what the copy
 * holds.
 */
class ReplayedStorageTest {
  private static final int FILE = 1 << 20;
  /** Data sectors are taken from here, as if it were the log. */
  private static final int SOURCES = 64 * SECTOR;

  /** One descriptor: data when {@code source >= 0}. */
  private record Op(long target, long length, long source, long leading, long trailing) {}

  private static byte[] file(Random r) {
    byte[] f = new byte[FILE];
    r.nextBytes(f);
    return f;
  }

  /** Applies the ops in order to a copy grown to {@code size}. */
  private static byte[] model(byte[] file, List<Op> ops, long size) {
    byte[] m = Arrays.copyOf(file, (int) size);
    for (Op op : ops) {
      if (op.source() < 0) {
        Arrays.fill(m, (int) op.target(), (int) (op.target() + op.length()), (byte) 0);
      } else {
        int t = (int) op.target();
        System.arraycopy(file, (int) op.source(), m, t, SECTOR);
        for (int i = 0; i < 8; i++) {
          m[t + i] = (byte) (op.leading() >>> (8 * i));
        }
        for (int i = 0; i < 4; i++) {
          m[t + 4092 + i] = (byte) (op.trailing() >>> (8 * i));
        }
      }
    }
    return m;
  }

  private static ReplayedStorage overlay(Storage base, List<Op> ops, long size) {
    int data = (int) ops.stream().filter(o -> o.source() >= 0).count();
    OverlayBuilder b = new OverlayBuilder(data, ops.size() - data);
    for (Op op : ops) {
      if (op.source() < 0) {
        b.zero(op.target(), op.length());
      } else {
        b.data(op.target(), op.source(), op.leading(), op.trailing());
      }
    }
    return b.build(base, size);
  }

  /** Random ops over a few pages past the sources, so that they overlap often; some past the file's end. */
  private static List<Op> ops(Random r, int n, long size) {
    List<Op> ops = new ArrayList<>();
    int pages = (int) ((size - SOURCES) / SECTOR);
    for (int i = 0; i < n; i++) {
      long target = SOURCES + (long) SECTOR * r.nextInt(pages);
      if (r.nextInt(3) == 0) {
        long length = (long) SECTOR * Math.min(r.nextInt(12), (size - target) / SECTOR);
        ops.add(new Op(target, length, -1, 0, 0));
      } else {
        ops.add(new Op(target, SECTOR, (long) SECTOR * r.nextInt(SOURCES / SECTOR), r.nextLong(),
            r.nextInt() & 0xFFFFFFFFL));
      }
    }
    return ops;
  }

  @Test
  void shouldReadWhatApplyingTheDescriptorsInOrderWouldWrite() throws Exception {
    for (int seed = 0; seed < 40; seed++) {
      Random r = new Random(seed);
      byte[] file = file(r);
      long size = FILE + (seed % 2 == 0 ? 0 : 256 * 1024);
      List<Op> ops = ops(r, 1 + r.nextInt(seed < 20 ? 20 : 300), size);
      ReplayedStorage s = overlay(Storages.memory(ByteBuffer.wrap(file), OpenOptions.defaults()), ops, size);
      byte[] expected = model(file, ops, size);

      assertEquals(size, s.size());
      byte[] all = new byte[(int) size];
      s.read(0, ByteBuffer.wrap(all), 0, all.length);
      assertArrayEquals(expected, all, "seed " + seed);
      for (int k = 0; k < 200; k++) {
        int off = r.nextInt((int) size);
        int len = r.nextInt((int) Math.min(3 * SECTOR, size - off) + 1);
        byte[] got = new byte[len + 3];
        s.read(off, ByteBuffer.wrap(got), 3, len);
        assertArrayEquals(Arrays.copyOfRange(expected, off, off + len), Arrays.copyOfRange(got, 3, len + 3),
            "seed " + seed + " read " + len + " at " + off);
      }
    }
  }

  @Test
  void shouldServeConcurrentReadsAlike() throws Exception {
    Random r = new Random(7);
    byte[] file = file(r);
    List<Op> ops = ops(r, 500, FILE);
    ReplayedStorage s = overlay(Storages.memory(ByteBuffer.wrap(file), OpenOptions.defaults()), ops, FILE);
    byte[] expected = model(file, ops, FILE);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int seed = t;
        done.add(pool.submit(() -> {
          Random tr = new Random(seed);
          for (int k = 0; k < 2000; k++) {
            int off = tr.nextInt(FILE - 2 * SECTOR);
            int len = 1 + tr.nextInt(2 * SECTOR);
            byte[] got = new byte[len];
            s.read(off, ByteBuffer.wrap(got), 0, len);
            assertArrayEquals(Arrays.copyOfRange(expected, off, off + len), got);
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void shouldViewOnlyWhatTheReplayLeavesAlone() {
    byte[] file = new byte[FILE];
    // One piece, whatever storage the suite runs with: views cross no chunk boundary of the base.
    Storage base = Storages.memory(ByteBuffer.wrap(file), OpenOptions.defaults().withStorage(StorageMode.FILE_CHANNEL));
    List<Op> ops = List.of(new Op(SOURCES, SECTOR, 0, 1, 2), new Op(SOURCES + 4 * SECTOR, 2 * SECTOR, -1, 0, 0));
    ReplayedStorage s = overlay(base, ops, FILE + SECTOR);

    assertNull(s.view(SOURCES, 16));
    assertNull(s.view(SOURCES - 8, 16));
    assertNull(s.view(SOURCES + 5 * SECTOR, SECTOR));
    assertNull(s.view(SOURCES + 3 * SECTOR, SECTOR + 1));
    assertNull(s.view(FILE - 8, 16));
    assertNotNull(s.view(SOURCES + SECTOR, 3 * SECTOR));
    assertNotNull(s.view(SOURCES + 6 * SECTOR, SECTOR));
    assertNotNull(s.view(0, SOURCES));
  }

  @Test
  void shouldBeReadOnlyAndBounded() {
    byte[] file = new byte[FILE];
    ReplayedStorage s = overlay(Storages.memory(ByteBuffer.wrap(file), OpenOptions.defaults()), List.of(), FILE + SECTOR);
    assertThrows(NonWritableChannelException.class, () -> s.write(0, ByteBuffer.allocate(1), 0, 1));
    assertThrows(NonWritableChannelException.class, () -> s.truncate(0));
    assertThrows(NonWritableChannelException.class, s::force);
    assertThrows(EOFException.class, () -> s.read(FILE, ByteBuffer.allocate(SECTOR + 1), 0, SECTOR + 1));
    assertThrows(EOFException.class, () -> s.read(-1, ByteBuffer.allocate(1), 0, 1));
  }
}
