package io.github.vhd4j.spark.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.vhd4j.spark.SharedSpark;
import io.github.vhd4j.spark.TestImages;
import org.junit.jupiter.api.Test;

class VhdSparkExampleTest {
  @Test
  void exampleShouldFindTheDamagedImagesAndTheStoredBytes() throws java.io.IOException {
    VhdSparkExample.Summary s = VhdSparkExample.run(SharedSpark.session(), TestImages.dir().toUri().toString());
    int qemu = TestImages.qemu() ? TestImages.QEMU.size() : 0;
    assertEquals(TestImages.GOOD.size() + TestImages.DAMAGED.size() + qemu, s.images());
    assertEquals(TestImages.DAMAGED.size(), s.damaged());
    long expected = 0;
    for (String name : TestImages.GOOD) {
      expected += TestImages.chunkedStoredBytes(TestImages.dir().resolve(name), 1 << 20);
    }
    if (qemu > 0) {
      for (String name : TestImages.QEMU) {
        expected += TestImages.chunkedStoredBytes(TestImages.dir().resolve(name), 1 << 20);
      }
    }
    assertEquals(expected, s.storedBytes());
  }
}
