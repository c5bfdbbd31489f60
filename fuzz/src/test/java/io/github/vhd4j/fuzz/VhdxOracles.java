package io.github.vhd4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.vhd4j.DiskFormat;
import io.github.vhd4j.DiskType;
import io.github.vhd4j.Extent;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.Vhdx;
import io.github.vhd4j.VhdxHeader;
import io.github.vhd4j.VhdxImage;
import io.github.vhd4j.VhdxLogState;
import io.github.vhd4j.VhdxMetadata;
import io.github.vhd4j.VhdxParentLocator;
import io.github.vhd4j.VhdxRegion;
import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.vhdx.FuzzAccess;
import io.github.vhd4j.testing.SparseImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * What must hold for every VHDX image the library agrees to open, whatever its bytes: the records
 * agree with each other and with MS-VHDX's bounds, the chain is well formed, and the allocation map
 * covers the disk exactly and agrees with every byte read ({@link Oracles#readAgainstMap}: data runs
 * read the layer file at their offset, zero runs read zeros). The top layer's file is taken as a
 * fresh parse sees it after replaying its log, since a dirty file's blocks are read through the
 * replay. A strictly opened image never fails a read or a map; a leniently opened one may fail them
 * only for a block it listed as damaged. When the input's content is known (a builder-made base
 * without mutations), the bytes read are the ones it was built with.
 */
final class VhdxOracles {
  /** Block states a lenient open keeps but cannot read (the table's damaged-block errors). */
  static final Set<ProblemCode> DAMAGED = Set.of(ProblemCode.VHDX_BAT_STATE, ProblemCode.VHDX_BITMAP_MISSING,
      ProblemCode.VHDX_BAT_OFFSET, ProblemCode.VHDX_BAT_OVERLAP);
  private static final int SAMPLE = 16 * 1024;
  /**
   * Disks up to this size are read whole, larger ones sampled (ends, every data run's edges, random
   * spots): VHDX blocks are at least 1 MiB, so whole reads would cost more than the oracle gains.
   */
  static final long WHOLE_READ_CAP = 256 * 1024;

  private VhdxOracles() {}

  /** What one open produced; opens of the same bytes through any storage must produce equal ones. */
  record Snapshot(long size, VhdxHeader header, List<VhdxHeader> headers, List<VhdxRegion> regions,
      VhdxMetadata metadata, @Nullable VhdxParentLocator locator, VhdxLogState log, DiskType type, long blockSize,
      int logicalSectorSize, int physicalSectorSize, String creator, int chainLength, List<String> warnings,
      @Nullable List<Extent> map) {}

  /** The layers of an opened image: the top as replayed (if it was), its parents as found. */
  static Layers layers(VhdxImage img, VhdxInput.Case c, OpenOptions options) throws IOException {
    List<Storage> out = new ArrayList<>();
    Storage top = c.file().storage();
    if (img.getLogState().replayedInMemory()) {
      top = Objects.requireNonNull(FuzzAccess.replayed(top, options),
          "the image replayed its log, a fresh parse of the same bytes could not");
    }
    out.add(top);
    Map<Path, SparseImage> parents = VhdxFixture.install();
    List<VhdxImage> chain = img.getChain();
    for (int i = 1; i < chain.size(); i++) {
      Path p = Objects.requireNonNull(chain.get(i).getPath(), "a parent always has a path");
      SparseImage parent = parents.get(p);
      assertNotNull(parent, "a parent that is not one of the fixture's was opened: " + p);
      out.add(parent.storage());
    }
    return storages(out);
  }

