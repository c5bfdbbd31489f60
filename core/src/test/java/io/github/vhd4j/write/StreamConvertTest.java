package io.github.vhd4j.write;

import static io.github.vhd4j.testing.VhdAssertions.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.DiskImages;
import io.github.vhd4j.DiskType;
import io.github.vhd4j.Durability;
import io.github.vhd4j.Extent;
import io.github.vhd4j.ProgressListener;
import io.github.vhd4j.Severity;
import io.github.vhd4j.SizeMode;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.testing.MemoryChannel;
import io.github.vhd4j.testing.SparseFiles;
import io.github.vhd4j.testing.TestChannels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Vhd#convertRaw(ReadableByteChannel, Path, CreateOptions, ProgressListener)} and
 * {@link DiskImages#convertRawToRaw(ReadableByteChannel, Path, Durability, ProgressListener)}: a stream
 * gives the same image as a file with the same bytes, read once and in order.
 */
class StreamConvertTest {
  private static final int MIB = 1 << 20;

  @TempDir Path dir;

  /**
   * 9 MiB + 700 bytes: random data, a zero MiB at 1 MiB, zeros from 4 MiB to 8 MiB but for 100
   * bytes at 6 MiB + 5, and a random tail (so the last block is partial and stored).
   */
  private static byte[] content() {
    byte[] b = new byte[9 * MIB + 700];
    new Random(11).nextBytes(b);
    Arrays.fill(b, MIB, 2 * MIB, (byte) 0);
    Arrays.fill(b, 4 * MIB, 8 * MIB, (byte) 0);
    for (int i = 0; i < 100; i++) {
      b[6 * MIB + 5 + i] = (byte) (i + 1);
    }
    return b;
  }

  /** A channel that hands out {@code data} in short reads, as a pipe does. */
  static ReadableByteChannel trickle(byte[] data, long seed) {
    return new MemoryChannel(data, 1 + new Random(seed).nextInt(300_000));
  }

  private static void assertClean(Path p) throws IOException {
    var r = Vhd.check(p, CheckOptions.defaults().withDeep(true));
    assertTrue(r.problems().stream().noneMatch(x -> x.severity() != Severity.INFO), () -> p + ": " + r.problems());
  }

  @ParameterizedTest
  @CsvSource({"512, false", "65536, false", "2097152, false", "4194304, false", "1024, true", "2097152, true",
      "8388608, true"})
  void shouldMakeTheDynamicImageAFileConversionMakes(long blockSize, boolean aligned) throws IOException {
    byte[] raw = content();
    Path file = Files.write(dir.resolve("in.raw"), raw);
    CreateOptions o = CreateOptions.dynamic(0).withBlockSize(blockSize).withSizeMode(SizeMode.EXACT)
        .withAligned(aligned);
    Path fromFile = dir.resolve("file.vhd");
    Path fromStream = dir.resolve("stream.vhd");
    Vhd.convertRaw(file, fromFile, o, ProgressListener.none());

    Vhd.convertRaw(trickle(raw, blockSize), fromStream, o, ProgressListener.none());

    try (VhdImage a = Vhd.open(fromFile); VhdImage b = Vhd.open(fromStream)) {
      assertEquals(DiskType.DYNAMIC, b.getDiskType());
      assertEquals(blockSize, b.getBlockSize());
      assertEquals((raw.length + 511) / 512 * 512, b.getSize());
      assertArrayEquals(readAll(a), readAll(b));
      // The same blocks stored: zero blocks stay unallocated, as from a file.
      assertEquals(stored(a), stored(b));
      // The table follows the last block, and the header points to it.
      assertTrue(b.getDynamicHeader().tableOffset() > 1536 || stored(b).isEmpty(),
          "table at " + b.getDynamicHeader().tableOffset());
    }
    assertClean(fromStream);
  }

  private static List<Long> stored(VhdImage img) throws IOException {
    List<Long> blocks = new ArrayList<>();
    for (Extent e : img.map()) {
      for (long p = e.start(); e.data() && p < e.end(); p += img.getBlockSize()) {
        blocks.add(p / img.getBlockSize());
      }
    }
    return blocks;
  }

  @Test
  void shouldKeepNewBlocksAlignedAndWritableAfterTheTable() throws IOException {
    byte[] raw = content();
    Path out = dir.resolve("a.vhd");
    Vhd.convertRaw(trickle(raw, 3), out, CreateOptions.dynamic(0).withSizeMode(SizeMode.EXACT).withAligned(true),
        ProgressListener.none());

    try (VhdImage img = Vhd.open(out, io.github.vhd4j.OpenOptions.defaults().withWritable(true))) {
      for (Extent e : img.map()) {
        if (e.data()) {
          assertEquals(0, e.fileOffset() % 4096, "data at " + e.fileOffset());
        }
      }
      // Block 2 (4-6 MiB) was all zeros: writing it now appends a block after the table.
      img.write(4L * MIB, ByteBuffer.wrap(new byte[] {9, 8, 7}));
      raw[4 * MIB] = 9;
      raw[4 * MIB + 1] = 8;
      raw[4 * MIB + 2] = 7;
      assertEquals(0, img.map(4L * MIB, 1).get(0).fileOffset() % 4096);
    }
    try (VhdImage img = Vhd.open(out)) {
      assertArrayEquals(raw, Arrays.copyOf(readAll(img), raw.length));
    }
    assertClean(out);
  }

  @ParameterizedTest
  @CsvSource({"EXACT", "CHS"})
  void shouldMakeTheFixedImageAFileConversionMakes(SizeMode mode) throws IOException {
    assumeTrue(SparseFiles.supported(dir), "file system or stat(1) cannot show sparse files");
    byte[] raw = content();
    Path file = Files.write(dir.resolve("in.raw"), raw);
    Path fromFile = dir.resolve("file.vhd");
    Path fromStream = dir.resolve("stream.vhd");
    CreateOptions o = CreateOptions.fixed(0).withSizeMode(mode);
    Vhd.convertRaw(file, fromFile, o, ProgressListener.none());

    Vhd.convertRaw(trickle(raw, 5), fromStream, o, ProgressListener.none());

    try (VhdImage a = Vhd.open(fromFile); VhdImage b = Vhd.open(fromStream)) {
      assertEquals(DiskType.FIXED, b.getDiskType());
      assertEquals(a.getSize(), b.getSize());
      assertEquals(a.getFooter().geometry(), b.getFooter().geometry());
      assertEquals(b.getSize() + 512, Files.size(fromStream));
      assertArrayEquals(readAll(a), readAll(b));
    }
    // The four zero MiB are a hole.
    assertTrue(SparseFiles.allocatedBytes(fromStream) < raw.length - 3L * MIB,
        "allocated " + SparseFiles.allocatedBytes(fromStream));
    assertClean(fromStream);
  }

  @Test
  void shouldCopyAStreamIntoASparseRawFile() throws IOException {
    byte[] raw = content();
    Arrays.fill(raw, raw.length - 100_000, raw.length, (byte) 0);
    Path out = dir.resolve("out.raw");

    DiskImages.convertRawToRaw(trickle(raw, 7), out, Durability.ON_FLUSH, ProgressListener.none());

    assertArrayEquals(raw, Files.readAllBytes(out));
  }

  @Test
  void shouldReadFromARealPipeWhileItIsWritten() throws Exception {
    byte[] raw = content();
    Pipe pipe = Pipe.open();
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
      try (Pipe.SinkChannel sink = pipe.sink()) {
        for (int p = 0; p < raw.length; p += 100_000) {
          sink.write(ByteBuffer.wrap(raw, p, Math.min(100_000, raw.length - p)));
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    Path out = dir.resolve("p.vhd");

    try (Pipe.SourceChannel source = pipe.source()) {
      Vhd.convertRaw(source, out, CreateOptions.dynamic(0).withSizeMode(SizeMode.EXACT), ProgressListener.none());
    }
    writer.get();

    try (VhdImage img = Vhd.open(out)) {
      assertArrayEquals(raw, Arrays.copyOf(readAll(img), raw.length));
    }
  }

  @Test
  void shouldMakeEmptyImagesFromAnEmptyStream() throws IOException {
    Path dynamic = dir.resolve("d.vhd");
    Path fixed = dir.resolve("f.vhd");
    Path raw = dir.resolve("r.raw");
    List<long[]> reports = new ArrayList<>();

    Vhd.convertRaw(trickle(new byte[0], 1), dynamic, CreateOptions.dynamic(0).withSizeMode(SizeMode.EXACT),
        (done, total) -> reports.add(new long[] {done, total}));
    Vhd.convertRaw(trickle(new byte[0], 1), fixed, CreateOptions.fixed(0).withSizeMode(SizeMode.EXACT),
        ProgressListener.none());
    DiskImages.convertRawToRaw(trickle(new byte[0], 1), raw, Durability.NONE, ProgressListener.none());

    try (VhdImage d = Vhd.open(dynamic); VhdImage f = Vhd.open(fixed)) {
      assertEquals(0, d.getSize());
      assertEquals(0, f.getSize());
    }
    assertEquals(0, Files.size(raw));
    assertEquals(1, reports.size());
    assertArrayEquals(new long[] {0, 0}, reports.get(0));
    assertClean(dynamic);
  }

  @Test
  void shouldReportAnUnknownTotalUntilTheEnd() throws IOException {
    byte[] raw = content();
    List<long[]> reports = new ArrayList<>();

    Vhd.convertRaw(trickle(raw, 9), dir.resolve("o.vhd"), CreateOptions.dynamic(0),
        (done, total) -> reports.add(new long[] {done, total}));

    long[] last = reports.get(reports.size() - 1);
    assertArrayEquals(new long[] {raw.length, raw.length}, last);
    for (int i = 0; i < reports.size() - 1; i++) {
      assertEquals(-1, reports.get(i)[1]);
      assertTrue(i == 0 || reports.get(i)[0] > reports.get(i - 1)[0]);
    }
    assertTrue(reports.size() > 2, "one report per piece read");
  }

  @Test
  void shouldRemoveTheOutputWhenTheStreamFailsAndRefuseAnExistingOne() throws IOException {
    byte[] raw = content();
    ReadableByteChannel ok = trickle(raw, 4);
    long[] read = {0};
    ReadableByteChannel failing = TestChannels.readable(dst -> {
      if (read[0] > 5 * MIB) {
        throw new IOException("the pipe broke");
      }
      int n = ok.read(dst);
      read[0] += n;
      return n;
    });
    Path out = dir.resolve("o.vhd");
    Path existing = Files.write(dir.resolve("e.vhd"), new byte[] {3});

    IOException e = assertThrows(IOException.class,
        () -> Vhd.convertRaw(failing, out, CreateOptions.dynamic(0), ProgressListener.none()));
    assertThrows(FileAlreadyExistsException.class,
        () -> Vhd.convertRaw(trickle(raw, 1), existing, CreateOptions.dynamic(0), ProgressListener.none()));
    assertThrows(FileAlreadyExistsException.class,
        () -> DiskImages.convertRawToRaw(trickle(raw, 1), existing, Durability.NONE, ProgressListener.none()));

    assertEquals("the pipe broke", e.getMessage());
    assertFalse(Files.exists(out));
    assertArrayEquals(new byte[] {3}, Files.readAllBytes(existing));
  }

  @Test
  void shouldRefuseNonBlockingChannelsAndDifferencingTargets() throws IOException {
    Pipe pipe = Pipe.open();
    try (Pipe.SourceChannel source = pipe.source()) {
      pipe.sink().close();
      source.configureBlocking(false);
      assertThrows(IllegalArgumentException.class,
          () -> Vhd.convertRaw(source, dir.resolve("n.vhd"), CreateOptions.dynamic(0), ProgressListener.none()));
      assertThrows(IllegalArgumentException.class,
          () -> DiskImages.convertRawToRaw(source, dir.resolve("n.raw"), Durability.NONE, ProgressListener.none()));
    }
    Path parent = dir.resolve("p.vhd");
    Vhd.create(parent, CreateOptions.dynamic(MIB)).close();
    assertThrows(IllegalArgumentException.class, () -> Vhd.convertRaw(trickle(new byte[512], 1),
        dir.resolve("d.vhd"), CreateOptions.differencing(parent), ProgressListener.none()));
    assertFalse(Files.exists(dir.resolve("n.vhd")));
    assertFalse(Files.exists(dir.resolve("d.vhd")));
  }
}
