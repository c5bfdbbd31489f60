package io.github.vhd4j.write;

import static io.github.vhd4j.testing.VhdAssertions.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.Extent;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ProgressListener;
import io.github.vhd4j.Severity;
import io.github.vhd4j.SizeMode;
import io.github.vhd4j.UnsupportedVhdFeatureException;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdException;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.testing.TestImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Vhd#resize}, {@link Vhd#compact} and {@link Vhd#commit} (pitfalls §5 G-81, 6.6-6.8). */
class MaintenanceTest {
  private static final long BLOCK = 64 << 10;
  @TempDir Path dir;

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private OpenOptions read() {
    return OpenOptions.defaults().withParentDirectories(List.of(dir));
  }

  private void assertClean(Path p) throws IOException {
    var r = Vhd.check(p, CheckOptions.defaults().withOpenOptions(read()));
    assertTrue(r.problems().stream().noneMatch(x -> x.severity() != Severity.INFO), () -> p + ": " + r.problems());
  }

  private byte[] content(Path p) throws IOException {
    try (VhdImage img = Vhd.open(p, read())) {
      return readAll(img);
    }
  }

  @Test
  void shouldGrowADynamicDiskByMovingItsTableWhenBlocksFollowIt() throws IOException {
    // G-81: DY(4M) whose first block sits right after a one-sector table, grown to 1 GiB.
    Path p = dir.resolve("g.vhd");
    byte[] data = random(3 * (int) BLOCK, 1);
    try (VhdImage img = Vhd.create(p, CreateOptions.dynamic(4L << 20).withBlockSize(BLOCK)
        .withSizeMode(SizeMode.EXACT))) {
      img.write(0, ByteBuffer.wrap(data));
    }
    assertEquals(1L << 30, Vhd.resize(p, 1L << 30, SizeMode.EXACT));
    try (VhdImage img = Vhd.open(p, OpenOptions.forWriting())) {
      assertEquals(1L << 30, img.getSize());
      assertEquals((1L << 30) / BLOCK, img.getDynamicHeader().maxTableEntries());
      // Deliberately not pitfall 81's "unchanged": libvhdi sizes disks by this field (case 2).
      assertEquals(1L << 30, img.getFooter().originalSize(), "original size follows");
      byte[] all = readAll(img);
      assertArrayEquals(data, Arrays.copyOf(all, data.length));
      for (int i = data.length; i < all.length; i++) {
        assertEquals(0, all[i]);
      }
      // The new space takes writes, and blocks land after the moved table.
      img.write((1L << 30) - 512, ByteBuffer.wrap(random(512, 2)));
    }
    byte[] f = Files.readAllBytes(p);
    assertArrayEquals(Arrays.copyOf(f, 512), Arrays.copyOfRange(f, f.length - 512, f.length));
    assertClean(p);
  }

  @Test
  void shouldGrowInPlaceWhenTheTablePaddingHasRoom() throws IOException {
    Path p = dir.resolve("pad.vhd");
    Vhd.create(p, CreateOptions.dynamic(16 * BLOCK).withBlockSize(BLOCK).withSizeMode(SizeMode.EXACT)).close();
    long len = Files.size(p);
    Vhd.resize(p, 100 * BLOCK, SizeMode.EXACT);
    assertEquals(len, Files.size(p), "128 entries fit the one-sector table");
    try (VhdImage img = Vhd.open(p)) {
      assertEquals(1536L, img.getDynamicHeader().tableOffset());
      assertEquals(100, img.getDynamicHeader().maxTableEntries());
    }
    assertClean(p);
  }

