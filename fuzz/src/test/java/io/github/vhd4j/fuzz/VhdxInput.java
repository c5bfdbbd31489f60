package io.github.vhd4j.fuzz;

import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.internal.vhdx.layout.BatLayout;
import io.github.vhd4j.internal.vhdx.layout.Guids;
import io.github.vhd4j.internal.vhdx.layout.MetadataLayout;
import io.github.vhd4j.internal.vhdx.layout.ParentLocatorLayout;
import io.github.vhd4j.testing.BuiltVhdx;
import io.github.vhd4j.testing.SparseImage;
import io.github.vhd4j.testing.VhdxBuilder;
import io.github.vhd4j.testing.VhdxLogBuilder;
import java.util.SplittableRandom;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The input of the VHDX image targets: either a {@link Recipe} (a builder-made base of a kind,
 * size, block size and content, then the mutations of {@link VhdxMutations}) or, for kind
 * {@link #RAW}, a whole file in {@link SparseCodec}'s encoding (qemu-img's files and crafted ones).
 * Any byte string decodes.
 *
 * <p>Bases: fixed, dynamic and differencing disks of 512-byte and 4096-byte logical sectors (the
 * differencing ones name {@link VhdxFixture}'s parent of their sector size), and dynamic disks
 * whose log must be replayed to see a block ({@link #DIRTY}, as in a Windows file copied while in
 * use). Sizes reach past the first sector bitmap chunk (4 GiB and 32 GiB) up to 64 TiB; the block
 * size grows where a table would pass 2^16 entries (64 TiB keeps 2^18 of 256 MiB blocks), and fixed disks keep at most 64 blocks, so that
 * every base stays a small sparse file.
 */
final class VhdxInput {
  static final int FIXED = 0;
  static final int DYNAMIC = 1;
  static final int DIFFERENCING = 2;
  static final int FIXED_4K = 3;
  static final int DYNAMIC_4K = 4;
  static final int DIFFERENCING_4K = 5;
  static final int DIRTY = 6;
  static final int RAW = 7;
  static final int KINDS = 8;

  private static final long MIB = VhdxBuilder.MIB;
  static final long[] SIZES = {MIB, 3 * MIB + 512, 8 * MIB, 64 * MIB, (4L << 30) + 3 * MIB, (32L << 30) + 3 * MIB,
      1L << 40, 1L << 46};
  static final long[] BLOCK_SIZES = {MIB, 2 * MIB, 4 * MIB, 32 * MIB, 256 * MIB};
  /** The LogGuid of dirty bases. */
  static final UUID LOG_GUID = UUID.fromString("5eed1065-0000-4000-8000-000000000001");
  private static final int MAX_FIXED_BLOCKS = 64;
  private static final long MAX_ENTRIES = 1L << 16;

  /**
   * One decoded input.
   *
   * @param file the image file
   * @param options how to open it (parents come from {@link VhdxFixture})
   * @param content what it must read as, or null when mutations may have changed that
   * @param recipe the recipe, or null for a raw file
   */
  record Case(SparseImage file, OpenOptions options, @Nullable VhdxContent content, @Nullable Recipe recipe) {}

  /** A base before it is built: the builder and what it must read as. */
  record Base(VhdxBuilder builder, VhdxContent content, int kind) {
    boolean differencing() {
      return kind == DIFFERENCING || kind == DIFFERENCING_4K;
    }
  }

  private VhdxInput() {}

  static Case decode(byte[] data) {
    if (data.length > 0 && (data[0] & 0xFF) % KINDS == RAW) {
      return new Case(SparseCodec.decode(data, 1), VhdxFixture.options(), null, null);
    }
    Recipe r = Recipe.decode(data);
    Base base = base(r);
    VhdxMutations m = new VhdxMutations(base.builder());
    for (Recipe.Op op : r.ops()) {
      m.beforeBuild(op);
    }
    if (base.kind() == DIRTY) {
      dirty(base, r.content());
    }
    BuiltVhdx v = base.builder().build();
    for (Recipe.Op op : r.ops()) {
      m.afterBuild(v, op);
    }
    if (r.fixChecksums()) {
      VhdxMutations.reseal(v);
    }
    return new Case(v.file, VhdxFixture.options(), r.ops().isEmpty() ? base.content() : null, r);
  }

  /** Sets every GUID the builder would pick at random, from {@code seed}. */
  static void identify(VhdxBuilder b, long seed) {
    UUID file = new UUID(0x5eed_f11e_0000_4000L, seed);
    UUID data = new UUID(0x5eed_da7a_0000_4000L, seed);
    b.header1.fileWriteGuid = file;
    b.header2.fileWriteGuid = file;
    b.header1.dataWriteGuid = data;
    b.header2.dataWriteGuid = data;
    b.virtualDiskId = new UUID(0x5eed_d15c_0000_4000L, seed);
    if (b.type != VhdxBuilder.Type.DIFFERENCING) {
      b.locator.put(ParentLocatorLayout.PARENT_LINKAGE, Guids.text(new UUID(0x5eed_1111_0000_4000L, seed)));
    }
  }

  /** The base a recipe names, with its content written. */
  static Base base(Recipe r) {
    int kind = r.kind() % KINDS;
    long sector = kind == FIXED_4K || kind == DYNAMIC_4K || kind == DIFFERENCING_4K ? 4096 : 512;
    long size = (SIZES[r.size() % SIZES.length] + sector - 1) / sector * sector;
    long bs = BLOCK_SIZES[r.blockSize() % BLOCK_SIZES.length];
    boolean fixed = kind == FIXED || kind == FIXED_4K;
    if (fixed) {
      size = Math.min(size, MAX_FIXED_BLOCKS * bs);
    }
    while (BatLayout.payloadBlocks(size, bs) > MAX_ENTRIES && bs < MetadataLayout.MAX_BLOCK_SIZE) {
      bs *= 2;
    }
    VhdxBuilder b;
    VhdxContent parent = null;
    if (kind == DIFFERENCING || kind == DIFFERENCING_4K) {
      b = VhdxBuilder.differencing(size, bs, sector == 4096 ? VhdxFixture.PARENT_4K : VhdxFixture.PARENT_512);
      b.locator.put(ParentLocatorLayout.RELATIVE_PATH, sector == 4096 ? VhdxFixture.NAME_4K : VhdxFixture.NAME_512);
      parent = VhdxFixture.content(sector);
    } else {
      b = fixed ? VhdxBuilder.fixed(size, bs) : VhdxBuilder.dynamic(size, bs);
    }
    b.logicalSectorSize = sector;
    identify(b, (long) r.kind() << 24 | (long) r.size() << 16 | (long) r.blockSize() << 8 | r.content());
    b.creator = "vhd4j fuzz " + kind;
    Base base = new Base(b, new VhdxContent(size, bs, sector, parent), kind);
    write(base, r.content());
    return base;
  }

  /** Writes 1 to 3 blocks of data (or data-less states) chosen by {@code seed}; 0 writes nothing. */
  static void write(Base base, int seed) {
    if (seed == 0) {
      return;
    }
    VhdxBuilder b = base.builder();
    VhdxContent c = base.content();
    long blocks = BatLayout.payloadBlocks(c.size, c.blockSize);
    long cr = b.chunkRatio();
    long[] candidates = {0, 1, blocks - 1, cr - 1, cr, cr + 1, blocks / 2};
    SplittableRandom rnd = new SplittableRandom(seed);
    int writes = 1 + seed % 3;
    for (int i = 0; i < writes; i++) {
      long blk = candidates[rnd.nextInt(candidates.length)];
      if (blk < 0 || blk >= blocks) {
        blk = 0;
      }
      int block = (int) blk;
      int len = 1 + rnd.nextInt(64 * 1024);
      int room = (int) Math.min(c.blockSize, 2 * MIB) - len;
      int offset = rnd.nextBoolean() ? 0 : (int) (rnd.nextInt(room + 1) / c.sectorSize * c.sectorSize);
      byte[] bytes = new byte[len];
      rnd.nextBytes(bytes);
      int how = rnd.nextInt(base.differencing() ? 4 : 3);
      if (how == 0 || how == 1 || base.kind() == FIXED || base.kind() == FIXED_4K) {
        c.full(b, block, offset, bytes);
      } else if (how == 2) {
        int[] states = {BatLayout.PAYLOAD_ZERO, BatLayout.PAYLOAD_UNMAPPED, BatLayout.PAYLOAD_UNDEFINED};
        c.state(b, block, states[rnd.nextInt(states.length)]);
      } else {
        long sectors = c.blockSize / c.sectorSize;
        long first = rnd.nextInt((int) Math.min(sectors, 4096));
        long count = 1 + rnd.nextInt((int) Math.min(sectors - first, 64));
        long first2 = (offset + len) / c.sectorSize;
        c.partial(b, block, offset, bytes, new long[] {first, count},
            new long[] {Math.min(first2, sectors - 1), 1});
      }
    }
  }

  /**
   * Makes a dirty base: a block's data is stored past the file's end and only the log's BAT page
   * makes it present, so that an image read without replaying the log misses it (vhdx.md X-9).
   */
  private static void dirty(Base base, int seed) {
    VhdxBuilder b = base.builder();
    VhdxContent c = base.content();
    if (b.logLength <= 0 || b.logLength > 2 * MIB) {
      b.logGuid(LOG_GUID);
      return;
    }
    BuiltVhdx first = b.build();
    long end = (first.file.length() + MIB - 1) / MIB * MIB;
    long blocks = BatLayout.payloadBlocks(c.size, c.blockSize);
    int block = (int) Math.floorMod(seed * 7L + 1, Math.min(blocks, 1L << 30));
    long entryAt = first.batOffset + BatLayout.payloadIndex(block, b.chunkRatio()) * BatLayout.ENTRY_SIZE;
    long page = entryAt / VhdxLogBuilder.SECTOR * VhdxLogBuilder.SECTOR;
    byte[] sector = first.file.read(page, VhdxLogBuilder.SECTOR);
    java.nio.ByteBuffer.wrap(sector).order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .putLong((int) (entryAt - page), BatLayout.entry(BatLayout.PAYLOAD_FULLY_PRESENT, end));
    byte[] data = new byte[(int) Math.min(c.blockSize, 8192 + seed * 64L)];
    new SplittableRandom(seed).nextBytes(data);
    b.place(end, data);
    VhdxLogBuilder log = new VhdxLogBuilder(LOG_GUID, (int) b.logLength);
    log.at(Math.floorMod(seed * VhdxLogBuilder.SECTOR, b.logLength / 2));
    long tail = log.position();
    log.entry(10 + seed).data(page, sector).flushed(end).last(end + c.blockSize).write();
    log.entry(11 + seed).tail(tail).data(page, sector).flushed(end).last(end + c.blockSize).write();
    b.logBytes = log.bytes();
    b.logGuid(LOG_GUID);
    c.present(block, data);
  }
}
