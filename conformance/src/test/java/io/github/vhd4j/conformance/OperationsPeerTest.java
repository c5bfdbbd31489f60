package io.github.vhd4j.conformance;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.DiskType;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.ProgressListener;
import io.github.vhd4j.RepairAction;
import io.github.vhd4j.SizeMode;
import io.github.vhd4j.ValidationReport;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.conformance.PeerVerifier.Outcome;
import io.github.vhd4j.conformance.PeerVerifier.Peer;
import io.github.vhd4j.conformance.PeerVerifier.Subject;
import io.github.vhd4j.conformance.PeerVerifier.Verdict;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images made by vhd4j's whole-image operations, read by every peer: {@link Vhd#convertRaw},
 * {@link Vhd#convert}, {@link Vhd#resize}, {@link Vhd#compact}, {@link Vhd#commit} and
 * {@link Vhd#repair} are only right if QEMU, libvhdi and 7-Zip read exactly the content the
 * operation promises.
 *
 * <p>Each case builds its input from a seed (raw bytes with random data, patterns and zero runs, or
 * images written through {@link VhdImage#write} with a seeded workload), keeps the expected guest
 * content beside it, runs the operation, and then checks three things: the file's own structures,
 * read directly (footer, header, table, bitmaps, block data: not through vhd4j, so that a bug in an
 * operation cannot hide behind the same reader), vhd4j's reads, and every peer through
 * {@link PeerVerifier}. Whole zero blocks must stay unallocated in conversion and compaction
 * output, in the table and in {@code qemu-img map} alike.
 *
 * <p>Where a peer is documented to read otherwise ({@code conformance/DIVERGENCES.md}), its exact
 * answer is predicted instead of accepted as "differs":
 * <ul>
 *   <li>QEMU opens a differencing disk alone (case 5): it must return exactly the data stored in
 *       the child's blocks (read from the file, after checking that it is the model's content in
 *       every sector whose bit is set and zeros elsewhere) and zeros in unallocated blocks;
 *   <li>a differencing disk larger than its parent (case 13), which vhd4j never creates or grows
 *       (both refuse) but other tools leave and commit resolves: 7-Zip stops extracting at
 *       the first block past the parent's end that the child does not store entirely, with an
 *       error; libvhdi refuses reads past the parent's media size unless the child stores every
 *       sector of the read.
 * </ul>
 * libvhdi sizes a disk by its original size (case 2); resize, and the commit that grows a parent,
 * set it to the new size, so libvhdi must agree after them like every other peer, and the test
 * checks the field directly.
 * Repair inputs are damaged on purpose; what each peer makes of them before the repair is
 * recorded (as report entries and on standard output), never asserted, since nothing about it is
 * documented. After the repair, every peer must agree.
 *
 * <p>Every failure message starts with the seed: {@code -Dvhd4j.conformance.seed=N} reruns it.
 */
@RequiresPeers({Peers.QEMU_IMG, Peers.SEVEN_ZIP, Peers.VHDIINFO, Peers.PYVHDI})
class OperationsPeerTest {
  private static final long KIB = 1024;
  private static final long MIB = KIB * KIB;
  private static final int SECTOR = 512;

  @TempDir
  static Path dir;

  @BeforeAll
  static void requirePeers() {
    Peers.require(PeerVerifier.tools());
  }

  static long seed() {
    return GeneratedCorpusTest.seed();
  }

  /** The seed of case {@code index}, derived from the run's seed as WriterPeerTest derives its own. */
  private static long caseSeed(long seed, int index) {
    return seed * 1_000_003L + index;
  }

  private static String context(long seed, long caseSeed, String name) {
    return "seed " + seed + " (rerun with -Dvhd4j.conformance.seed=" + seed + "), case seed " + caseSeed + ", "
        + name;
  }

  /**
   * One case: builds its input in a directory from its seed, runs the operation and returns the
   * checks. Failures while building or operating are reported with the case's context.
   */
  @FunctionalInterface
  interface Body {
    List<Executable> run(Path d, Random rnd, StringBuilder recipe) throws IOException;
  }

  private static DynamicTest test(long seed, int index, String name, Body body) {
    long cs = caseSeed(seed, index);
    return DynamicTest.dynamicTest(name, () -> {
      Path d = Files.createDirectories(dir.resolve(name.replaceAll("[^A-Za-z0-9._-]", "_")));
      StringBuilder recipe = new StringBuilder();
      List<Executable> checks;
      try {
        checks = body.run(d, new Random(cs), recipe);
      } catch (IOException | RuntimeException e) {
        throw new AssertionError(context(seed, cs, name) + recipe + ": " + e, e);
      }
      assertAll(context(seed, cs, name) + recipe, checks);
    });
  }

  // ---- seeded content -------------------------------------------------------------------------

  /** How a block of generated raw content is filled. */
  enum Fill { ZERO, RANDOM, PATTERN, PARTIAL, ZERO_RUN }

  /**
   * Raw content of {@code length} bytes in units of {@code unit}: each unit is left zero (a whole
   * zero block, which must stay unallocated), filled with random bytes or a repeated byte, given
   * one random range in zeros, or filled with a zero run inside (data on both sides). The first
   * byte and the last byte are never zero, and the second unit, when there are three or more, is
   * always zero: every content has data in its first and in its partial last sector, and at least
   * one whole zero block between data.
   */
  static byte[] generate(long length, long unit, Random rnd, StringBuilder recipe) {
    byte[] b = new byte[Math.toIntExact(length)];
    int units = (int) ((length + unit - 1) / unit);
    List<Integer> zeros = new ArrayList<>();
    Fill[] fills = Fill.values();
    for (int u = 0; u < units; u++) {
      int from = (int) (u * unit);
      int to = (int) Math.min(length, from + unit);
      int n = to - from;
      Fill f = units >= 3 && u == 1 ? Fill.ZERO : fills[rnd.nextInt(fills.length)];
      switch (f) {
        case ZERO -> zeros.add(u);
        case RANDOM -> random(b, from, n, rnd);
        case PATTERN -> Arrays.fill(b, from, to, (byte) (1 + rnd.nextInt(255)));
        case PARTIAL -> {
          int len = 1 + rnd.nextInt(Math.min(n, 100_000));
          random(b, from + rnd.nextInt(n - len + 1), len, rnd);
        }
        default -> {
          // Data, then a zero run strictly inside the unit (at least one data byte each side).
          random(b, from, n, rnd);
          int len = n < 3 ? 0 : rnd.nextInt(n - 2);
          int at = from + 1 + (n < 3 ? 0 : rnd.nextInt(n - 1 - len));
          Arrays.fill(b, at, at + len, (byte) 0);
          b[from] |= 1;
          b[to - 1] |= 1;
        }
      }
      if (f != Fill.ZERO && isZero(b, from, n)) {
        b[from] = 1; // a random range that happened to be all zeros
      }
    }
    b[0] |= 1;
    b[b.length - 1] |= (byte) 0x80;
    recipe.append(", ").append(length).append(" raw bytes, whole zero units of ").append(unit).append(": ")
        .append(zeros.size() > 30 ? zeros.subList(0, 30) + "..." : zeros);
    return b;
  }

  private static void random(byte[] b, int from, int length, Random rnd) {
    byte[] r = new byte[length];
    rnd.nextBytes(r);
    System.arraycopy(r, 0, b, from, length);
  }

  static boolean isZero(byte[] b, int from, int length) {
    for (int i = from; i < from + length; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** {@code content} followed by zeros up to {@code size} (or cut to it). */
  static byte[] padded(byte[] content, long size) {
    return Arrays.copyOf(content, Math.toIntExact(size));
  }

  /** The blocks of {@code content} holding any non-zero byte: exactly those a conversion stores. */
  static BitSet nonZeroBlocks(byte[] content, long blockSize) {
    BitSet out = new BitSet();
    for (int b = 0; (long) b * blockSize < content.length; b++) {
      int from = (int) (b * blockSize);
      if (!isZero(content, from, (int) Math.min(blockSize, content.length - from))) {
        out.set(b);
      }
    }
    return out;
  }

  /** One write of a workload, for failure messages. */
  record Op(String kind, long pos, int length) {
    @Override
    public String toString() {
      return kind + "@" + pos + "+" + length;
    }
  }

  /**
   * A seeded workload through vhd4j's writer, mirrored in {@code model}: random data, patterns,
   * writes across unit (block) boundaries, zeros over earlier data and over nothing, partial
   * overwrites, zeros over data already in the model (in a differencing disk: over its parent's
   * data, which the zeros must hide), the first sector, and the last one unless {@code limit} is
   * below the end; all below {@code limit}. Returns the writes.
   */
  static List<Op> scribble(VhdImage img, byte[] model, long unit, long limit, Random rnd, int count)
      throws IOException {
    List<Op> ops = new ArrayList<>();
    zerosOverData(img, model, limit, rnd, ops);
    put(img, model, ops, "first", 0, bytes(SECTOR, rnd, false));
    if (limit == model.length) {
      put(img, model, ops, "last", limit - SECTOR, bytes(SECTOR, rnd, false));
    }
    long units = (limit + unit - 1) / unit;
    for (int i = 0; i < count; i++) {
      int k = rnd.nextInt(10);
      long pos;
      int len;
      boolean zeros = false;
      String kind;
      if (k == 5 && units >= 2) {
        long boundary = (1 + rnd.nextInt((int) units - 1)) * unit;
        long before = 1 + rnd.nextInt((int) Math.min(unit, 6000));
        pos = boundary - before;
        len = (int) (Math.min(limit, boundary + 1 + rnd.nextInt((int) Math.min(unit, 6000))) - pos);
        kind = "across";
      } else if ((k == 6 || k == 7 || k == 8) && !ops.isEmpty()) {
        Op old = ops.get(rnd.nextInt(ops.size()));
        pos = Math.max(0, old.pos() + rnd.nextInt(Math.max(1, old.length())) - rnd.nextInt(700));
        len = (int) Math.min(limit - pos, 1 + rnd.nextInt(old.length() + 1400));
        zeros = k != 8;
        kind = zeros ? "zeros-over" : "over";
      } else {
        long max = Math.min(limit, Math.min(256 * KIB, 3 * unit));
        len = 1 + (rnd.nextInt(3) == 0 ? rnd.nextInt((int) max) : rnd.nextInt((int) Math.min(max, 5000)));
        pos = (long) (rnd.nextDouble() * (limit - len + 1));
        zeros = k == 9;
        kind = zeros ? "zeros" : k == 4 ? "pattern" : "random";
      }
      byte[] data = bytes(len, rnd, zeros);
      if (kind.equals("pattern")) {
        Arrays.fill(data, (byte) (1 + rnd.nextInt(255)));
      }
      put(img, model, ops, kind, pos, data);
    }
    return ops;
  }

  /** Zeros over a range of the model that holds data, when it has any (below {@code limit}). */
  private static void zerosOverData(VhdImage img, byte[] model, long limit, Random rnd, List<Op> ops)
      throws IOException {
    int start = rnd.nextInt((int) limit);
    for (int k = 0; k < limit; k++) {
      int i = (int) ((start + k) % limit);
      if (model[i] != 0) {
        int from = Math.max(0, i - rnd.nextInt(3000));
        int len = (int) Math.min(limit - from, 1 + rnd.nextInt(20000));
        put(img, model, ops, "zeros-over-data", from, new byte[len]);
        return;
      }
    }
  }

  private static byte[] bytes(int n, Random rnd, boolean zeros) {
    byte[] b = new byte[n];
    if (!zeros) {
      rnd.nextBytes(b);
      b[0] |= 1;
    }
    return b;
  }

  private static void put(VhdImage img, byte[] model, List<Op> ops, String kind, long pos, byte[] data)
      throws IOException {
    Op op = new Op(kind, pos, data.length);
    ops.add(op);
    try {
      img.write(pos, ByteBuffer.wrap(data));
    } catch (IOException | RuntimeException e) {
      throw new IOException("write " + op + " failed; writes so far " + ops, e);
    }
    System.arraycopy(data, 0, model, (int) pos, data.length);
  }

  /**
   * Writes zeros over whole blocks that hold data, in two writes each: the writer keeps them
   * allocated (zeros over an allocated block are stored), so the image then has allocated blocks
   * of zeros. Returns the blocks zeroed.
   */
  static List<Integer> zeroBlocks(VhdImage img, byte[] model, long blockSize, int count, Random rnd)
      throws IOException {
    BitSet data = nonZeroBlocks(model, blockSize);
    List<Integer> candidates = new ArrayList<>();
    data.stream().forEach(candidates::add);
    java.util.Collections.shuffle(candidates, rnd);
    List<Integer> out = new ArrayList<>(candidates.subList(0, Math.min(count, candidates.size())));
    out.sort(null);
    for (int b : out) {
      long from = b * blockSize;
      int n = (int) Math.min(blockSize, model.length - from);
      int half = n / 2 / SECTOR * SECTOR;
      img.write(from + half, ByteBuffer.allocate(n - half));
      img.write(from, ByteBuffer.allocate(half));
      Arrays.fill(model, (int) from, (int) from + n, (byte) 0);
    }
    return out;
  }

  // ---- the image file, read directly ----------------------------------------------------------

  /**
   * An image file's structures as the specification lays them out, read without vhd4j.
   *
   * @param length the file length
   * @param footer the last 512 bytes
   * @param copy the first 512 bytes (the footer copy of a sparse disk)
   * @param headerOffset where the dynamic header is (sparse disks; else -1)
   * @param tableOffset where the table is (sparse disks; else -1)
   * @param blockSize bytes per block (sparse disks; else 0)
   * @param bat each block's file offset in sectors, or -1 (empty for fixed disks)
   */
  record Structure(long length, ByteBuffer footer, ByteBuffer copy, long headerOffset, long tableOffset,
      long blockSize, long[] bat) {
    int type() {
      return footer.getInt(60);
    }

    long currentSize() {
      return footer.getLong(48);
    }

    long originalSize() {
      return footer.getLong(40);
    }

    long geometrySize() {
      return (footer.getShort(56) & 0xFFFFL) * (footer.get(58) & 0xFF) * (footer.get(59) & 0xFF) * SECTOR;
    }

    int bitmapBytes() {
      long bits = blockSize / SECTOR;
      return (int) (((bits + 7) / 8 + SECTOR - 1) / SECTOR * SECTOR);
    }

    BitSet allocated() {
      BitSet out = new BitSet();
      for (int b = 0; b < bat.length; b++) {
        if (bat[b] >= 0) {
          out.set(b);
        }
      }
      return out;
    }

    static Structure of(Path file) throws IOException {
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
        long length = ch.size();
        ByteBuffer footer = read(ch, length - SECTOR, SECTOR);
        ByteBuffer copy = read(ch, 0, SECTOR);
        if (footer.getInt(60) == 2) {
          return new Structure(length, footer, copy, -1, -1, 0, new long[0]);
        }
        long headerAt = footer.getLong(16);
        ByteBuffer header = read(ch, headerAt, 1024);
        long tableAt = header.getLong(16);
        int entries = header.getInt(28);
        long blockSize = header.getInt(32) & 0xFFFFFFFFL;
        ByteBuffer table = read(ch, tableAt, entries * 4);
        long[] bat = new long[entries];
        for (int b = 0; b < entries; b++) {
          long e = table.getInt(4 * b) & 0xFFFFFFFFL;
          bat[b] = e == 0xFFFFFFFFL ? -1 : e;
        }
        return new Structure(length, footer, copy, headerAt, tableAt, blockSize, bat);
      }
    }
  }

  static ByteBuffer read(FileChannel ch, long pos, int length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length);
    while (b.hasRemaining()) {
      if (ch.read(b, pos + b.position()) < 0) {
        throw new IOException("unexpected end of file at " + (pos + b.position()));
      }
    }
    return b.flip();
  }

  /** The first 20 entries of a problem list: enough to diagnose, short enough to read. */
  private static List<String> first(List<String> all) {
    return all.size() <= 20 ? all : all.subList(0, 20);
  }

  /**
   * Checks a fixed or dynamic image file against the content it must hold: footer type and sizes,
   * the head copy, and for a dynamic disk every block: unallocated blocks are zeros in the
   * content; allocated ones store exactly the content (and zeros past the disk's end), hold zeros
   * under every clear bit (7-Zip refuses data there, DIVERGENCES.md case 10), lie inside the file
   * without overlapping each other, the table or the footer, and start their data on 4 KiB in the
   * aligned layout. With {@code exactAllocation}, the allocated blocks are exactly those holding
   * non-zero bytes (conversion and compaction output). A fixed disk's file is its content and the
   * footer.
   *
   * @return the structure read
   */
  static Structure checkFile(Path file, byte[] content, boolean exactAllocation, boolean aligned, String name,
      List<Executable> checks) throws IOException {
    Structure s = Structure.of(file);
    String cookie = new String(s.footer().array(), 0, 8, java.nio.charset.StandardCharsets.US_ASCII);
    checks.add(() -> assertEquals("conectix", cookie, name + ": tail footer cookie"));
    checks.add(() -> assertEquals(content.length, s.currentSize(), name + ": footer current size"));
    if (s.type() == 2) {
      checks.add(() -> assertEquals(content.length + SECTOR, s.length(),
          name + ": a fixed disk's file is its data and the footer"));
      byte[] data = new byte[content.length];
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
        read(ch, 0, content.length).get(data);
      }
      long at = Arrays.mismatch(content, data);
      checks.add(() -> assertEquals(-1, at, name + ": first difference of the fixed disk's data from the content"));
      return s;
    }
    checks.add(() -> assertEquals(3, s.type(), name + ": footer disk type (dynamic)"));
    checks.add(() -> assertEquals(s.footer(), s.copy(), name + ": the head copy equals the tail footer"));
    long bs = s.blockSize();
    checks.add(() -> assertEquals((content.length + bs - 1) / bs, s.bat().length, name + ": table entries"));
    BitSet want = nonZeroBlocks(content, bs);
    List<String> zeroUnallocated = new ArrayList<>();
    List<String> wrongData = new ArrayList<>();
    List<String> dataUnderClearBit = new ArrayList<>();
    List<String> misaligned = new ArrayList<>();
    List<String> overlaps = new ArrayList<>();
    int bitmap = s.bitmapBytes();
    List<long[]> extents = new ArrayList<>();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      for (int b = 0; b < s.bat().length; b++) {
        long from = b * bs;
        int n = (int) Math.max(0, Math.min(bs, content.length - from));
        if (s.bat()[b] < 0) {
          if (want.get(b)) {
            zeroUnallocated.add(b + "");
          }
          continue;
        }
        long start = s.bat()[b] * SECTOR;
        extents.add(new long[] {start, start + bitmap + bs, b});
        if (aligned && (start + bitmap) % 4096 != 0) {
          misaligned.add(b + "@" + (start + bitmap));
        }
        if (start + bitmap + bs > s.length() - SECTOR) {
          continue; // reported below as an overlap with the footer
        }
        ByteBuffer bits = read(ch, start, bitmap);
        byte[] data = new byte[(int) bs];
        read(ch, start + bitmap, (int) bs).get(data);
        int at = Arrays.mismatch(data, 0, n, content, (int) from, (int) from + n);
        if (at >= 0) {
          wrongData.add(b + "@" + at);
        } else if (!isZero(data, n, (int) bs - n)) {
          wrongData.add(b + "@" + n + " (past the disk's end)");
        }
        for (int x = 0; x < bs / SECTOR; x++) {
          if ((bits.get(x / 8) & (0x80 >>> (x % 8))) == 0 && !isZero(data, x * SECTOR, SECTOR)) {
            dataUnderClearBit.add(b + "/" + x);
          }
        }
      }
    }
    // The metadata as extents too (block -1: the copy, -2: the header, -3: the table), so that a
    // table moved after the blocks by resize is checked like any other.
    extents.add(new long[] {0, SECTOR, -1});
    extents.add(new long[] {s.headerOffset(), s.headerOffset() + 1024, -2});
    extents.add(new long[] {s.tableOffset(), s.tableOffset() + 4L * s.bat().length, -3});
    extents.sort(java.util.Comparator.comparingLong(x -> x[0]));
    long end = 0;
    for (long[] x : extents) {
      if (x[0] < end) {
        overlaps.add("structure " + x[2] + " at " + x[0] + " starts before " + end);
      }
      end = Math.max(end, x[1]);
    }
    if (end > s.length() - SECTOR) {
      overlaps.add("the last structure ends at " + end + ", after the tail footer's start " + (s.length() - SECTOR));
    }
    checks.add(() -> assertEquals(List.of(), first(zeroUnallocated),
        name + ": unallocated blocks whose content is not zero"));
    checks.add(() -> assertEquals(List.of(), first(wrongData),
        name + ": block@first difference of the stored data from the content"));
    checks.add(() -> assertEquals(List.of(), first(dataUnderClearBit),
        name + ": block/sector with data under a clear bit"));
    checks.add(() -> assertEquals(List.of(), first(misaligned),
        name + ": aligned layout, block@data offset not on 4 KiB"));
    checks.add(() -> assertEquals(List.of(), overlaps,
        name + ": blocks overlapping the table, each other or the footer"));
    if (exactAllocation) {
      checks.add(() -> assertEquals(want, s.allocated(),
          name + ": allocated blocks are exactly those holding non-zero bytes"));
    }
    return s;
  }

  /**
   * What QEMU reads from a sparse image opened alone (DIVERGENCES.md case 5, blocks of 4 KiB and
   * up): each allocated block's stored data, zeros elsewhere. For a differencing disk the test
   * first checks ({@link #checkChild}) that the stored data is the model's content where the
   * bitmap is set and zeros where it is clear.
   */
  static byte[] storedView(Path file, Structure s, long size) throws IOException {
    byte[] out = new byte[Math.toIntExact(size)];
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      for (int b = 0; b < s.bat().length; b++) {
        long from = b * s.blockSize();
        if (s.bat()[b] < 0 || from >= size) {
          continue;
        }
        int n = (int) Math.min(s.blockSize(), size - from);
        read(ch, s.bat()[b] * SECTOR + s.bitmapBytes(), n).get(out, (int) from, n);
      }
    }
    return out;
  }

  /**
   * Checks a differencing disk's blocks against its model: every sector whose bit is set stores the
   * content, every other sector stores zeros.
   */
  static Structure checkChild(Path file, byte[] content, String name, List<Executable> checks) throws IOException {
    Structure s = Structure.of(file);
    checks.add(() -> assertEquals(4, s.type(), name + ": footer disk type (differencing)"));
    checks.add(() -> assertEquals(content.length, s.currentSize(), name + ": footer current size"));
    checks.add(() -> assertEquals(s.footer(), s.copy(), name + ": the head copy equals the tail footer"));
    long bs = s.blockSize();
    checks.add(() -> assertEquals((content.length + bs - 1) / bs, s.bat().length, name + ": table entries"));
    List<String> wrong = new ArrayList<>();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      for (int b = 0; b < s.bat().length; b++) {
        if (s.bat()[b] < 0) {
          continue;
        }
        long start = s.bat()[b] * SECTOR;
        ByteBuffer bits = read(ch, start, s.bitmapBytes());
        byte[] data = new byte[(int) bs];
        read(ch, start + s.bitmapBytes(), (int) bs).get(data);
        for (int x = 0; x < bs / SECTOR; x++) {
          long g = b * bs + (long) x * SECTOR;
          boolean set = (bits.get(x / 8) & (0x80 >>> (x % 8))) != 0;
          boolean ok = set && g < content.length
              ? Arrays.equals(data, x * SECTOR, (x + 1) * SECTOR, content, (int) g, (int) g + SECTOR)
              : isZero(data, x * SECTOR, SECTOR);
          if (!ok) {
            wrong.add(b + "/" + x + (set ? "" : "(clear)"));
          }
        }
      }
    }
    checks.add(() -> assertEquals(List.of(), first(wrong), name + ": block/sector storing other than the content"
        + " (set bit) or zeros (clear bit)"));
    return s;
  }

  // ---- what the peers must answer -------------------------------------------------------------

  private static final Set<Peer> ALL = EnumSet.allOf(Peer.class);
  /** The peers that read a differencing chain as a chain. */
  private static final Set<Peer> CHAIN_READERS = EnumSet.of(Peer.VHDIINFO, Peer.LIBVHDI, Peer.SEVEN_ZIP);

  /** Runs {@code peers} and returns checks that each agrees. */
  static List<Executable> agree(Subject s, Path work, Set<Peer> peers) throws IOException {
    Map<Peer, Outcome> got = PeerVerifier.verify(s, work, peers);
    List<Executable> checks = new ArrayList<>();
    for (Peer p : peers) {
      Outcome o = got.get(p);
      checks.add(() -> assertEquals(Verdict.AGREES, o.verdict(), () -> s + ": " + o));
    }
    return checks;
  }

  /**
   * The checks every fixed or dynamic output shares: vhd4j reads the content, every peer agrees,
   * and Debian's qemu-img with its own size rule (CHS for this creator unless the geometry is the
   * maximum) sees the same size: the operations' footers keep both rules on one answer. Sparse
   * outputs also get {@code qemu-img map}'s data runs compared with the content's non-zero blocks
   * when {@code exactAllocation} says the allocation must be exact.
   */
  static List<Executable> output(Path img, byte[] content, boolean exactAllocation, Path d, String name,
      Set<Peer> peers) throws IOException {
    List<Executable> checks = new ArrayList<>();
    Path raw = Files.write(d.resolve(img.getFileName() + ".expected.raw"), content);
    DiskType type;
    long bs;
    try (VhdImage v = Vhd.open(img)) {
      type = v.getDiskType();
      bs = v.getBlockSize();
      long size = v.getSize();
      checks.add(() -> assertEquals(content.length, size, name + ": vhd4j size"));
      if (size == content.length) {
        byte[] got = Content.read(v, 0, content.length);
        long at = Content.mismatch(content, got);
        checks.add(() -> assertEquals(-1, at, name + ": vhd4j read, first difference"));
      }
    }
    ValidationReport report = Vhd.check(img);
    checks.add(() -> assertFalse(report.hasErrors(), () -> name + ": vhd check: " + report.problems()));
    long plain = Qemu.virtualSize(img);
    checks.add(() -> assertEquals(content.length, plain, name + ": qemu-img info -f vpc (QEMU 7.2's own size rule)"));
    Subject s = new Subject(img, List.of(img), raw, type, type == DiskType.FIXED ? 0 : bs, name);
    checks.addAll(agree(s, d, peers));
    if (exactAllocation && type == DiskType.DYNAMIC) {
      BitSet mapped = new BitSet();
      for (Run r : Run.data(Run.fromQemu(Qemu.mapJson(img, PeerVerifier.qemu10SizeCalc(img))))) {
        mapped.set((int) (r.start() / bs), (int) ((r.end() + bs - 1) / bs));
      }
      BitSet want = nonZeroBlocks(content, bs);
      checks.add(() -> assertEquals(want, mapped,
          name + ": blocks qemu-img map lists as data: exactly the non-zero ones"));
    }
    return checks;
  }

  /**
   * libvhdi reads of chosen guest ranges (the chain wired with {@code set_parent}, as
   * {@link PeerVerifier} wires it): the media size, then per range {@code OK n} and the bytes, or
   * {@code ERR} where libvhdi refuses the read. Arguments: the chain, {@code --}, then
   * {@code offset:length} per range.
   */
  static final String PYVHDI_RANGES = String.join("\n",
      "import pyvhdi, sys",
      PeerVerifier.PYVHDI_OPEN_CHAIN,
      "i = sys.argv.index('--')",
      "files = open_chain(sys.argv[1:i])",
      "top = files[0]",
      "out = sys.stdout.buffer",
      "out.write(b'%d\\n' % top.media_size)",
      "for r in sys.argv[i + 1:]:",
      "    off, n = map(int, r.split(':'))",
      "    try:",
      "        b = top.read_buffer_at_offset(n, off)",
      "        out.write(b'OK %d\\n' % len(b))",
      "        out.write(b)",
      "    except Exception:",
      "        out.write(b'ERR\\n')",
      "");

  /** What libvhdi answered for each range: the bytes, or null where it refused. */
  record RangeReads(long mediaSize, List<byte[]> reads) {}

  static RangeReads libvhdiRanges(List<Path> chain, List<long[]> ranges) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Peers.PYTHON, "-c", PYVHDI_RANGES));
    chain.forEach(p -> cmd.add(p.toString()));
    cmd.add("--");
    ranges.forEach(r -> cmd.add(r[0] + ":" + r[1]));
    Peers.Result r = Peers.run(cmd, 300);
    if (r.code() != 0) {
      throw new IOException(r.describe());
    }
    ByteBuffer b = ByteBuffer.wrap(r.stdout());
    long media = Long.parseLong(line(b));
    List<byte[]> reads = new ArrayList<>();
    for (int i = 0; i < ranges.size(); i++) {
      String l = line(b);
      if (l.startsWith("OK ")) {
        byte[] x = new byte[Integer.parseInt(l.substring(3))];
        b.get(x);
        reads.add(x);
      } else {
        reads.add(null);
      }
    }
    return new RangeReads(media, reads);
  }

  private static String line(ByteBuffer b) {
    StringBuilder out = new StringBuilder();
    for (byte c = b.get(); c != '\n'; c = b.get()) {
      out.append((char) c);
    }
    return out.toString();
  }

  /** {@code [from, to)} in pieces of {@code step} bytes, as {offset, length} pairs. */
  static List<long[]> chunks(long from, long to, long step) {
    List<long[]> out = new ArrayList<>();
    for (long p = from; p < to; p += step) {
      out.add(new long[] {p, Math.min(step, to - p)});
    }
    return out;
  }

  /**
   * Compares libvhdi's answers with the prediction: per range the expected bytes, or null where it
   * must refuse. Differences are listed by range, the first few in full.
   */
  static List<Executable> libvhdiAnswers(List<Path> chain, List<long[]> ranges, List<byte[]> want, long wantMedia,
      String name, String why) throws IOException {
    RangeReads got = libvhdiRanges(chain, ranges);
    List<String> wrong = new ArrayList<>();
    for (int i = 0; i < ranges.size(); i++) {
      byte[] w = want.get(i);
      byte[] g = got.reads().get(i);
      String at = ranges.get(i)[0] + "+" + ranges.get(i)[1];
      if (w == null && g != null) {
        wrong.add(at + ": read where a refusal was predicted");
      } else if (w != null && g == null) {
        wrong.add(at + ": refused");
      } else if (w != null && Arrays.mismatch(w, g) >= 0) {
        wrong.add(at + ": differs at +" + Arrays.mismatch(w, g));
      }
    }
    List<Executable> checks = new ArrayList<>();
    checks.add(() -> assertEquals(wantMedia, got.mediaSize(), name + ": pyvhdi media size (" + why + ")"));
    checks.add(() -> assertEquals(List.of(), first(wrong), name + ": pyvhdi reads against the prediction (" + why
        + "), " + wrong.size() + " wrong of " + ranges.size()));
    return checks;
  }

  /** The sectors a sparse image stores itself: the set bits of its allocated blocks. */
  static BitSet storedSectors(Path file, Structure s) throws IOException {
    BitSet out = new BitSet();
    int spb = (int) (s.blockSize() / SECTOR);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      for (int b = 0; b < s.bat().length; b++) {
        if (s.bat()[b] < 0) {
          continue;
        }
        ByteBuffer bits = read(ch, s.bat()[b] * SECTOR, s.bitmapBytes());
        for (int x = 0; x < spb; x++) {
          if ((bits.get(x / 8) & (0x80 >>> (x % 8))) != 0) {
            out.set(b * spb + x);
          }
        }
      }
    }
    return out;
  }

  /** What {@code 7zz x} did: its exit code, its output, and the one extracted file (or null). */
  record Extracted(int code, String text, byte[] content) {}

  static Extracted sevenZip(Path image, Path work) throws IOException {
    Path out = work.resolve("7z-own-" + image.getFileName());
    try {
      Peers.Result r = Peers.run(List.of(Peers.SEVEN_ZIP, "x", "-y", "-bd", "-o" + out, image.toString()), 600);
      byte[] content = null;
      if (Files.isDirectory(out)) {
        try (Stream<Path> files = Files.list(out)) {
          List<Path> l = files.toList();
          if (l.size() == 1) {
            content = Files.readAllBytes(l.get(0));
          }
        }
      }
      return new Extracted(r.code(), (r.out() + r.stderr()).replaceAll("\\s+", " "), content);
    } finally {
      if (Files.exists(out)) {
        try (Stream<Path> w = Files.walk(out)) {
          for (Path p : w.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
    }
  }

  /**
   * 7-Zip on a differencing disk larger than its parent (DIVERGENCES.md case 13). It extracts the
   * disk block by block, the child's stored sectors over the parent's data; a block reaching past
   * the parent's end that the child does not store entirely is where the extraction stops: what
   * lies below the parent's end is still written, then 7-Zip reports "Unexpected end of data"
   * (the child has no such block) or "Data Error" (the child stores part of it) and exits with 2.
   * When the child stores every such block entirely, the whole disk is extracted. (The cases here
   * keep the parent's end on a block boundary of the child, where that is all there is to it.)
   */
  static List<Executable> sevenZipOverSmallerParent(Path child, byte[] content, long parentSize, Path d, String name,
      String when) throws IOException {
    Structure s = Structure.of(child);
    BitSet stored = storedSectors(child, s);
    long bs = s.blockSize();
    int failing = -1;
    for (int b = (int) (parentSize / bs); (long) b * bs < content.length && failing < 0; b++) {
      long from = Math.max(b * bs, parentSize) / SECTOR;
      long to = Math.min((b + 1) * bs, content.length) / SECTOR;
      if (from < to && stored.nextClearBit((int) from) < to) {
        failing = b;
      }
    }
    Extracted z = sevenZip(child, d);
    List<Executable> checks = new ArrayList<>();
    String what = name + ": 7-Zip " + when + " (DIVERGENCES.md case 13";
    if (failing < 0) {
      checks.add(() -> assertEquals(0, z.code(), what + ", the child stores all past the parent): " + z.text()));
      checks.add(() -> assertEquals(-1, Arrays.mismatch(content, z.content()), what + "), first difference"));
      return checks;
    }
    long length = Math.max(failing * bs, parentSize);
    String error = s.bat()[failing] < 0 ? "Unexpected end of data" : "Data Error";
    String where = ", stopping at block " + failing + ", " + length + " bytes";
    checks.add(() -> assertEquals(2, z.code(), what + where + "): exit code: " + z.text()));
    checks.add(() -> assertTrue(z.text().contains("ERROR: " + error), what + where + "): \"" + error + "\": "
        + z.text()));
    checks.add(() -> assertEquals(-1, Arrays.mismatch(Arrays.copyOf(content, (int) length), z.content()),
        what + where + "), first difference"));
    return checks;
  }

  /**
   * QEMU on a differencing disk (DIVERGENCES.md case 5): {@code qemu-img info} reports the child's
   * size and block size, and the content is the child's stored data alone.
   */
  static List<Executable> qemuAlone(Path img, Structure s, long size, Path d, String name) throws IOException {
    List<Executable> checks = new ArrayList<>();
    String calc = PeerVerifier.qemu10SizeCalc(img);
    Map<String, Object> info = Qemu.info(img, calc);
    checks.add(() -> assertEquals(size, info.get("virtual-size"), name + ": qemu-img info virtual size"));
    checks.add(() -> assertEquals(s.blockSize(), info.get("cluster-size"), name + ": qemu-img info cluster size"));
    long plain = Qemu.virtualSize(img);
    checks.add(() -> assertEquals(size, plain, name + ": qemu-img info -f vpc (QEMU 7.2's own size rule)"));
    Path alone = Files.write(d.resolve(img.getFileName() + ".qemu-alone.raw"), storedView(img, s, size));
    Outcome cmp = PeerVerifier.qemuCompare(img, calc, alone);
    checks.add(() -> assertEquals(Verdict.AGREES, cmp.verdict(),
        () -> name + ": qemu-img compare with the child's stored data alone (DIVERGENCES.md case 5): " + cmp));
    return checks;
  }

  // ---- 1. raw -> fixed and dynamic ------------------------------------------------------------

  /** Raw lengths near a few MiB that give each block size several blocks (three of 16 MiB). */
  static long rawBase(long blockSize) {
    if (blockSize <= 4 * KIB) {
      return 3 * MIB;
    }
    if (blockSize <= 64 * KIB) {
      return 6 * MIB;
    }
    return blockSize <= 2 * MIB ? 12 * MIB : 2 * blockSize + MIB;
  }

  static final long[] BLOCK_SIZES = {4 * KIB, 64 * KIB, 2 * MIB, 16 * MIB};

  @TestFactory
  Stream<DynamicTest> shouldConvertRawFilesIntoImagesEveryPeerReads() {
    long seed = seed();
    List<DynamicTest> tests = new ArrayList<>();
    SizeMode[] modes = SizeMode.values();
    int index = 0;
    for (long bs : BLOCK_SIZES) {
      for (boolean aligned : new boolean[] {false, true}) {
        for (SizeMode mode : modes) {
          String name = "raw-to-dynamic-bs" + bs + (aligned ? "-aligned" : "-compact") + "-" + mode;
          tests.add(test(seed, index++, name, (d, rnd, recipe) -> {
            // Whole sectors plus an odd tail: the size is not a whole sector.
            long length = rawBase(bs) + SECTOR * (long) rnd.nextInt(64) + 1 + rnd.nextInt(SECTOR - 1);
            CreateOptions target = CreateOptions.dynamic(0).withBlockSize(bs).withAligned(aligned).withSizeMode(mode);
            return convertRaw(d, name, generate(length, bs, rnd, recipe), target, recipe);
          }));
        }
      }
    }
    for (SizeMode mode : modes) {
      for (boolean odd : new boolean[] {false, true}) {
        // Fixed disks: a whole number of sectors and an odd length; zero runs in 64 KiB units (the
        // conversion leaves all-zero 64 KiB pieces of a fixed disk as holes of its file).
        String name = "raw-to-fixed-" + mode + (odd ? "-odd" : "-sectors");
        tests.add(test(seed, index++, name, (d, rnd, recipe) -> {
          long length = 5 * MIB + SECTOR * (long) rnd.nextInt(64) + (odd ? 1 + rnd.nextInt(SECTOR - 1) : 0);
          return convertRaw(d, name, generate(length, 64 * KIB, rnd, recipe), CreateOptions.fixed(0).withSizeMode(mode),
              recipe);
        }));
      }
    }
    return tests.stream();
  }

  private static List<Executable> convertRaw(Path d, String name, byte[] raw, CreateOptions target,
      StringBuilder recipe) throws IOException {
    Path in = Files.write(d.resolve(name + ".raw"), raw);
    Path out = d.resolve(name + ".vhd");
    Vhd.convertRaw(in, out, target, ProgressListener.none());
    long size;
    try (VhdImage v = Vhd.open(out)) {
      size = v.getSize();
    }
    recipe.append(", image size ").append(size);
    List<Executable> checks = new ArrayList<>();
    long sectors = (raw.length + SECTOR - 1) / SECTOR * SECTOR;
    if (target.sizeMode() == SizeMode.EXACT) {
      checks.add(() -> assertEquals(sectors, size, name + ": exact mode: the raw length rounded up to a sector"));
    } else {
      checks.add(() -> assertTrue(size >= sectors && size - sectors < 16 * 255 * SECTOR,
          name + ": CHS mode: the raw length rounded up to a geometry (within a cylinder), got " + size));
    }
    byte[] content = padded(raw, size);
    Structure s = checkFile(out, content, true, target.aligned(), name, checks);
    if (target.sizeMode() == SizeMode.CHS) {
      checks.add(() -> assertEquals(size, s.geometrySize(), name + ": CHS mode: the geometry addresses the size"));
    }
    checks.addAll(output(out, content, true, d, name, ALL));
    return checks;
  }

  // ---- 2. VHD -> VHD --------------------------------------------------------------------------

  /**
   * Creates an image and writes a seeded workload into it; with {@code zeroed} > 0, that many
   * blocks holding data are then overwritten with zeros (they stay allocated).
   *
   * @return the content
   */
  static byte[] source(Path file, CreateOptions options, int writes, int zeroed, Random rnd, StringBuilder recipe)
      throws IOException {
    return source(file, options, writes, zeroed, -1, rnd, recipe);
  }

  /**
   * As {@link #source(Path, CreateOptions, int, int, Random, StringBuilder)}, but writes only below
   * {@code limit} (-1: the whole disk), so that a block size dividing {@code limit} leaves every
   * block past it unallocated.
   */
  static byte[] source(Path file, CreateOptions options, int writes, int zeroed, long limit, Random rnd,
      StringBuilder recipe) throws IOException {
    try (VhdImage v = Vhd.create(file, options)) {
      byte[] model = new byte[Math.toIntExact(v.getSize())];
      long unit = v.getDiskType() == DiskType.FIXED ? 2 * MIB : v.getBlockSize();
      List<Op> ops = scribble(v, model, unit, limit < 0 ? model.length : limit, rnd, writes);
      recipe.append(", ").append(file.getFileName()).append(" (").append(options.diskType()).append(' ')
          .append(v.getSize()).append(" bytes) writes ").append(ops);
      if (zeroed > 0) {
        recipe.append(", zeroed blocks ").append(zeroBlocks(v, model, v.getBlockSize(), zeroed, rnd));
      }
      return model;
    }
  }

  @TestFactory
  Stream<DynamicTest> shouldConvertImagesIntoImagesEveryPeerReads() {
    long seed = seed();
    int base = 100;
    List<DynamicTest> tests = new ArrayList<>();
    tests.add(test(seed, base, "dynamic-2M-to-dynamic-64K-aligned", (d, rnd, recipe) ->
        convertImage(d, "dynamic-2M-to-dynamic-64K-aligned",
            CreateOptions.dynamic(10 * MIB + SECTOR * (1 + rnd.nextInt(2000))).withSizeMode(SizeMode.EXACT),
            CreateOptions.dynamic(0).withBlockSize(64 * KIB).withAligned(true).withSizeMode(SizeMode.EXACT), rnd,
            recipe)));
    tests.add(test(seed, base + 1, "dynamic-2M-aligned-to-fixed", (d, rnd, recipe) ->
        convertImage(d, "dynamic-2M-aligned-to-fixed", CreateOptions.dynamic(9 * MIB + 1 + rnd.nextInt(100000))
            .withAligned(true), CreateOptions.fixed(0).withSizeMode(SizeMode.EXACT), rnd, recipe)));
    tests.add(test(seed, base + 2, "fixed-to-dynamic-4K-chs", (d, rnd, recipe) ->
        convertImage(d, "fixed-to-dynamic-4K-chs",
            CreateOptions.fixed(4 * MIB + SECTOR * (1 + 2 * rnd.nextInt(300))).withSizeMode(SizeMode.EXACT),
            CreateOptions.dynamic(0).withBlockSize(4 * KIB).withSizeMode(SizeMode.CHS), rnd, recipe)));
    tests.add(test(seed, base + 3, "chain-depth3-to-dynamic-2M", (d, rnd, recipe) -> convertChain(d, rnd, recipe)));
    return tests.stream();
  }

  private static List<Executable> convertImage(Path d, String name, CreateOptions src, CreateOptions target,
      Random rnd, StringBuilder recipe) throws IOException {
    Path in = d.resolve(name + "-source.vhd");
    byte[] model = source(in, src, 40, src.diskType() == DiskType.DYNAMIC ? 2 : 0, rnd, recipe);
    List<Executable> checks = new ArrayList<>();
    if (src.diskType() == DiskType.DYNAMIC) {
      // The zeroed blocks are still allocated in the source: the conversion must drop them.
      Structure s = Structure.of(in);
      BitSet extra = s.allocated();
      extra.andNot(nonZeroBlocks(model, s.blockSize()));
      checks.add(() -> assertFalse(extra.isEmpty(), name + ": the source has allocated blocks of zeros"));
    }
    Path out = d.resolve(name + ".vhd");
    try (VhdImage v = Vhd.open(in)) {
      Vhd.convert(v, out, target, ProgressListener.none());
    }
    long size;
    try (VhdImage v = Vhd.open(out)) {
      size = v.getSize();
    }
    byte[] content = padded(model, size);
    if (target.sizeMode() == SizeMode.EXACT) {
      checks.add(() -> assertEquals(model.length, size, name + ": exact mode: the source's size"));
    } else {
      checks.add(() -> assertTrue(size >= model.length, name + ": CHS mode: the source's size rounded up: " + size));
    }
    checkFile(out, content, true, target.aligned(), name, checks);
    checks.addAll(output(out, content, true, d, name, ALL));
    return checks;
  }

  /**
   * A chain of three differencing disks (in aligned 2 MiB, compact 512 KiB and compact 4 KiB
   * blocks) over a dynamic base in 64 KiB blocks, each level written with its own workload (zeros
   * over parent data included), flattened into one dynamic disk in 2 MiB blocks. The chain's
   * content is the model's, as vhd4j reads it and as 7-Zip and libvhdi read the original chain; the
   * flat disk must read the same everywhere.
   */
  private static List<Executable> convertChain(Path d, Random rnd, StringBuilder recipe) throws IOException {
    String name = "chain-depth3";
    long size = 6 * MIB + SECTOR * (1 + rnd.nextInt(3000));
    Path base = d.resolve(name + "-0.vhd");
    byte[] model = source(base, CreateOptions.dynamic(size).withBlockSize(64 * KIB).withSizeMode(SizeMode.EXACT),
        30, 0, rnd, recipe);
    List<Path> chain = new ArrayList<>(List.of(base));
    long[] sizes = {2 * MIB, 512 * KIB, 4 * KIB};
    boolean[] aligned = {true, false, false};
    for (int level = 1; level <= 3; level++) {
      Path child = d.resolve(name + "-" + level + ".vhd");
      try (VhdImage v = Vhd.create(child, CreateOptions.differencing(chain.get(0)).withBlockSize(sizes[level - 1])
          .withAligned(aligned[level - 1]))) {
        List<Op> ops = scribble(v, model, sizes[level - 1], size, rnd, 30);
        recipe.append(", ").append(child.getFileName()).append(" writes ").append(ops);
      }
      chain.add(0, child);
    }
    List<Executable> checks = new ArrayList<>();
    Path raw = Files.write(d.resolve(name + ".expected.raw"), model);
    try (VhdImage v = Vhd.open(chain.get(0))) {
      long at = Content.mismatch(model, Content.read(v, 0, model.length));
      checks.add(() -> assertEquals(-1, at, name + ": vhd4j reads the chain, first difference"));
    }
    Subject source = new Subject(chain.get(0), chain, raw, DiskType.DIFFERENCING, 4 * KIB,
        name + " (the source chain)");
    checks.addAll(agree(source, d, CHAIN_READERS));
    Path out = d.resolve(name + "-flat.vhd");
    try (VhdImage v = Vhd.open(chain.get(0))) {
      Vhd.convert(v, out, CreateOptions.dynamic(0).withSizeMode(SizeMode.EXACT), ProgressListener.none());
    }
    checkFile(out, model, true, false, name + "-flat", checks);
    checks.addAll(output(out, model, true, d, name + "-flat", ALL));
    return checks;
  }

  // ---- 3. resize ------------------------------------------------------------------------------

  @TestFactory
  Stream<DynamicTest> shouldResizeImagesThatEveryPeerReads() {
    long seed = seed();
    int base = 200;
    List<DynamicTest> tests = new ArrayList<>();
    // 10 MiB in 2 MiB blocks: 5 entries in a table padded to 512 bytes (128 entries).
    tests.add(test(seed, base, "grow-dynamic-in-place", (d, rnd, recipe) -> resize(d, "grow-dynamic-in-place",
        CreateOptions.dynamic(10 * MIB).withSizeMode(SizeMode.EXACT), 30 * MIB + SECTOR * (1 + rnd.nextInt(1000)),
        SizeMode.EXACT, Move.IN_PLACE, rnd, recipe)));
    // 3 MiB in 4 KiB blocks, aligned: 768 entries, and room up to the first block for 2560.
    tests.add(test(seed, base + 1, "grow-dynamic-moving-the-table", (d, rnd, recipe) ->
        resize(d, "grow-dynamic-moving-the-table", CreateOptions.dynamic(3 * MIB).withBlockSize(4 * KIB)
            .withAligned(true).withSizeMode(SizeMode.EXACT), 12 * MIB + 1 + rnd.nextInt(100000), SizeMode.CHS,
            Move.AFTER_LAST_BLOCK, rnd, recipe)));
    tests.add(test(seed, base + 2, "grow-fixed", (d, rnd, recipe) -> resize(d, "grow-fixed",
        CreateOptions.fixed(5 * MIB).withSizeMode(SizeMode.EXACT), 7 * MIB + SECTOR * (1 + rnd.nextInt(1000)),
        SizeMode.EXACT, Move.NONE, rnd, recipe)));
    tests.add(test(seed, base + 3, "shrink-dynamic", (d, rnd, recipe) -> resize(d, "shrink-dynamic",
        CreateOptions.dynamic(8 * MIB).withBlockSize(64 * KIB).withSizeMode(SizeMode.EXACT),
        5 * MIB + SECTOR * (1 + rnd.nextInt(100)), SizeMode.EXACT, Move.NONE, rnd, recipe)));
    tests.add(test(seed, base + 4, "shrink-fixed", (d, rnd, recipe) -> resize(d, "shrink-fixed",
        CreateOptions.fixed(8 * MIB), 5 * MIB + SECTOR * (1 + rnd.nextInt(1000)), SizeMode.EXACT, Move.NONE, rnd,
        recipe)));
    tests.add(test(seed, base + 5, "grow-differencing", (d, rnd, recipe) -> resizeChild(d, rnd, recipe)));
    tests.add(test(seed, base + 6, "grow-differencing-refused", (d, rnd, recipe) -> refuseChild(d, rnd, recipe)));
    return tests.stream();
  }

  /** Where a resize must leave a sparse disk's table. */
  enum Move { NONE, IN_PLACE, AFTER_LAST_BLOCK }

  /**
   * Resizes a written fixed or dynamic image. A shrink writes only below the new size (the rest
   * stays unused, as the operation requires); a shrink that would cut data is tried first and must
   * be refused without changing a byte. Afterwards the content is the old content followed
   * by zeros (or cut), the original size is the new size (libvhdi sizes disks by it, DIVERGENCES.md
   * case 2), the table is where {@code move} says, and every peer agrees, libvhdi included. A grown
   * image is then written through the grown area and checked again.
   */
  private static List<Executable> resize(Path d, String name, CreateOptions created, long newSize, SizeMode mode,
      Move move, Random rnd, StringBuilder recipe) throws IOException {
    Path img = d.resolve(name + ".vhd");
    byte[] model;
    long oldSize;
    try (VhdImage v = Vhd.create(img, created)) {
      oldSize = v.getSize();
      model = new byte[Math.toIntExact(oldSize)];
      long unit = v.getDiskType() == DiskType.FIXED ? 2 * MIB : v.getBlockSize();
      long limit = Math.min(oldSize, newSize / unit * unit); // a shrink cuts whole unused units
      List<Op> ops = scribble(v, model, unit, limit, rnd, 30);
      recipe.append(", ").append(created.diskType()).append(' ').append(oldSize).append(" bytes, writes ").append(ops);
    }
    List<Executable> checks = new ArrayList<>();
    if (newSize < oldSize) {
      // A shrink that would cut the last byte holding data is refused and changes nothing.
      int last = model.length - 1;
      while (last > 0 && model[last] == 0) {
        last--;
      }
      long cut = last / SECTOR * SECTOR;
      byte[] bytes = Files.readAllBytes(img);
      Exception refused = null;
      try {
        Vhd.resize(img, cut, SizeMode.EXACT);
      } catch (IOException e) {
        refused = e;
      }
      Exception e = refused;
      long changed = Arrays.mismatch(bytes, Files.readAllBytes(img));
      checks.add(() -> assertTrue(e != null, name + ": a shrink to " + cut + " would cut data at " + cut
          + " or after, and must be refused"));
      checks.add(() -> assertEquals(-1, changed, name + ": the refused shrink changed the file, first difference"));
    }
    Structure before = Structure.of(img);
    long got = Vhd.resize(img, newSize, mode);
    recipe.append(", resized to ").append(newSize).append(' ').append(mode).append(" = ").append(got);
    if (mode == SizeMode.EXACT) {
      checks.add(() -> assertEquals(newSize, got, name + ": exact mode: the requested size"));
    }
    byte[] content = padded(model, got);
    Structure after = checkFile(img, content, false, created.aligned(), name, checks);
    checks.add(() -> assertEquals(got, after.originalSize(), name + ": the original size is the new size"));
    // The room the table has before the first structure after it, in entries: the case's premise.
    long room = before.length() - SECTOR;
    for (long e : before.bat()) {
      if (e >= 0 && e * SECTOR > before.tableOffset()) {
        room = Math.min(room, e * SECTOR);
      }
    }
    long roomEntries = (room - before.tableOffset()) / 4;
    long entries = after.bat().length;
    if (move != Move.NONE) {
      checks.add(() -> assertEquals(move == Move.IN_PLACE, entries <= roomEntries, name + ": " + entries
          + " entries needed, room for " + roomEntries + " (the case's premise)"));
    }
    switch (move) {
      case IN_PLACE -> {
        checks.add(() -> assertEquals(before.tableOffset(), after.tableOffset(), name + ": the table grew in place"));
        checks.add(() -> assertEquals(before.length(), after.length(), name + ": the file keeps its length"));
      }
      case AFTER_LAST_BLOCK -> {
        long lastBlockEnd = Arrays.stream(before.bat()).max().orElse(-1) * SECTOR + before.bitmapBytes()
            + before.blockSize();
        checks.add(() -> assertEquals(before.length() - SECTOR, after.tableOffset(),
            name + ": the new table where the old footer was"));
        checks.add(() -> assertTrue(after.tableOffset() >= lastBlockEnd,
            name + ": the new table after the last block"));
        checks.add(() -> assertTrue(Arrays.equals(before.bat(), Arrays.copyOf(after.bat(), before.bat().length)),
            name + ": the old entries copied"));
      }
      default -> { }
    }
    checks.addAll(output(img, content, false, d, name, ALL));
    if (got > oldSize) {
      // The grown image takes writes: new blocks must go after every structure (a moved table
      // included), and the grown area must read back like the rest.
      String written = name + " (written after the resize)";
      try (VhdImage v = Vhd.open(img, OpenOptions.forWriting())) {
        long unit = v.getDiskType() == DiskType.FIXED ? 2 * MIB : v.getBlockSize();
        recipe.append(", then writes ").append(scribble(v, content, unit, got, rnd, 12));
      }
      Structure again = checkFile(img, content, false, created.aligned(), written, checks);
      checks.add(() -> assertEquals(got, again.originalSize(), written + ": the original size is the new size"));
      checks.addAll(output(img, content, false, d, written, ALL));
    }
    return checks;
  }

  /**
   * Grows a differencing disk within its parent, the only growth vhd4j allows it: a 12 MiB (and a
   * bit) dynamic parent in 64 KiB blocks stores data below 6 MiB only; a child in 64 KiB blocks,
   * created smaller than its parent (6 MiB and a bit) and written up to its last sector, first
   * fails to grow past the parent's size ("resize the parent first", both files unchanged), then
   * grows to the parent's size or a little less. The content is the old one followed by zeros (the
   * parent stores nothing there, and the bytes the child's last block stored past its old end are
   * gone), the original size is the new size, and the chain reads the same in vhd4j, 7-Zip and
   * libvhdi (vhdiinfo included); QEMU reads the child alone (DIVERGENCES.md case 5). Writes through
   * the grown area then read back alike everywhere.
   */
  private static List<Executable> resizeChild(Path d, Random rnd, StringBuilder recipe) throws IOException {
    String name = "grow-differencing";
    Path parent = d.resolve(name + "-0.vhd");
    long parentSize = 12 * MIB + SECTOR * (1 + rnd.nextInt(1000));
    byte[] parentModel = source(parent, CreateOptions.dynamic(parentSize).withBlockSize(64 * KIB)
        .withSizeMode(SizeMode.EXACT), 30, 0, 6 * MIB, rnd, recipe);
    Path child = d.resolve(name + "-1.vhd");
    long oldSize = 6 * MIB + SECTOR * (1 + rnd.nextInt(1000));
    byte[] model = padded(parentModel, oldSize);
    try (VhdImage v = Vhd.create(child, CreateOptions.differencing(parent).withSize(oldSize)
        .withBlockSize(64 * KIB))) {
      recipe.append(", child (").append(oldSize).append(" bytes) writes ")
          .append(scribble(v, model, 64 * KIB, oldSize, rnd, 30));
    }
    List<Executable> checks = new ArrayList<>();
    checks.addAll(refusedGrow(child, parent, parentSize + SECTOR * (1 + rnd.nextInt(8192)), "resize the parent first",
        name, recipe));
    long newSize = rnd.nextBoolean() ? parentSize : parentSize - SECTOR * (1 + rnd.nextInt(1000));
    long got = Vhd.resize(child, newSize, SizeMode.EXACT);
    recipe.append(", child resized to ").append(newSize);
    checks.add(() -> assertEquals(newSize, got, name + ": the requested size"));
    byte[] content = padded(model, newSize);
    checks.addAll(childChecks(child, parent, content, d, name));
    // The grown child takes writes, in the grown area too.
    String written = name + " (written after the resize)";
    try (VhdImage v = Vhd.open(child, OpenOptions.forWriting())) {
      recipe.append(", then writes ").append(scribble(v, content, 64 * KIB, newSize, rnd, 12));
    }
    checks.addAll(childChecks(child, parent, content, d, written));
    return checks;
  }

  /**
   * The checks of a differencing child over {@code parent} whose chain holds {@code content}: its
   * blocks, its original size (the current size), vhd4j's reads, every chain reader agreeing and
   * QEMU reading the child alone (DIVERGENCES.md case 5).
   */
  private static List<Executable> childChecks(Path child, Path parent, byte[] content, Path d, String name)
      throws IOException {
    List<Executable> checks = new ArrayList<>();
    Structure s = checkChild(child, content, name, checks);
    checks.add(() -> assertEquals(content.length, s.originalSize(), name + ": the original size is the new size"));
    try (VhdImage v = Vhd.open(child)) {
      long size = v.getSize();
      checks.add(() -> assertEquals(content.length, size, name + ": vhd4j size"));
      long at = Content.mismatch(content, Content.read(v, 0, (int) Math.min(size, content.length)));
      checks.add(() -> assertEquals(-1, at, name + ": vhd4j read, first difference"));
    }
    Path raw = Files.write(d.resolve(child.getFileName() + ".expected.raw"), content);
    checks.addAll(agree(new Subject(child, List.of(child, parent), raw, DiskType.DIFFERENCING, s.blockSize(), name),
        d, CHAIN_READERS));
    checks.addAll(qemuAlone(child, s, content.length, d, name));
    return checks;
  }

  /**
   * Tries to grow {@code child} to {@code size}, which must be refused with an IOException whose
   * message contains {@code reason}, leaving the child and its parent byte for byte as they were.
   */
  private static List<Executable> refusedGrow(Path child, Path parent, long size, String reason, String name,
      StringBuilder recipe) throws IOException {
    byte[] childBytes = Files.readAllBytes(child);
    byte[] parentBytes = Files.readAllBytes(parent);
    String refusal;
    try {
      long got = Vhd.resize(child, size, SizeMode.EXACT);
      refusal = null;
      recipe.append(", grown to ").append(got).append(" (must have been refused)");
    } catch (IOException e) {
      refusal = e.getMessage();
    }
    String message = refusal;
    String what = name + ": growing " + child.getFileName() + " to " + size + " bytes";
    long childChange = Arrays.mismatch(childBytes, Files.readAllBytes(child));
    long parentChange = Arrays.mismatch(parentBytes, Files.readAllBytes(parent));
    List<Executable> checks = new ArrayList<>();
    checks.add(() -> assertTrue(message != null && message.contains(reason),
        what + " must be refused with \"" + reason + "\": " + message));
    checks.add(() -> assertEquals(-1, childChange, what + ": the refusal changed the child, first difference"));
    checks.add(() -> assertEquals(-1, parentChange, what + ": the refusal changed the parent, first difference"));
    return checks;
  }

  /**
   * The ways vhd4j refuses to make a differencing disk larger than its parent, or to grow one over
   * its parent's data (DIVERGENCES.md case 13: 7-Zip and libvhdi cannot read such chains), each
   * leaving every file as it was: creating a child larger than a written 8 MiB (and a bit) parent
   * (no file is made), growing a child of the parent's size past it, and growing a 4 MiB child
   * back towards the parent's size over data the parent stores past 4 MiB. vhd4j and every chain
   * reader then still read both chains as written.
   */
  private static List<Executable> refuseChild(Path d, Random rnd, StringBuilder recipe) throws IOException {
    String name = "grow-differencing-refused";
    Path parent = d.resolve(name + "-0.vhd");
    long parentSize = 8 * MIB + SECTOR * (1 + rnd.nextInt(1000));
    byte[] parentModel = source(parent, CreateOptions.dynamic(parentSize).withBlockSize(64 * KIB)
        .withSizeMode(SizeMode.EXACT), 20, 0, rnd, recipe);
    // Data past 4 MiB for certain, for the third refusal.
    try (VhdImage v = Vhd.open(parent, OpenOptions.forWriting())) {
      List<Op> ops = new ArrayList<>();
      put(v, parentModel, ops, "past-4M", 4 * MIB + SECTOR * rnd.nextInt(4096), bytes(3000, rnd, false));
      recipe.append(", parent writes ").append(ops);
    }
    List<Executable> checks = new ArrayList<>();
    Path larger = d.resolve(name + "-larger.vhd");
    byte[] parentBytes = Files.readAllBytes(parent);
    long tooLarge = parentSize + SECTOR * (1 + rnd.nextInt(8192));
    String created;
    try {
      Vhd.create(larger, CreateOptions.differencing(parent).withSize(tooLarge)).close();
      created = null;
    } catch (IllegalArgumentException e) {
      created = e.getMessage();
    }
    String message = created;
    boolean made = Files.exists(larger);
    long parentChange = Arrays.mismatch(parentBytes, Files.readAllBytes(parent));
    String what = name + ": creating a child of " + tooLarge + " bytes over " + parentSize;
    checks.add(() -> assertTrue(message != null && message.contains("larger than its parent"),
        what + " must be refused (IllegalArgumentException): " + message));
    checks.add(() -> assertFalse(made, what + ": no file is made"));
    checks.add(() -> assertEquals(-1, parentChange, what + ": the refusal changed the parent, first difference"));
    // A child of the parent's size cannot grow past it.
    Path same = d.resolve(name + "-1.vhd");
    byte[] sameModel = parentModel.clone();
    try (VhdImage v = Vhd.create(same, CreateOptions.differencing(parent).withBlockSize(64 * KIB))) {
      recipe.append(", child writes ").append(scribble(v, sameModel, 64 * KIB, parentSize, rnd, 20));
    }
    checks.addAll(refusedGrow(same, parent, parentSize + SECTOR * (1 + rnd.nextInt(8192)),
        "resize the parent first", name, recipe));
    // A smaller child cannot grow over what the parent stores past its end.
    Path small = d.resolve(name + "-small.vhd");
    byte[] smallModel = padded(parentModel, 4 * MIB);
    try (VhdImage v = Vhd.create(small, CreateOptions.differencing(parent).withSize(4 * MIB)
        .withBlockSize(64 * KIB))) {
      recipe.append(", small child writes ").append(scribble(v, smallModel, 64 * KIB, 4 * MIB, rnd, 10));
    }
    long over = rnd.nextBoolean() ? parentSize : 8 * MIB;
    checks.addAll(refusedGrow(small, parent, over, "the parent stores data", name, recipe));
    for (Object[] c : new Object[][] {{same, sameModel}, {small, smallModel}}) {
      Path child = (Path) c[0];
      byte[] model = (byte[]) c[1];
      String which = name + " (" + child.getFileName() + " after the refusals)";
      try (VhdImage v = Vhd.open(child)) {
        long at = Content.mismatch(model, Content.read(v, 0, (int) v.getSize()));
        checks.add(() -> assertEquals(-1, at, which + ": vhd4j read, first difference"));
      }
      Path raw = Files.write(d.resolve(child.getFileName() + ".expected.raw"), model);
      checks.addAll(agree(new Subject(child, List.of(child, parent), raw, DiskType.DIFFERENCING, 64 * KIB, which),
          d, CHAIN_READERS));
    }
    return checks;
  }

  // ---- 4. compact -----------------------------------------------------------------------------

  @TestFactory
  Stream<DynamicTest> shouldCompactImagesThatEveryPeerReads() {
    long seed = seed();
    return Stream.of(
        test(seed, 300, "compact-64K", (d, rnd, recipe) -> compact(d, "compact-64K",
            CreateOptions.dynamic(6 * MIB + SECTOR * (1 + rnd.nextInt(1000))).withBlockSize(64 * KIB), rnd, recipe)),
        test(seed, 301, "compact-2M-aligned", (d, rnd, recipe) -> compact(d, "compact-2M-aligned",
            CreateOptions.dynamic(14 * MIB).withAligned(true).withSizeMode(SizeMode.EXACT), rnd, recipe)));
  }

  /**
   * Compacts a written dynamic disk in which some blocks were overwritten with zeros: the file
   * shrinks by what compact returns, the zero blocks leave the table (and {@code qemu-img map}),
   * the remaining blocks are packed into the lowest of the old places, the file ends right after
   * them, and every peer reads the content unchanged; after more writes, every peer still agrees.
   */
  private static List<Executable> compact(Path d, String name, CreateOptions created, Random rnd, StringBuilder recipe)
      throws IOException {
    Path img = d.resolve(name + ".vhd");
    byte[] model = source(img, created, 60, 3, rnd, recipe);
    Structure before = Structure.of(img);
    List<Executable> checks = new ArrayList<>();
    BitSet extra = before.allocated();
    extra.andNot(nonZeroBlocks(model, before.blockSize()));
    checks.add(() -> assertFalse(extra.isEmpty(), name + ": before compacting, some allocated blocks hold zeros"));
    long shrunk = Vhd.compact(img, ProgressListener.none());
    long length = Files.size(img);
    checks.add(() -> assertTrue(shrunk > 0, name + ": compact returned " + shrunk));
    checks.add(() -> assertEquals(before.length() - shrunk, length,
        name + ": the file shrank by what compact returned"));
    Structure after = checkFile(img, model, true, created.aligned(), name, checks);
    // Packed: the kept blocks occupy the lowest of the places blocks had before (in the aligned
    // layout those are 4 KiB apart, not bitmap + block), and the footer follows the last one.
    long[] places = Arrays.stream(before.bat()).filter(x -> x >= 0).sorted().toArray();
    long[] kept = Arrays.stream(after.bat()).filter(x -> x >= 0).sorted().toArray();
    checks.add(() -> assertEquals(Arrays.toString(Arrays.copyOf(places, kept.length)), Arrays.toString(kept),
        name + ": the kept blocks (sectors) fill the lowest of the old places"));
    long lastEnd = kept.length == 0 ? 0 : kept[kept.length - 1] * SECTOR + after.bitmapBytes() + after.blockSize();
    checks.add(() -> assertEquals(lastEnd + SECTOR, length, name + ": the footer follows the last block"));
    checks.addAll(output(img, model, true, d, name, ALL));
    // The compacted image takes writes: new blocks go after the packed ones, where the file was cut.
    String written = name + " (written after compacting)";
    try (VhdImage v = Vhd.open(img, OpenOptions.forWriting())) {
      recipe.append(", then writes ").append(scribble(v, model, v.getBlockSize(), model.length, rnd, 12));
    }
    checkFile(img, model, false, created.aligned(), written, checks);
    checks.addAll(output(img, model, false, d, written, ALL));
    return checks;
  }

  // ---- 5. commit ------------------------------------------------------------------------------

  @TestFactory
  Stream<DynamicTest> shouldCommitChildrenIntoParentsEveryPeerReads() {
    long seed = seed();
    return Stream.of(
        test(seed, 400, "commit", (d, rnd, recipe) -> commit(d, "commit",
            CreateOptions.dynamic(10 * MIB + SECTOR * (1 + rnd.nextInt(1000))).withSizeMode(SizeMode.EXACT), -1,
            64 * KIB, rnd, recipe)),
        test(seed, 401, "commit-larger-child", (d, rnd, recipe) -> commit(d, "commit-larger-child",
            CreateOptions.dynamic(9 * MIB + SECTOR * (1 + rnd.nextInt(1000))).withBlockSize(64 * KIB)
                .withSizeMode(SizeMode.EXACT), 6 * MIB, 2 * MIB, rnd, recipe)));
  }

  /**
   * Commits a written differencing disk into its written dynamic parent. Afterwards the parent
   * reads as the child did, for every peer, and its original size is its size; the child's file is
   * unchanged and the chain still reads the same through vhd4j, 7-Zip and libvhdi.
   *
   * <p>With {@code shrinkParentTo} at or above 0, the chain is first made the way other tools
   * leave it, a child larger than its parent (DIVERGENCES.md case 13; vhd4j never creates one):
   * parent and child are created at the same size, the parent written only below
   * {@code shrinkParentTo} and the child everywhere, and the parent is then shrunk to
   * {@code shrinkParentTo} over its unused end. Before the commit, 7-Zip and libvhdi read that chain
   * as case 13 says (predicted from the child's table and bitmaps); the commit grows the parent to
   * the child's size, after which every peer agrees.
   */
  private static List<Executable> commit(Path d, String name, CreateOptions parentOptions, long shrinkParentTo,
      long childBlockSize, Random rnd, StringBuilder recipe) throws IOException {
    Path parent = d.resolve(name + "-0.vhd");
    byte[] parentModel = source(parent, parentOptions, 30, 0, shrinkParentTo, rnd, recipe);
    Path child = d.resolve(name + "-1.vhd");
    byte[] model = parentModel.clone();
    try (VhdImage v = Vhd.create(child, CreateOptions.differencing(parent).withBlockSize(childBlockSize))) {
      List<Op> ops = scribble(v, model, childBlockSize, model.length, rnd, 40);
      recipe.append(", child (").append(model.length).append(" bytes) writes ").append(ops);
    }
    List<Executable> checks = new ArrayList<>();
    boolean grows = shrinkParentTo >= 0;
    long parentSize = grows ? shrinkParentTo : parentModel.length;
    Path raw = Files.write(d.resolve(name + "-child.expected.raw"), model);
    Subject chain = new Subject(child, List.of(child, parent), raw, DiskType.DIFFERENCING, childBlockSize,
        name + " (child over the committed parent)");
    if (grows) {
      long got = Vhd.resize(parent, shrinkParentTo, SizeMode.EXACT);
      recipe.append(", parent shrunk to ").append(got);
      Structure shrunk = Structure.of(parent);
      checks.add(() -> assertEquals(shrinkParentTo, shrunk.currentSize(), name + ": the shrunk parent's size"));
      checks.add(() -> assertEquals(shrinkParentTo, shrunk.originalSize(),
          name + ": the shrunk parent's original size"));
      String before = name + " (child over the shrunk parent, before the commit)";
      // vhd4j reads zeros past the parent's end where the child stores nothing, and the parent stored
      // nothing there either: the chain still holds the model.
      try (VhdImage v = Vhd.open(child)) {
        long at = Content.mismatch(model, Content.read(v, 0, (int) v.getSize()));
        checks.add(() -> assertEquals(-1, at, before + ": vhd4j read, first difference"));
      }
      // The child is larger than its parent (DIVERGENCES.md case 13): 7-Zip stops at the first
      // block past the parent's end that the child does not store entirely; libvhdi reports the
      // child's size and refuses a read that needs a sector past the parent's end.
      checks.addAll(sevenZipOverSmallerParent(child, model, parentSize, d, name, "before the commit"));
      checks.addAll(agree(new Subject(child, List.of(child, parent), raw, DiskType.DIFFERENCING, childBlockSize,
          before), d, EnumSet.of(Peer.VHDIINFO)));
      BitSet stored = storedSectors(child, Structure.of(child));
      List<long[]> ranges = chunks(0, model.length, 64 * KIB);
      List<byte[]> want = new ArrayList<>();
      for (long[] r : ranges) {
        long from = Math.max(r[0], parentSize) / SECTOR;
        long to = (r[0] + r[1] + SECTOR - 1) / SECTOR;
        boolean readable = from >= to || stored.nextClearBit((int) from) >= to;
        want.add(readable ? Arrays.copyOfRange(model, (int) r[0], (int) (r[0] + r[1])) : null);
      }
      checks.addAll(libvhdiAnswers(chain.chain(), ranges, want, model.length, before,
          "case 13, the parent's size " + parentSize));
    }
    byte[] childBefore = Files.readAllBytes(child);
    Path got = Vhd.commit(child, OpenOptions.defaults(), ProgressListener.none());
    checks.add(() -> assertEquals(parent.toAbsolutePath().normalize(), got.toAbsolutePath().normalize(),
        name + ": commit returns the parent"));
    long mismatch = Arrays.mismatch(childBefore, Files.readAllBytes(child));
    checks.add(() -> assertEquals(-1, mismatch, name + ": the child's file is unchanged, first difference"));
    Structure s = checkFile(parent, model, false, parentOptions.aligned(), name + " (parent)", checks);
    checks.add(() -> assertEquals(model.length, s.originalSize(), name + " (parent): the original size is the size"
        + (grows ? " the parent grew to" : "")));
    checks.addAll(output(parent, model, false, d, name + " (parent)", ALL));
    // The child over the committed parent still reads the same, everywhere.
    try (VhdImage v = Vhd.open(child)) {
      long at = Content.mismatch(model, Content.read(v, 0, model.length));
      checks.add(() -> assertEquals(-1, at, name + ": vhd4j reads the child over the committed parent"));
    }
    checks.addAll(agree(chain, d, CHAIN_READERS));
    return checks;
  }

  // ---- 6. repair ------------------------------------------------------------------------------

  /** How a repair case damages a dynamic image vhd4j wrote. */
  enum Damage {
    /** The last 512 bytes (the tail footer) cut off. */
    LOST_TAIL_FOOTER,
    /** The footer copy at offset 0 overwritten with random bytes (its cookie too). */
    COPY_OVERWRITTEN,
    /** One bit of the copy's unique id flipped: cookie intact, checksum wrong. */
    COPY_BIT_FLIP,
    /** An allocated block's table entry pointed past the end of the file. */
    ENTRY_OUTSIDE_FILE
  }

  @TestFactory
  Stream<DynamicTest> shouldRepairImagesIntoOnesEveryPeerReads(TestReporter reporter) {
    long seed = seed();
    List<DynamicTest> tests = new ArrayList<>();
    int index = 500;
    for (Damage damage : Damage.values()) {
      String name = "repair-" + damage.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
      tests.add(test(seed, index++, name, (d, rnd, recipe) -> repair(d, name, damage, reporter, rnd, recipe)));
    }
    return tests.stream();
  }

  /**
   * Damages a written dynamic image, records what every peer and vhd4j make of it, and repairs it:
   * the dry run must list the same actions as the repair and change nothing; the repaired file must
   * be the original file byte for byte (the footer and the copy are restored from each other), but
   * for a cleared entry, which must be the only difference (all ones) and leaves its block reading
   * as zeros. Every peer must then agree.
   */
  private static List<Executable> repair(Path d, String name, Damage damage, TestReporter reporter, Random rnd,
      StringBuilder recipe) throws IOException {
    Path img = d.resolve(name + ".vhd");
    long bs = damage == Damage.ENTRY_OUTSIDE_FILE ? 64 * KIB : 2 * MIB;
    byte[] model = source(img, CreateOptions.dynamic(8 * MIB + SECTOR * (1 + rnd.nextInt(1000)))
        .withBlockSize(bs).withSizeMode(SizeMode.EXACT), 40, 0, rnd, recipe);
    byte[] original = Files.readAllBytes(img);
    Structure s = Structure.of(img);
    byte[] expected = model.clone();
    byte[] repaired = original.clone();
    List<String> wantStructures;
    switch (damage) {
      case LOST_TAIL_FOOTER -> {
        try (FileChannel ch = FileChannel.open(img, StandardOpenOption.WRITE)) {
          ch.truncate(original.length - SECTOR);
        }
        wantStructures = List.of("footer");
      }
      case COPY_OVERWRITTEN -> {
        patch(img, 0, bytes(SECTOR, rnd, false));
        wantStructures = List.of("footerCopy");
      }
      case COPY_BIT_FLIP -> {
        int at = 68 + rnd.nextInt(16);
        patch(img, at, new byte[] {(byte) (original[at] ^ (1 << rnd.nextInt(8)))});
        recipe.append(", bit flipped in byte ").append(at);
        wantStructures = List.of("footerCopy");
      }
      default -> {
        List<Integer> allocated = new ArrayList<>();
        s.allocated().stream().filter(b -> !isZero(model, (int) (b * bs), (int) Math.min(bs, model.length - b * bs)))
            .forEach(allocated::add);
        int b = allocated.get(rnd.nextInt(allocated.size()));
        long entry = s.tableOffset() + 4L * b;
        long outside = original.length / SECTOR + 8 + rnd.nextInt(1 << 20);
        patch(img, entry, ByteBuffer.allocate(4).putInt(0, (int) outside).array());
        Arrays.fill(expected, (int) (b * bs), (int) Math.min(model.length, (b + 1) * bs), (byte) 0);
        Arrays.fill(repaired, (int) entry, (int) entry + 4, (byte) -1);
        recipe.append(", entry of block ").append(b).append(" (at ").append(entry).append(") set to sector ")
            .append(outside);
        wantStructures = List.of("bat");
      }
    }
    List<Executable> checks = new ArrayList<>();
    Path raw = Files.write(d.resolve(name + ".expected.raw"), expected);
    Subject subject = new Subject(img, List.of(img), raw, DiskType.DYNAMIC, bs, name);
    // Before: recorded, not asserted (nothing about these inputs is documented).
    String notes = observe(subject, d);
    reporter.publishEntry(name + " before repair", notes);
    System.out.println("[OperationsPeerTest] " + name + " before repair: " + notes);
    byte[] damaged = Files.readAllBytes(img);
    List<RepairAction> dry = Vhd.planRepair(img);
    long dryChange = Arrays.mismatch(damaged, Files.readAllBytes(img));
    checks.add(() -> assertEquals(-1, dryChange, name + ": a dry run changes nothing, first difference"));
    List<RepairAction> actions = Vhd.repair(img);
    recipe.append(", repair ").append(actions);
    checks.add(() -> assertEquals(dry, actions, name + ": the dry run lists what the repair does"));
    checks.add(() -> assertEquals(wantStructures, actions.stream().map(RepairAction::structure).toList(),
        name + ": structures repaired: " + actions));
    long diff = Arrays.mismatch(repaired, Files.readAllBytes(img));
    checks.add(() -> assertEquals(-1, diff, name + ": the repaired file against the original (with the entry"
        + " cleared), first difference"));
    checks.add(() -> assertEquals(List.of(), Vhd.planRepair(img), name + ": a second repair finds nothing"));
    checks.addAll(output(img, expected, false, d, name, ALL));
    if (damage == Damage.ENTRY_OUTSIDE_FILE) {
      ValidationReport r = Vhd.check(img);
      checks.add(() -> assertFalse(r.contains(ProblemCode.BAT_ENTRY_OUTSIDE_FILE), name + ": " + r.problems()));
    }
    return checks;
  }

  /**
   * The informative end of a peer's answer: what follows the echoed command line ("exited N:"),
   * whitespace folded, its last 240 characters (where the tools put the reason).
   */
  static String gist(String detail) {
    Matcher m = Pattern.compile(" exited (-?\\d+): ").matcher(detail);
    String text = detail;
    String code = "";
    if (m.find()) {
      code = "exit " + m.group(1) + ": ";
      text = detail.substring(m.end());
    }
    text = text.replaceAll("\\s+", " ").strip();
    return code + (text.length() > 240 ? "..." + text.substring(text.length() - 240) : text);
  }

  private static void patch(Path file, long offset, byte[] bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(bytes), offset);
    }
  }

  /** What vhd4j (strict open, check) and every peer make of a damaged image: one line. */
  private static String observe(Subject s, Path work) {
    List<String> out = new ArrayList<>();
    try (VhdImage v = Vhd.open(s.image())) {
      long at = Content.mismatch(Files.readAllBytes(s.expectedRaw()), Content.read(v, 0, (int) v.getSize()));
      out.add("vhd4j open: " + (at < 0 ? "expected content" : "differs at " + at) + ", warnings "
          + v.getWarnings().stream().map(p -> p.code().name()).toList());
    } catch (IOException | RuntimeException e) {
      out.add("vhd4j open: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    try {
      ValidationReport r = Vhd.check(s.image());
      out.add("vhd check: " + new TreeSet<>(r.problems().stream().map(p -> p.severity() + " " + p.code()).toList()));
    } catch (IOException | RuntimeException e) {
      out.add("vhd check: " + e);
    }
    try {
      for (Outcome o : PeerVerifier.verify(s, work).values()) {
        out.add(o.peer() + " " + o.verdict() + (o.detail().isEmpty() ? "" : ": " + gist(o.detail())));
      }
    } catch (IOException | RuntimeException e) {
      out.add("peers: " + e);
    }
    return String.join("; ", out);
  }
}
