package io.github.vhd4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.Extent;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.ValidationReport;
import io.github.vhd4j.VhdException;
import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.VhdLimitException;
import io.github.vhd4j.Vhdx;
import io.github.vhd4j.VhdxImage;
import io.github.vhd4j.internal.ParseMode;
import io.github.vhd4j.internal.vhdx.FuzzAccess;
import io.github.vhd4j.internal.vhdx.layout.Guids;
import io.github.vhd4j.internal.vhdx.layout.Le;
import io.github.vhd4j.internal.vhdx.layout.LogLayout;
import io.github.vhd4j.internal.vhdx.layout.MetadataLayout;
import io.github.vhd4j.internal.vhdx.layout.ParentLocatorLayout;
import io.github.vhd4j.testing.BuiltVhdx;
import io.github.vhd4j.testing.SparseImage;
import io.github.vhd4j.testing.VhdxBuilder;
import io.github.vhd4j.testing.VhdxLogBuilder;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * VHDX resource bounds, in the 64 MiB heap of {@link ResourceBoundsTest}'s JVM (surefire execution
 * {@code resource-bounds}): files of a few MiB, written sparse, that claim a 513 MiB table, a
 * metadata region past the 128 MiB cap, a 1 GiB log full of hostile entries, a parent locator of
 * 256 entries with 64 KiB strings, and a 1,000-deep differencing chain. Each is refused or opened
 * without an OutOfMemoryError and within an allocation bound set by what the file holds, never by
 * what it claims; chains are walked on a thread with a 256 KiB stack. The measured numbers are
 * printed with the prefix {@code bound vhdx}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class VhdxResourceBoundsTest {
  private static final long MIB = VhdxBuilder.MIB;
  /** Allocation allowed whatever the file: structures of up to 1 MiB read whole, problem lists. */
  static final long CONSTANT = 8L << 20;
  static final int DEPTH = 1000;
  /** Allocation allowed per 64 MiB window of a map (short-lived segment lists). */
  static final long WINDOW_COST = 512;
  /** Allocation allowed per layer of a chain: its structures read whole (tables of 64 KiB). */
  static final long LAYER_COST = MIB;

  @TempDir
  static Path dir;

  /** Allocation and wall time of one call, with its outcome. */
  private record Measured<T>(Outcome<T> outcome, long allocated, long millis) {}

  private static <T> Measured<T> measure(Outcome.Call<T> call) {
    long t0 = System.nanoTime();
    long a0 = Alloc.now();
    Outcome<T> o = Outcome.of(call);
    long used = Alloc.now() - a0;
    return new Measured<>(o, used, (System.nanoTime() - t0) / 1_000_000);
  }

  /** Prints a measurement ({@code file}: the length of the files involved) and checks it against {@code limit}. */
  private static void report(String what, long file, long limit, Measured<?> m) {
    String outcome = m.outcome.ok() ? "opened/checked" : m.outcome.failure().getClass().getSimpleName();
    System.out.printf(Locale.ROOT, "bound vhdx %-44s file %,14d B  allocated %,13d B  limit %,15d B  %,6d ms  %s%n",
        what, file, m.allocated, limit, m.millis, outcome);
    assertTrue(m.allocated <= limit, what + " allocated " + m.allocated + " bytes (limit " + limit + ")");
  }

  /**
   * Writes a file with only its non-zero 4 KiB pages (a builder's header section alone is a 320 KiB
   * extent, mostly zeros), so that a thousand files of a chain cost the disk what they hold.
   */
  static void writePages(SparseImage img, Path path) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      for (long at = 0; at < img.length(); at += 4096) {
        byte[] page = img.read(at, (int) Math.min(4096, img.length() - at));
        for (byte b : page) {
          if (b != 0) {
            ch.write(ByteBuffer.wrap(page), at);
            break;
          }
        }
      }
    }
    try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
      f.setLength(img.length());
    }
  }

  /** Opens strictly and leniently and checks: each within the limit; returns the strict open and the check. */
  private static List<Measured<?>> openAndCheck(String what, Path file, long limit, OpenOptions options)
      throws IOException {
    List<Measured<?>> out = new ArrayList<>();
    for (boolean lenient : new boolean[] {false, true}) {
      close(Outcome.of(() -> Vhdx.open(file, options.withLenient(lenient))));
      Measured<VhdxImage> m = measure(() -> Vhdx.open(file, options.withLenient(lenient)));
      report(what + (lenient ? " open lenient" : " open strict"), Files.size(file), limit, m);
      if (!lenient) {
        out.add(m);
      } else {
        close(m.outcome);
      }
    }
    CheckOptions check = CheckOptions.defaults().withOpenOptions(options);
    Outcome.of(() -> Vhdx.check(file, check));
    Measured<ValidationReport> m = measure(() -> Vhdx.check(file, check));
    assertTrue(m.outcome.ok(), () -> "check threw: " + m.outcome);
    report(what + " check", Files.size(file), limit, m);
    out.add(m);
    return out;
  }

  private static void close(Outcome<VhdxImage> o) throws IOException {
    if (o.ok()) {
      o.value().close();
    }
  }

  // -----------------------------------------------------------------------------------------------

  /**
   * 64 TiB of 1 MiB blocks: 67,125,248 entries, a 513 MiB table in a sparse file holding a few
   * MiB, with blocks at the start, the middle and the end. The table is read and validated in
   * pieces: opening, reading, mapping and checking it allocate what a table page costs, not what the
   * table claims.
   */
  @Test
  void shouldOpenA64TibTableOfMibBlocksInASmallHeap() throws IOException {
    VhdxBuilder b = VhdxBuilder.dynamic(Vhdx.MAX_SIZE, MIB);
    VhdxInput.identify(b, 64);
    long blocks = Vhdx.MAX_SIZE / MIB;
    int[] written = {0, (int) (blocks / 2), (int) (blocks - 1)};
    for (int blk : written) {
      b.block(blk, VhdxLogBuilder.pattern(blk));
    }
    Path file = b.build().file.write(dir.resolve("64t-1m.vhdx"));
    List<Measured<?>> ms = openAndCheck("64 TiB / 1 MiB blocks", file, 32 * MIB, OpenOptions.defaults());
    Outcome<?> strict = ms.get(0).outcome;
    assertTrue(strict.ok(), () -> "a valid 64 TiB disk: " + strict);
    try (VhdxImage img = (VhdxImage) strict.value()) {
      for (int blk : written) {
        ByteBuffer got = ByteBuffer.allocate(4096);
        img.readFully(blk * MIB, got);
        assertArrayEquals(VhdxLogBuilder.pattern(blk), got.array(), "block " + blk);
      }
      // The map is made in windows of 64 MiB of virtual disk; each costs a few short-lived
      // objects, so 64 TiB costs a few hundred MiB of garbage, but holds only the runs.
      Measured<List<Extent>> map = measure(img::map);
      report("64 TiB / 1 MiB blocks map", Files.size(file), WINDOW_COST * (Vhdx.MAX_SIZE >> 26) + CONSTANT, map);
      assertEquals(5, map.outcome.value().size(), () -> "three data runs between zeros: " + map.outcome.value());
    }
    assertTrue(!((ValidationReport) ms.get(1).outcome.value()).hasErrors());
  }

  /** The same claim over a file cut after the header section: refused before the table is read. */
  @Test
  void shouldRefuseA513MibTableClaimInA5MibFile() throws IOException {
    VhdxBuilder b = VhdxBuilder.dynamic(Vhdx.MAX_SIZE, MIB);
    VhdxInput.identify(b, 65);
    b.fileLength = 5 * MIB;
    Path file = b.build().file.write(dir.resolve("64t-cut.vhdx"));
    List<Measured<?>> ms = openAndCheck("513 MiB table in 5 MiB", file, CONSTANT, OpenOptions.defaults());
    assertInstanceOf(VhdFormatException.class, ms.get(0).outcome.failure(), () -> "refused: " + ms.get(0).outcome);
  }

  /** Metadata regions of exactly 128 MiB (opened) and one MiB more (refused), the items at their start. */
  @Test
  void shouldBoundMetadataRegionsAt128Mib() throws IOException {
    for (long length : new long[] {MetadataLayout.MAX_REGION_LENGTH, MetadataLayout.MAX_REGION_LENGTH + MIB,
        4095 * MIB}) {
      VhdxBuilder b = VhdxBuilder.dynamic(64 * MIB, MIB);
      VhdxInput.identify(b, 128);
      b.metadataRegionLength = length;
      Path file = b.build().file.write(dir.resolve("meta-" + length + ".vhdx"));
      List<Measured<?>> ms = openAndCheck("metadata region " + (length >> 20) + " MiB", file, CONSTANT,
          OpenOptions.defaults());
      Outcome<?> strict = ms.get(0).outcome;
      if (length <= MetadataLayout.MAX_REGION_LENGTH) {
        assertTrue(strict.ok(), () -> "a 128 MiB metadata region: " + strict);
        ((VhdxImage) strict.value()).close();
      } else {
        assertEquals(ProblemCode.VHDX_METADATA_LIMIT, ((VhdFormatException) strict.failure()).getCode(),
            "refused for its size: " + strict);
      }
    }
  }

  /**
   * A 1 GiB log (the most MS-VHDX allows) that must be replayed: 2,000 valid entries of 126 zero
   * descriptors each in its first 8 MiB, then an entry claiming 2^32-1 descriptors and one claiming
   * to be 1 GiB long. The replay holds what the entries hold; the claims allocate nothing.
   */
  @Test
  void shouldReplayAGibLogOfHostileEntriesInASmallHeap() throws IOException {
    UUID guid = UUID.fromString("10900000-0000-4000-8000-000000000001");
    VhdxBuilder b = VhdxBuilder.dynamic(64 * MIB, MIB);
    VhdxInput.identify(b, 1024);
    b.logLength = LogLayout.MAX_LENGTH;
    BuiltVhdx plain = b.build();
    long bat = plain.batOffset;
    long end = plain.file.length();
    VhdxLogBuilder log = new VhdxLogBuilder(guid, (int) (8 * MIB + 8 * 4096));
    long tail = 0;
    for (int i = 0; i < 2000; i++) {
      VhdxLogBuilder.Entry e = log.entry(1 + i).tail(tail).flushed(end);
      for (int d = 0; d < 126; d++) {
        e.zero(bat + (long) ((i + d) % 256) * 4096, 4096);
      }
      e.write();
    }
    log.entry(2001).tail(tail).flushed(end).zero(bat, 4096)
        .before(VhdxLogBuilder.set32(LogLayout.DESCRIPTOR_COUNT, 0xFFFFFFFFL)).write();
    log.entry(2002).tail(tail).flushed(end).zero(bat, 4096)
        .before(VhdxLogBuilder.set32(LogLayout.ENTRY_LENGTH, LogLayout.MAX_LENGTH - 4096)).write();
    b.logBytes = log.bytes();
    b.logGuid(guid);
    SparseImage built = b.build().file;
    // The bound is set by the bytes the file holds (its log entries), not by its 1 GiB length.
    long held = built.heldBytes();
    Path file = built.write(dir.resolve("log-1g.vhdx"));
    List<Measured<?>> ms = openAndCheck("1 GiB log, 252,000 descriptors", file, 8 * held + CONSTANT,
        OpenOptions.defaults());
    Outcome<?> strict = ms.get(0).outcome;
    assertTrue(strict.ok(), () -> "the valid sequence replays: " + strict);
    try (VhdxImage img = (VhdxImage) strict.value()) {
      assertEquals(2000, img.getLogState().entries(), () -> "entries replayed: " + img.getLogState());
    }
  }

  /**
   * A Parent Locator item of 1 MiB with 256 entries (the most MS-VHDX allows) whose keys and values
   * are distinct 64 KiB windows of the same text: 512 strings of 32,767 characters, 32 times the
   * item, all well-formed UTF-16 inside the item.
   *
   * @param wide characters past Latin-1 (two bytes each in a Java string) rather than within it
   */
  static byte[] windowedLocator(boolean wide) {
    int n = ParentLocatorLayout.MAX_ENTRIES;
    int item = (int) MIB;
    ByteBuffer b = Le.allocate(item);
    Guids.put(b, ParentLocatorLayout.LOCATOR_TYPE, Guids.VHDX_LOCATOR_TYPE);
    ParentLocatorLayout.KEY_VALUE_COUNT.putU16(b, n);
    int text = ParentLocatorLayout.entryIndex(n);
    for (int at = text; at + 1 < item; at += 2) {
      b.putChar(at, (char) ((wide ? 0x100 : 0) + 'A' + (at / 2) % 26));
    }
    for (int i = 0; i < n; i++) {
      ByteBuffer e = b.slice(ParentLocatorLayout.entryIndex(i), ParentLocatorLayout.ENTRY_SIZE).order(b.order());
      ParentLocatorLayout.KEY_OFFSET.putU32(e, text + 2L * i);
      ParentLocatorLayout.KEY_LENGTH.putU16(e, 0xFFFE);
      ParentLocatorLayout.VALUE_OFFSET.putU32(e, text + 2L * (i + n));
      ParentLocatorLayout.VALUE_LENGTH.putU16(e, 0xFFFE);
    }
    return b.array();
  }

  /** A differencing disk whose locator item is {@link #windowedLocator}, opened, then checked. */
  private static void openAndCheckWindowedLocator(boolean wide) throws IOException {
    VhdxBuilder v = VhdxBuilder.differencing(8 * MIB, MIB, VhdxFixture.PARENT_512);
    VhdxInput.identify(v, 256);
    v.writeLocator = false;
    v.metadataRegionLength = 2 * MIB;
    v.extraItems.add(new VhdxBuilder.Item(Guids.PARENT_LOCATOR, MetadataLayout.IS_REQUIRED, windowedLocator(wide),
        null));
    Path file = v.build().file.write(dir.resolve("locator-256.vhdx"));
    List<Measured<?>> ms = openAndCheck("locator 256 x 2 x 64 KiB" + (wide ? " wide" : ""), file, Long.MAX_VALUE,
        OpenOptions.defaults().withParentResolver(r -> List.of()));
    VhdException e = ms.get(0).outcome.failure();
    // Messages are built only on failure: this report's problems quote 64 KiB keys.
    assertTrue(e instanceof VhdFormatException f && f.getCode() == ProblemCode.VHDX_PARENT_LOCATOR,
        () -> "a locator without parent_linkage is refused: " + e);
    assertTrue(((ValidationReport) ms.get(1).outcome.value()).problems(Severity.ERROR).stream()
        .anyMatch(p -> p.code() == ProblemCode.VHDX_PARENT_LOCATOR));
  }

  /** {@link #windowedLocator} of Latin-1 text, opened and checked without an OutOfMemoryError. */
  @Test
  void shouldRefuseALocatorOf256EntriesOf64KibStringsWithoutRunningOutOfMemory() throws IOException {
    openAndCheckWindowedLocator(false);
  }

  /** The same of text past Latin-1, which doubles the strings' size. */
  @Test
  void shouldRefuseALocatorOf256EntriesOfWide64KibStringsWithoutRunningOutOfMemory() throws IOException {
    openAndCheckWindowedLocator(true);
  }

  /**
   * The parent locator parser decodes {@link #windowedLocator} within a bound set by the item's
   * length, as every other VHDX structure is bounded by what the file holds.
   */
  @Test
  void shouldDecodeALocatorWithinABoundSetByTheItem() {
    byte[] item = windowedLocator(false);
    Outcome.of(() -> FuzzAccess.parseLocator(item, 0, OpenOptions.defaults(), ParseMode.OPEN));
    Measured<FuzzAccess.LocatorParse> m = measure(
        () -> FuzzAccess.parseLocator(item, 0, OpenOptions.defaults(), ParseMode.OPEN));
    report("locator parse, 1 MiB item", item.length, VhdxLocatorFuzzTest.allocationLimit(item.length), m);
  }

  // -----------------------------------------------------------------------------------------------
  // A 1,000-deep chain

  private static String name(int level) {
    return String.format(Locale.ROOT, "x%04d.vhdx", level);
  }

  private static UUID dataWrite(int level) {
    return new UUID(0x1000_0000_0000_4000L, level + 1);
  }

  /**
   * {@code x0000.vhdx} is a dynamic 8 MiB base; level k (1 to 1,000) is a differencing disk over
   * level k-1 whose block k mod 8 is present and starts with 512 bytes of the value k. Block b
   * therefore reads the highest level k with k mod 8 = b.
   */
  private static Path chain() throws IOException {
    Path chain = Files.createDirectories(dir.resolve("chain"));
    Path top = chain.resolve(name(DEPTH));
    if (Files.exists(top)) {
      return top;
    }
    for (int k = 0; k <= DEPTH; k++) {
      VhdxBuilder b = k == 0 ? VhdxBuilder.dynamic(8 * MIB, MIB) : VhdxBuilder.differencing(8 * MIB, MIB, dataWrite(k - 1));
      VhdxInput.identify(b, k);
      b.header1.dataWriteGuid = dataWrite(k);
      b.header2.dataWriteGuid = dataWrite(k);
      b.logLength = 0;
      if (k > 0) {
        b.locator.put(ParentLocatorLayout.RELATIVE_PATH, ".\\" + name(k - 1));
      }
      byte[] sector = new byte[512];
      java.util.Arrays.fill(sector, (byte) k);
      b.block(k % 8, sector);
      writePages(b.build().file, chain.resolve(name(k)));
    }
    return top;
  }

  private static byte expected(int block) {
    int k = DEPTH - Math.floorMod(DEPTH - block, 8);
    return (byte) k;
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }

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

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void shouldOpenReadMapAndCheckA1000DeepChainOrRefuseItByDefault() throws Exception {
    Path top = chain();
    OpenOptions deep = OpenOptions.defaults().withMaxChainDepth(OpenOptions.MAX_CHAIN_DEPTH_LIMIT);
    AtomicReference<Measured<VhdxImage>> opened = new AtomicReference<>();
    Throwable thrown = onSmallStack(() -> {
      Measured<VhdxImage> m = measure(() -> Vhdx.open(top, deep));
      opened.set(m);
      if (!m.outcome.ok()) {
        return;
      }
      try (VhdxImage img = m.outcome.value()) {
        assertEquals(DEPTH + 1, img.getChain().size());
        for (int block = 0; block < 8; block++) {
          ByteBuffer got = ByteBuffer.allocate(512);
          img.readFully(block * MIB, got);
          byte[] want = new byte[512];
          java.util.Arrays.fill(want, expected(block));
          assertArrayEquals(want, got.array(), "block " + block);
        }
        List<Extent> map = img.map();
        assertTrue(map.stream().anyMatch(x -> x.depth() == 7), () -> "block 7 from level 993 (depth 7): " + map);
      }
      ValidationReport r = Vhdx.check(top, CheckOptions.defaults().withOpenOptions(deep));
      assertTrue(!r.hasErrors(), () -> "a valid chain: " + r.problems(Severity.ERROR));
    });
    if (thrown != null) {
      throw new AssertionError("the 1,000-deep chain failed with something other than a VhdException: " + thrown,
          thrown);
    }
    long files = 0;
    for (int k = 0; k <= DEPTH; k++) {
      files += Files.size(top.resolveSibling(name(k)));
    }
    report("1000-deep chain open (max depth 4096)", files, (DEPTH + 1) * LAYER_COST, opened.get());
    Measured<VhdxImage> byDefault = measure(() -> Vhdx.open(top));
    close(byDefault.outcome);
    VhdException e = byDefault.outcome.failure();
    assertInstanceOf(VhdLimitException.class, e, () -> "the default depth limit must refuse the chain: " + byDefault.outcome);
    assertEquals(ProblemCode.CHAIN_DEPTH_LIMIT, ((VhdLimitException) e).getCode());
  }
}
