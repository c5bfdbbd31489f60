package consumer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the Kotlin main, which throws on any wrong result. */
class ConsumerTest {
  @TempDir
  Path dir;

  @Test
  void mainSucceeds() {
    MainKt.main(new String[] {dir.toString()});
    assertTrue(Files.exists(dir.resolve("fixed.vhd")));
    assertTrue(Files.exists(dir.resolve("disk.raw")));
  }
}
