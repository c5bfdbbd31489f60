package io.github.vhd4j;

import static io.github.vhd4j.testing.VhdAssertions.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.testing.LoopDevice;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images on block devices: a VHD written to a loop device reads as the file it came from. The
 * device's {@code st_size} is 0; its size comes from the device. Changes that would need the
 * device to grow or shrink are refused before anything is written. Skipped, with the reason, where
 * no loop device can be attached (not root, no loop driver).
 */
class BlockDeviceTest {
  private static final long BLOCK = 512 << 10;
  @TempDir Path dir;

  private Path image(CreateOptions o, long seed) throws IOException {
    Path p = dir.resolve("disk-" + seed + ".vhd");
    try (VhdImage img = Vhd.create(p, o)) {
      byte[] d = new byte[8192];
      new Random(seed).nextBytes(d);
      img.write(BLOCK / 2, ByteBuffer.wrap(d));
      img.write(2 * BLOCK + 512, ByteBuffer.wrap(d));
    }
    return p;
  }

  @Test
  void shouldReadAVhdOnABlockDeviceAsTheFileItCameFrom() throws Exception {
    Path file = image(CreateOptions.dynamic(4 * BLOCK).withBlockSize(BLOCK).withSizeMode(SizeMode.EXACT), 1);
    byte[] content;
    try (VhdImage img = Vhd.open(file)) {
      content = readAll(img);
    }
    try (LoopDevice loop = LoopDevice.attach(file)) {
      Path dev = loop.device();
      assertEquals(0, Files.size(dev), "stat says nothing of a device's size");
      assertTrue(Vhd.probe(dev));
      assertTrue(Vhd.hasFooterCookie(dev));
      for (StorageMode mode : StorageMode.values()) {
        try (VhdImage img = Vhd.open(dev, OpenOptions.defaults().withStorage(mode))) {
          assertEquals(Files.size(file), img.getFileSize(), mode + ": the device's size");
          assertEquals(4 * BLOCK, img.getSize());
          assertArrayEquals(content, readAll(img), mode.toString());
          try (VhdImage fromFile = Vhd.open(file)) {
            assertEquals(fromFile.map(), img.map(), mode + ": the same map");
          }
          Path out = dir.resolve("copy-" + mode + ".vhd");
          Vhd.convert(img, out, CreateOptions.dynamic(0).withSizeMode(SizeMode.EXACT), ProgressListener.none());
          try (VhdImage copy = Vhd.open(out)) {
            assertArrayEquals(content, readAll(copy), mode + ": converted");
          }
        }
      }
      assertFalse(Vhd.check(dev, CheckOptions.defaults().withDeep(true)).hasErrors());
      assertEquals(java.util.List.of(), Vhd.planRepair(dev));
    }
  }

  @Test
  void shouldRefuseChangesThatWouldMakeTheDeviceGrowOrShrink() throws Exception {
    Path dynamic = image(CreateOptions.dynamic(4 * BLOCK).withBlockSize(BLOCK).withSizeMode(SizeMode.EXACT), 2);
    Path fixed = image(CreateOptions.fixed(4 * BLOCK).withSizeMode(SizeMode.EXACT), 3);
    byte[] dynamicBefore = Files.readAllBytes(dynamic);
    byte[] fixedBefore = Files.readAllBytes(fixed);
    try (LoopDevice d = LoopDevice.attach(dynamic); LoopDevice f = LoopDevice.attach(fixed)) {
      UnsupportedVhdFeatureException compact = assertThrows(UnsupportedVhdFeatureException.class,
          () -> Vhd.compact(d.device(), ProgressListener.none()));
      assertTrue(compact.getMessage().contains("block device cannot be compacted"), compact.getMessage());
      UnsupportedVhdFeatureException resize = assertThrows(UnsupportedVhdFeatureException.class,
          () -> Vhd.resize(f.device(), 8 * BLOCK, SizeMode.EXACT));
      assertTrue(resize.getMessage().contains("fixed disk on a block device cannot change size"),
          resize.getMessage());
      // Writes inside allocated blocks stay in place.
      try (VhdImage img = Vhd.open(d.device(), OpenOptions.forWriting())) {
        img.write(BLOCK / 2, ByteBuffer.wrap(new byte[512]).put(0, (byte) 5));
      }
      // A new block of a dynamic disk goes after the footer, past the device's end.
      VhdImage writer = Vhd.open(d.device(), OpenOptions.forWriting());
      IOException grow = assertThrows(IOException.class, () -> writer.write(3 * BLOCK, ByteBuffer.wrap(new byte[512])
          .put(0, (byte) 1)));
      assertTrue(grow.getMessage().contains("the block device " + d.device() + " ends at"), grow.getMessage());
      try {
        writer.close();
      } catch (IOException closing) {
        // After a failed write the image refuses to flush, and says so; the device is as it was.
        assertTrue(closing.getMessage().contains("earlier write"), closing.getMessage());
      }
      // Shrinking a dynamic disk over unused space writes only inside the device.
      assertEquals(3 * BLOCK, Vhd.resize(d.device(), 3 * BLOCK, SizeMode.EXACT));
      try (VhdImage img = Vhd.open(d.device())) {
        assertEquals(3 * BLOCK, img.getSize());
        ByteBuffer b = ByteBuffer.allocate(1);
        img.readFully(BLOCK / 2, b);
        assertEquals(5, b.get(0));
      }
    }
    assertArrayEquals(fixedBefore, Files.readAllBytes(fixed), "the fixed disk is untouched");
    assertEquals(dynamicBefore.length, Files.size(dynamic), "the device never grew");
  }
}
