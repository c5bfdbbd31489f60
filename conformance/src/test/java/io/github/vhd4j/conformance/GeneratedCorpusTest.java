package io.github.vhd4j.conformance;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.vhd4j.DiskType;
import io.github.vhd4j.Extent;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.cli.testing.JsonTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated corpus: images made by {@code qemu-img create}/{@code convert} and written by
 * {@code qemu-io} (see {@link Corpus}), each read by vhd4j (API and {@code vhd} tool) and by qemu,
 * and compared on virtual size, content and allocation map. One dynamic test per image, named by
 * the image and its recipe; every failure message starts with the seed that reproduces it.
 *
 * <p>Content: images up to {@link #FULL_HASH_LIMIT} are compared in full, by SHA-256 of vhd4j's
 * reads, of {@code vhd convert -O raw} and of {@code qemu-img convert -O raw}. Larger (sparse)
 * images are compared on every data run qemu-img map reports (for fixed images: every range qemu
 * knows not to be zero), every written range, the first and last 64 KiB and 16 random 64 KiB
 * windows, each read through qemu with a raw offset/size window ({@link Qemu#readRange}); their
 * {@code vhd convert -O raw} output is compared with qemu's by {@code qemu-img compare}, which
 * reads the data areas of both sparse files.
 */
@RequiresPeers({Peers.QEMU_IMG, Peers.QEMU_IO})
class GeneratedCorpusTest {
  /** Default seed; -Dvhd4j.conformance.seed=N overrides it (the POM passes it through). */
  static final long DEFAULT_SEED = 20261121L;
  static final long FULL_HASH_LIMIT = 1200 * Corpus.MIB;
  private static final int WINDOW = 64 * 1024;
  private static final int MAX_RANGE = 8 << 20;

  @TempDir
  static Path dir;

  @BeforeAll
  static void requirePeers() {
    Peers.require(Peers.QEMU_IMG, Peers.QEMU_IO);
  }

  static long seed() {
    String s = System.getProperty("vhd4j.conformance.seed");
    return s == null || s.isBlank() ? DEFAULT_SEED : Long.parseLong(s.strip());
  }

  /** 60 images by default (at least the 21 fixed edge cases); -Dvhd4j.conformance.count=N changes it. */
  static int count() {
    String s = System.getProperty("vhd4j.conformance.count");
    return s == null || s.isBlank() ? 60 : Integer.parseInt(s.strip());
  }

  @TestFactory
  Stream<DynamicTest> shouldReadEveryGeneratedImageLikeQemu() {
    long seed = seed();
    List<Corpus.Recipe> recipes = Corpus.generate(seed, count());
    assertTrue(recipes.size() >= count(), "corpus size: the 21 edge cases, then seeded ones up to the count");
    return recipes.stream().map(r -> DynamicTest.dynamicTest(r.toString(), () -> check(seed, r)));
  }

  private void check(long seed, Corpus.Recipe r) throws Exception {
    String context = "seed " + seed + " (rerun with -Dvhd4j.conformance.seed=" + seed + "), " + r;
    Path img = dir.resolve(r.name() + ".vhd");
    List<Qemu.Write> writes = List.of();
    try {
      make(r, img);
      long qemuSize = Qemu.virtualSize(img);
      writes = Corpus.writes(r, qemuSize);
      Qemu.write(img, writes);
      verify(context + ", writes " + writes, img, r.fixed(), writes);
    } catch (IOException e) {
      fail(context + ", writes " + writes + ": " + e.getMessage(), e);
    } finally {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path p : files.filter(p -> p.getFileName().toString().startsWith(r.name()))
            .sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static void make(Corpus.Recipe r, Path img) throws IOException {
    if (!r.convert()) {
      Qemu.create(img, r.requestedSize(), r.fixed(), r.forceSize());
      return;
    }
    List<long[]> chunks = Corpus.sourceChunks(r);
    long[] offsets = new long[chunks.size()];
    byte[][] data = new byte[chunks.size()][];
    for (int i = 0; i < chunks.size(); i++) {
      offsets[i] = chunks.get(i)[0];
      data[i] = new byte[(int) chunks.get(i)[1]];
      new Random(chunks.get(i)[2]).nextBytes(data[i]);
    }
    Path raw = dir.resolve(r.name() + ".src.raw");
    Content.writeSparse(raw, r.requestedSize(), offsets, data);
    Qemu.convertFromRaw(raw, img, r.fixed(), r.forceSize());
  }

  /** Compares one image, reporting every disagreement at once. */
  static void verify(String context, Path img, boolean fixed, List<Qemu.Write> writes) throws Exception {
    Map<String, Object> info = Qemu.info(img);
    long size = (Long) info.get("virtual-size");
    List<Map<String, Object>> qemuMapJson = Qemu.mapJson(img);
    List<Run> qemuRuns = Run.fromQemu(qemuMapJson);
    List<Executable> checks = new ArrayList<>();
    try (VhdImage image = Vhd.open(img)) {
      List<Extent> extents = image.map();
      checks.add(() -> assertEquals(size, image.getSize(), "virtual size (vhd4j API vs qemu-img info)"));
      checks.add(() -> assertEquals(fixed ? DiskType.FIXED : DiskType.DYNAMIC, image.getDiskType(), "disk type"));
      if (fixed) {
        checks.add(() -> assertEquals(Run.covered(qemuRuns), Run.covered(Run.fromExtents(extents)),
            "range covered by data (fixed)"));
        checks.add(() -> assertEquals(size == 0 ? List.of() : List.of(new Run(0, size, true, 0)),
            Run.fromExtents(extents), "vhd4j maps a fixed image as one data run"));
      } else {
        checks.add(() -> assertEquals(qemuRuns, Run.fromExtents(extents), "map runs (vhd4j API vs qemu-img map)"));
        checks.add(() -> assertEquals(info.get("cluster-size"), image.getBlockSize(), "block size"));
      }
      if (size <= FULL_HASH_LIMIT) {
        Path qraw = Path.of(img + ".qemu.raw");
        Qemu.toRaw(img, qraw);
        String expected = Content.sha256(qraw);
        long qrawSize = Files.size(qraw);
        Files.delete(qraw);
        checks.add(() -> assertEquals(size, qrawSize, "qemu-img convert -O raw length"));
        checks.add(() -> assertEquals(expected, Content.sha256(image), "SHA-256 of the content (vhd4j API vs qemu)"));
        checks.add(() -> {
          try (var in = image.newInputStream()) {
            assertEquals(expected, Content.sha256(in), "SHA-256 of the content (vhd4j input stream vs qemu)");
          }
        });
        checks.add(() -> {
          Path vraw = Path.of(img + ".vhd.raw");
          VhdCli.Result c = VhdCli.run("convert", "-O", "raw", img.toString(), vraw.toString());
          assertEquals(0, c.code(), c::describe);
          String got = Content.sha256(vraw);
          long len = Files.size(vraw);
          Files.delete(vraw);
          assertEquals(size, len, "vhd convert -O raw length");
          assertEquals(expected, got, "SHA-256 of vhd convert -O raw vs qemu-img convert -O raw");
        });
      } else {
        for (long[] range : sampleRanges(context, size, fixed, qemuMapJson, writes)) {
          byte[] theirs = Qemu.readRange(img, range[0], range[1], Path.of(img + ".range"));
          byte[] ours = Content.read(image, range[0], (int) range[1]);
          long at = Content.mismatch(theirs, ours);
          checks.add(() -> assertEquals(-1L, at, () -> "content of " + range[0] + "+" + range[1]
              + " differs from qemu's at guest offset " + (range[0] + at)));
        }
        if (fixed) {
          // vhd4j maps a fixed image as one data run and cannot see the host file's holes, so
          // converting a huge sparse fixed image would read every byte: compare ranges of vhd cat.
          for (long[] range : sampleRanges(context, size, true, qemuMapJson, writes).subList(0, 4)) {
            byte[] theirs = Qemu.readRange(img, range[0], range[1], Path.of(img + ".range"));
            checks.add(() -> {
              VhdCli.Result c = VhdCli.run("cat", "--offset", Long.toString(range[0]), "--length",
                  Long.toString(range[1]), img.toString());
              assertEquals(0, c.code(), c::describe);
              assertEquals(-1L, Content.mismatch(theirs, c.stdout()),
                  () -> "vhd cat of " + range[0] + "+" + range[1] + " differs from qemu's");
            });
          }
        } else {
          checks.add(() -> {
            Path vraw = Path.of(img + ".vhd.raw");
            Path qraw = Path.of(img + ".qemu.raw");
            VhdCli.Result c = VhdCli.run("convert", "-O", "raw", img.toString(), vraw.toString());
            assertEquals(0, c.code(), c::describe);
            Qemu.toRaw(img, qraw);
            Peers.Result cmp = Peers.run(List.of(Peers.QEMU_IMG, "compare", "-f", "raw", "-F", "raw",
                qraw.toString(), vraw.toString()), 600);
            long len = Files.size(vraw);
            Files.delete(vraw);
            Files.delete(qraw);
            assertEquals(size, len, "vhd convert -O raw length");
            assertEquals(0, cmp.code(), () -> "vhd convert -O raw vs qemu-img convert -O raw: " + cmp.describe());
          });
        }
      }
      checks.add(() -> {
        VhdCli.Result c = VhdCli.run("info", "--json", img.toString());
        assertEquals(0, c.code(), c::describe);
        assertEquals(size, JsonTree.object(c.out()).get("virtual-size"), "vhd info --json virtual-size");
      });
      checks.add(() -> {
        VhdCli.Result c = VhdCli.run("map", "--json", img.toString());
        assertEquals(0, c.code(), c::describe);
        List<Map<String, Object>> ours = JsonTree.objects(c.out());
        if (fixed && size > 0) {
          assertEquals(Run.covered(qemuRuns), Run.covered(Run.fromQemu(ours)), "vhd map --json covered range");
        } else {
          // The tool promises qemu-img map's JSON, entry for entry.
          assertEquals(qemuMapJson, ours, "vhd map --json vs qemu-img map --output=json");
        }
      });
      // Inside the try: the deferred checks read through the open image.
      assertAll(context, checks.stream());
    }
  }

  /**
   * Guest ranges to compare on a large image: qemu's data (or, for fixed images, non-zero) runs,
   * the written ranges, both ends and random windows; sector-aligned, at most 8 MiB each.
   */
  private static List<long[]> sampleRanges(String context, long size, boolean fixed,
      List<Map<String, Object>> qemuMap, List<Qemu.Write> writes) {
    List<long[]> ranges = new ArrayList<>();
    for (Map<String, Object> e : qemuMap) {
      boolean interesting = fixed ? Boolean.FALSE.equals(e.get("zero")) : Boolean.TRUE.equals(e.get("data"));
      if (interesting) {
        ranges.add(new long[] {(Long) e.get("start"), (Long) e.get("length")});
      }
    }
    for (Qemu.Write w : writes) {
      long start = w.offset() / 512 * 512;
      ranges.add(new long[] {start, (w.offset() + w.length() + 511) / 512 * 512 - start});
    }
    ranges.add(new long[] {0, WINDOW});
    ranges.add(new long[] {size - WINDOW, WINDOW});
    Random rng = new Random(context.hashCode());
    for (int i = 0; i < 16; i++) {
      ranges.add(new long[] {(long) (rng.nextDouble() * ((size - WINDOW) / 512)) * 512, WINDOW});
    }
    List<long[]> out = new ArrayList<>();
    for (long[] r : ranges) {
      long start = Math.max(0, r[0]);
      long end = Math.min(size, r[0] + r[1]);
      for (long s = start; s < end; s += MAX_RANGE) {
        out.add(new long[] {s, Math.min(MAX_RANGE, end - s)});
      }
    }
    return out;
  }
}
