package io.github.vhd4j.write;

import static io.github.vhd4j.testing.VhdAssertions.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.DiskType;
import io.github.vhd4j.Extent;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ProgressListener;
import io.github.vhd4j.Severity;
import io.github.vhd4j.SizeMode;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Vhd#convert} and {@link Vhd#convertRaw}: content, sizes, sparseness and progress. */
class ConvertTest {
  @TempDir Path dir;

  /** 5 MiB + 300 bytes: random data with a zero MiB at 1 MiB and zeros from 4 MiB on. */
  private static byte[] content() {
    byte[] b = new byte[(5 << 20) + 300];
    new Random(1).nextBytes(b);
    Arrays.fill(b, 1 << 20, 2 << 20, (byte) 0);
    Arrays.fill(b, 4 << 20, b.length, (byte) 0);
    return b;
  }

  private void assertClean(Path p) throws IOException {
    var r = Vhd.check(p, CheckOptions.defaults().withOpenOptions(
        OpenOptions.defaults().withParentDirectories(List.of(dir))));
    assertTrue(r.problems().stream().noneMatch(x -> x.severity() != Severity.INFO), () -> p + ": " + r.problems());
  }

  @ParameterizedTest
  @ValueSource(longs = {512, 64 << 10, 1 << 20, 2 << 20})
  void shouldConvertRawToDynamicLeavingZeroBlocksUnallocated(long blockSize) throws IOException {
    byte[] raw = content();
    Path in = Files.write(dir.resolve("in.raw"), raw);
    Path out = dir.resolve("out.vhd");
    List<long[]> reports = new ArrayList<>();
    Vhd.convertRaw(in, out, CreateOptions.dynamic(0).withBlockSize(blockSize).withSizeMode(SizeMode.EXACT),
        (done, total) -> reports.add(new long[] {done, total}));
    try (VhdImage img = Vhd.open(out)) {
      // Exact mode: the input's size rounded up to a whole sector.
      assertEquals((raw.length + 511) / 512 * 512, img.getSize());
      byte[] got = readAll(img);
      assertArrayEquals(raw, Arrays.copyOf(got, raw.length));
      for (int i = raw.length; i < got.length; i++) {
        assertEquals(0, got[i]);
      }
      // No allocated block is all zeros (map merges adjacent blocks, so each is checked alone).
      for (Extent e : img.map()) {
        for (long b = e.start(); e.data() && b < e.end(); b += blockSize) {
          int from = (int) b;
          int to = (int) Math.min(b + blockSize, got.length);
          assertTrue(!Arrays.equals(Arrays.copyOfRange(got, from, to), new byte[to - from]),
              "block at " + b + " is allocated but all zeros");
        }
      }
      long stored = img.map().stream().filter(Extent::data).mapToLong(Extent::length).sum();
      assertTrue(stored <= (3L << 20) + 2 * blockSize, "stored " + stored);
    }
    assertClean(out);
    long total = reports.get(reports.size() - 1)[1];
    assertEquals(raw.length, total);
    assertEquals(total, reports.get(reports.size() - 1)[0], "the last report is complete");
    for (int i = 1; i < reports.size(); i++) {
      assertTrue(reports.get(i)[0] >= reports.get(i - 1)[0], "progress never goes back");
    }
  }

  @Test
  void shouldConvertRawToAFixedSparseImageRoundedToChsWhenAsked() throws IOException {
    byte[] raw = content();
    Path in = Files.write(dir.resolve("in.raw"), raw);
    Path out = dir.resolve("out.vhd");
    Vhd.convertRaw(in, out, CreateOptions.fixed(0), ProgressListener.none());
    // G-82: a fixed image is exactly the disk's bytes and one footer (type 2, data offset all ones).
    try (VhdImage img = Vhd.open(out)) {
      assertEquals(img.getSize() + 512, Files.size(out));
      assertEquals(-1L, img.getFooter().dataOffset());
      assertEquals(DiskType.FIXED, img.getDiskType());
      assertTrue(img.getSize() >= raw.length);
      assertEquals(img.getSize(), img.getFooter().geometry().capacity(), "CHS mode: size is the geometry's");
      assertArrayEquals(raw, Arrays.copyOf(readAll(img), raw.length));
    }
    assertClean(out);
  }

  @Test
  void shouldFlattenADifferencingChainIntoOneDynamicImage() throws IOException {
    Path base = dir.resolve("base.vhd");
    Random r = new Random(2);
    try (VhdImage img = Vhd.create(base, CreateOptions.dynamic(8L << 20).withSizeMode(SizeMode.EXACT))) {
      byte[] b = new byte[3 << 20];
      r.nextBytes(b);
      img.write(1 << 20, ByteBuffer.wrap(b));
    }
    Path mid = dir.resolve("mid.vhd");
    try (VhdImage img = Vhd.create(mid, CreateOptions.differencing(base).withBlockSize(64 << 10))) {
      img.write((2 << 20) + 1000, ByteBuffer.wrap(new byte[70_000]));
      byte[] b = new byte[5000];
      r.nextBytes(b);
      img.write(7L << 20, ByteBuffer.wrap(b));
    }
    Path top = dir.resolve("top.vhd");
    byte[] expected;
    Path flat = dir.resolve("flat.vhd");
    try (VhdImage img = Vhd.create(top, CreateOptions.differencing(mid))) {
      img.write(5, ByteBuffer.wrap(new byte[] {1, 2, 3}));
      expected = readAll(img);
      Vhd.convert(img, flat, CreateOptions.dynamic(0).withBlockSize(512 << 10).withSizeMode(SizeMode.EXACT),
          ProgressListener.none());
    }
    try (VhdImage img = Vhd.open(flat)) {
      assertEquals(DiskType.DYNAMIC, img.getDiskType());
      assertEquals(1, img.getChain().size());
      assertEquals(512 << 10, img.getBlockSize());
      assertArrayEquals(expected, readAll(img));
    }
    assertClean(flat);
  }

  @Test
  void shouldRefuseAnExistingOutputAndRemoveAFailedOne() throws IOException {
    Path in = Files.write(dir.resolve("in.raw"), content());
    Path out = Files.write(dir.resolve("exists.vhd"), new byte[] {7});
    assertThrows(FileAlreadyExistsException.class,
        () -> Vhd.convertRaw(in, out, CreateOptions.dynamic(0), ProgressListener.none()));
    assertArrayEquals(new byte[] {7}, Files.readAllBytes(out));
    Path failed = dir.resolve("failed.vhd");
    assertThrows(IllegalStateException.class, () -> Vhd.convertRaw(in, failed, CreateOptions.dynamic(0),
        (done, total) -> {
          throw new IllegalStateException("listener gave up");
        }));
    assertTrue(Files.notExists(failed), "a failed conversion leaves no file");
    assertThrows(IllegalArgumentException.class, () -> Vhd.convertRaw(in, dir.resolve("d.vhd"),
        CreateOptions.differencing(in), ProgressListener.none()));
    // Azure's rules round the input's size up to a whole MiB, and to at least 20 MiB.
    Path azure = dir.resolve("a.vhd");
    Vhd.convertRaw(in, azure, CreateOptions.azure(20L << 20), ProgressListener.none());
    try (VhdImage img = Vhd.open(azure)) {
      assertEquals(20L << 20, img.getSize());
      assertEquals(DiskType.FIXED, img.getDiskType());
      ByteBuffer head = ByteBuffer.allocate(content().length);
      img.readFully(0, head);
      assertArrayEquals(content(), head.array());
    }
  }
}
