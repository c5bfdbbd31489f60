package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.cli.testing.JsonTree;
import io.github.vhd4j.testing.TestImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fixed disk whose footer's current size is 0 (or short of its data): strict commands refuse it,
 * lenient ones read every byte before the footer, as qemu-img does, instead of an empty disk.
 */
class LenientSizingTest {
  private static final long MIB = Images.MIB;

  @TempDir Path dir;

  private Path image(TestImage t) throws IOException {
    return t.writeTo(dir.resolve("short.vhd"));
  }

  @Test
  void shouldConvertTheWholeDataOfAFixedDiskWhoseCurrentSizeIsZero() throws IOException {
    TestImage t = TestImage.fixed(3 * MIB).random(0, (int) (3 * MIB), 17).setSize(0);
    Path img = image(t);
    Path raw = dir.resolve("out.raw");
    Cli.Result strict = Cli.run("convert", "-O", "raw", img.toString(), raw.toString());
    assertEquals(2, strict.code(), strict.err());
    assertTrue(Files.notExists(raw));

    Cli.Result lenient = Cli.run("convert", "--lenient", "-O", "raw", img.toString(), raw.toString());
    assertEquals(0, lenient.code(), lenient.err());
    assertArrayEquals(t.fixedData, Files.readAllBytes(raw));
  }

  @Test
  void shouldReportTheFileLengthAsTheSizeSource() throws IOException {
    TestImage t = TestImage.fixed(3 * MIB).setSize(MIB);
    Path img = image(t);
    Cli.Result r = Cli.run("info", "--lenient", "--json", img.toString());
    assertEquals(0, r.code(), r.err());
    Map<String, Object> j = JsonTree.object(r.out());
    assertEquals(3 * MIB, ((Number) j.get("virtual-size")).longValue());
    assertEquals(MIB, ((Number) j.get("current-size")).longValue());
    assertEquals("file-length", j.get("size-source"));
    Cli.Result text = Cli.run("info", "--lenient", img.toString());
    assertTrue(text.out().contains("size source: file-length"), text.out());
  }
}
