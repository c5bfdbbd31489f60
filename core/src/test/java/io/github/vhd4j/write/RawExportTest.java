package io.github.vhd4j.write;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vhd4j.DiskImages;
import io.github.vhd4j.Durability;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ProgressListener;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdException;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.internal.Converter;
import io.github.vhd4j.testing.SparseFiles;
import io.github.vhd4j.testing.TestImage;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link DiskImages#convertToRaw} and {@link DiskImages#convertRawToRaw}, and the copy engine under them with
 * segments lowered to 64 and 512 KiB so that a few-MiB image is copied by every worker at once.
 */
class RawExportTest {
  private static final int KIB = 1024;
  private static final int MIB = 1024 * KIB;

  @TempDir Path dir;

  /** A differencing child over a dynamic parent, with data, zeros and unallocated ranges. */
  private Path chain(List<byte[]> expected) throws IOException {
    TestImage base = TestImage.dynamic(12 * MIB, 512 * KIB).random(0, 3 * MIB + 7, 1)
        .random(7 * MIB - 100, 900 * KIB, 2).random(12 * MIB - 512, 512, 3);
    base.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(base, "base.vhd", 256 * KIB).random(2 * MIB + 300, 1500 * KIB, 4)
        .fill(9 * MIB, 64 * KIB, 0).fill(256 * KIB, 128 * KIB, 0);
    expected.add(child.expectedContent(base.expectedContent()));
    return child.writeTo(dir.resolve("child.vhd"));
  }

  private static OpenOptions parentsIn(Path dir) {
    return OpenOptions.defaults().withParentDirectories(List.of(dir));
  }

  @ParameterizedTest
  @ValueSource(longs = {64 * KIB, 512 * KIB, Converter.SEGMENT})
  void shouldFlattenAChainIntoASparseRawFileWhicheverWorkerTakesEachSegment(long segment) throws IOException {
    List<byte[]> expected = new ArrayList<>();
    Path in = chain(expected);
    Path out = dir.resolve("flat.raw");
    List<long[]> reports = new ArrayList<>();
    try (VhdImage img = Vhd.open(in, parentsIn(dir))) {
      Converter.toRaw(Converter.of(img), out, false, true, (done, total) -> {
        synchronized (reports) {
          reports.add(new long[] {done, total});
        }
      }, segment);
    }
    assertArrayEquals(expected.get(0), Files.readAllBytes(out));
    assumeTrue(SparseFiles.supported(dir), "the file system cannot show holes");
    long previous = -1;
    for (long[] r : reports) {
      assertEquals(12 * MIB, r[1]);
      assertTrue(r[0] >= previous, "progress never goes back");
      previous = r[0];
    }
    assertEquals(12 * MIB, previous, "the last report is the whole size");
    // Ranges that are unallocated in the whole chain (3-7 MiB minus the child's data) were never
    // written: the file holds fewer blocks than its size.
    long allocated = SparseFiles.allocatedBytes(out);
    assertTrue(allocated < 10 * MIB, () -> "sparse: " + allocated + " bytes allocated");
  }

  @Test
  void shouldLeaveZeroChunksAsHolesAndExtendOverATrailingHole() throws IOException {
    // 3 MiB + 100 bytes of raw data: random, then a zero MiB, then zeros to the odd end.
    byte[] raw = new byte[3 * MIB + 100];
    new Random(7).nextBytes(raw);
    Arrays.fill(raw, MIB, 2 * MIB, (byte) 0);
    Arrays.fill(raw, 2 * MIB + 4 * KIB, raw.length, (byte) 0);
    Path in = Files.write(dir.resolve("in.raw"), raw);
    Path out = dir.resolve("out.raw");

    DiskImages.convertRawToRaw(in, out, Durability.ON_FLUSH, ProgressListener.none());

    assertArrayEquals(raw, Files.readAllBytes(out));
    assumeTrue(SparseFiles.supported(dir), "the file system cannot show holes");
    long allocated = SparseFiles.allocatedBytes(out);
    assertTrue(allocated <= MIB + 64 * KIB + 4 * KIB, () -> "zero chunks are holes: " + allocated + " allocated");
  }

  @Test
  void shouldCopyAnEmptyImageToAnEmptyFile() throws IOException {
    Path in = TestImage.dynamic(0, 2 * MIB).writeTo(dir.resolve("empty.vhd"));
    Path out = dir.resolve("empty.raw");
    try (VhdImage img = Vhd.open(in)) {
      DiskImages.convertToRaw(img, out, Durability.NONE, ProgressListener.none());
    }
    assertEquals(0, Files.size(out));
  }

  @Test
  void shouldRefuseAnExistingOutputAndRemoveAFailedOne() throws Exception {
    List<byte[]> expected = new ArrayList<>();
    Path in = chain(expected);
    Path exists = Files.write(dir.resolve("exists.raw"), new byte[] {7});
    try (VhdImage img = Vhd.open(in, parentsIn(dir))) {
      assertThrows(FileAlreadyExistsException.class,
          () -> DiskImages.convertToRaw(img, exists, Durability.NONE, ProgressListener.none()));
      assertArrayEquals(new byte[] {7}, Files.readAllBytes(exists));
      Path failed = dir.resolve("failed.raw");
      assertThrows(IllegalStateException.class, () -> Converter.toRaw(Converter.of(img), failed, false, true,
          (done, total) -> {
            throw new IllegalStateException("listener gave up");
          }, 512 * KIB));
      assertTrue(Files.notExists(failed), "a failed conversion leaves no file");
      assertThrows(IllegalArgumentException.class,
          () -> Converter.toRaw(Converter.of(img), dir.resolve("odd.raw"), false, true, ProgressListener.none(), 1000));
    }
  }

  @Test
  void shouldFailWholeWhenOneWorkerFails() throws Exception {
    // Lenient mode opens an image whose block 5 lies outside the file; reading it fails in
    // whichever worker takes that segment, and no output may remain.
    TestImage t = TestImage.dynamic(8 * MIB, 512 * KIB).random(0, 8 * MIB, 5);
    t.batOverride.put(5, 0x7FFFFFF0);
    Path in = t.writeTo(dir.resolve("bad.vhd"));
    Path out = dir.resolve("bad.raw");
    try (VhdImage img = Vhd.open(in, OpenOptions.defaults().withLenient(true))) {
      VhdException e = assertThrows(VhdException.class,
          () -> Converter.toRaw(Converter.of(img), out, false, true, ProgressListener.none(), 512 * KIB));
      assertTrue(String.valueOf(e.getMessage()).contains("bat.entry[5]"), e.getMessage());
    }
    assertTrue(Files.notExists(out));
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(1, s.count(), "nothing but the input");
    }
  }

  @Test
  void shouldFailWhenTheRawInputShrinksDuringTheCopy() throws IOException {
    byte[] raw = new byte[2 * MIB];
    new Random(3).nextBytes(raw);
    Path in = Files.write(dir.resolve("in.raw"), raw);
    Path out = dir.resolve("out.raw");
    try (FileChannel ch = FileChannel.open(in, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      Converter.Input input = Converter.of(ch);
      ch.truncate(MIB);
      IOException e = assertThrows(IOException.class,
          () -> Converter.toRaw(input, out, false, true, ProgressListener.none(), 512 * KIB));
      assertTrue(String.valueOf(e.getMessage()).contains("ended at"), e.getMessage());
    }
    assertTrue(Files.notExists(out));
  }
}