  @Test
  void shouldRefuseASizeWhoseSectorsOverflowInsteadOfShrinkingToNothing() throws IOException {
    // Rounded up to whole sectors, the largest sizes pass Long.MAX_VALUE: they must be refused, not
    // wrapped to a small size that would shrink the disk.
    Path p = dir.resolve("huge.vhd");
    Vhd.create(p, CreateOptions.dynamic(16 * BLOCK).withBlockSize(BLOCK).withSizeMode(SizeMode.EXACT)).close();
    byte[] before = Files.readAllBytes(p);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Vhd.resize(p, Long.MAX_VALUE, SizeMode.CHS));
    assertEquals("a dynamic disk holds at most " + Vhd.MAX_DYNAMIC_SIZE + " bytes: " + Long.MAX_VALUE, e.getMessage());
    assertArrayEquals(before, Files.readAllBytes(p), "nothing changed");
  }

  @Test
  void shouldShrinkOnlyOverUnusedSpace() throws IOException {
    Path p = dir.resolve("s.vhd");
    try (VhdImage img = Vhd.create(p, CreateOptions.dynamic(16 * BLOCK).withBlockSize(BLOCK)
        .withSizeMode(SizeMode.EXACT))) {
      img.write(5 * BLOCK + 700, ByteBuffer.wrap(random(100, 3)));
    }
    VhdException e = assertThrows(VhdException.class, () -> Vhd.resize(p, 2 * BLOCK, SizeMode.EXACT));
    assertTrue(e.getMessage().contains("only unused space"), e.getMessage());
    assertEquals(p.toString(), e.getResource(), "a refusal names the image it refuses to change");
    // Cutting inside block 5 but past its data: the rest of the block is zeros, allowed.
    Vhd.resize(p, 5 * BLOCK + 1024, SizeMode.EXACT);
    assertThrows(IOException.class, () -> Vhd.resize(p, 5 * BLOCK + 512, SizeMode.EXACT));
    try (VhdImage img = Vhd.open(p)) {
      assertEquals(5 * BLOCK + 1024, img.getSize());
      assertArrayEquals(random(100, 3), Arrays.copyOfRange(readAll(img), (int) (5 * BLOCK + 700),
          (int) (5 * BLOCK + 800)));
    }
    assertClean(p);
  }

  @Test
  void shouldClearBytesStoredPastTheOldEndBeforeGrowing() throws IOException {
    // Found by WriteFuzzTest: a 6 KiB disk in 4 KiB blocks whose last block stores bytes past
    // 6 KiB; growing must not reveal them.
    TestImage t = TestImage.dynamic(6 << 10, 4096);
    java.util.Arrays.fill(t.block(1).data, (byte) 0x77);
    Path p = t.writeTo(dir.resolve("tail.vhd"));
    byte[] before = content(p);
    Vhd.resize(p, 16 << 10, SizeMode.EXACT);
    byte[] after = content(p);
    assertArrayEquals(before, Arrays.copyOf(after, before.length));
    assertArrayEquals(new byte[after.length - before.length], Arrays.copyOfRange(after, before.length, after.length));
  }

  @Test
  void shouldRefuseDifferencingDisksLargerThanTheirParent() throws IOException {
    Path base = dir.resolve("p.vhd");
    Vhd.create(base, CreateOptions.dynamic(4 * BLOCK).withBlockSize(BLOCK).withSizeMode(SizeMode.EXACT)).close();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Vhd.create(dir.resolve("c.vhd"), CreateOptions.differencing(base).withSize(8 * BLOCK)));
    assertTrue(e.getMessage().contains("larger than its parent"), e.getMessage());
    assertTrue(Files.notExists(dir.resolve("c.vhd")));
    Path child = dir.resolve("c2.vhd");
    Vhd.create(child, CreateOptions.differencing(base)).close();
    VhdException g = assertThrows(VhdException.class, () -> Vhd.resize(child, 8 * BLOCK, SizeMode.EXACT));
    assertTrue(g.getMessage().contains("resize the parent first"), g.getMessage());
    assertEquals(child.toString(), g.getResource());
  }

  @Test
  void shouldRefuseToGrowAChildOverDataOfALargerParent() throws IOException {
    Path base = dir.resolve("big.vhd");
    try (VhdImage img = Vhd.create(base, CreateOptions.dynamic(8 * BLOCK).withBlockSize(BLOCK)
        .withSizeMode(SizeMode.EXACT))) {
      img.write(6 * BLOCK, ByteBuffer.wrap(random(100, 9)));
    }
    Path child = dir.resolve("small.vhd");
    Vhd.create(child, CreateOptions.differencing(base).withSize(4 * BLOCK)).close();
    byte[] file = Files.readAllBytes(child);
    VhdException e = assertThrows(VhdException.class, () -> Vhd.resize(child, 8 * BLOCK, SizeMode.EXACT));
    assertTrue(e.getMessage().contains("parent stores data"), e.getMessage());
    assertEquals(child.toString(), e.getResource());
    assertArrayEquals(file, Files.readAllBytes(child));
    Vhd.resize(child, 6 * BLOCK, SizeMode.EXACT);  // up to the parent's data: allowed
    assertArrayEquals(new byte[(int) (2 * BLOCK)], Arrays.copyOfRange(content(child), (int) (4 * BLOCK),
        (int) (6 * BLOCK)));
  }

  @Test
  void shouldGrowAndShrinkFixedDisks() throws IOException {
    Path p = dir.resolve("f.vhd");
    byte[] data = random(4096, 4);
    try (VhdImage img = Vhd.create(p, CreateOptions.fixed(1 << 20).withSizeMode(SizeMode.EXACT))) {
      img.write(1000, ByteBuffer.wrap(data));
    }
    Vhd.resize(p, 3 << 20, SizeMode.EXACT);
    assertEquals((3 << 20) + 512, Files.size(p));
    byte[] all = content(p);
    assertEquals(3 << 20, all.length);
    assertArrayEquals(data, Arrays.copyOfRange(all, 1000, 1000 + data.length));
    assertArrayEquals(new byte[2 << 20], Arrays.copyOfRange(all, 1 << 20, 3 << 20), "the old footer is gone");
    assertClean(p);
    assertThrows(IOException.class, () -> Vhd.resize(p, 2048, SizeMode.EXACT));
    Vhd.resize(p, 8192, SizeMode.EXACT);
    assertEquals(8192 + 512, Files.size(p));
    assertArrayEquals(Arrays.copyOf(all, 8192), content(p));
    assertClean(p);
  }

  @Test
  void shouldCompactADynamicDiskWithoutChangingItsContent() throws IOException {
    Path p = dir.resolve("c.vhd");
    try (VhdImage img = Vhd.create(p, CreateOptions.dynamic(32 * BLOCK).withBlockSize(BLOCK)
        .withSizeMode(SizeMode.EXACT))) {
      for (int b = 0; b < 32; b++) {
        img.write(b * BLOCK, ByteBuffer.wrap(random(512, b)));
      }
      // Every other block back to zeros: still allocated, now reclaimable.
      for (int b = 0; b < 32; b += 2) {
        img.write(b * BLOCK, ByteBuffer.wrap(new byte[512]));
      }
    }
    byte[] before = content(p);
    long len = Files.size(p);
    long saved = Vhd.compact(p, ProgressListener.none());
    assertEquals(16 * (BLOCK + 512), saved);
    assertEquals(len - saved, Files.size(p));
    assertArrayEquals(before, content(p));
    try (VhdImage img = Vhd.open(p)) {
      assertEquals(16, img.map().stream().filter(Extent::data).count());
    }
    assertClean(p);
    List<long[]> reports = new ArrayList<>();
    assertEquals(0, Vhd.compact(p, (d, t) -> reports.add(new long[] {d, t})), "nothing left to reclaim");
    // One report per allocated block examined (blocks 1, 3, ..., 31), counting the unallocated
    // blocks before it: a table of millions of unallocated entries costs no report each.
    assertEquals(16, reports.size(), "one report per allocated block examined");
    assertArrayEquals(new long[] {2 * BLOCK, 32 * BLOCK}, reports.get(0));
    assertArrayEquals(new long[] {32 * BLOCK, 32 * BLOCK}, reports.get(15));
    // An empty disk has nothing to examine, and still ends with the one report the listener's
    // contract promises (done == total).
    Path empty = dir.resolve("empty.vhd");
    Vhd.create(empty, CreateOptions.dynamic(0)).close();
    reports.clear();
    assertEquals(0, Vhd.compact(empty, (d, t) -> reports.add(new long[] {d, t})));
    assertEquals(1, reports.size());
    assertArrayEquals(new long[] {0, 0}, reports.get(0));
    Path f = dir.resolve("fixed.vhd");
    Vhd.create(f, CreateOptions.fixed(1 << 20)).close();
    assertThrows(UnsupportedVhdFeatureException.class, () -> Vhd.compact(f, ProgressListener.none()));
  }

  @Test
  void shouldCommitAChildIntoItsParentAndGrowTheParentFirst() throws IOException {
    Path base = dir.resolve("base.vhd");
    try (VhdImage img = Vhd.create(base, CreateOptions.dynamic(8 * BLOCK).withBlockSize(BLOCK)
        .withSizeMode(SizeMode.EXACT))) {
      img.write(0, ByteBuffer.wrap(random(5 * (int) BLOCK, 5)));
    }
    Path child = dir.resolve("child.vhd");
    try (VhdImage img = Vhd.create(child, CreateOptions.differencing(base))) {
      img.write(100, ByteBuffer.wrap(new byte[300]));             // zeros over parent data
      img.write(3 * BLOCK - 7, ByteBuffer.wrap(random(1000, 6)));
      img.write(7 * BLOCK, ByteBuffer.wrap(random(4096, 7)));
    }
    // vhd4j never makes a child larger than its parent, but other tools do: shrink the parent
    // over its unused end, and block 7 of the child lies past it.
    Vhd.resize(base, 6 * BLOCK, SizeMode.EXACT);
    byte[] expected = content(child);
    long[] last = {0, 0};
    assertEquals(base, Vhd.commit(child, read(), (d, t) -> {
      last[0] = d;
      last[1] = t;
    }));
    assertArrayEquals(new long[] {8 * BLOCK, 8 * BLOCK}, last);
    try (VhdImage img = Vhd.open(base)) {
      assertEquals(8 * BLOCK, img.getSize(), "the parent grew to the child's size");
      assertEquals(8 * BLOCK, img.getFooter().originalSize());
    }
    assertArrayEquals(expected, content(base), "the parent now holds the child's content");
    assertArrayEquals(expected, content(child), "the child reads the same");
    // Safe to run again.
    Vhd.commit(child, read(), ProgressListener.none());
    assertArrayEquals(expected, content(base));
    assertClean(base);
    assertClean(child);
    assertThrows(UnsupportedVhdFeatureException.class, () -> Vhd.commit(base, read(), ProgressListener.none()));
  }

  @Test
  void shouldRefuseDamagedImages() throws IOException {
    TestImage t = TestImage.dynamic(4 * BLOCK, BLOCK);
    t.tailFooter = false;
    Path p = t.writeTo(dir.resolve("lost.vhd"));
    assertThrows(UnsupportedVhdFeatureException.class, () -> Vhd.resize(p, 8 * BLOCK, SizeMode.EXACT));
    assertThrows(UnsupportedVhdFeatureException.class, () -> Vhd.compact(p, ProgressListener.none()));
    assertArrayEquals(t.toBytes(), Files.readAllBytes(p));
  }
}
