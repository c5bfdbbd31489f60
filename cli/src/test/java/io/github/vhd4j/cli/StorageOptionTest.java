package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.testing.TestImage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --storage}: mapped (the default) and file-channel reads give the same answers. */
class StorageOptionTest {
  @TempDir Path dir;

  @Test
  void shouldGiveTheSameAnswersWithEitherStorage() throws Exception {
    TestImage t = TestImage.dynamic(4 << 20, 512 * 1024).random(1000, 1 << 20, 3).random(3 << 20, 4096, 4);
    Path p = t.writeTo(dir.resolve("s.vhd"));
    Cli.Result mapped = Cli.run("cat", p.toString());
    Cli.Result channel = Cli.run("cat", "--storage", "filechannel", p.toString());
    assertEquals(0, mapped.code(), mapped.err());
    assertEquals(0, channel.code(), channel.err());
    assertArrayEquals(t.expectedContent(), mapped.stdoutBytes());
    assertArrayEquals(t.expectedContent(), channel.stdoutBytes());
    Cli.Result mapJson = Cli.run("map", "--json", "--storage", "mapped", p.toString());
    assertEquals(Cli.run("map", "--json", "--storage", "filechannel", p.toString()).out(), mapJson.out());
    // Mapping works here, so the default storage reports no fallback.
    assertTrue(Cli.run("info", p.toString()).out().lines().noneMatch(l -> l.contains("STORAGE_FALLBACK")));
  }

  @Test
  void shouldRejectAnUnknownStorage() {
    Cli.Result r = Cli.run("info", "--storage", "tape", "x.vhd");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("expected one of mapped, filechannel"), r.err());
  }
}
