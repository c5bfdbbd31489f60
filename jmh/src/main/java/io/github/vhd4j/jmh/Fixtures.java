package io.github.vhd4j.jmh;

import io.github.vhd4j.internal.vhdx.layout.BatLayout;
import io.github.vhd4j.internal.vhdx.layout.Le;
import io.github.vhd4j.internal.vhdx.layout.MetadataLayout;
import io.github.vhd4j.testing.BuiltVhdx;
import io.github.vhd4j.testing.TestImage;
import io.github.vhd4j.testing.VhdxBuilder;
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
 *   <li>{@code vhdx.vhdx}: the raw content as a dynamic VHDX of Hyper-V's default 32 MiB blocks,
 *       every block FULLY_PRESENT, in order, right after the regions (Hyper-V's layout: header
 *       section, 1 MiB log, metadata, then the table).
 *   <li>{@code vhdxFixed.vhdx}: the same file marked fixed (LeaveBlockAllocated).
 *   <li>{@code vhdxHuge.vhdx}: 64 TiB dynamic VHDX of 32 MiB blocks, all 2,097,152 payload
 *       entries FULLY_PRESENT (a 16.1 MiB table), blocks left as holes. Ext4 caps a file at
 *       16 TiB, so this one is made in {@code -Dvhd4j.jmh.hugeDir} (default
 *       {@code /dev/shm/vhd4j-jmh}, a tmpfs, where the sparse file takes the 20 MiB written).
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
  /**
   * Block size of the VHDX fixtures: Hyper-V's default for dynamic disks (qemu-img picks 16 MiB
   * for a 2 GiB disk, 32 MiB above 100 GiB).
   */
  public static final long VHDX_BLOCK = 32L << 20;
  /** Virtual size of the VHDX open fixture: the largest VHDX, 64 TiB. */
  public static final long VHDX_HUGE = MetadataLayout.MAX_VIRTUAL_SIZE;

  private static final int VERSION = 1;

  private Fixtures() {}

  /**
   * Returns the path of a fixture, building it first when needed.
   *
   * @param name one of {@code raw}, {@code dynamic}, {@code dynamic4k}, {@code fixed},
   *     {@code chain3}, {@code huge}, {@code tiny100g}, {@code tiny2g}, {@code vhdx},
   *     {@code vhdxFixed}, {@code vhdxHuge}
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
        case "vhdx":
          return build(dir.resolve("vhdx.vhdx"), target -> writeVhdx(target, SIZE, false, false));
        case "vhdxFixed":
          return build(dir.resolve("vhdxFixed.vhdx"), target -> writeVhdx(target, SIZE, true, false));
        case "vhdxHuge":
          return build(hugeDir().resolve("vhdxHuge.vhdx"), target -> writeVhdx(target, VHDX_HUGE, false, true));
        default:
          throw new IllegalArgumentException("unknown fixture " + name);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where the 64 TiB VHDX goes: a file system that holds files past ext4's 16 TiB. */
  private static Path hugeDir() throws IOException {
    Path shm = Path.of("/dev/shm");
    String fallback = Files.isDirectory(shm) && Files.isWritable(shm) ? shm.resolve("vhd4j-jmh").toString()
        : System.getProperty("java.io.tmpdir");
    Path dir = Path.of(System.getProperty("vhd4j.jmh.hugeDir", fallback)).resolve("v" + VERSION);
    Files.createDirectories(dir);
    return dir;
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

  /**
   * Writes a VHDX of 32 MiB blocks, every payload block FULLY_PRESENT and placed in block order
   * right after the regions the builder lays out (MS-VHDX 2.5: payload entries interleaved with
   * one sector bitmap entry per chunk, NOT_PRESENT in a disk without a parent). The builder writes
   * the header section, log and metadata; the table is streamed in 1 MiB pieces and the data in
   * 2 MiB pieces, the raw fixture's, so the disk reads exactly as {@code raw.img} (unless
   * {@code holes}, where blocks are left as holes of a sparse file).
   */
  private static void writeVhdx(Path target, long size, boolean fixed, boolean holes) throws IOException {
    VhdxBuilder spec = VhdxBuilder.dynamic(size, VHDX_BLOCK);
    spec.creator = "vhd4j jmh";
    if (fixed) {
      spec.fileParameterFlags = MetadataLayout.LEAVE_BLOCK_ALLOCATED;
    }
    BuiltVhdx built = spec.build();
    long dataStart = built.file.length();
    long blocks = BatLayout.payloadBlocks(size, VHDX_BLOCK);
    long chunkRatio = spec.chunkRatio();
    long count = spec.batEntries();
    built.file.setLength(dataStart + blocks * VHDX_BLOCK);
    built.file.write(target);
    try (FileChannel ch = FileChannel.open(target, StandardOpenOption.WRITE)) {
      ByteBuffer table = Le.allocate(1 << 20);
      for (long i = 0; i < count; ) {
        table.clear();
        long first = i;
        for (; table.hasRemaining() && i < count; i++) {
          long block = i - i / (chunkRatio + 1);
          table.putLong(BatLayout.isBitmapIndex(i, chunkRatio) ? 0
              : BatLayout.entry(BatLayout.PAYLOAD_FULLY_PRESENT, dataStart + block * VHDX_BLOCK));
        }
        table.flip();
        writeFully(ch, table, built.batOffset + BatLayout.ENTRY_SIZE * first);
      }
      if (!holes) {
        ByteBuffer pattern = pattern();
        for (long i = 0; i < size / BLOCK; i++) {
          writeFully(ch, blockData(pattern, i, 0), dataStart + i * BLOCK);
        }
      }
    }
  }
}
