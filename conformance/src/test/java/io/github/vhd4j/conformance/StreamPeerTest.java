package io.github.vhd4j.conformance;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.ProgressListener;
import io.github.vhd4j.SizeMode;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.testing.Fifos;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images converted from a stream (a pipe, standard input: read once, in order), read by every peer.
 * A dynamic image made so has its blocks in the order they arrived and its block table after the
 * last one, where only the header points: qemu-img, libvhdi and 7-Zip must read it as they read
 * any table, and it must hold the same guest bytes, in the same blocks, as the conversion of a
 * file with the same bytes ({@link OperationsPeerTest} checks that one). The file's structures are
 * also read directly ({@link OperationsPeerTest#checkFile}), not only through vhd4j.
 *
 * <p>Every failure message starts with the seed: {@code -Dvhd4j.conformance.seed=N} reruns it.
 */
@RequiresPeers({Peers.QEMU_IMG, Peers.SEVEN_ZIP, Peers.VHDIINFO, Peers.PYVHDI})
class StreamPeerTest {
  private static final long KIB = 1024;
  private static final long MIB = KIB * KIB;
  private static final int SECTOR = 512;

  @TempDir
  static Path dir;

  @BeforeAll
  static void requirePeers() {
    Peers.require(PeerVerifier.tools());
  }

  /** How a case hands its bytes to vhd4j. */
  @FunctionalInterface
  interface Converter {
    void convert(byte[] raw, Path out, CreateOptions target, Path d) throws IOException;
  }

  /** The library, from a channel that gives the bytes in reads of random sizes, as a pipe does. */
  private static void library(byte[] raw, Path out, CreateOptions target, Path d) throws IOException {
    try (ReadableByteChannel in = Channels.newChannel(new ByteArrayInputStream(raw))) {
      Vhd.convertRaw(in, out, target, ProgressListener.none());
    }
  }

  /** {@code vhd convert -f raw} from a FIFO that another thread writes. */
  private static void cli(byte[] raw, Path out, CreateOptions target, Path d) throws IOException {
    Path fifo = Fifos.make(d.resolve("in.fifo"));
    CompletableFuture<Void> writer = Fifos.write(fifo, raw);
    List<String> args = new ArrayList<>(List.of("convert", "-f", "raw", "-O",
        target.diskType().name().toLowerCase(java.util.Locale.ROOT), "--size-mode",
        target.sizeMode().name().toLowerCase(java.util.Locale.ROOT)));
    if (target.diskType() == io.github.vhd4j.DiskType.DYNAMIC) {
      args.addAll(List.of("--block-size", Long.toString(target.blockSize())));
      if (target.aligned()) {
        args.add("--aligned");
      }
    }
    args.addAll(List.of(fifo.toString(), out.toString()));
    VhdCli.Result r = VhdCli.run(args.toArray(new String[0]));
    try {
      writer.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IOException("the FIFO's writer failed", e);
    }
    if (r.code() != 0) {
      throw new IOException(r.describe());
    }
  }

  private static DynamicTest test(long seed, int index, String name, CreateOptions target, long unit,
      Converter converter) {
    long cs = seed * 1_000_003L + 7_000 + index;
    return DynamicTest.dynamicTest(name, () -> {
      Path d = Files.createDirectories(dir.resolve(name));
      StringBuilder recipe = new StringBuilder();
      String context = "seed " + seed + " (rerun with -Dvhd4j.conformance.seed=" + seed + "), case seed " + cs
          + ", " + name;
      List<Executable> checks;
      try {
        checks = run(d, name, target, unit, converter, new Random(cs), recipe);
      } catch (IOException | RuntimeException e) {
        throw new AssertionError(context + recipe + ": " + e, e);
      }
      assertAll(context + recipe, checks);
    });
  }

  private static List<Executable> run(Path d, String name, CreateOptions target, long unit, Converter converter,
      Random rnd, StringBuilder recipe) throws IOException {
    long length = 5 * MIB + 2 * unit + SECTOR * (long) rnd.nextInt(64) + 1 + rnd.nextInt(SECTOR - 1);
    byte[] raw = OperationsPeerTest.generate(length, unit, rnd, recipe);
    Path file = Files.write(d.resolve(name + ".raw"), raw);
    Path fromFile = d.resolve(name + ".file.vhd");
    Path fromStream = d.resolve(name + ".vhd");
    Vhd.convertRaw(file, fromFile, target, ProgressListener.none());
    converter.convert(raw, fromStream, target, d);
    long size;
    try (VhdImage a = Vhd.open(fromFile); VhdImage b = Vhd.open(fromStream)) {
      size = b.getSize();
      long fileSize = a.getSize();
      recipe.append(", image size ").append(size);
      List<Executable> checks = new ArrayList<>();
      checks.add(() -> assertEquals(fileSize, size, name + ": the size of the file's conversion"));
      byte[] content = OperationsPeerTest.padded(raw, size);
      boolean sparse = target.diskType() != io.github.vhd4j.DiskType.FIXED;
      OperationsPeerTest.Structure s = OperationsPeerTest.checkFile(fromStream, content, true, target.aligned(), name,
          checks);
      if (sparse) {
        OperationsPeerTest.Structure f = OperationsPeerTest.Structure.of(fromFile);
        checks.add(() -> assertEquals(f.allocated(), s.allocated(), name + ": the blocks the file's conversion stores"));
        checks.add(() -> assertTrue(s.tableOffset() >= s.headerOffset() + 1024,
            name + ": the table after the header, at " + s.tableOffset()));
      }
      checks.addAll(OperationsPeerTest.output(fromStream, content, true, d, name, java.util.EnumSet.allOf(
          PeerVerifier.Peer.class)));
      return checks;
    }
  }

  @TestFactory
  Stream<DynamicTest> shouldConvertStreamsIntoImagesEveryPeerReads() {
    long seed = GeneratedCorpusTest.seed();
    List<DynamicTest> tests = new ArrayList<>();
    int index = 0;
    for (long bs : new long[] {4 * KIB, 2 * MIB, 16 * MIB}) {
      for (boolean aligned : new boolean[] {false, true}) {
        for (SizeMode mode : SizeMode.values()) {
          String name = "stream-to-dynamic-bs" + bs + (aligned ? "-aligned" : "-compact") + "-" + mode;
          CreateOptions target = CreateOptions.dynamic(0).withBlockSize(bs).withAligned(aligned).withSizeMode(mode);
          tests.add(test(seed, index++, name, target, Math.min(bs, 2 * MIB), StreamPeerTest::library));
        }
      }
    }
    for (SizeMode mode : SizeMode.values()) {
      tests.add(test(seed, index++, "stream-to-fixed-" + mode, CreateOptions.fixed(0).withSizeMode(mode), 64 * KIB,
          StreamPeerTest::library));
    }
    tests.add(test(seed, index++, "cli-fifo-to-dynamic", CreateOptions.dynamic(0).withSizeMode(SizeMode.EXACT),
        2 * MIB, StreamPeerTest::cli));
    tests.add(test(seed, index, "cli-fifo-to-fixed-chs", CreateOptions.fixed(0).withSizeMode(SizeMode.CHS),
        64 * KIB, StreamPeerTest::cli));
    return tests.stream();
  }
}
