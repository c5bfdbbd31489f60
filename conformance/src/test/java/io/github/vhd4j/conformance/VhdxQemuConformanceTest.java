package io.github.vhd4j.conformance;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.DiskType;
import io.github.vhd4j.Extent;
import io.github.vhd4j.Vhdx;
import io.github.vhd4j.VhdxImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * VHDX files qemu-img made and qemu-io wrote ({@link VhdxQemuImages}: fixed and dynamic, 1, 32 and
 * 256 MiB blocks, disks past 4 and 8 GiB written across the chunk boundaries, zeroed and
 * discarded ranges, block_state_zero on and off) read by vhd4j: the content equals
 * {@code qemu-img convert -O raw}'s (compared as streamed prints, never held whole), the map
 * equals the block table decoded here from the layout descriptors, every range qemu-io wrote
 * lies in a data run, and the virtual size and block size equal {@code qemu-img info}'s.
 */
@RequiresPeers({Peers.QEMU_IMG, Peers.QEMU_IO})
class VhdxQemuConformanceTest {
  @TempDir
  Path dir;

  @BeforeAll
  static void requirePeers() {
    Peers.require(Peers.QEMU_IMG, Peers.QEMU_IO);
  }

  static Stream<VhdxQemuImages.Case> cases() {
    return VhdxQemuImages.all().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void shouldReadMapAndDescribeWhatQemuWrote(VhdxQemuImages.Case c) throws Exception {
    Path img = c.make(dir);
    Map<String, Object> info = QemuVhdx.info(img);
    List<Run> table = VhdxBat.runs(VhdxBat.payload(img, c.size(), c.blockSize(), 512), c.size(), c.blockSize());

    try (VhdxImage image = Vhdx.open(img)) {
      List<Extent> map = image.map();
      List<Run> ours = Run.fromExtents(map);
      assertAll(c.name(),
          () -> assertEquals(info.get("virtual-size"), image.getSize(), "virtual-size"),
          () -> assertEquals(info.get("cluster-size"), image.getBlockSize(), "cluster-size"),
          () -> assertEquals(c.fixed() ? DiskType.FIXED : DiskType.DYNAMIC, image.getDiskType()),
          () -> assertEquals(512, image.getLogicalSectorSize()),
          () -> assertEquals(List.of(), image.getWarnings(), "QEMU's files open without a warning"),
          () -> assertEquals(table, ours, "map against the table decoded from the file"),
          () -> assertWritesMapped(c, map),
          () -> assertContent(c, img, image));
    }
  }

  /** Every range qemu-io wrote a pattern into is stored: inside a data run of the map. */
  private static void assertWritesMapped(VhdxQemuImages.Case c, List<Extent> map) {
    for (VhdxQemuImages.Io w : c.io()) {
      if (w.kind() != VhdxQemuImages.Kind.WRITE) {
        continue;
      }
      for (long at = w.offset(); at < w.offset() + w.length(); at += 512) {
        long sector = at;
        assertTrue(map.stream().anyMatch(e -> e.data() && e.start() <= sector && sector < e.end()),
            () -> w.command() + ": sector at " + sector + " is not in a data run: " + map);
      }
    }
  }

  private void assertContent(VhdxQemuImages.Case c, Path img, VhdxImage image) throws IOException {
    if (c.wholeRead()) {
      Path raw = QemuVhdx.toRaw(img, dir.resolve(c.name() + ".raw"));
      ContentPrint theirs = ContentPrint.ofRaw(raw);
      Files.delete(raw);
      ContentPrint ours = ContentPrint.of(image);
      assertNull(ours.difference(theirs), () -> "against qemu-img convert: " + ours + " / " + theirs);
      assertTrue(theirs.pieces().size() > 0, "qemu-io's data is there");
    } else {
      for (long[] w : windows(c)) {
        byte[] theirs = QemuVhdx.readRange(img, w[0], w[1], dir.resolve("window.raw"));
        assertArrayEquals(theirs, Content.read(image, w[0], (int) w[1]), () -> "window at " + w[0]);
      }
    }
  }

  /** 1 MiB-aligned windows of 3 MiB around every write, cut at the disk's end. */
  private static List<long[]> windows(VhdxQemuImages.Case c) {
    List<long[]> out = new ArrayList<>();
    for (VhdxQemuImages.Io w : c.io()) {
      long start = Math.max(0, w.offset() / VhdxQemuImages.MIB * VhdxQemuImages.MIB - VhdxQemuImages.MIB);
      long end = Math.min(c.size(), start + 3 * VhdxQemuImages.MIB);
      out.add(new long[] {start, end - start});
    }
    return out;
  }
}
