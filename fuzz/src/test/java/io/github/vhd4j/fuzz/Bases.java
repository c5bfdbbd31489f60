package io.github.vhd4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.SizePolicy;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.testing.TestImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The valid images structured targets start from ({@link Recipe}'s first five bytes), and the
 * content they are known to hold before the recipe's mutations.
 */
final class Bases {
  static final int FIXED = 0;
  static final int DYNAMIC = 1;
  static final int DIFFERENCING = 2;

  static final long[] FIXED_SIZES = {0, 512, 1024, 4096, 8192, 32 * 1024, 34816, 48 * 1024};
  static final long[] SPARSE_SIZES = {0, 4096, 64 * 1024, ChainFixture.SIZE, 1 << 20, 3_168_256L,
      (4 << 20) + 512, 64L << 20, 1L << 30, 8L << 30, 136_365_211_648L, 0xFF000000L * 512};
  static final long[] BLOCK_SIZES = {512, 1024, 4096, 8192, 64 * 1024, 512 * 1024, 2 << 20, 4 << 20, 256 << 20};
  /** Table entries kept small so that every base builds in a few milliseconds. */
  private static final long MAX_ENTRIES = 16 * 1024;
  /** Data is written only into blocks this small (a 2 MiB block would make a 2 MiB image). */
  private static final long MAX_DATA_BLOCK = 64 * 1024;

  private Bases() {}

  /**
   * A base image with the content it holds.
   *
   * @param image the builder, to be mutated by the target
   * @param kind {@link #FIXED}, {@link #DYNAMIC} or {@link #DIFFERENCING}
   * @param options the recipe's size policy and footer recovery; differencing images find the
   *     fixture parent through a resolver
   * @param parent the parent's content for a differencing disk, else empty
   */
  record Base(TestImage image, int kind, OpenOptions options, byte[] parent) {
    /**
     * The bytes the builder's current data, blocks and bitmaps put at [pos, pos + len): fixed
     * data; dynamic blocks as stored and zeros elsewhere; differencing sectors whose bit is set
     * from the child and the rest from the parent (zeros past its end).
     */
    byte[] expected(long pos, int len) {
      byte[] out = new byte[len];
      TestImage t = image;
      if (kind == FIXED) {
        int n = (int) Math.max(0, Math.min(len, t.fixedData.length - pos));
        if (n > 0) {
          System.arraycopy(t.fixedData, (int) pos, out, 0, n);
        }
        return out;
      }
      int i = 0;
      while (i < len) {
        long at = pos + i;
        // One sector (or what is left of it) at a time: a sector has one bitmap bit.
        int n = (int) Math.min(len - i, 512 - (at & 511));
        TestImage.Block b = t.blocks.get((int) (at / t.blockSize));
        int in = (int) (at % t.blockSize);
        boolean set = b != null && (b.bitmap[in >>> 12] & (0x80 >>> ((in >>> 9) & 7))) != 0;
        if (b != null && (kind == DYNAMIC || set)) {
          System.arraycopy(b.data, in, out, i, n);
        } else if (kind == DIFFERENCING && at < parent.length) {
          System.arraycopy(parent, (int) at, out, i, (int) Math.min(n, parent.length - at));
        }
        i += n;
      }
      return out;
    }
  }

  /** Builds the base a recipe names, restricted to the kinds in {@code kinds}. */
  static Base build(Recipe r, int... kinds) {
    int kind = kinds[r.kind() % kinds.length];
    TestImage t;
    byte[] parentContent = new byte[0];
    OpenOptions options = OpenOptions.defaults()
        .withSizePolicy(new SizePolicy[] {SizePolicy.AUTO, SizePolicy.CHS, SizePolicy.CURRENT_SIZE,
            SizePolicy.AUTO}[(r.flags() >>> 1) & 3])
        .withFooterRecovery((r.flags() & 8) == 0);
    if (kind == FIXED) {
      t = TestImage.fixed(FIXED_SIZES[r.size() % FIXED_SIZES.length]);
    } else {
      long size = SPARSE_SIZES[r.size() % SPARSE_SIZES.length];
      long bs = BLOCK_SIZES[r.blockSize() % BLOCK_SIZES.length];
      while (bs < (256 << 20) && (size + bs - 1) / bs > MAX_ENTRIES) {
        bs <<= 1;
      }
      if (kind == DYNAMIC) {
        t = TestImage.dynamic(size, bs);
      } else {
        t = ChainFixture.child(bs);
        t.setSize(size);
        Path parent = ChainFixture.install(Scratch.dir("chain-fixture"));
        options = options.withParentResolver(reference -> List.of(parent));
        parentContent = ChainFixture.parentContent();
      }
    }
    t.uuid = new java.util.UUID(0xBA5E_0000_0000_0000L | r.kind(), (long) r.size() << 8 | r.blockSize());
    if (r.content() != 0 && t.currentSize > 0 && (kind == FIXED || t.blockSize <= MAX_DATA_BLOCK)) {
      SplittableRandom rnd = new SplittableRandom(r.content());
      int writes = 1 + r.content() % 3;
      for (int i = 0; i < writes; i++) {
        long off = Math.floorMod(rnd.nextLong(), t.currentSize);
        int most = kind == FIXED ? 8192 : (int) (2 * t.blockSize);
        int len = (int) Math.min(t.currentSize - off, 1 + rnd.nextInt(most));
        byte[] data = new byte[len];
        rnd.nextBytes(data);
        t.write(off, data);
      }
    }
    return new Base(t, kind, options, parentContent);
  }

  /** Opens the bytes from memory, as structured targets do. */
  static BatterySource<VhdImage> memory(byte[] bytes) {
    return new BatterySource<VhdImage>() {
      @Override
      public VhdImage open(OpenOptions options) throws IOException {
        return io.github.vhd4j.Vhd.open(ByteBuffer.wrap(bytes), options);
      }

      @Override
      public io.github.vhd4j.ValidationReport check(io.github.vhd4j.CheckOptions options) throws IOException {
        return io.github.vhd4j.Vhd.check(ByteBuffer.wrap(bytes), options);
      }
    };
  }

  /**
   * Asserts the disk reads as the base's builder says: completely up to
   * {@link Oracles#WHOLE_READ_CAP}, and the last 64 KiB beyond that.
   */
  static void assertContent(VhdImage img, Base base) throws IOException {
    long size = img.getSize();
    assertContentAt(img, 0, (int) Math.min(size, Oracles.WHOLE_READ_CAP), base);
    if (size > Oracles.WHOLE_READ_CAP) {
      int n = 64 * 1024;
      assertContentAt(img, size - n, n, base);
    }
  }

  private static void assertContentAt(VhdImage img, long pos, int len, Base base) throws IOException {
    ByteBuffer got = ByteBuffer.allocate(len);
    img.readFully(pos, got);
    byte[] want = base.expected(pos, len);
    if (!Arrays.equals(want, got.array())) {
      int i = Arrays.mismatch(want, got.array());
      fail("byte " + (pos + i) + " reads " + got.get(i) + ", the image was built with " + want[i]);
    }
    assertEquals(len, got.position());
  }
}
