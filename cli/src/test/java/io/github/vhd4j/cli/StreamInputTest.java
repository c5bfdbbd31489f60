package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.DiskType;
import io.github.vhd4j.Extent;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.testing.Fifos;
import io.github.vhd4j.testing.VhdAssertions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code convert -f raw} from standard input ({@code -}), a FIFO or a character device: the disk is
 * as long as what was read, and the same as converting a file with the same bytes.
 */
// A separate thread: a tool that blocked opening a FIFO (as earlier versions did) fails the test
// instead of hanging it.
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StreamInputTest {
  private static final int MIB = 1 << 20;

  @TempDir
  Path dir;

  /** 7 MiB + 300: random, a zero block at 2-4 MiB, random again. */
  private static byte[] content() {
    byte[] b = new byte[7 * MIB + 300];
    new Random(21).nextBytes(b);
    Arrays.fill(b, 2 * MIB, 4 * MIB, (byte) 0);
    return b;
  }

  private Set<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dynamic", "fixed", "raw"})
  void shouldConvertStandardInputAsAFileWithTheSameBytes(String format) throws Exception {
    byte[] raw = content();
    Path file = Files.write(dir.resolve("in.raw"), raw);
    Path fromFile = dir.resolve("file." + format);
    Path fromStream = dir.resolve("stream." + format);

    Cli.Result f = Cli.run("convert", "-O", format, file.toString(), fromFile.toString());
    Cli.Result s = Cli.runWithInput(raw, "convert", "-f", "raw", "-O", format, "-", fromStream.toString());

    assertEquals(0, f.code(), f.err());
    assertEquals(0, s.code(), s.err());
    assertEquals("", s.err());
    if (format.equals("raw")) {
      assertArrayEquals(raw, Files.readAllBytes(fromStream));
      return;
    }
    try (VhdImage a = Vhd.open(fromFile); VhdImage b = Vhd.open(fromStream)) {
      assertEquals(a.getDiskType(), b.getDiskType());
      assertEquals((raw.length + 511) / 512 * 512, b.getSize(), "the length read, rounded up to a sector");
      assertEquals(a.getSize(), b.getSize());
      assertArrayEquals(VhdAssertions.readAll(a), VhdAssertions.readAll(b));
      if (b.getDiskType() == DiskType.DYNAMIC) {
        assertEquals(dataStarts(a), dataStarts(b), "the same blocks stored");
        assertTrue(b.map(2L * MIB, 2L * MIB).stream().noneMatch(Extent::data), "the zero block is not stored");
      }
    }
    assertTrue(names().stream().noneMatch(n -> n.endsWith(".tmp")), names().toString());
  }

  private static List<Long> dataStarts(VhdImage img) throws IOException {
    return img.map().stream().filter(Extent::data).map(Extent::start).toList();
  }

  @Test
  void shouldReadAFifoAsItIsWritten() throws Exception {
    byte[] raw = content();
    Path fifo = Fifos.make(dir.resolve("in.fifo"));
    CompletableFuture<Void> writer = Fifos.write(fifo, raw);
    Path out = dir.resolve("out.vhd");

    Cli.Result r = Cli.run("convert", "-f", "raw", "-O", "dynamic", "-p", fifo.toString(), out.toString());

    writer.get(30, TimeUnit.SECONDS);
    assertEquals(0, r.code(), r.err());
    // The bar shows bytes, not a percentage: the length is known only at the end.
    assertTrue(r.err().startsWith("\r") && r.err().contains("7 MiB") && r.err().endsWith("\n"), r.err());
    try (VhdImage img = Vhd.open(out)) {
      assertEquals((raw.length + 511) / 512 * 512, img.getSize());
      assertArrayEquals(raw, Arrays.copyOf(VhdAssertions.readAll(img), raw.length));
    }
    assertEquals(FileKind.FIFO, FileKind.of(fifo));
  }

  @Test
  void shouldReadACharacterDeviceToItsEnd() throws Exception {
    // The null device reads as empty: an empty disk, not a failure.
    Path nul = SpecialFiles.charDevice(dir.resolve("null"), 3);
    Path out = dir.resolve("empty.vhd");

    Cli.Result r = Cli.run("convert", "-f", "raw", "-O", "dynamic", nul.toString(), out.toString());

    assertEquals(0, r.code(), r.err());
    try (VhdImage img = Vhd.open(out)) {
      assertEquals(0, img.getSize());
    }
  }

  @Test
  void shouldRequireRawForAStreamAndRefuseItInCompare() throws Exception {
    Path fifo = Fifos.make(dir.resolve("in.fifo"));
    Path out = dir.resolve("o.vhd");
    Path file = Files.write(dir.resolve("f.raw"), new byte[512]);

    Cli.Result detect = Cli.runWithInput(new byte[512], "convert", "-O", "dynamic", "-", out.toString());
    Cli.Result vhd = Cli.run("convert", "-f", "vhd", fifo.toString(), out.toString());
    Cli.Result compare = Cli.run("compare", fifo.toString(), file.toString());

    detect.assertFailed(Path.of("-"), "is standard input: its format cannot be detected without reading it twice;"
        + " -f raw converts it as raw bytes (a VHD must be a file)");
    vhd.assertFailed(fifo, "is a FIFO (pipe): a VHD is read from its end first, so it must be a file; -f raw"
        + " converts a stream as raw bytes");
    compare.assertFailed(fifo, "is a FIFO (pipe), which can be read only once, in order; compare reads its inputs"
        + " at any offset, so it needs files or block devices");
    assertEquals(Set.of("in.fifo", "f.raw"), names());
  }

  @Test
  void shouldStoreEachNonZeroBlockOfTinyBlocks() throws Exception {
    Path out = dir.resolve("tiny.vhd");
    byte[] raw = content();

    Cli.Result r = Cli.runWithInput(raw, "convert", "-f", "raw", "-O", "dynamic", "--block-size", "512", "-",
        out.toString());

    assertEquals(0, r.code(), r.err());
    try (VhdImage img = Vhd.open(out)) {
      assertEquals(512, img.getBlockSize());
      assertArrayEquals(raw, Arrays.copyOf(VhdAssertions.readAll(img), raw.length));
      long stored = img.map().stream().filter(Extent::data).mapToLong(Extent::length).sum();
      assertEquals(raw.length - 2L * MIB + 212, stored, "every sector but the zero ones (the last one whole)");
    }
  }

  @Test
  void shouldNameOutWhenTheStreamIsLongerThanTheDisk() {
    // The limits (2040 GiB, 128 GiB with 512-byte blocks, 32 TiB fixed) are too large to stream in
    // a test; core tests the limit itself. Here: the library reports it about the temporary file,
    // and the error line names OUT.
    Path tmp = Path.of("/d/.o.vhd.1.2-3-4.tmp");
    io.github.vhd4j.Problem p = new io.github.vhd4j.Problem(io.github.vhd4j.ProblemCode.SIZE_LIMIT,
        io.github.vhd4j.Severity.ERROR, tmp.toString(), "input", "length", -1, "at most 5 bytes", "more",
        "the input holds more than 5 bytes, more than a fixed disk can hold (5 bytes)");

    java.io.IOException e = Errors.aboutOutput(new io.github.vhd4j.VhdLimitException(p, 6, 5), tmp, "o.vhd");

    assertEquals("o.vhd", ((CliException) e).file());
    assertEquals("input.length: the input holds more than 5 bytes, more than a fixed disk can hold (5 bytes)",
        e.getMessage());
  }
}
