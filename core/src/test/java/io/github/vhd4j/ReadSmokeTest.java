package io.github.vhd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.vhd4j.testing.TestImage;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadSmokeTest {
  @TempDir Path dir;

  static byte[] readAll(VhdImage img) throws Exception {
    ByteBuffer b = ByteBuffer.allocate((int) img.getSize());
    img.readFully(0, b);
    return b.array();
  }

  @Test
  void shouldReadDynamicFixedAndChain() throws Exception {
    TestImage base = TestImage.dynamic(8 << 20, 2 << 20).fill(0, 8 << 20, 0x11);
    base.writeTo(dir.resolve("base.vhd"));
    TestImage mid = TestImage.differencing(base, "base.vhd", 512 * 1024).fill(512, 4096, 0x22).random(3 << 20, 100_000, 1);
    mid.writeTo(dir.resolve("mid.vhd"));
    TestImage top = TestImage.differencing(mid, "mid.vhd", 2 << 20).fill(1000, 10, 0x33);
    top.writeTo(dir.resolve("top.vhd"));
    byte[] expected = top.expectedContent(mid.expectedContent(base.expectedContent()));
    try (VhdImage img = Vhd.open(dir.resolve("top.vhd"))) {
      assertEquals(3, img.getChain().size());
      assertArrayEquals(expected, readAll(img));
      System.out.println(img.map());
      System.out.println(img.getWarnings());
    }
    TestImage fx = TestImage.fixed(1 << 20).random(0, 1 << 20, 7);
    try (VhdImage img = Vhd.open(ByteBuffer.wrap(fx.toBytes()), OpenOptions.defaults())) {
      assertArrayEquals(fx.expectedContent(), readAll(img));
    }
    System.out.println(Vhd.check(dir.resolve("top.vhd"), CheckOptions.defaults().withDeep(true)));
  }
}
