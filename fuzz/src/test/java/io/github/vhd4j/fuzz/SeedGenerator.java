package io.github.vhd4j.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the generated seed corpora into {@code src/test/resources} (run from the module
 * directory, as surefire does). Skipped unless asked for:
 *
 * <pre>
 * mvn -pl fuzz test -Dtest=SeedGenerator -Dvhd4j.fuzz.generateSeeds=true
 * </pre>
 *
 * <p>Each generated folder ({@code builder/}, {@code pitfalls/}, {@code children/},
 * {@code recipes/}) is emptied and rewritten; {@code qemu/} (made by
 * {@code seeds/make-qemu-seeds.sh}) and findings are left alone. The output is deterministic, so
 * regenerating without changing {@link Seeds} or {@link Recipes} changes no file.
 */
class SeedGenerator {
  static final Path RESOURCES = Path.of("src/test/resources/io/github/vhd4j/fuzz");

  /** The raw-image targets and their methods; they share one raw corpus. */
  static final String[][] RAW_TARGETS = {
      {"ImageOpenFuzzTest", "shouldOpenReadMapAndCheckAnyBytes"},
      {"StorageDifferentialFuzzTest", "shouldAgreeAcrossStorageEngines"},
      {"CliJsonFuzzTest", "shouldPrintJsonOrOneErrorLine"},
      {"DifferencingChainFuzzTest", "shouldReadValidChildOverFuzzedParent"},
  };

  static Path inputs(String testClass, String method) {
    return RESOURCES.resolve(testClass + "Inputs").resolve(method);
  }

  @Test
  @EnabledIfSystemProperty(named = "vhd4j.fuzz.generateSeeds", matches = "true")
  void shouldWriteSeedCorpora() throws IOException {
    Map<String, byte[]> builder = Seeds.builderImages();
    Map<String, byte[]> pitfalls = Seeds.pitfalls();
    for (String[] t : RAW_TARGETS) {
      write(inputs(t[0], t[1]).resolve("builder"), builder);
      write(inputs(t[0], t[1]).resolve("pitfalls"), pitfalls);
    }
    Path children = inputs("DifferencingChainFuzzTest", "shouldReadFuzzedChildOverValidParent");
    write(children.resolve("children"), Seeds.chainChildren());
    Map<String, byte[]> chainCases = new java.util.TreeMap<>();
    Seeds.chain(chainCases, "child.vhd");
    write(children.resolve("pitfalls"), chainCases);
    write(inputs("FooterParseFuzzTest", "shouldParseAnyFooterFields").resolve("recipes"), Recipes.footer());
    write(inputs("DynamicHeaderParseFuzzTest", "shouldParseAnyHeaderFields").resolve("recipes"),
        Recipes.header());
    write(inputs("ParentLocatorParseFuzzTest", "shouldConfineParentsWhateverTheLocators").resolve("recipes"),
        Recipes.locators());
    writeVhdx();
  }

  /** The VHDX targets' seeds ({@link VhdxSeeds}); their {@code qemu/} folders come from the script. */
  private static void writeVhdx() throws IOException {
    Path open = inputs("VhdxOpenFuzzTest", "shouldOpenReadMapAndCheckAnyVhdx");
    write(open.resolve("recipes"), VhdxSeeds.recipes());
    write(open.resolve("crafted"), VhdxSeeds.crafted());
    Path differential = inputs("VhdxStorageDifferentialFuzzTest", "shouldAgreeAcrossStorageEngines");
    write(differential.resolve("recipes"), VhdxSeeds.differential());
    write(differential.resolve("crafted"), VhdxSeeds.crafted());
    write(inputs("VhdxLogReplayFuzzTest", "shouldReplayInMemoryWithoutWritingAndAsRepairDoes").resolve("recipes"),
        VhdxSeeds.logs());
    write(inputs("VhdxLocatorFuzzTest", "shouldParseAnyLocatorWithinItsProblems").resolve("recipes"),
        VhdxSeeds.locators());
    // Found by the resource bounds (round VHDX 1); the parser now refuses it within the item's bound.
    write(inputs("VhdxLocatorFuzzTest", "shouldParseAnyLocatorWithinItsProblems").resolve("regressions"),
        Map.of("locator-overlapping-windows", VhdxSeeds.overlappingLocator()));
  }

  private static void write(Path dir, Map<String, byte[]> files) throws IOException {
    if (Files.isDirectory(dir)) {
      try (Stream<Path> old = Files.list(dir)) {
        for (Path p : (Iterable<Path>) old::iterator) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(dir);
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      Files.write(dir.resolve(e.getKey()), e.getValue());
    }
  }
}
