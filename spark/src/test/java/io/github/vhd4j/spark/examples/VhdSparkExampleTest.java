package io.github.vhd4j.spark.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.spark.SharedSpark;
import io.github.vhd4j.spark.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

  /**
   * The README's Spark sample is this example's code: its lines, indented as the example indents
   * them, stand in {@code VhdSparkExample.java} one after the other.
   */
  @Test
  void readmeShouldShowTheExamplesCode() throws java.io.IOException {
    String readme = Files.readString(Path.of("..", "README.md"));
    Matcher m = Pattern.compile("```java\n(Dataset<Row> images = spark.read\\(\\).format\\(\"vhd\"\\).*?)```",
        Pattern.DOTALL).matcher(readme);
    assertTrue(m.find(), "the README has the Spark sample");
    String sample = m.group(1).lines().map(l -> l.isEmpty() ? l : "    " + l)
        .collect(java.util.stream.Collectors.joining("\n"));
    String source = Files.readString(Path.of("src", "test", "java", "io", "github", "vhd4j", "spark", "examples",
        "VhdSparkExample.java"));
    assertTrue(source.contains(sample), "README's Spark sample and VhdSparkExample.run differ:\n" + sample);
  }
}
