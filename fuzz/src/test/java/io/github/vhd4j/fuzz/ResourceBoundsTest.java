package io.github.vhd4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.DiskImages;
import io.github.vhd4j.Durability;
import io.github.vhd4j.Extent;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.ProgressListener;
import io.github.vhd4j.Severity;
import io.github.vhd4j.SizeMode;
import io.github.vhd4j.ValidationReport;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdException;
import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.VhdLimitException;
import io.github.vhd4j.testing.TestChannels;
import io.github.vhd4j.testing.TestImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resource bounds tested directly, not only by fuzzing: headers that claim huge tables, blocks and
 * locators, a 4,096-deep parent chain, allocation that must stay linear in the file size, and
 * tables of millions of 512-byte blocks, which every operation must handle in the same heap.
 * Surefire runs this class alone in a JVM with a 64 MiB heap (execution {@code resource-bounds}),
 * so any allocation driven by a header claim instead of the file size fails it with an
 * OutOfMemoryError. Chains are opened, read and checked on a thread with a 256 KiB stack: a walk
 * that recursed once per level would overflow it long before level 4,096.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ResourceBoundsTest {
  /**
   * Allocation allowed per byte of input. A table kept in memory costs about its own size (read in
   * chunks), and the validator's sort keys of a table not in file order up to twice that; an
   * interpreted table scan adds an iterator per entry.
   */
  static final long PER_BYTE = 16;
  /** Allocation allowed whatever the input: per-code problem lists, 8 locators, deep-check buffer. */
  static final long CONSTANT = 4L << 20;
  static final int DEPTH = 4096;
  private static final long CHAIN_SIZE = 128 * 1024;
  private static final long CHILD_BLOCK = 4096;

  @TempDir
  static Path dir;

  private static Path chainTop;
  private static long chainBytes;

  /** Allocation and wall time of one call, with its outcome. */
  private record Measured<T>(Outcome<T> outcome, long allocated, long millis) {}

  private static <T> Measured<T> measure(Outcome.Call<T> call) {
    long t0 = System.nanoTime();
    long a0 = Alloc.now();
    Outcome<T> o = Outcome.of(call);
    long used = Alloc.now() - a0;
    return new Measured<>(o, used, (System.nanoTime() - t0) / 1_000_000);
  }

  private static long limit(long n) {
    return PER_BYTE * n + CONSTANT;
  }

  private static void report(String what, long n, Measured<?> m) {
    String outcome = m.outcome.ok() ? "opened/checked" : m.outcome.failure().getClass().getSimpleName();
    System.out.printf(Locale.ROOT, "bound %-48s file %,12d B  allocated %,13d B  limit %,13d B  %,6d ms  %s%n",
        what, n, m.allocated, limit(n), m.millis, outcome);
  }

  private static void assertBounded(String what, long n, Measured<?> m) {
    report(what, n, m);
    assertTrue(m.allocated <= limit(n), what + " allocated " + m.allocated + " bytes for a " + n
        + "-byte file (limit " + limit(n) + ")");
  }

  /** Opens strictly and leniently, checks shallow and deep: every one within the allocation limit. */
  private static List<Measured<?>> openAndCheck(String what, Path file) throws IOException {
    long n = Files.size(file);
    List<Measured<?>> out = new ArrayList<>();
    for (boolean lenient : new boolean[] {false, true}) {
      // Once to load classes and warm up, once to measure.
      closeQuietly(Outcome.of(() -> Vhd.open(file, OpenOptions.defaults().withLenient(lenient))));
      Measured<VhdImage> m = measure(() -> Vhd.open(file, OpenOptions.defaults().withLenient(lenient)));
      closeQuietly(m.outcome);
      assertBounded(what + (lenient ? " open lenient" : " open strict"), n, m);
      out.add(m);
    }
    for (boolean deep : new boolean[] {false, true}) {
      Outcome.of(() -> Vhd.check(file, CheckOptions.defaults().withDeep(deep)));
      Measured<ValidationReport> m = measure(() -> Vhd.check(file, CheckOptions.defaults().withDeep(deep)));
      assertTrue(m.outcome.ok(), "check threw: " + m.outcome);
      assertBounded(what + (deep ? " check --deep" : " check"), n, m);
      out.add(m);
    }
    return out;
  }

  private static void closeQuietly(Outcome<VhdImage> o) throws IOException {
    if (o.ok()) {
      o.value().close();
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Header claims in files of a few KiB

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void shouldRefuseFewKibFileClaimingMaxTableEntries() throws IOException {
    TestImage t = TestImage.dynamic(4 << 20, 2 << 20);
    t.maxTableEntries = 0xFFFFFFFFL;
    t.fileLength = 3072L;
    byte[] cut = t.toBytes();
    byte[] bytes = Arrays.copyOf(cut, cut.length + 512);
    System.arraycopy(t.footerBytes(512), 0, bytes, cut.length, 512);
    Path file = Files.write(dir.resolve("max-entries.vhd"), bytes);

    List<Measured<?>> ms = openAndCheck("2^32-1 table entries", file);
    VhdException strict = ms.get(0).outcome.failure();
    assertInstanceOf(VhdFormatException.class, strict);
    assertEquals(ProblemCode.BAT_OUTSIDE_FILE, ((VhdFormatException) strict).getCode());
    assertEquals("maxTableEntries", ((VhdFormatException) strict).getField());
    assertFalse(ms.get(1).outcome.ok(), "lenient mode cannot open a table that is not in the file");
    ValidationReport r = (ValidationReport) ms.get(2).outcome.value();
    assertTrue(r.problems(Severity.ERROR).stream().anyMatch(p -> p.code() == ProblemCode.BAT_OUTSIDE_FILE));
    for (Measured<?> m : ms) {
      assertTrue(m.allocated <= CONSTANT, "a few-KiB file cost " + m.allocated + " bytes");
    }
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void shouldRefuse2GibBlocksWithoutAllocatingOne() throws IOException {
    TestImage t = TestImage.dynamic(64L << 20, 2 << 20);
    t.patchAndFix(512 + 32, TestImage.u32(1L << 31));
    Path file = Files.write(dir.resolve("block-2g.vhd"), t.toBytes());

    List<Measured<?>> ms = openAndCheck("2 GiB block size", file);
    VhdException strict = ms.get(0).outcome.failure();
    assertInstanceOf(VhdLimitException.class, strict);
    VhdLimitException limit = (VhdLimitException) strict;
    assertEquals(ProblemCode.BLOCK_SIZE_LIMIT, limit.getCode());
    assertEquals(1L << 31, limit.getRequested());
    assertEquals(Vhd.MAX_BLOCK_SIZE, limit.getLimit());
    assertInstanceOf(VhdLimitException.class, ms.get(1).outcome.failure(), "lenient mode keeps the cap");
    for (Measured<?> m : ms) {
      assertTrue(m.allocated <= CONSTANT, "a 2 GiB block size cost " + m.allocated + " bytes");
    }
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void shouldIgnore2GibLocatorsWithoutAllocatingThem() throws IOException {
    TestImage parent = TestImage.dynamic(1 << 20, 2 << 20);
    TestImage t = TestImage.differencing(parent, "parent.vhd", 2 << 20);
    for (int slot = 2; slot < 8; slot++) {
      t.addLocator(slot, slot % 2 == 0 ? TestImage.W2RU : TestImage.MACX, new byte[16]);
    }
    for (TestImage.Locator l : t.locators) {
      l.dataSpace = 1L << 31;
      l.dataLength = 1L << 31;
    }
    Path sub = Files.createDirectories(dir.resolve("locators"));
    parent.writeTo(sub.resolve("parent.vhd"));
    Path file = t.writeTo(sub.resolve("child.vhd"));

    List<Measured<?>> ms = openAndCheck("8 locators of 2 GiB", file);
    ValidationReport r = (ValidationReport) ms.get(2).outcome.value();
    assertEquals(8, r.problems().stream().filter(p -> p.code() == ProblemCode.LOCATOR_BOUNDS).count(),
        "every 2 GiB locator is reported: " + r.problems());
    // No locator is usable, but the parent name still finds the parent beside the child.
    assertTrue(ms.get(0).outcome.ok(), "open: " + ms.get(0).outcome);
    for (Measured<?> m : ms) {
      assertTrue(m.allocated <= CONSTANT, "2 GiB locators cost " + m.allocated + " bytes");
    }
  }

  // -----------------------------------------------------------------------------------------------
  // A 4,096-deep chain

  /**
   * {@code d0000.vhd} is a fixed 128 KiB base whose sector s holds the byte {@code s}; level k
   * (1 to 4,096) is a differencing disk over level k-1 that writes sector (k-1) mod 128 with the
   * byte k. So sectors 0 to 127 come from the highest level that wrote them and sectors 128 to 255
   * from the base, through every level.
   */
  @BeforeAll
  static void buildChain() throws IOException {
    Path chain = Files.createDirectories(dir.resolve("chain"));
    TestImage base = TestImage.fixed(CHAIN_SIZE);
    for (int s = 0; s < CHAIN_SIZE / 512; s++) {
      Arrays.fill(base.fixedData, s * 512, s * 512 + 512, (byte) s);
    }
    base.uuid = levelUuid(0);
    base.writeTo(chain.resolve(name(0)));
    chainBytes = Files.size(chain.resolve(name(0)));
    byte[] sector = new byte[512];
    for (int k = 1; k <= DEPTH; k++) {
      TestImage t = TestImage.dynamic(CHAIN_SIZE, CHILD_BLOCK);
      t.diskType = TestImage.DIFFERENCING;
      t.uuid = levelUuid(k);
      t.parentUuid = levelUuid(k - 1);
      t.parentTimestamp = t.timestamp;
      t.parentName = name(k - 1);
      t.addLocator(0, TestImage.W2RU, TestImage.utf16le(".\\" + name(k - 1)));
      Arrays.fill(sector, (byte) k);
      t.write((long) ((k - 1) % 128) * 512, sector);
      Path p = t.writeTo(chain.resolve(name(k)));
      chainBytes += Files.size(p);
    }
    chainTop = chain.resolve(name(DEPTH));
  }

  private static String name(int level) {
    return String.format(Locale.ROOT, "d%04d.vhd", level);
  }

  private static UUID levelUuid(int level) {
    return new UUID(0x4096_0000_0000_0000L, level + 1);
  }

  /** The byte every position of sector {@code s} reads at the top of the chain. */
  private static byte expectedSector(int s) {
    if (s >= 128) {
      return (byte) s;
    }
    int k = DEPTH - ((DEPTH - (s + 1)) % 128);
    return (byte) k;
  }

  /** Runs {@code task} on a thread with a 256 KiB stack and returns what it threw, if anything. */
  private static Throwable onSmallStack(ThrowingRunnable task) throws InterruptedException {
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread t = new Thread(null, () -> {
      try {
        task.run();
      } catch (Throwable e) {
        thrown.set(e);
      }
    }, "small-stack", 256 * 1024);
    t.start();
    t.join();
    return thrown.get();
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void shouldOpenReadAndMapA4096DeepChainOrFailCleanly() throws Exception {
    OpenOptions deep = OpenOptions.defaults().withMaxChainDepth(OpenOptions.MAX_CHAIN_DEPTH_LIMIT);
    AtomicReference<Measured<VhdImage>> opened = new AtomicReference<>();
    Throwable thrown = onSmallStack(() -> {
      Measured<VhdImage> m = measure(() -> Vhd.open(chainTop, deep));
      opened.set(m);
      if (!m.outcome.ok()) {
        return;
      }
      try (VhdImage img = m.outcome.value()) {
        assertEquals(DEPTH + 1, img.getChain().size());
        byte[] all = new byte[(int) CHAIN_SIZE];
        img.readFully(0, ByteBuffer.wrap(all));
        for (int s = 0; s < CHAIN_SIZE / 512; s++) {
          byte[] want = new byte[512];
          Arrays.fill(want, expectedSector(s));
          assertArrayEquals(want, Arrays.copyOfRange(all, s * 512, s * 512 + 512), "sector " + s);
        }
        List<Extent> map = img.map();
        Extent last = map.get(map.size() - 1);
        assertEquals(DEPTH, last.depth(), "the base's sectors come from depth 4096: " + last);
        assertTrue(last.data());
      }
    });
    if (thrown != null) {
      throw new AssertionError(
          "the 4,096-deep chain failed with something other than a VhdException: " + thrown, thrown);
    }
    Measured<VhdImage> m = opened.get();
    report("4096-deep chain open (max depth 4096)", chainBytes, m);
    assertTrue(m.outcome.ok() || m.outcome.failure() != null, "open or fail cleanly");
  }

  @Test
  void shouldRefuseA4096DeepChainByDefault() throws Exception {
    AtomicReference<Measured<VhdImage>> opened = new AtomicReference<>();
    Throwable thrown = onSmallStack(() -> opened.set(measure(() -> Vhd.open(chainTop))));
    if (thrown != null) {
      throw new AssertionError("open failed with something other than a VhdException: " + thrown, thrown);
    }
    Measured<VhdImage> m = opened.get();
    closeQuietly(m.outcome);
    report("4096-deep chain open (default max depth 64)", chainBytes, m);
    VhdException e = m.outcome.failure();
    assertInstanceOf(VhdLimitException.class, e, "the default depth limit must refuse the chain: " + m.outcome);
    assertEquals(ProblemCode.CHAIN_DEPTH_LIMIT, ((VhdLimitException) e).getCode());
    assertEquals(OpenOptions.DEFAULT_MAX_CHAIN_DEPTH, ((VhdLimitException) e).getLimit());
  }

  @Test
  void shouldCheckA4096DeepChain() throws Exception {
    CheckOptions options = CheckOptions.defaults().withOpenOptions(
        OpenOptions.defaults().withMaxChainDepth(OpenOptions.MAX_CHAIN_DEPTH_LIMIT));
    AtomicReference<Measured<ValidationReport>> checked = new AtomicReference<>();
    Throwable thrown = onSmallStack(() -> checked.set(measure(() -> Vhd.check(chainTop, options))));
    if (thrown != null) {
      throw new AssertionError("check failed with something other than a VhdException: " + thrown, thrown);
    }
    Measured<ValidationReport> m = checked.get();
    assertTrue(m.outcome.ok(), "check threw: " + m.outcome);
    assertFalse(m.outcome.value().hasErrors(),
        "a valid chain has no errors: " + m.outcome.value().problems(Severity.ERROR));
    assertBounded("4096-deep chain check", chainBytes, m);
  }

  // -----------------------------------------------------------------------------------------------
  // Allocation linear in the file size

  /**
   * A 35 KiB differencing child that claims 2040 GiB in 256 MiB blocks (8,160 table entries), over
   * the fixture chain: mapping it must cost what its files cost, not what its virtual size claims.
   */
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void shouldMapAHugeSparseDifferencingDiskWithinLinearAllocation() throws IOException {
    Path sub = Files.createDirectories(dir.resolve("huge-map"));
    ChainFixture.install(sub);
    TestImage child = ChainFixture.child(256L << 20);
    child.setSize(0xFF000000L * 512);
    Path file = child.writeTo(sub.resolve("child.vhd"));
    long n = Files.size(file) + Files.size(sub.resolve(ChainFixture.PARENT))
        + Files.size(sub.resolve(ChainFixture.GRANDPARENT));
    try (VhdImage img = Vhd.open(file)) {
      img.map();
      Measured<List<Extent>> m = measure(img::map);
      assertTrue(m.outcome.ok(), "map: " + m.outcome);
      assertBounded("map of a 2040 GiB differencing disk", n, m);
    }
  }

  /** A dynamic disk of {@code entries} 512-byte blocks whose table entries are set by {@code fill}. */
  private static Path tableHeavy(String name, int entries, int allocatedMode) throws IOException {
    TestImage t = TestImage.dynamic((long) entries * 512, 512);
    t.uuid = UUID.nameUUIDFromBytes(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    byte[] empty = t.toBytes();
    int tableEnd = 1536 + (entries * 4 + 511) / 512 * 512;
    long blocks = allocatedMode == 2 ? (long) entries * 1024 : 0;
    Path file = dir.resolve(name);
    try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer head = ByteBuffer.wrap(empty, 0, tableEnd).slice().order(ByteOrder.BIG_ENDIAN);
      ByteBuffer copy = ByteBuffer.allocate(tableEnd).put(head).flip();
      for (int i = 0; i < entries; i++) {
        int v = switch (allocatedMode) {
          case 0 -> 0xFFFFFFFF;
          case 1 -> 3; // every entry into the table itself: all overlap metadata and each other
          default -> (tableEnd + i * 1024) / 512;
        };
        copy.putInt(1536 + 4 * i, v);
      }
      ch.write(copy);
      long at = tableEnd;
      ByteBuffer zeros = ByteBuffer.allocate(1 << 16);
      while (at < tableEnd + blocks) {
        zeros.clear().limit((int) Math.min(zeros.capacity(), tableEnd + blocks - at));
        at += ch.write(zeros, at);
      }
      ch.write(ByteBuffer.wrap(empty, empty.length - 512, 512), tableEnd + blocks);
    }
    return file;
  }

  @Test
  void shouldAllocateAtMostLinearlyInTheFileSize() throws IOException {
    for (int entries : new int[] {256, 16_384, 262_144}) {
      openAndCheck("table of " + entries + " unallocated entries", tableHeavy("free-" + entries, entries, 0));
      openAndCheck("table of " + entries + " entries into metadata", tableHeavy("meta-" + entries, entries, 1));
    }
    for (int entries : new int[] {256, 4_096, 16_384}) {
      openAndCheck(entries + " allocated 512-byte blocks", tableHeavy("full-" + entries, entries, 2));
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Tables of millions of 512-byte blocks

  /** Where the 100 GiB test writes, and with which byte: the first block, the middle, the end. */
  private static final long[][] SCATTERED = {
      {0, 64 << 10, 0x11}, {(1L << 30) + 1536, 4096, 0x22}, {50L << 30, 512, 0x33},
      {(100L << 30) - (64 << 10), 8192, 0x44}, {(100L << 30) - 512, 512, 0x55}};

  private static byte[] read(VhdImage img, long at, int n) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(n);
    img.readFully(at, b);
    return b.array();
  }

  private static byte[] filled(int n, int value) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) value);
    return b;
  }

  /** Asserts the 100 GiB disk's content: each written range, zeros around it, zeros elsewhere. */
  private static void assertScattered(VhdImage img, long size) throws IOException {
    for (long[] w : SCATTERED) {
      assertArrayEquals(filled((int) w[1], (int) w[2]), read(img, w[0], (int) w[1]), "data at " + w[0]);
      if (w[0] >= 512) {
        assertArrayEquals(new byte[512], read(img, w[0] - 512, 512), "before " + w[0]);
      }
      if (w[0] + w[1] + 512 <= size) {
        assertArrayEquals(new byte[512], read(img, w[0] + w[1], 512), "after " + w[0]);
      }
    }
    assertArrayEquals(new byte[1 << 20], read(img, 70L << 30, 1 << 20), "an unwritten MiB");
  }

  /** The data extents of a map, as {start, length} pairs. */
  private static List<List<Long>> dataRuns(List<Extent> map) {
    List<List<Long>> out = new ArrayList<>();
    for (Extent e : map) {
      if (!e.data()) {
        continue;
      }
      List<Long> last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && last.get(0) + last.get(1) == e.start()) {
        out.set(out.size() - 1, List.of(last.get(0), last.get(1) + e.length()));
      } else {
        out.add(List.of(e.start(), e.length()));
      }
    }
    return out;
  }

  private static List<List<Long>> scatteredRuns() {
    List<List<Long>> out = new ArrayList<>();
    for (long[] w : SCATTERED) {
      out.add(List.of(w[0], w[1]));
    }
    return out;
  }

  /**
   * A 100 GiB dynamic disk of 512-byte blocks: 209,715,200 table entries, an 800 MiB table. Every
   * operation runs here, in a 64 MiB heap, so none may hold the table (or a byte, a key or an
   * object per entry); opening and mapping it must allocate a bounded amount, whatever the table's
   * size. (Before tables were paged, vhd info took 3.3 GB and failed with -Xmx512m.)
   */
  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void shouldHandleA100GibDiskOf512ByteBlocksInASmallHeap() throws IOException {
    Path sub = Files.createDirectories(dir.resolve("tiny-blocks"));
    Path file = sub.resolve("100g.vhd");
    long size = 100L << 30;
    OpenOptions fast = OpenOptions.defaults().withDurability(Durability.NONE);
    try (VhdImage img = Vhd.create(file, CreateOptions.dynamic(size).withBlockSize(512)
        .withSizeMode(SizeMode.EXACT).withOpenOptions(fast))) {
      assertEquals(209_715_200L, img.getDynamicHeader().maxTableEntries());
      for (long[] w : SCATTERED) {
        img.write(w[0], ByteBuffer.wrap(filled((int) w[1], (int) w[2])));
      }
    }
    long blocks = Arrays.stream(SCATTERED).mapToLong(w -> w[1] / 512).sum();
    assertEquals(1536 + 4 * 209_715_200L + blocks * 1024 + 512, Files.size(file), "a block per 512 bytes written");

    Measured<VhdImage> opened = measure(() -> Vhd.open(file));
    report("open 100 GiB, 512-byte blocks", Files.size(file), opened);
    assertTrue(opened.outcome.ok(), "open: " + opened.outcome);
    try (VhdImage img = opened.outcome.value()) {
      assertTrue(opened.allocated < 16L << 20, "open allocated " + opened.allocated + " bytes");
      assertScattered(img, size);
      Measured<List<Extent>> mapped = measure(img::map);
      report("map 100 GiB, 512-byte blocks", Files.size(file), mapped);
      assertTrue(mapped.allocated < 32L << 20, "map allocated " + mapped.allocated + " bytes");
      assertEquals(scatteredRuns(), dataRuns(mapped.outcome.value()));
      assertTrue(mapped.outcome.value().size() < 1000, "an unallocated run is one extent: "
          + mapped.outcome.value().size() + " extents");
    }
    for (boolean deep : new boolean[] {false, true}) {
      ValidationReport r = Vhd.check(file, CheckOptions.defaults().withDeep(deep));
      assertFalse(r.hasErrors(), "check " + (deep ? "--deep: " : ": ") + r.problems(Severity.ERROR));
      assertTrue(r.problems(Severity.WARNING).isEmpty(), "warnings: " + r.problems(Severity.WARNING));
    }
    assertEquals(List.of(), Vhd.planRepair(file), "a healthy image needs no repair");

    // Zeros over the block in the middle make it reclaimable; compact moves the last block into
    // its place and cuts the file. Written again, the block goes to the end of the file.
    OpenOptions writable = fast.withWritable(true);
    try (VhdImage img = Vhd.open(file, writable)) {
      img.write(50L << 30, ByteBuffer.wrap(new byte[512]));
    }
    long before = Files.size(file);
    assertEquals(1024, Vhd.compact(file, ProgressListener.none()));
    assertEquals(before - 1024, Files.size(file));
    try (VhdImage img = Vhd.open(file, writable)) {
      assertArrayEquals(new byte[512], read(img, 50L << 30, 512));
      assertEquals(scatteredRuns().size() - 1, dataRuns(img.map()).size());
      img.write(50L << 30, ByteBuffer.wrap(filled(512, 0x33)));
      assertScattered(img, size);
    }

    // Shrinking over stored data is refused; growing writes a new 880 MiB table after the blocks,
    // in chunks; shrinking back only shortens the table; growing again fits in the new table.
    VhdException refused = org.junit.jupiter.api.Assertions.assertThrows(VhdException.class,
        () -> Vhd.resize(file, 90L << 30, SizeMode.EXACT));
    assertTrue(refused.getMessage().contains("stores data"), refused.getMessage());
    for (long to : new long[] {110L << 30, size, 105L << 30, size}) {
      assertEquals(to, Vhd.resize(file, to, SizeMode.EXACT));
      try (VhdImage img = Vhd.open(file)) {
        assertEquals(to, img.getSize());
        assertEquals(to / 512, img.getDynamicHeader().maxTableEntries());
        assertScattered(img, size);
        if (to > size) {
          assertArrayEquals(new byte[4096], read(img, to - 4096, 4096), "the new space at " + to);
        }
      }
    }
    assertFalse(Vhd.check(file).hasErrors());

    try (VhdImage img = Vhd.open(file)) {
      Path raw = sub.resolve("100g.raw");
      DiskImages.convertToRaw(img, raw, Durability.NONE, ProgressListener.none());
      assertEquals(size, Files.size(raw));
      try (var ch = java.nio.channels.FileChannel.open(raw)) {
        for (long[] w : SCATTERED) {
          // The range with a sector of zeros on each side, where the disk has them.
          long from = Math.max(0, w[0] - 512);
          long to = Math.min(size, w[0] + w[1] + 512);
          ByteBuffer b = ByteBuffer.allocate((int) (to - from));
          while (b.hasRemaining() && ch.read(b, from + b.position()) > 0) {
            continue;
          }
          byte[] want = new byte[(int) (to - from)];
          Arrays.fill(want, (int) (w[0] - from), (int) (w[0] - from + w[1]), (byte) w[2]);
          assertArrayEquals(want, b.array(), "raw around " + w[0]);
        }
      }
      Files.delete(raw);

      Path dynamic = sub.resolve("100g-2m.vhd");
      Vhd.convert(img, dynamic, CreateOptions.dynamic(0).withSizeMode(SizeMode.EXACT)
          .withOpenOptions(fast), ProgressListener.none());
      try (VhdImage copy = Vhd.open(dynamic)) {
        assertEquals(size, copy.getSize());
        assertEquals(2L << 20, copy.getBlockSize());
        assertScattered(copy, size);
        assertEquals(List.of(0L, 512L, 25_600L, 51_199L), copy.map().stream().filter(Extent::data)
            .map(e -> e.start() >> 21).distinct().collect(java.util.stream.Collectors.toList()),
            "the 2 MiB blocks that hold data");
      }
      Files.delete(dynamic);
    }
    Files.delete(file);
  }

  /** Where block {@code b} of {@code blocks} is stored: in table order, or scattered by a permutation. */
  private static long slot(long b, long blocks, boolean unordered) {
    // An odd multiplier permutes the residues modulo a power of two.
    return unordered ? (b * 0x9E3779B1L) & (blocks - 1) : b;
  }

  /** The 512 bytes stamped into block {@code b} of the fully allocated fixture. */
  private static byte[] stamp(long b) {
    byte[] d = filled(512, (int) (b % 251) + 1);
    ByteBuffer.wrap(d).putLong(0, b);
    return d;
  }

  /**
   * A 2 GiB dynamic disk of 512-byte blocks with all 4 Mi blocks allocated, written directly and
   * sparsely: the header and footers from the test builder, the 16 MiB table in 1 MiB chunks, and
   * blocks as holes (zeros, bitmaps clear) except every {@code every}-th, which holds
   * {@link #stamp}. With {@code unordered}, blocks are stored in a scattered order.
   */
  private static Path fullyAllocated(String name, boolean unordered, long every) throws IOException {
    long size = 2L << 30;
    long blocks = size / 512;
    TestImage t = TestImage.dynamic(size, 512);
    t.uuid = UUID.nameUUIDFromBytes(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    t.fileLength = 1536L;
    byte[] head = t.toBytes();
    long dataStart = 1536 + 4 * blocks;
    Path file = dir.resolve(name);
    try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE_NEW,
        java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(head), 0);
      ByteBuffer table = ByteBuffer.allocate(1 << 20);
      for (long b = 0; b < blocks; ) {
        table.clear();
        long first = b;
        while (table.hasRemaining() && b < blocks) {
          table.putInt((int) ((dataStart + 1024 * slot(b, blocks, unordered)) / 512));
          b++;
        }
        table.flip();
        ch.write(table, 1536 + 4 * first);
      }
      byte[] bitmap = new byte[512];
      bitmap[0] = (byte) 0x80;
      for (long b = 0; b < blocks; b += every) {
        long at = dataStart + 1024 * slot(b, blocks, unordered);
        ch.write(ByteBuffer.wrap(bitmap), at);
        ch.write(ByteBuffer.wrap(stamp(b)), at + 512);
      }
      ch.write(ByteBuffer.wrap(t.footerBytes(t.headerOffset)), dataStart + 1024 * blocks);
    }
    return file;
  }

  /**
   * A fully allocated disk of 4 Mi blocks (a 16 MiB table, 2 GiB of data in a 4 GiB file) opened,
   * read, mapped and checked in a 64 MiB heap, with its blocks stored in table order and in a
   * scattered order (which the validator sweeps in windows).
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void shouldReadAFullyAllocatedTableOf4MiEntriesInASmallHeap() throws IOException {
    long every = 4093;
    for (boolean unordered : new boolean[] {false, true}) {
      Path file = fullyAllocated(unordered ? "full-4mi-unordered.vhd" : "full-4mi.vhd", unordered, every);
      String what = "4 Mi allocated 512-byte blocks" + (unordered ? ", unordered" : "");
      Vhd.open(file).close();
      Measured<VhdImage> opened = measure(() -> Vhd.open(file));
      report("open " + what, Files.size(file), opened);
      assertTrue(opened.outcome.ok(), "open: " + opened.outcome);
      assertTrue(opened.allocated < (unordered ? 24L << 20 : 8L << 20), "open allocated " + opened.allocated);
      try (VhdImage img = opened.outcome.value()) {
        assertEquals(4L << 20, img.getDynamicHeader().maxTableEntries());
        List<Problem> infos = img.getWarnings();
        assertEquals(unordered, infos.stream().anyMatch(x -> x.code() == ProblemCode.BAT_BLOCKS_UNORDERED), "" + infos);
        // Each stamped block with its neighbours (holes, zeros), in one read across 8 blocks.
        for (long b = every; b < 4L << 20; b += every) {
          byte[] got = read(img, (b - 3) * 512, 8 * 512);
          byte[] want = new byte[8 * 512];
          System.arraycopy(stamp(b), 0, want, 3 * 512, 512);
          assertArrayEquals(want, got, "blocks around " + b);
        }
        assertArrayEquals(stamp(0), read(img, 0, 512));
        long[] data = new long[2];
        img.forEachExtent(0, img.getSize(), e -> {
          data[0] += e.data() ? 1 : 0;
          data[1] += e.data() ? e.length() : 0;
        });
        assertEquals(4L << 20, data[0], "one extent per block: no two blocks are contiguous in the file");
        assertEquals(2L << 30, data[1]);
      }
      ValidationReport r = Vhd.check(file);
      assertFalse(r.hasErrors(), "" + r.problems(Severity.ERROR));
      Files.delete(file);
    }
  }

  /**
   * A stream converted into a dynamic image of 512-byte blocks: a GiB of zeros after one non-zero
   * sector must cost a constant (a piece buffer, a chunk of the table being written), not memory per
   * block of input: memory follows the blocks stored, which the output holds.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void shouldConvertAStreamInMemoryThatFollowsTheOutputNotTheInput() throws IOException {
    long length = 1L << 30;
    Path out = dir.resolve("stream.vhd");
    Measured<Long> m = measure(() -> {
      Vhd.convertRaw(zerosAfterOneSector(length), out, CreateOptions.dynamic(0).withBlockSize(512)
          .withSizeMode(SizeMode.EXACT), ProgressListener.none());
      return Files.size(out);
    });
    assertTrue(m.outcome.ok(), "convert: " + m.outcome);
    long n = Files.size(out);
    assertBounded("stream of 1 GiB into 512-byte blocks", n, m);
    // Stricter than the bound by file size, which the 8 MiB table written at the end dominates.
    assertTrue(m.allocated < CONSTANT, "allocated " + m.allocated + " bytes for one stored block");
    try (VhdImage img = Vhd.open(out)) {
      assertTrue(img.getSize() == length, "size " + img.getSize());
      assertTrue(img.map().stream().filter(Extent::data).mapToLong(Extent::length).sum() == 512,
          "one block stored");
    }
  }

  /** {@code length} bytes: one sector of 0x01, then zeros, handed out without filling the buffer. */
  private static ReadableByteChannel zerosAfterOneSector(long length) {
    long[] pos = {0};
    return TestChannels.readable(dst -> {
      if (pos[0] >= length) {
        return -1;
      }
      int n = (int) Math.min(dst.remaining(), length - pos[0]);
      int at = dst.position();
      // Only the first sector of the stream is not zero. The converter reuses one buffer, so the
      // first bytes of every read are written (the sector's ones once, zeros after it); the rest
      // of the buffer stays the zeros it was allocated with, and a GiB costs no copying here.
      for (int i = 0; i < Math.min(n, 512); i++) {
        dst.put(at + i, pos[0] + i < 512 ? (byte) 1 : 0);
      }
      dst.position(at + n);
      pos[0] += n;
      return n;
    });
  }
}

