package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.cli.testing.JsonTree;
import io.github.vhd4j.testing.LoopDevice;
import io.github.vhd4j.testing.TestImage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands on a VHD written to a loop device: the disk size is the device's (its
 * {@code st_size} is 0), reading commands work as on the file, and changes a device cannot take
 * are refused with the device unchanged. Skipped, with the reason, where no loop device can be
 * attached.
 */
class BlockDeviceCommandTest {
  @TempDir Path dir;

  @Test
  void shouldReadAnImageOnALoopDeviceAndRefuseWhatTheDeviceCannotTake() throws Exception {
    TestImage t = Images.smallDynamic();
    Path file = t.writeTo(dir.resolve("d.vhd"));
    long length = Files.size(file);
    try (LoopDevice loop = LoopDevice.attach(file)) {
      Path dev = loop.device();
      Cli.Result info = Cli.run("info", dev.toString());
      assertEquals(0, info.code(), info.err());
      assertTrue(info.outLines().contains("disk size: " + Sizes.humanExact(length)), info.out());
      Cli.Result json = Cli.run("info", "--json", dev.toString());
      assertEquals(length, JsonTree.object(json.out()).get("actual-size"));
      assertEquals(0, Cli.run("check", "--deep", dev.toString()).code());
      assertEquals(Cli.run("map", file.toString()).out(), Cli.run("map", dev.toString()).out().replace(
          dev.toString(), file.toString()));
      for (String storage : new String[] {"mapped", "filechannel"}) {
        Cli.Result cat = Cli.run("cat", "--storage", storage, dev.toString());
        assertEquals(0, cat.code(), cat.err());
        assertArrayEquals(t.expectedContent(), cat.stdoutBytes(), storage);
      }
      Path raw = dir.resolve("d.raw");
      assertEquals(0, Cli.run("convert", dev.toString(), raw.toString()).code());
      assertArrayEquals(t.expectedContent(), Files.readAllBytes(raw));
      assertEquals(0, Cli.run("compare", dev.toString(), raw.toString()).code());

      byte[] before = Files.readAllBytes(file);
      Cli.run("compact", dev.toString()).assertFailed(dev,
          "an image on a block device cannot be compacted: the device cannot be cut, so no space would be freed");
      Cli.Result grow = Cli.run("resize", dev.toString(), "1G");
      assertEquals(2, grow.code(), grow.out());
      assertArrayEquals(before, Files.readAllBytes(file), "the device changed");
    }
  }
}
