package io.github.vhd4j.write;

import static io.github.vhd4j.testing.VhdAssertions.filled;
import static io.github.vhd4j.testing.VhdAssertions.read;
import static io.github.vhd4j.testing.VhdAssertions.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.Extent;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.UnsupportedVhdFeatureException;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.testing.TestImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes through {@link VhdImage#write}: sector read-modify-write, exact bitmaps, the zero-write
 * rule, differencing merges, placement after foreign data and the refusals (pitfalls §5 G-74 to
 * G-78, H-87, H-88, 2.9's zero-write trap).
 */
class WriteTest {
  private static final long BLOCK = 64 << 10;
  @TempDir Path dir;

  private static ByteBuffer wrap(byte[] b) {
    return ByteBuffer.wrap(b);
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private void assertClean(Path p) throws IOException {
    var r = Vhd.check(p, CheckOptions.defaults().withOpenOptions(
        OpenOptions.defaults().withParentDirectories(List.of(dir))));
    assertTrue(r.problems().stream().noneMatch(x -> x.severity() != Severity.INFO), () -> p + ": " + r.problems());
  }

  /** The bitmap bytes of block {@code block} as stored in the file. */
  private static byte[] bitmap(Path p, VhdImage img, int block) throws IOException {
    for (Extent e : img.map(block * img.getBlockSize(), img.getBlockSize())) {
      if (e.data() && e.depth() == 0) {
        long blockStart = e.fileOffset() - (e.start() - block * img.getBlockSize()) - 512;
        byte[] file = Files.readAllBytes(p);
        return Arrays.copyOfRange(file, (int) blockStart, (int) blockStart + 512);
      }
    }
    throw new AssertionError("block " + block + " is not allocated");
  }

  @Test
  void shouldReadBackUnalignedWritesAndSetOnlyTheirSectorBits() throws IOException {
    Path p = dir.resolve("d.vhd");
    byte[] model = new byte[(int) (16 * BLOCK)];
    try (VhdImage img = Vhd.create(p, CreateOptions.dynamic(model.length).withBlockSize(BLOCK)
        .withSizeMode(io.github.vhd4j.SizeMode.EXACT))) {
      byte[] a = random(700, 1);
      img.write(1000, wrap(a));   // sectors 1..3 of block 0
      System.arraycopy(a, 0, model, 1000, a.length);
      assertArrayEquals(model, readAll(img));
      byte[] bm = bitmap(p, img, 0);
      assertEquals((byte) 0x70, bm[0], "bits for sectors 1, 2 and 3 only (MSB first)");
      for (int i = 1; i < bm.length; i++) {
        assertEquals(0, bm[i]);
      }
      // An overwrite that reaches sector 4 sets its bit and leaves the others.
      byte[] c = random(300, 2);
      img.write(1900, wrap(c));
      System.arraycopy(c, 0, model, 1900, c.length);
      assertEquals((byte) 0x78, bitmap(p, img, 0)[0]);
      assertArrayEquals(model, readAll(img));
    }
    try (VhdImage img = Vhd.open(p)) {
      assertArrayEquals(model, readAll(img));
    }
    assertClean(p);
  }

  @Test
  void shouldPersistBothBitmapsOfAWriteAcrossABlockBoundary() throws IOException {
    // G-74 (MiniVHD PR #6): the write ends block 0 (allocated) and starts block 1 (sparse).
    Path p = dir.resolve("x.vhd");
    try (VhdImage img = Vhd.create(p, CreateOptions.dynamic(4 * BLOCK).withBlockSize(BLOCK)
        .withSizeMode(io.github.vhd4j.SizeMode.EXACT))) {
      img.write(0, wrap(filled(512, 1)));
      img.write(BLOCK - 1024, wrap(filled(2048, 7)));
    }
    try (VhdImage img = Vhd.open(p)) {
      assertArrayEquals(filled(2048, 7), read(img, BLOCK - 1024, 2048));
      byte[] b0 = bitmap(p, img, 0);
      byte[] b1 = bitmap(p, img, 1);
      assertEquals((byte) 0x80, b0[0]);
      assertEquals((byte) 0x03, b0[15], "the last two sectors of block 0");
      assertEquals((byte) 0xC0, b1[0], "the first two sectors of block 1");
    }
    assertClean(p);
  }

  @Test
  void shouldNotAllocateForZerosOverAnUnallocatedDynamicBlock() throws IOException {
    Path p = dir.resolve("z.vhd");
    try (VhdImage img = Vhd.create(p, CreateOptions.dynamic(4 * BLOCK).withBlockSize(BLOCK)
        .withSizeMode(io.github.vhd4j.SizeMode.EXACT))) {
      long before = Files.size(p);
      img.write(BLOCK + 3, wrap(new byte[5000]));
      assertEquals(before, Files.size(p));
      assertTrue(img.map().stream().noneMatch(Extent::data));
      // Zeros into an allocated block are stored like any data.
      img.write(0, wrap(filled(10, 4)));
      img.write(0, wrap(new byte[10]));
      assertArrayEquals(new byte[10], read(img, 0, 10));
    }
  }

  @Test
  void shouldMergePartialSectorsWithTheParentAndStoreZerosOverParentData() throws IOException {
    Path base = dir.resolve("base.vhd");
    byte[] model = random((int) (8 * BLOCK), 3);
    // Blocks 6 and 7 stay unallocated in the parent: zeros there.
    Arrays.fill(model, (int) (6 * BLOCK), model.length, (byte) 0);
    try (VhdImage img = Vhd.create(base, CreateOptions.dynamic(model.length).withBlockSize(BLOCK)
        .withSizeMode(io.github.vhd4j.SizeMode.EXACT))) {
      img.write(0, wrap(Arrays.copyOf(model, (int) (6 * BLOCK))));
    }
    Path child = dir.resolve("child.vhd");
    try (VhdImage img = Vhd.create(child, CreateOptions.differencing(base).withBlockSize(BLOCK))) {
      long size0 = Files.size(child);
      // Zeros where the parent has no data: nothing to hide, nothing allocated.
      img.write(6 * BLOCK + 100, wrap(new byte[3000]));
      assertEquals(size0, Files.size(child));
      // Zeros over parent data must be stored (the zero-write trap, dosbox-x#4545).
      img.write(2 * BLOCK + 10, wrap(new byte[20]));
      Arrays.fill(model, (int) (2 * BLOCK + 10), (int) (2 * BLOCK + 30), (byte) 0);
      // A partial sector keeps the parent's bytes around it.
      byte[] a = random(3, 4);
      img.write(5 * BLOCK + 511, wrap(a));
      System.arraycopy(a, 0, model, (int) (5 * BLOCK + 511), 3);
      assertArrayEquals(model, readAll(img));
      assertTrue(Files.size(child) > size0);
      // Only the written 4 KiB pages (whole bitmap bytes, DIVERGENCES.md case 6) come from the
      // child; the rest of blocks 2 and 5 is the parent's.
      long childBytes = img.map().stream().filter(e -> e.data() && e.depth() == 0).mapToLong(Extent::length).sum();
      assertEquals(4096 + 4096, childBytes);
    }
    try (VhdImage img = Vhd.open(child, OpenOptions.defaults())) {
      assertArrayEquals(model, readAll(img));
    }
    assertClean(child);
  }

  @Test
  void shouldWriteFixedDisksInPlaceAndNeverGrowAnyDisk() throws IOException {
    Path p = dir.resolve("f.vhd");
    try (VhdImage img = Vhd.create(p, CreateOptions.fixed(1 << 20))) {
      long size = img.getSize();
      long fileSize = Files.size(p);
      img.write(size - 3, wrap(new byte[] {1, 2, 3}));
      assertArrayEquals(new byte[] {1, 2, 3}, read(img, size - 3, 3));
      // G-78: at the end and far beyond, refused, and the file keeps its length.
      assertThrows(IllegalArgumentException.class, () -> img.write(size - 2, wrap(new byte[3])));
      assertThrows(IllegalArgumentException.class, () -> img.write(Long.MAX_VALUE, wrap(new byte[1])));
      assertThrows(IllegalArgumentException.class, () -> img.write(-1, wrap(new byte[1])));
      assertEquals(fileSize, Files.size(p));
    }
    assertClean(p);
    Path d = dir.resolve("d.vhd");
    try (VhdImage img = Vhd.create(d, CreateOptions.dynamic(1 << 20))) {
      long fileSize = Files.size(d);
      assertThrows(IllegalArgumentException.class, () -> img.write(img.getSize(), wrap(new byte[512])));
      assertEquals(fileSize, Files.size(d));
    }
  }

  @Test
  void shouldWriteThroughAWritableChannel() throws IOException {
    Path p = dir.resolve("c.vhd");
    byte[] data = random(300_000, 5);
    try (VhdImage img = Vhd.create(p, CreateOptions.dynamic(1 << 20).withBlockSize(BLOCK));
        SeekableByteChannel ch = img.newChannel()) {
      ch.position(12_345);
      assertEquals(data.length, ch.write(wrap(data)));
      assertEquals(12_345 + data.length, ch.position());
      assertThrows(IOException.class, () -> ch.position(img.getSize() - 1).write(wrap(new byte[2])));
      assertThrows(IOException.class, () -> ch.truncate(10));
      assertEquals(ch, ch.truncate(img.getSize()));
    }
    try (VhdImage img = Vhd.open(p)) {
      assertArrayEquals(data, read(img, 12_345, data.length));
      assertFalse(img.isWritable());
      assertThrows(NonWritableChannelException.class, () -> img.write(0, wrap(new byte[1])));
      assertThrows(NonWritableChannelException.class, () -> img.newChannel().write(wrap(new byte[1])));
    }
  }

  @Test
  void shouldPlaceNewBlocksAfterForeignDataAndKeepItIntact() throws IOException {
    // G-75: locator payloads and an opaque region sit between the table and the footer.
    TestImage t = TestImage.dynamic(4 * BLOCK, BLOCK);
    t.addLocator(0, TestImage.MACX, "file:///nowhere/p.vhd".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    t.gapBeforeBlocks = 4096;
    byte[] before = t.toBytes();
    // Mark the gap so that overwriting it shows.
    int gapStart = before.length - 512 - 4096;
    Arrays.fill(before, gapStart, gapStart + 4096, (byte) 0xEE);
    Path p = dir.resolve("foreign.vhd");
    Files.write(p, before);
    try (VhdImage img = Vhd.open(p, OpenOptions.forWriting())) {
      img.write(BLOCK, wrap(filled(512, 9)));
    }
    byte[] after = Files.readAllBytes(p);
    byte[] expected = Arrays.copyOf(before, before.length - 512);
    ByteBuffer.wrap(expected).putInt(1536 + 4, (before.length - 512) / 512);
    assertArrayEquals(expected, Arrays.copyOf(after, before.length - 512),
        "everything before the old footer is unchanged but block 1's table entry");
    try (VhdImage img = Vhd.open(p)) {
      assertArrayEquals(filled(512, 9), read(img, BLOCK, 512));
      Extent e = img.map(BLOCK, 512).get(0);
      assertEquals(before.length - 512 + 512, e.fileOffset(), "the block's bitmap replaced the old footer");
    }
  }

  @Test
  void shouldKeepHyperVAlignmentInAnEmptyAlignedImage() throws IOException {
    // H-87: Hyper-V pads the table to 4 KiB and puts the footer so the first data is aligned.
    TestImage t = TestImage.dynamic(8 * BLOCK, BLOCK);
    t.alignBlocks4k = true;
    Path p = dir.resolve("hv.vhd");
    t.writeTo(p);
    long footerAt = Files.size(p) - 512;
    try (VhdImage img = Vhd.open(p, OpenOptions.forWriting())) {
      img.write(3 * BLOCK, wrap(filled(100, 1)));
      img.write(0, wrap(filled(100, 2)));
      List<Extent> data = img.map().stream().filter(Extent::data).toList();
      assertEquals(2, data.size());
      assertEquals(footerAt + 512, data.get(1).fileOffset(), "first allocation at the old footer");
      for (Extent e : data) {
        assertEquals(0, e.fileOffset() % 4096, e.toString());
      }
    }
    assertClean(p);
  }

  @Test
  void shouldAllocateAtTheFooterOfAVirtualPcImageWithAGap() throws IOException {
    // H-88: an extra zero sector after the table; the first block goes at EOF - 512.
    TestImage t = TestImage.dynamic(4 * BLOCK, BLOCK);
    t.gapBeforeBlocks = 512;
    Path p = dir.resolve("vpc.vhd");
    t.writeTo(p);
    long footerAt = Files.size(p) - 512;
    try (VhdImage img = Vhd.open(p, OpenOptions.forWriting())) {
      img.write(0, wrap(filled(512, 3)));
      assertEquals(footerAt + 512, img.map(0, 512).get(0).fileOffset());
    }
    assertClean(p);
  }

  @Test
  void shouldPutNewBlocksOnSectorBoundariesWhenTheFooterIsNotOnOne() throws IOException {
    // Found by WriteFuzzTest: 100 bytes of padding put the footer off a sector boundary; table
    // entries count sectors, so the block must start on the next boundary, not at the footer.
    TestImage t = TestImage.dynamic(4 * BLOCK, BLOCK);
    t.gapBeforeBlocks = 100;
    Path p = t.writeTo(dir.resolve("odd.vhd"));
    assertTrue(Files.size(p) % 512 != 0);
    byte[] d = random(3000, 11);
    try (VhdImage img = Vhd.open(p, OpenOptions.forWriting())) {
      img.write(BLOCK + 10, wrap(d));
      assertArrayEquals(d, read(img, BLOCK + 10, d.length));
      assertEquals(0, img.map(BLOCK, 512).get(0).fileOffset() % 512);
    }
    try (VhdImage img = Vhd.open(p)) {
      assertArrayEquals(d, read(img, BLOCK + 10, d.length));
    }
    assertClean(p);
  }

  @Test
  void shouldSurfaceAFailedBitmapWriteAndNotWriteTheData() throws IOException {
    // G-79 (QEMU 858726f626 ignored bitmap write errors): the storage fails the new block's
    // bitmap write. The error reaches the caller, the data is not written, later writes refuse
    // until the image is reopened, and the image still opens with its old content.
    Path p = dir.resolve("bitmap-error.vhd");
    Vhd.create(p, CreateOptions.dynamic(4 * BLOCK).withBlockSize(BLOCK)
        .withSizeMode(io.github.vhd4j.SizeMode.EXACT)).close();
    long end = Files.size(p) - 512;
    CrashStorage s = new CrashStorage(p, 2);  // operation 1: the footer at the new end; 2: the bitmap
    try (VhdImage img = io.github.vhd4j.internal.vhd.Chains.open(s, p.toString(), p, true, OpenOptions.forWriting(),
        java.util.List.of())) {
      IOException e = assertThrows(IOException.class, () -> img.write(BLOCK, wrap(filled(512, 5))));
      assertTrue(e instanceof CrashStorage.Crash, e.toString());
      IOException again = assertThrows(IOException.class, () -> img.write(0, wrap(filled(512, 6))));
      assertTrue(again.getMessage().contains("earlier write"), again.getMessage());
    } catch (IOException closing) {
      // Closing flushes through the dead storage.
    }
    byte[] file = Files.readAllBytes(p);
    assertArrayEquals(new byte[(int) BLOCK], Arrays.copyOfRange(file, (int) end + 512, (int) (end + 512 + BLOCK)),
        "no data reached the block");
    try (VhdImage img = Vhd.open(p)) {
      assertArrayEquals(new byte[(int) (4 * BLOCK)], readAll(img));
    }
    assertClean(p);
  }

  @Test
  void shouldKeepBothFootersIdenticalAfterManyAllocations() throws IOException {
    // G-76.
    Path p = dir.resolve("n.vhd");
    try (VhdImage img = Vhd.create(p, CreateOptions.dynamic(32 * BLOCK).withBlockSize(BLOCK))) {
      for (int b = 31; b >= 0; b -= 3) {
        img.write(b * BLOCK + 17, wrap(filled(1000, b)));
      }
    }
    byte[] f = Files.readAllBytes(p);
    assertArrayEquals(Arrays.copyOf(f, 512), Arrays.copyOfRange(f, f.length - 512, f.length));
    assertClean(p);
  }

  @Test
  void shouldRefuseToWriteToDamagedOrSavedImages() throws IOException {
    TestImage saved = TestImage.dynamic(4 * BLOCK, BLOCK);
    saved.savedState = 1;
    Path s = saved.writeTo(dir.resolve("saved.vhd"));
    assertThrows(UnsupportedVhdFeatureException.class, () -> Vhd.open(s, OpenOptions.forWriting()));

    TestImage lost = TestImage.dynamic(4 * BLOCK, BLOCK);
    lost.tailFooter = false;
    Path l = lost.writeTo(dir.resolve("lost.vhd"));
    assertThrows(UnsupportedVhdFeatureException.class, () -> Vhd.open(l, OpenOptions.forWriting()));
    Vhd.open(l).close();

    TestImage bad = TestImage.dynamic(4 * BLOCK, BLOCK);
    bad.block(0);
    bad.batOverride.put(1, 999_999);  // outside the file: lenient mode reads around it
    Path b = bad.writeTo(dir.resolve("bad.vhd"));
    Vhd.open(b, OpenOptions.defaults().withLenient(true)).close();
    VhdFormatException e = assertThrows(VhdFormatException.class,
        () -> Vhd.open(b, OpenOptions.forWriting().withLenient(true)));
    assertEquals(ProblemCode.BAT_ENTRY_OUTSIDE_FILE, e.getProblem().code());
    byte[] unchanged = Files.readAllBytes(b);
    assertArrayEquals(bad.toBytes(), unchanged);
  }

  @Test
  void shouldWriteEveryRangeOfARandomWorkloadExactly() throws IOException {
    // Many small and large, aligned and unaligned writes, compared with an in-memory model after
    // each reopen, for each disk type.
    Path base = dir.resolve("wb.vhd");
    for (String kind : new String[] {"fixed", "dynamic", "differencing"}) {
      Path p = dir.resolve("w-" + kind + ".vhd");
      long size = 12 * BLOCK + 4096;
      byte[] model = new byte[(int) size];
      CreateOptions o;
      if (kind.equals("differencing")) {
        try (VhdImage parent = Vhd.create(base, CreateOptions.dynamic(size).withBlockSize(BLOCK)
            .withSizeMode(io.github.vhd4j.SizeMode.EXACT))) {
          parent.write(0, wrap(random((int) (5 * BLOCK), 9)));
          model = readAll(parent);
        }
        o = CreateOptions.differencing(base).withBlockSize(BLOCK);
      } else if (kind.equals("fixed")) {
        o = CreateOptions.fixed(size).withSizeMode(io.github.vhd4j.SizeMode.EXACT);
      } else {
        o = CreateOptions.dynamic(size).withBlockSize(BLOCK).withSizeMode(io.github.vhd4j.SizeMode.EXACT);
      }
      Random r = new Random(42);
      Vhd.create(p, o).close();
      for (int round = 0; round < 3; round++) {
        try (VhdImage img = Vhd.open(p, OpenOptions.forWriting())) {
          for (int i = 0; i < 40; i++) {
            int len = r.nextInt(4) == 0 ? r.nextInt((int) (3 * BLOCK)) : r.nextInt(2000);
            int pos = r.nextInt(model.length - len + 1);
            byte[] d = r.nextInt(5) == 0 ? new byte[len] : random(len, r.nextLong());
            img.write(pos, wrap(d));
            System.arraycopy(d, 0, model, pos, len);
          }
          assertArrayEquals(model, readAll(img), kind + " round " + round);
        }
      }
      try (VhdImage img = Vhd.open(p)) {
        assertArrayEquals(model, readAll(img), kind);
      }
      assertClean(p);
    }
  }
}
