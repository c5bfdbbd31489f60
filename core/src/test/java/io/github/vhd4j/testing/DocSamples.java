package io.github.vhd4j.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps the code samples of the Javadoc honest: extracts every {@code <pre>{@code ...}</pre>} block
 * of a source file's comments, so that a test can assert that each one is a copy of code it
 * compiles and runs.
 */
public final class DocSamples {
  private static final Pattern BLOCK = Pattern.compile("<pre>\\{@code(.*?)}</pre>", Pattern.DOTALL);
  private static final Pattern COMMENT_PREFIX = Pattern.compile("^\\s*\\*(?: |$)");

  private DocSamples() {}

  /**
   * Finds a file of this project from the working directory of a test run, which is the module's
   * directory (core's own run, or mmap's run of the core suite) or the project's.
   */
  public static Path projectFile(String relative) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(relative);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    return fail("no " + relative + " above " + Path.of("").toAbsolutePath());
  }

  /** The code of every {@code <pre>{@code ...}</pre>} block in a Java source, comment stars removed. */
  public static List<String> codeBlocks(Path source) throws IOException {
    StringBuilder text = new StringBuilder();
    for (String line : Files.readAllLines(source)) {
      text.append(COMMENT_PREFIX.matcher(line).replaceFirst("")).append('\n');
    }
    List<String> blocks = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      blocks.add(m.group(1));
    }
    return blocks;
  }

  /** The code without any whitespace: line breaks and indentation may differ, tokens may not. */
  public static String squeeze(String code) {
    return code.replaceAll("\\s+", "");
  }

  /**
   * Asserts that every sample block of {@code documented} appears, whitespace aside, in
   * {@code test}, and that there are at least {@code minBlocks} of them (so that a broken
   * extraction cannot pass vacuously).
   */
  public static void assertSamplesTested(Path documented, Path test, int minBlocks) throws IOException {
    List<String> blocks = codeBlocks(documented);
    assertTrue(blocks.size() >= minBlocks, documented + ": " + blocks.size() + " samples, expected at least " + minBlocks);
    String tested = squeeze(Files.readString(test));
    List<String> missing = new ArrayList<>();
    for (String block : blocks) {
      if (!tested.contains(squeeze(block))) {
        missing.add(block);
      }
    }
    assertTrue(missing.isEmpty(), () -> documented.getFileName() + " has samples that " + test.getFileName()
        + " does not run (copy them there verbatim):\n" + String.join("\n----\n", missing));
  }
}