  /** Layers read from storages. */
  static Layers storages(List<Storage> layers) {
    return new Layers() {
      @Override
      public int count() {
        return layers.size();
      }

      @Override
      public long length(int depth) {
        return layers.get(depth).size();
      }

      @Override
      public void copy(int depth, long from, byte[] dst, int at, int n) {
        try {
          layers.get(depth).read(from, ByteBuffer.wrap(dst), at, n);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
  }

  /**
   * Exercises an open image and returns its snapshot.
   *
   * @param img the image
   * @param layers each chain layer's bytes, top first
   * @param content what the disk must read as, or null when unknown
   * @param rnd per-input randomness
   * @param lenient whether the image was opened leniently
   * @param read whether to read the disk against its map, or only to take the snapshot (records,
   *     warnings, map) of an image whose strict twin was read
   */
  static Snapshot exercise(VhdxImage img, Layers layers, @Nullable VhdxContent content, SplittableRandom rnd,
      boolean lenient, boolean read) throws IOException {
    records(img, layers);
    long size = img.getSize();
    List<Extent> map = null;
    try {
      map = img.map();
    } catch (VhdFormatException e) {
      if (!lenient) {
        throw new AssertionError("map() of a strictly opened image failed: " + e, e);
      }
      assertDamaged(img, e);
      readByBlocks(img, layers, size, rnd);
    }
    if (map != null && read) {
      Oracles.readAgainstMap(img, map, layers, size, WHOLE_READ_CAP, rnd);
      if (content != null) {
        assertContent(img, content, map, rnd);
      }
    }
    return new Snapshot(size, img.getHeader(), img.getHeaders(), img.getRegions(), img.getMetadata(),
        img.getParentLocator(), img.getLogState(), img.getDiskType(), img.getBlockSize(), img.getLogicalSectorSize(),
        img.getPhysicalSectorSize(), img.getCreator(), img.getChain().size(),
        Problems.normalize(img.getWarnings(), img.getResource()), map);
  }

  /** The records agree with each other and with MS-VHDX's bounds; the chain is well formed. */
  private static void records(VhdxImage img, Layers layers) {
    assertEquals(DiskFormat.VHDX, img.getFormat());
    long size = img.getSize();
    VhdxMetadata m = img.getMetadata();
    assertEquals(m.virtualSize(), size, "getSize() and the metadata disagree");
    assertEquals(size, img.getSizeInfo().virtualSize(), "getSize() and getSizeInfo() disagree");
    assertTrue(size > 0 && size <= Vhdx.MAX_SIZE, "virtual size " + size);
    int logical = img.getLogicalSectorSize();
    assertTrue(logical == 512 || logical == 4096, "logical sector size " + logical);
    assertTrue(img.getPhysicalSectorSize() == 512 || img.getPhysicalSectorSize() == 4096,
        "physical sector size " + img.getPhysicalSectorSize());
    assertEquals(0, size % logical, "a virtual size that is not a multiple of the sector size opened: " + size);
    long bs = img.getBlockSize();
    assertTrue(bs >= 1 << 20 && bs <= 256 << 20 && Long.bitCount(bs) == 1, "block size " + bs);
    assertEquals(bs, m.blockSize());
    VhdxHeader h = img.getHeader();
    assertTrue(h.valid() && h.current(), "the header in effect is not a valid current copy: " + h);
    assertEquals(2, img.getHeaders().size());
    assertTrue(img.getHeaders().contains(h), "the header in effect is not one of the copies");
    VhdxLogState log = img.getLogState();
    // The log state's LogGuid is the header's, or zero when the log is empty (nothing to replay).
    assertTrue(log.logGuid().equals(h.logGuid()) || !log.dirty() && log.logGuid().equals(new java.util.UUID(0, 0)),
        "log state " + log + " and header " + h + " disagree on LogGuid");
    assertEquals(log.dirty(), !log.logGuid().equals(new java.util.UUID(0, 0)), "dirty iff a LogGuid: " + log);
    if (log.replayedInMemory()) {
      assertTrue(log.dirty() && log.entries() > 0, "replayed without entries: " + log);
    }
    DiskType type = img.getDiskType();
    assertEquals(m.hasParent(), type == DiskType.DIFFERENCING, "disk type " + type + " and " + m);
    if (!m.hasParent()) {
      assertEquals(m.leaveBlockAllocated(), type == DiskType.FIXED, "disk type " + type + " and " + m);
    }
    assertEquals(m.hasParent(), img.getParentLocator() != null, "a locator iff a parent");
    List<VhdxImage> chain = img.getChain();
    assertSame(img, chain.get(0), "the chain starts with the image itself");
    assertEquals(layers.count(), chain.size(), "one file per chain layer");
    for (int i = 0; i + 1 < chain.size(); i++) {
      assertSame(chain.get(i + 1), chain.get(i).getParent());
      assertEquals(DiskType.DIFFERENCING, chain.get(i).getDiskType(), "only differencing disks have parents");
    }
    assertFalse(chain.get(chain.size() - 1).getDiskType() == DiskType.DIFFERENCING,
        "the last layer of a chain is a differencing disk");
  }

  /** A read or map of a lenient image failed: only for a damaged block the open listed. */
  static void assertDamaged(VhdxImage img, VhdFormatException e) {
    ProblemCode code = e.getCode();
    if (!DAMAGED.contains(code)) {
      throw new AssertionError("a lenient image failed to read for another reason than a damaged block: " + e, e);
    }
    Problem failed = e.getProblem();
    // Past Problems.MAX_PER_CODE problems of one code, an open lists only how many more there were
    // (structure "*"): a damaged block among those is not named.
    assertTrue(img.getWarnings().stream().anyMatch(p -> p.code() == code && p.severity() == Severity.ERROR
            && p.resource().equals(failed.resource())
            && (p.structure().equals("*") || p.offset() == failed.offset() || sharedWith(p, failed, img.getBlockSize()))),
        "a block failed to read (" + failed + ") but the open did not list it as damaged: " + img.getWarnings());
  }

  /**
   * Whether {@code listed} reports a file range that {@code failed}'s object (a block of
   * {@code blockSize} bytes or a 1 MiB sector bitmap at the file offset its problem names) shares
   * with another: an overlap between two objects is listed once, at the later entry, with that
   * entry's range, while both objects are unreadable.
   */
  private static boolean sharedWith(Problem listed, Problem failed, long blockSize) {
    String range = listed.actual();
    if (failed.code() != ProblemCode.VHDX_BAT_OVERLAP || range == null || !range.matches("\\[\\d+, \\d+\\)")
        || failed.actual() == null || !failed.actual().matches("\\d+( .*)?")) {
      return false;
    }
    String[] ends = range.substring(1, range.length() - 1).split(", ");
    long at = Long.parseLong(failed.actual().split(" ")[0]);
    long end = at + Math.max(blockSize, 1L << 20);
    return at < Long.parseLong(ends[1]) && end > Long.parseLong(ends[0]);
  }

  /**
   * A lenient image whose map fails: block by block (the first 32, the last 8, 8 random), a
   * block maps and reads as its map says, or fails both with a damaged-block error.
   */
  private static void readByBlocks(VhdxImage img, Layers layers, long size, SplittableRandom rnd)
      throws IOException {
    long bs = img.getBlockSize();
    long blocks = (size + bs - 1) / bs;
    List<Long> picked = new ArrayList<>();
    for (long b = 0; b < Math.min(blocks, 32); b++) {
      picked.add(b);
    }
    for (long b = Math.max(32, blocks - 8); b < blocks; b++) {
      picked.add(b);
    }
    for (int i = 0; i < 8; i++) {
      picked.add(Math.floorMod(rnd.nextLong(), blocks));
    }
    for (long b : picked) {
      long start = b * bs;
      long len = Math.min(bs, size - start);
      List<Extent> map;
      try {
        map = img.map(start, len);
      } catch (VhdFormatException e) {
        assertDamaged(img, e);
        VhdFormatException read = assertThrows(VhdFormatException.class,
            () -> img.readFully(start, ByteBuffer.allocate((int) Math.min(len, 4096))),
            "block " + b + " failed to map but reads");
        assertDamaged(img, read);
        continue;
      }
      assertEquals(start, map.get(0).start(), "map of block " + b);
      assertEquals(start + len, map.get(map.size() - 1).end(), "map of block " + b);
      for (long pos : new long[] {start, Math.max(start, start + len - SAMPLE)}) {
        int n = (int) Math.min(SAMPLE, start + len - pos);
        byte[] got = Oracles.readChunked(img, pos, n, rnd);
        assertArrayEquals(Oracles.expected(map, layers, pos, n), got, "block " + b + " at " + pos);
      }
    }
  }

  /** The disk reads as it was built: whole up to {@link #WHOLE_READ_CAP}; else its ends, its data runs' edges, random spots. */
  private static void assertContent(VhdxImage img, VhdxContent content, List<Extent> map, SplittableRandom rnd)
      throws IOException {
    long size = img.getSize();
    assertEquals(content.size, size, "the disk's size is not the one it was built with");
    List<long[]> ranges = new ArrayList<>();
    if (size <= WHOLE_READ_CAP) {
      ranges.add(new long[] {0, size});
    } else {
      ranges.add(new long[] {0, SAMPLE});
      ranges.add(new long[] {size - SAMPLE, SAMPLE});
      for (Extent e : map.subList(0, Math.min(map.size(), 32))) {
        long at = Math.max(0, e.start() - 512);
        ranges.add(new long[] {at, Math.min(SAMPLE, size - at)});
        long last = Math.max(0, e.end() - SAMPLE + 512);
        ranges.add(new long[] {last, Math.min(SAMPLE, size - last)});
      }
      for (int i = 0; i < 8; i++) {
        long at = Math.floorMod(rnd.nextLong(), size);
        ranges.add(new long[] {at, Math.min(SAMPLE, size - at)});
      }
    }
    for (long[] r : ranges) {
      ByteBuffer got = ByteBuffer.allocate((int) r[1]);
      img.readFully(r[0], got);
      byte[] want = content.read(r[0], (int) r[1]);
      if (!Arrays.equals(want, got.array())) {
        int i = Arrays.mismatch(want, got.array());
        fail("byte " + (r[0] + i) + " reads " + got.get(i) + ", the image was built with " + want[i]);
      }
    }
  }
}
