package io.github.vhd4j.mmap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.SizeMode;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.testing.DocSamples;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the code sample of the {@code io.github.vhd4j.mmap} package overview on real files; the
 * first test fails when the overview holds a sample that is not copied here verbatim.
 */
class PackageSamplesTest {
  @TempDir Path dir;

  @Test
  void everySampleOfThePackageOverviewIsRunHere() throws IOException {
    DocSamples.assertSamplesTested(
        DocSamples.projectFile("mmap/src/main/java/io/github/vhd4j/mmap/package-info.java"),
        DocSamples.projectFile("mmap/src/test/java/io/github/vhd4j/mmap/PackageSamplesTest.java"), 1);
  }

  private Path disk(long size, byte[] content) throws IOException {
    Path file = dir.resolve("disk.vhd");
    try (VhdImage image = Vhd.create(file, CreateOptions.dynamic(size).withSizeMode(SizeMode.EXACT))) {
      image.write(0, ByteBuffer.wrap(content));
    }
    return file;
  }

  @Test
  void viewSampleLendsAStoredRangeWithoutCopying() throws IOException {
    byte[] content = new byte[8192];
    new Random(1).nextBytes(content);
    Path disk = disk(4 << 20, content);

    byte[] head = new byte[4096];
    boolean zeroCopy;
    try (VhdImage image = Vhd.open(disk, MappedStorage.options())) {
      ByteBuffer view = image.view(0, head.length);   // the mapped file itself; nothing is copied
      zeroCopy = view != null;
      if (view != null) {
        view.get(head);
      } else {
        image.readFully(0, ByteBuffer.wrap(head));   // not stored in one piece: copy it
      }
    }

    assertArrayEquals(Arrays.copyOf(content, head.length), head);
    try (VhdImage image = Vhd.open(disk, MappedStorage.options())) {
      assertFalse(image.getWarnings().stream().anyMatch(p -> p.code() == ProblemCode.STORAGE_FALLBACK),
          image.getWarnings()::toString);
      // The range is stored in one piece; it is lent unless it straddles two mapped chunks (as
      // it does when a test run sets tiny chunks through vhd4j.mapChunkSize).
      long at = image.map().get(0).fileOffset();
      long chunk = MappedStorage.options().mapChunkSize();
      assertEquals(at / chunk == (at + head.length - 1) / chunk, zeroCopy, "data at " + at + ", chunks of " + chunk);
    }
  }

  @Test
  void viewSampleFallsBackToACopyForAnUnallocatedRange() throws IOException {
    Path disk = disk(4 << 20, new byte[] {1});

    // The same sample over the unallocated second block (2 MiB blocks): no view, zeros copied.
    byte[] head = new byte[4096];
    Arrays.fill(head, (byte) 0x55);
    boolean zeroCopy;
    try (VhdImage image = Vhd.open(disk, MappedStorage.options())) {
      ByteBuffer view = image.view(3 << 20, head.length);
      zeroCopy = view != null;
      if (view != null) {
        view.get(head);
      } else {
        image.readFully(3 << 20, ByteBuffer.wrap(head));
      }
    }

    assertFalse(zeroCopy);
    assertArrayEquals(new byte[4096], head);
  }
}
