package io.github.vhd4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.Extent;
import io.github.vhd4j.OpenOptions;
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
 * locators, a 4,096-deep parent chain, and allocation that must stay linear in the file size.
 * Surefire runs this class alone in a JVM with a 64 MiB heap (execution {@code resource-bounds}),
 * so any allocation driven by a header claim instead of the file size fails it with an
 * OutOfMemoryError. Chains are opened, read and checked on a thread with a 256 KiB stack: a walk
 * that recursed once per level would overflow it long before level 4,096.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ResourceBoundsTest {
  /**
   * Allocation allowed per byte of input. The table alone costs about 4 bytes per file byte (the
   * raw read, the int[] and the sort keys); an interpreted table scan adds an iterator per entry.
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
    return new ReadableByteChannel() {
      private long pos;

      @Override
      public int read(ByteBuffer dst) {
        if (pos >= length) {
          return -1;
        }
        int n = (int) Math.min(dst.remaining(), length - pos);
        int at = dst.position();
        // Only the first sector of the stream is not zero. The converter reuses one buffer, so the
        // first bytes of every read are written (the sector's ones once, zeros after it); the rest
        // of the buffer stays the zeros it was allocated with, and a GiB costs no copying here.
        for (int i = 0; i < Math.min(n, 512); i++) {
          dst.put(at + i, pos + i < 512 ? (byte) 1 : 0);
        }
        dst.position(at + n);
        pos += n;
        return n;
      }

      @Override
      public boolean isOpen() {
        return true;
      }

      @Override
      public void close() {}
    };
  }
}
