package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.testing.TestImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * convert with several workers: segments lowered to 512 KiB so that a few-MiB image is copied by
 * every worker at once, in any order, and a failure in one worker fails the whole conversion.
 */
class ParallelConvertTest {
  private static final int KIB = 1024;
  private static final int MIB = 1024 * KIB;

  @TempDir Path dir;
  private long savedSegment;

  @BeforeEach
  void smallSegments() {
    savedSegment = ConvertCommand.segment;
    ConvertCommand.segment = 512 * KIB;
  }

  @AfterEach
  void restoreSegments() {
    ConvertCommand.segment = savedSegment;
  }

  @Test
  void shouldCopyEverySegmentWhicheverWorkerTakesIt() throws Exception {
    TestImage base = TestImage.dynamic(12 * MIB, 512 * KIB).random(0, 3 * MIB + 7, 1).random(7 * MIB - 100, 900 * KIB, 2)
        .random(12 * MIB - 512, 512, 3);
    base.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(base, "base.vhd", 256 * KIB).random(2 * MIB + 300, 1500 * KIB, 4)
        .fill(9 * MIB, 64 * KIB, 0);
    Path in = child.writeTo(dir.resolve("child.vhd"));
    Path out = dir.resolve("flat.raw");
    for (String storage : new String[] {"mapped", "filechannel"}) {
      Cli.Result r = Cli.run("convert", "--storage", storage, in.toString(), out.toString());
      assertEquals(0, r.code(), r.err());
      assertArrayEquals(child.expectedContent(base.expectedContent()), Files.readAllBytes(out), storage);
    }
  }

  @Test
  void shouldFailWholeWhenOneWorkerFails() throws Exception {
    // Lenient mode opens an image whose block 5 lies outside the file; reading it fails, in
    // whichever worker takes that segment. No output may remain.
    TestImage t = TestImage.dynamic(8 * MIB, 512 * KIB).random(0, 8 * MIB, 5);
    t.batOverride.put(5, 0x7FFFFFF0);
    Path in = t.writeTo(dir.resolve("bad.vhd"));
    Path out = dir.resolve("bad.raw");

    Cli.Result r = Cli.run("convert", "--lenient", in.toString(), out.toString());

    assertEquals(2, r.code());
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(r.err().contains("bat.entry[5]"), r.err());
    assertFalse(Files.exists(out));
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(1, s.count(), "no temporary file left behind");
    }
  }
}
