package io.github.vhd4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ProgressListener;
import io.github.vhd4j.RepairAction;
import io.github.vhd4j.Severity;
import io.github.vhd4j.SizeMode;
import io.github.vhd4j.ValidationReport;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The writer on hostile images: whatever opens for writing (strictly or leniently) takes random
 * writes that read back, and reopens; repair (dry run and real), resize and compact either refuse
 * with a {@code VhdException} or leave an image that still opens with the same content. No other
 * exception may escape, and an image that checked clean before still checks clean. Besides the
 * fuzz target, the same battery runs over every committed input of {@link ImageOpenFuzzTest}.
 */
class WriteFuzzTest {
  /** Images up to this size are compared whole; larger ones around each write only. */
  private static final long WHOLE = 4L << 20;

  @VhdFuzzTest
  void shouldWriteRepairResizeAndCompactAnyBytes(byte[] data) throws IOException {
    battery(data, Inputs.random(data));
  }

  @Test
  void shouldWriteRepairResizeAndCompactEveryOpenCorpusInput() throws IOException {
    Path corpus = SeedGenerator.inputs("ImageOpenFuzzTest", "shouldOpenReadMapAndCheckAnyBytes");
    List<Path> files;
    try (Stream<Path> s = Files.walk(corpus)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    assertTrue(files.size() > 100, "corpus of " + files.size());
    for (Path f : files) {
      byte[] data = Files.readAllBytes(f);
      try {
        battery(data, Inputs.random(data));
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(corpus.relativize(f) + ": " + e, e);
      }
    }
  }

  static void battery(byte[] data, SplittableRandom rnd) throws IOException {
    Path dir = Scratch.dir("write");
    Path file = dir.resolve("image.vhd");
    Files.write(file, data);
    for (OpenOptions o : List.of(OpenOptions.forWriting(), OpenOptions.forWriting().withLenient(true))) {
      Files.write(file, data);
      writes(file, o, rnd);
    }
    Files.write(file, data);
    repair(file);
    Files.write(file, data);
    resizeAndCompact(file, rnd);
  }

  private static boolean clean(Path file) throws IOException {
    ValidationReport r = Vhd.check(file);
    return r.problems().stream().noneMatch(p -> p.severity() == Severity.ERROR);
  }

  /** Random writes that read back, then a reopen that still reads them. */
  private static void writes(Path file, OpenOptions o, SplittableRandom rnd) throws IOException {
    boolean wasClean = clean(file);
    long[] pos = new long[4];
    byte[][] written = new byte[4][];
    int n = 0;
    byte[] whole = null;
    Outcome<VhdImage> opened = Outcome.of(() -> Vhd.open(file, o));
    if (!opened.ok()) {
      return;
    }
    long size;
    try (VhdImage img = opened.value()) {
      size = img.getSize();
      if (size == 0) {
        return;
      }
      if (size <= WHOLE) {
        whole = read(img, 0, (int) size);
      }
      for (; n < written.length; n++) {
        int len = (int) Math.min(size, 1 + rnd.nextInt(rnd.nextBoolean() ? 700 : 70_000));
        long p = (long) (rnd.nextDouble() * (size - len + 1));
        byte[] d = new byte[len];
        if (rnd.nextInt(4) != 0) {
          rnd.nextBytes(d);
        }
        Outcome<Boolean> w = Outcome.of(() -> {
          img.write(p, ByteBuffer.wrap(d));
          return true;
        });
        if (!w.ok()) {
          // A block the lenient open kept but cannot use: refused, and the image is not touched.
          break;
        }
        pos[n] = p;
        written[n] = d;
        if (whole != null) {
          System.arraycopy(d, 0, whole, (int) p, len);
        }
        assertArrayEquals(d, read(img, p, len), "write " + n + " reads back");
      }
      if (whole != null) {
        assertArrayEquals(whole, read(img, 0, (int) size), "the rest of the disk is unchanged");
      }
    }
    try (VhdImage again = Vhd.open(file, o.withWritable(false))) {
      assertEquals(size, again.getSize());
      if (whole != null) {
        assertArrayEquals(whole, read(again, 0, (int) size), "reopened");
      }
      for (int i = n - 1; i >= 0; i--) {
        boolean overwritten = false;
        for (int j = i + 1; j < n; j++) {
          overwritten |= pos[j] < pos[i] + written[i].length && pos[i] < pos[j] + written[j].length;
        }
        if (!overwritten) {
          assertArrayEquals(written[i], read(again, pos[i], written[i].length), "write " + i + " after reopen");
        }
      }
    }
    if (wasClean) {
      assertTrue(clean(file), () -> "writes made a clean image fail check: " + check(file));
    }
  }

  /** Repair: the dry run changes nothing; a real repair keeps a lenient open's size and content. */
  private static void repair(Path file) throws IOException {
    byte[] before = Files.readAllBytes(file);
    Outcome<List<RepairAction>> dry = Outcome.of(() -> Vhd.planRepair(file));
    assertArrayEquals(before, Files.readAllBytes(file), "a dry run changed the file");
    Outcome<byte[]> lenient = Outcome.of(() -> {
      try (VhdImage img = Vhd.open(file, OpenOptions.defaults().withLenient(true))) {
        return img.getSize() <= WHOLE ? read(img, 0, (int) img.getSize()) : new byte[0];
      }
    });
    Outcome<List<RepairAction>> real = Outcome.of(() -> Vhd.repair(file));
    assertEquals(dry.ok(), real.ok(), "dry run and repair disagree on whether they can work");
    if (!real.ok()) {
      assertArrayEquals(before, Files.readAllBytes(file), "a refused repair changed the file");
      return;
    }
    assertEquals(dry.value(), real.value(), "the repair did something else than its dry run listed");
    if (lenient.ok()) {
      try (VhdImage img = Vhd.open(file, OpenOptions.defaults().withLenient(true))) {
        byte[] after = img.getSize() <= WHOLE ? read(img, 0, (int) img.getSize()) : new byte[0];
        if (real.value().stream().noneMatch(a -> a.structure().equals("bat"))) {
          // Clearing an entry outside the file changes what a lenient open showed for that block.
          assertArrayEquals(lenient.value(), after, "repair changed the content");
        }
      }
    }
  }

  /** Resize (grow) and compact of what opens strictly keep the content. */
  private static void resizeAndCompact(Path file, SplittableRandom rnd) throws IOException {
    Outcome<java.util.Optional<byte[]>> strict = Outcome.of(() -> {
      try (VhdImage img = Vhd.open(file)) {
        return img.getSize() <= WHOLE ? java.util.Optional.of(read(img, 0, (int) img.getSize()))
            : java.util.Optional.empty();
      }
    });
    if (!strict.ok() || strict.value().isEmpty()) {
      return;
    }
    byte[] content = strict.value().get();
    long grown = content.length + 512L * (1 + rnd.nextInt(300));
    Outcome<Long> resized = Outcome.of(() -> Vhd.resize(file, grown, SizeMode.EXACT));
    if (resized.ok()) {
      try (VhdImage img = Vhd.open(file)) {
        assertEquals(grown, img.getSize());
        byte[] got = read(img, 0, (int) grown);
        assertArrayEquals(content, java.util.Arrays.copyOf(got, content.length), "resize changed the content");
        assertArrayEquals(new byte[(int) (grown - content.length)],
            java.util.Arrays.copyOfRange(got, content.length, got.length), "the new space is not zeros");
        content = got;
      }
    }
    byte[] kept = content;
    Outcome<Long> compacted = Outcome.of(() -> Vhd.compact(file, ProgressListener.none()));
    if (compacted.ok()) {
      try (VhdImage img = Vhd.open(file)) {
        assertArrayEquals(kept, read(img, 0, (int) img.getSize()), "compact changed the content");
      }
    }
  }

  private static String check(Path file) {
    try {
      return Vhd.check(file).problems().toString();
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static byte[] read(VhdImage img, long pos, int len) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(len);
    img.readFully(pos, b);
    return b.array();
  }
}
