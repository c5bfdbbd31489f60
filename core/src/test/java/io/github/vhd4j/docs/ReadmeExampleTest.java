package io.github.vhd4j.docs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java program: {@link Inspect} is its code, character for character, and runs here
 * on the image the README's tour uses, so the README cannot show code that does not compile or
 * does not do what it says.
 */
class ReadmeExampleTest {
  /** Tests run in the module directory; the repository root is its parent. */
  private static final Path ROOT = Path.of("..");

  @TempDir Path dir;

  @Test
  void shouldShowTheProgramThisTestRuns() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    Matcher m = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(readme);
    assertTrue(m.find(), "the README has a Java block");
    String source = Files.readString(ROOT.resolve("core/src/test/java/io/github/vhd4j/docs/Inspect.java"));
    String prefix = "package io.github.vhd4j.docs;\n\n";
    assertTrue(source.startsWith(prefix), "Inspect.java starts with its package line only");
    assertEquals(m.group(1), source.substring(prefix.length()), "README's Java block and Inspect.java differ");
    long lines = m.group(1).lines().filter(l -> l.startsWith("    ")).count();
    assertTrue(lines <= 12, () -> "the README promises about ten lines of program, the block has " + lines);
  }

  @Test
  void shouldPrintTheDemoImageAndConvertItToRaw() throws Exception {
    Path demo = ROOT.resolve("examples/demo.vhd");
    Path raw = dir.resolve("demo.raw");
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream saved = System.out;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      Inspect.main(new String[] {demo.toString(), raw.toString()});
    } finally {
      System.setOut(saved);
    }
    List<String> out = captured.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals("DYNAMIC, 8390656 bytes", out.get(0));
    assertEquals("Hello from a VHD made by qemu-img.", out.get(1));
    // The demo stores its first and last 2 MiB blocks; the map lists them with the zeros between.
    assertTrue(out.get(2).startsWith("Extent[start=0, length=2097152,"), out.get(2));
    assertEquals("[]", out.get(out.size() - 1), "the demo image has no problems");
    try (VhdImage image = Vhd.open(demo)) {
      ByteBuffer all = ByteBuffer.allocate((int) image.getSize());
      image.readFully(0, all);
      assertArrayEquals(all.array(), Files.readAllBytes(raw));
    }
  }
}
