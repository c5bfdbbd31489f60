package io.github.vhd4j.internal.vhdx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.DiskType;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.VhdxImage;
import io.github.vhd4j.internal.vhdx.layout.BatLayout;
import io.github.vhd4j.internal.vhdx.layout.Guids;
import io.github.vhd4j.internal.vhdx.layout.HeaderLayout;
import io.github.vhd4j.testing.BuiltVhdx;
import io.github.vhd4j.testing.QemuImg;
import io.github.vhd4j.testing.VhdxBuilder;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test-only VHDX builder: what it builds parses cleanly, reads back what was put in, stays
 * small in memory, and qemu-img reads it the same way.
 */
class VhdxBuilderTest {
  private static final long MIB = VhdxBuilder.MIB;

  @TempDir
  Path dir;

  private static byte[] pattern(int size, int seed) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) (i * 31 + seed);
    }
    return b;
  }

  private static byte[] read(VhdxImage img, long offset, int size) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(size);
    img.readFully(offset, b);
    return b.array();
  }

  @Test
  void shouldBuildACleanDynamicDiskWithItsKnobs() throws IOException {
    VhdxBuilder b = VhdxBuilder.dynamic(40 * MIB, 4 * MIB);
    b.creator = "d2v";
    b.logicalSectorSize = 4096;
    b.metadataFirst = false;
    VhdxParsing p = VhdxParsing.open(b.build());
    VhdxLayer layer = p.parse();
    assertEquals(List.of(), p.list());
    assertEquals("d2v", layer.creator);
    assertEquals(40 * MIB, layer.metadata.virtualSize());
    assertEquals(4 * MIB, layer.metadata.blockSize());
    assertEquals(4096, layer.metadata.logicalSectorSize());
    assertEquals(4096, layer.metadata.physicalSectorSize());
    assertEquals(DiskType.DYNAMIC, layer.diskType());
    assertEquals(2, layer.header.copy());
    assertEquals(b.header2.dataWriteGuid, layer.header.dataWriteGuid());
    assertEquals(List.of("BAT", "metadata"), layer.regions.stream().map(r -> r.name()).toList());
    assertEquals(2 * MIB, layer.regions.get(0).fileOffset());
  }

  @Test
  void shouldReadBackBlockContentsThroughTheImage() throws IOException {
    VhdxBuilder b = VhdxBuilder.dynamic(16 * MIB, MIB);
    byte[] first = pattern((int) MIB, 1);
    byte[] third = pattern(4096, 7);
    b.block(0, first).block(3, third);
    VhdxParsing p = VhdxParsing.open(b.build());
    VhdxImage img = p.image(p.parse());
    assertArrayEquals(first, read(img, 0, (int) MIB));
    assertArrayEquals(third, read(img, 3 * MIB, third.length));
    assertArrayEquals(new byte[4096], read(img, 3 * MIB + 4096, 4096));
    assertArrayEquals(new byte[4096], read(img, 2 * MIB, 4096));
  }

  @Test
  void shouldBuildFixedDisksWithEveryBlockPresent() throws IOException {
    BuiltVhdx v = VhdxBuilder.fixed(8 * MIB, 2 * MIB).block(1, pattern(512, 3)).build();
    VhdxParsing p = VhdxParsing.open(v);
    VhdxLayer layer = p.parse();
    assertEquals(DiskType.FIXED, layer.diskType());
    for (int i = 0; i < 4; i++) {
      long e = layer.table.payloadEntry(i);
      assertEquals(BatLayout.PAYLOAD_FULLY_PRESENT, BatLayout.state(e), "block " + i);
      assertTrue(BatLayout.fileOffset(e) >= 4 * MIB, "block " + i);
    }
    assertArrayEquals(pattern(512, 3), read(p.image(layer), 2 * MIB, 512));
  }

  @Test
  void shouldKeepA64TibDiskWithOneBlockSmall() throws IOException {
    VhdxBuilder b = VhdxBuilder.dynamic(1L << 46, 256 * MIB);
    b.block(200_000, pattern(4096, 9));
    BuiltVhdx v = b.build();
    assertTrue(v.file.heldBytes() < 2 * MIB, v.file.heldBytes() + " bytes held");
    assertTrue(v.file.length() < 300 * MIB, v.file.length() + " bytes long");
    VhdxParsing p = VhdxParsing.open(v);
    VhdxLayer layer = p.parse();
    assertEquals(List.of(), p.list());
    assertArrayEquals(pattern(4096, 9), read(p.image(layer), 200_000L * 256 * MIB, 4096));
  }

  @Test
  void shouldBuildDifferencingDisksWithTheirLocator() throws IOException {
    java.util.UUID parent = java.util.UUID.randomUUID();
    VhdxBuilder b = VhdxBuilder.differencing(8 * MIB, 2 * MIB, parent);
    b.partial(1, pattern(8192, 5)).sectors(1, 0, 8);
    VhdxParsing p = VhdxParsing.open(b.build());
    VhdxLayer layer = p.parse();
    assertEquals(List.of(), p.list());
    assertEquals(DiskType.DIFFERENCING, layer.diskType());
    assertEquals(Guids.text(parent), layer.locator.parentLinkage());
    assertEquals(".\\parent.vhdx", layer.locator.relativePath());
    assertEquals(BatLayout.BITMAP_PRESENT, BatLayout.state(layer.table.bitmapEntry(0)));
  }

  @Test
  void shouldTweakTheFileLength() throws IOException {
    VhdxBuilder b = new VhdxBuilder();
    long natural = b.build().file.length();
    b.tailBytes = 512;
    assertEquals(natural + 512, b.build().file.length());
    b.fileLength = 3 * MIB;
    assertEquals(3 * MIB, b.build().file.length());
  }

  @Test
  void shouldCorruptFieldsWithAndWithoutSealing() throws IOException {
    BuiltVhdx v = new VhdxBuilder().build();
    v.header(2).set(HeaderLayout.SEQUENCE_NUMBER, 7);
    VhdxParsing p = VhdxParsing.open(v);
    assertEquals(1, p.parse().header.copy());
    assertEquals(1, p.of(ProblemCode.VHDX_HEADER_CHECKSUM).size());
    v.header(2).reseal();
    VhdxParsing q = VhdxParsing.open(v);
    VhdxLayer layer = q.parse();
    assertEquals(7, layer.header.sequenceNumber());
    assertEquals(List.of(), q.list());
  }

  // ---- qemu-img reads what the builder makes ---------------------------------------------------

  private static String run(String... cmd) throws IOException, InterruptedException {
    Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(proc.waitFor(60, TimeUnit.SECONDS), "qemu-img did not finish");
    assertEquals(0, proc.exitValue(), String.join(" ", cmd) + ": " + out);
    return out;
  }

  /** Builds a raw file with the same contents as the builder's blocks. */
  private Path raw(long size, long blockSize, int[] blocks, byte[][] data) throws IOException {
    Path raw = dir.resolve("expected.raw");
    try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
      f.setLength(size);
      for (int i = 0; i < blocks.length; i++) {
        f.seek(blocks[i] * blockSize);
        f.write(data[i]);
      }
    }
    return raw;
  }

  private void assertQemuReads(VhdxBuilder b, String name, int[] blocks, byte[][] data)
      throws IOException, InterruptedException {
    QemuImg.require();
    for (int i = 0; i < blocks.length; i++) {
      b.block(blocks[i], data[i]);
    }
    Path img = b.write(dir.resolve(name));
    String info = run("qemu-img", "info", "--output=json", "-f", "vhdx", img.toString());
    assertTrue(info.contains("\"virtual-size\": " + b.virtualSize), info);
    assertTrue(info.contains("\"cluster-size\": " + b.blockSize), info);
    Path raw = raw(b.virtualSize, b.blockSize, blocks, data);
    String cmp = run("qemu-img", "compare", "-f", "vhdx", "-F", "raw", img.toString(), raw.toString());
    assertTrue(cmp.contains("identical"), cmp);
    run("qemu-img", "check", "-f", "vhdx", img.toString());
  }

  @Test
  void shouldBeReadByQemuImgAsAFixedDisk() throws Exception {
    VhdxBuilder b = VhdxBuilder.fixed(6 * MIB, MIB);
    b.batRequired = 0;
    assertQemuReads(b, "fixed.vhdx", new int[] {0, 5}, new byte[][] {pattern(70_000, 1), pattern((int) MIB, 2)});
  }

  @Test
  void shouldBeReadByQemuImgAsADynamicDisk() throws Exception {
    VhdxBuilder b = VhdxBuilder.dynamic(64 * MIB, 2 * MIB);
    b.metadataFirst = false;
    assertQemuReads(b, "dynamic.vhdx", new int[] {1, 17, 31}, new byte[][] {pattern(4096, 3),
        pattern((int) (2 * MIB), 4), pattern(512, 5)});
  }

  @Test
  void shouldParseWhatQemuImgMakes() throws Exception {
    QemuImg.require();
    for (String sub : List.of("dynamic", "fixed")) {
      Path img = QemuImg.create("vhdx", dir.resolve(sub + ".vhdx"), 48 * MIB, "subformat=" + sub + ",block_size=1M");
      byte[] file = Files.readAllBytes(img);
      VhdxParsing p = VhdxParsing.open(file);
      VhdxLayer layer = p.parse();
      assertEquals(List.of(), p.complaints(), sub);
      assertTrue(layer.creator.startsWith("QEMU"), layer.creator);
      assertEquals(48 * MIB, layer.metadata.virtualSize());
      assertFalse(layer.regions.get(0).required(), "QEMU writes Required = 0");
      assertNull(p.refusal());
      assertEquals(sub.equals("fixed") ? DiskType.FIXED : DiskType.DYNAMIC, layer.diskType());
      assertArrayEquals(new byte[4096], read(p.image(layer), 40 * MIB, 4096));
      assertFalse(Arrays.equals(file, new byte[0]));
    }
  }
}
