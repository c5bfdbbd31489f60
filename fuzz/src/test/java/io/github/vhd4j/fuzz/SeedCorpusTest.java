package io.github.vhd4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The committed corpora keep covering the pitfall catalogue (section 5, A to F: cases 1 to 72)
 * and stay within the size the fuzzers may generate, so regenerating or pruning them cannot
 * silently drop a case.
 */
class SeedCorpusTest {

  /** The catalogue's letter for case {@code n}. */
  static char section(int n) {
    return n <= 16 ? 'A' : n <= 27 ? 'B' : n <= 38 ? 'C' : n <= 45 ? 'D' : n <= 59 ? 'E' : 'F';
  }

  private static List<String> names(Path dir) throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.forEach(p -> out.add(p.getFileName().toString()));
    }
    return out;
  }

  @Test
  void shouldHaveASeedForEveryPitfallCaseInEveryRawTarget() throws IOException {
    for (String[] t : SeedGenerator.RAW_TARGETS) {
      List<String> names = names(SeedGenerator.inputs(t[0], t[1]).resolve("pitfalls"));
      for (int n = 1; n <= 72; n++) {
        String prefix = String.format(Locale.ROOT, "%c%02d-", section(n), n);
        assertTrue(names.stream().anyMatch(s -> s.startsWith(prefix)),
            t[0] + " has no seed for pitfall " + prefix);
      }
    }
  }

  @Test
  void shouldHaveASeedForEveryChainPitfallOverTheValidParent() throws IOException {
    List<String> names = names(SeedGenerator
        .inputs("DifferencingChainFuzzTest", "shouldReadFuzzedChildOverValidParent").resolve("pitfalls"));
    for (int n = 46; n <= 59; n++) {
      String prefix = String.format(Locale.ROOT, "E%02d-", n);
      assertTrue(names.stream().anyMatch(s -> s.startsWith(prefix)), "no chain seed for pitfall " + prefix);
    }
  }

  @Test
  void shouldKeepEveryRawSeedWithinTheFuzzersInputLimit() throws IOException {
    for (String[] t : SeedGenerator.RAW_TARGETS) {
      try (Stream<Path> files = Files.walk(SeedGenerator.inputs(t[0], t[1]))) {
        for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
          assertTrue(Files.size(f) <= Inputs.MAX_INPUT,
              f + " is larger than -max_len (" + Files.size(f) + " bytes)");
        }
      }
    }
  }
}
