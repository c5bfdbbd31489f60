package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Keeps docs/cli.md consistent with the help picocli prints: each command's section has the same
 * synopsis, lists the command's own options, its exit codes and every example of its help.
 */
class CliDocTest {
  /** Tests run in the cli module's directory. */
  private static final Path DOC = Path.of("../docs/cli.md");

  /** The options of {@link CommonOptions}, documented once in their own table. */
  private static final Set<String> COMMON = Set.of("--lenient", "--size-policy", "--storage", "--force-share",
      "--debug", "--help", "--version");

  private static String doc = "";
  private static Map<String, String> sections = Map.of();

  @BeforeAll
  static void readDoc() throws IOException {
    doc = Files.readString(DOC);
    sections = sections(doc);
  }

  /** Splits the page at its {@code ## `vhd NAME`} headings. */
  static Map<String, String> sections(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    String[] parts = text.split("\n## `vhd ");
    for (int i = 1; i < parts.length; i++) {
      int end = parts[i].indexOf('`');
      out.put(parts[i].substring(0, end), parts[i].substring(end));
    }
    return out;
  }

  static List<String> commands() {
    return MainTest.subcommands();
  }

  private static CommandSpec spec(String command) {
    return Main.commandLine(new Io(System.out, System.err, null)).getSubcommands().get(command).getCommandSpec();
  }

  @Test
  void shouldHaveOneSectionPerCommandInHelpOrder() {
    assertEquals(commands(), List.copyOf(sections.keySet()));
  }

  @ParameterizedTest
  @MethodSource("commands")
  void shouldShowTheSynopsisPicocliPrints(String command) {
    String section = sections.get(command);
    String block = section.substring(section.indexOf("```text\n") + 8, section.indexOf("\n```", section.indexOf("```text\n")));
    String synopsis = spec(command).commandLine().getHelp().synopsis(0);

    // Compared word by word: the page wraps the lines as picocli does, but need not indent alike.
    assertTrue(synopsis.startsWith("vhd " + command + " "), synopsis);
    assertEquals(words(synopsis), words(block));
  }

  @ParameterizedTest
  @MethodSource("commands")
  void shouldListTheCommandsOwnOptions(String command) {
    String section = sections.get(command);
    Set<String> missing = new TreeSet<>();
    for (OptionSpec o : spec(command).options()) {
      if (!COMMON.contains(o.longestName()) && !inTable(section, o.longestName())) {
        missing.add(o.longestName());
      }
    }

    assertEquals(Set.of(), missing, command + ": options missing from the section's table");
  }

  @Test
  void shouldDocumentTheCommonOptionsOnce() {
    for (String option : COMMON) {
      assertTrue(inTable(doc, option), option);
    }
    for (OptionSpec o : spec("info").options()) {
      assertTrue(COMMON.contains(o.longestName()) || Set.of("--json", "-r", "-j", "-p").contains(o.longestName()),
          o.longestName());
    }
  }

  @ParameterizedTest
  @MethodSource("commands")
  void shouldListTheSameExitCodes(String command) {
    String section = sections.get(command);
    List<String> documented = new ArrayList<>();
    int table = section.indexOf("| Exit code | Meaning |");
    assertTrue(table >= 0, command + " has no exit code table");
    for (String line : section.substring(table).lines().skip(2).toList()) {
      if (!line.startsWith("|")) {
        break;
      }
      documented.add(line.split("\\|")[1].trim());
    }

    assertEquals(List.copyOf(spec(command).usageMessage().exitCodeList().keySet()).stream().map(String::trim)
        .toList(), documented);
  }

  @ParameterizedTest
  @MethodSource("commands")
  void shouldShowEveryExampleOfTheHelp(String command) {
    String section = sections.get(command);
    String[] footer = spec(command).usageMessage().footer();

    assertTrue(footer.length >= 2, command);
    for (String example : footer) {
      if (example.startsWith("  ")) {
        assertTrue(section.contains("\n" + example.strip() + "\n"), command + " lacks the example: " + example);
      }
    }
  }

  @Test
  void shouldListTheTopLevelExitCodes() {
    Map<String, String> codes = spec("info").parent().usageMessage().exitCodeList();

    for (String code : codes.keySet()) {
      assertTrue(doc.contains("\n| " + code.trim() + " | "), "exit code " + code.trim());
    }
  }

  /** Whether a table row names the option, alone ({@code `-p`}), with its value or after its short name. */
  private static boolean inTable(String text, String option) {
    return text.contains("| `" + option + "`") || text.contains("| `" + option + " ")
        || text.contains(", `" + option + "`");
  }

  private static List<String> words(String text) {
    return List.of(text.strip().split("\\s+"));
  }

  /** The section parser itself, on a small page. */
  @Test
  void shouldSplitSectionsAtCommandHeadings() {
    Map<String, String> s = sections("# t\n\n## Other\n\n## `vhd one`\n\nA\n\n## `vhd two-words`\n\nB\n");

    assertEquals(List.of("one", "two-words"), List.copyOf(s.keySet()));
    assertTrue(s.get("one").contains("A") && !s.get("one").contains("B"), s.get("one"));
  }
}
