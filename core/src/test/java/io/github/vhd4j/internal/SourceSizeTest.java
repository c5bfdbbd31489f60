package io.github.vhd4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.testing.DocSamples;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps core's sources small enough to read in one sitting: a file past {@link #MAX_LINES} lines
 * is doing more than one job and should be split.
 */
class SourceSizeTest {
  static final int MAX_LINES = 500;

  @Test
  void shouldKeepEveryCoreSourceWithinTheLimit() throws IOException {
    // From the project root, so that the mmap module's rerun of this suite scans core's sources too.
    Path main = DocSamples.projectFile("core/pom.xml").resolveSibling("src/main/java");
    List<String> large = new ArrayList<>();
    int scanned = 0;
    try (Stream<Path> files = Files.walk(main)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java")).sorted()::iterator) {
        scanned++;
        long lines = Files.readAllLines(f).size();
        if (lines > MAX_LINES) {
          large.add(main.relativize(f) + " (" + lines + " lines)");
        }
      }
    }
    assertTrue(scanned > 80, "found only " + scanned + " sources under " + main);
    assertEquals(List.of(), large, "sources over " + MAX_LINES + " lines");
  }
}
