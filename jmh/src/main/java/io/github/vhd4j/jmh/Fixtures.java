package io.github.vhd4j.jmh;

import io.github.vhd4j.testing.TestImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Benchmark images, built on first use into a cache directory ({@code -Dvhd4j.jmh.dir}, default
 * {@code $TMPDIR/vhd4j-jmh}) and reused by later forks and runs. The metadata of each image comes
 * from the test builder ({@link TestImage}); block data is streamed to disk, so multi-GiB images
 * never sit in memory.
 *
 * <ul>
 *   <li>{@code raw.img}: 2 GiB of pseudo-random data, the baseline.
 *   <li>{@code dynamic.vhd}: the same content, every 2 MiB block allocated, in order, in QEMU's
 *       layout (each block's data starts 512 bytes after a 4 KiB boundary).
 *   <li>{@code dynamic4k.vhd}: the same, in Hyper-V's layout: every block's data 4 KiB aligned
 *       (3.5 KiB gaps between blocks).
 *   <li>{@code fixed.vhd}: the same content followed by a footer.
 *   <li>{@code chain/top.vhd}: a depth-3 chain: a full dynamic base, a differencing middle with
 *       every block allocated and alternating 64-sector runs of its own data, and a differencing
 *       top with every fourth block allocated.
 *   <li>{@code huge.vhd}: 2040 GiB dynamic, every table entry allocated, blocks left as holes of
 *       a sparse file.
 *   <li>{@code tiny100g.vhd}: 100 GiB dynamic of 512-byte blocks, nothing allocated: 209,715,200
 *       table entries, an 800 MiB table (above the 2^20 entries kept in memory).
 *   <li>{@code tiny2g.vhd}: 2 GiB dynamic of 512-byte blocks, all 4 Mi table entries allocated,
 *       in order, blocks left as holes.
 * </ul>
 */
public final class Fixtures {
  /** Virtual size of the read fixtures. */
  public static final long SIZE = 2L << 30;
  /** Block size of the dynamic and differencing fixtures. */
  public static final int BLOCK = 2 << 20;
  /** Virtual size of the open fixture: the largest dynamic disk, 0xFF000000 sectors. */
  public static final long HUGE = 0xFF000000L * 512;
  /** Virtual size of the empty fixture of 512-byte blocks. */
  public static final long TINY_BLOCKS_EMPTY = 100L << 30;

  private static final int VERSION = 1;

  private Fixtures() {}

  /**
   * Returns the path of a fixture, building it first when needed.
   *
   * @param name one of {@code raw}, {@code dynamic}, {@code dynamic4k}, {@code fixed},
   *     {@code chain3}, {@code huge}, {@code tiny100g}, {@code tiny2g}
   * @return the image (the top of the chain for {@code chain3})
   */
  public static synchronized Path path(String name) {
    try {
      Path dir = Path.of(System.getProperty("vhd4j.jmh.dir",
          Path.of(System.getProperty("java.io.tmpdir"), "vhd4j-jmh").toString())).resolve("v" + VERSION);
      Files.createDirectories(dir.resolve("chain"));
      switch (name) {
        case "raw":
          return build(dir.resolve("raw.img"), Fixtures::writeRaw);
        case "dynamic":
          return build(dir.resolve("dynamic.vhd"), Fixtures::writeDynamic);
        case "dynamic4k":
          return build(dir.resolve("dynamic4k.vhd"),
              target -> writeSparse(target, dynamicSpec(SIZE), 1, null, 0, false, true));
        case "fixed":
          return build(dir.resolve("fixed.vhd"), Fixtures::writeFixed);
        case "chain3":
          return build(dir.resolve("chain/top.vhd"), Fixtures::writeChain);
        case "huge":
          return build(dir.resolve("huge.vhd"), Fixtures::writeHuge);
        case "tiny100g":
          return build(dir.resolve("tiny100g.vhd"), target -> writeTinyBlocks(target, TINY_BLOCKS_EMPTY, false));
        case "tiny2g":
          return build(dir.resolve("tiny2g.vhd"), target -> writeTinyBlocks(target, SIZE, true));
        default:
          throw new IllegalArgumentException("unknown fixture " + name);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private interface Writer {
    void write(Path target) throws IOException;
  }

  /** Builds into a temporary name and renames, so an interrupted build is never reused. */
  private static Path build(Path target, Writer writer) throws IOException {
    if (Files.exists(target)) {
      return target;
    }
    Path tmp = target.resolveSibling(target.getFileName() + ".building");
    writer.write(tmp);
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    return target;
  }

  /** The data of block {@code index}: one random pattern, stamped with the index. */
  private static ByteBuffer blockData(ByteBuffer pattern, long index, int xor) {
    ByteBuffer b = pattern.duplicate().clear();
    b.putLong(0, index ^ xor);
    return b;
  }

  private static ByteBuffer pattern() {
    byte[] p = new byte[BLOCK];
    new SplittableRandom(42).nextBytes(p);
    ByteBuffer b = ByteBuffer.allocateDirect(BLOCK);
    b.put(p).clear();
    return b;
  }

  private static void writeFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
    long pos = at;
    while (b.hasRemaining()) {
      pos += ch.write(b, pos);
    }
  }

  private static FileChannel create(Path p) throws IOException {
    return FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE);
  }

  private static void writeRaw(Path target) throws IOException {
    ByteBuffer pattern = pattern();
    try (FileChannel ch = create(target)) {
      for (long i = 0; i < SIZE / BLOCK; i++) {
        writeFully(ch, blockData(pattern, i, 0), i * BLOCK);
      }
    }
  }

  private static void writeFixed(Path target) throws IOException {
    ByteBuffer pattern = pattern();
    TestImage spec = TestImage.fixed(0);
    spec.setSize(SIZE);
    spec.creatorApp = "jmh ";
    try (FileChannel ch = create(target)) {
      for (long i = 0; i < SIZE / BLOCK; i++) {
        writeFully(ch, blockData(pattern, i, 0), i * BLOCK);
      }
      writeFully(ch, ByteBuffer.wrap(spec.footerBytes(-1)), SIZE);
    }
  }

  private static void writeDynamic(Path target) throws IOException {
    writeSparse(target, dynamicSpec(SIZE), 1, null, 0, false, false);
  }

  private static TestImage dynamicSpec(long size) {
    TestImage spec = TestImage.dynamic(size, BLOCK);
    spec.creatorApp = "jmh ";
    return spec;
  }

  private static void writeHuge(Path target) throws IOException {
    writeSparse(target, dynamicSpec(HUGE), 1, null, 0, true, false);
  }

  /**
   * Writes a dynamic image of 512-byte blocks without holding its table: the builder's footer copy
   * and header, the table in 1 MiB chunks (every entry unallocated, or every block allocated in
   * order and left as a hole), then the footer.
   */
  private static void writeTinyBlocks(Path target, long size, boolean allocated) throws IOException {
    TestImage spec = TestImage.dynamic(size, 512);
    spec.creatorApp = "jmh ";
    spec.fileLength = spec.tableOffset;
    long entries = spec.entries();
    long dataStart = spec.tableOffset + (4 * entries + 511) / 512 * 512;
    try (FileChannel ch = create(target)) {
      writeFully(ch, ByteBuffer.wrap(spec.toBytes()), 0);
      ByteBuffer table = ByteBuffer.allocate(1 << 20);
      for (long i = 0; i < entries; ) {
        table.clear();
        long first = i;
        for (; table.hasRemaining() && i < entries; i++) {
          table.putInt(allocated ? (int) ((dataStart + 1024 * i) / 512) : -1);
        }
        table.flip();
        writeFully(ch, table, spec.tableOffset + 4 * first);
      }
      long end = allocated ? dataStart + 1024 * entries : dataStart;
      writeFully(ch, ByteBuffer.wrap(spec.footerBytes(spec.headerOffset)), end);
    }
  }

  private static void writeChain(Path top) throws IOException {
    Path dir = top.getParent();
    TestImage base = dynamicSpec(SIZE);
    writeSparse(dir.resolve("base.vhd"), base, 1, null, 0, false, false);
    // Middle: own data in alternating runs of 64 sectors (8 bitmap bytes set, 8 clear).
    byte[] alternating = new byte[512];
    for (int i = 0; i < alternating.length; i++) {
      alternating[i] = (byte) ((i / 8) % 2 == 0 ? 0xFF : 0);
    }
    TestImage mid = TestImage.differencing(base, "base.vhd", BLOCK);
    writeSparse(dir.resolve("mid.vhd"), mid, 1, alternating, 0x5A, false, false);
    TestImage topSpec = TestImage.differencing(mid, "mid.vhd", BLOCK);
    writeSparse(top, topSpec, 4, null, 0xA5, false, false);
  }

  /**
   * Writes a dynamic or differencing image: the builder's metadata, then every {@code stride}-th
   * block in order with the given bitmap (all ones when null) and stamped pattern data, or only
   * the table entries and holes when {@code holes} is set; with {@code aligned}, each block's data
   * starts on a 4 KiB boundary, as Hyper-V lays blocks out.
   */
  private static void writeSparse(Path target, TestImage spec, int stride, byte[] bitmap, int xor, boolean holes,
      boolean aligned) throws IOException {
    long metadataEnd = spec.tailFooterOffset();
    byte[] prefix = Arrays.copyOf(spec.toBytes(), Math.toIntExact(metadataEnd));
    ByteBuffer meta = ByteBuffer.wrap(prefix);
    int bitmapBytes = spec.bitmapBytes();
    long entries = spec.entries();
    long[] at = new long[Math.toIntExact((entries + stride - 1) / stride)];
    long pos = metadataEnd;
    for (long i = 0, k = 0; i < entries; i += stride, k++) {
      if (aligned) {
        pos = (pos + bitmapBytes + 4095) / 4096 * 4096 - bitmapBytes;
      }
      at[(int) k] = pos;
      meta.putInt(Math.toIntExact(spec.tableOffset + 4 * i), (int) (pos / 512));
      pos += bitmapBytes + BLOCK;
    }
    ByteBuffer bm = ByteBuffer.allocateDirect(bitmapBytes);
    byte[] ones = new byte[bitmapBytes];
    Arrays.fill(ones, (byte) 0xFF);
    bm.put(bitmap != null ? bitmap : ones).clear();
    ByteBuffer pattern = pattern();
    try (FileChannel ch = create(target)) {
      writeFully(ch, meta, 0);
      if (!holes) {
        for (long i = 0, k = 0; i < entries; i += stride, k++) {
          writeFully(ch, bm.duplicate().clear(), at[(int) k]);
          writeFully(ch, blockData(pattern, i, xor), at[(int) k] + bitmapBytes);
        }
      }
      writeFully(ch, ByteBuffer.wrap(spec.footerBytes(spec.headerOffset)), pos);
    }
  }
}
