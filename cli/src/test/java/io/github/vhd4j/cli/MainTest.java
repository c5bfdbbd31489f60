package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.testing.TestImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Behaviour shared by every command: error lines, exit codes, help, version, usage errors. */
class MainTest {
  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"info", "map", "cat"})
  void shouldPrintOneLineForMalformedImage(String command) throws Exception {
    TestImage t = TestImage.fixed(1 << 20);
    t.footerChecksum = 0x12345678L;
    Path p = t.writeTo(dir.resolve("x.vhd"));
    long expected = TestImage.checksum(t.footerBytes(-1L), 64);

    Cli.Result r = Cli.run(command, p.toString());

    assertEquals(2, r.code());
    assertEquals(0, r.stdoutBytes().length);
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(r.err().startsWith("vhd: " + p + ": footer.checksum at offset 1048640 (0x100040): expected 0x"
        + String.format("%08x", expected) + ", found 0x12345678"), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
    assertFalse(r.err().contains("(" + p + ")"), "the resource suffix is dropped: " + r.err());
  }

  @Test
  void shouldPrintStackTraceOnlyWithDebug() throws Exception {
    TestImage t = TestImage.fixed(1 << 20);
    t.footerChecksum = 1L;
    Path p = t.writeTo(dir.resolve("x.vhd"));

    Cli.Result r = Cli.run("info", "--debug", p.toString());

    assertEquals(2, r.code());
    assertTrue(r.errLines().get(0).startsWith("vhd: " + p + ": footer.checksum"), r.err());
    assertTrue(r.err().contains("VhdFormatException"), r.err());
    assertTrue(r.err().contains("\tat "), r.err());
  }

  @ParameterizedTest
  @ValueSource(strings = {"info", "check", "map", "cat", "commit", "compact", "repair"})
  void shouldReportMissingFile(String command) {
    Path p = dir.resolve("nope.vhd");

    Cli.Result r = Cli.run(command, p.toString());

    assertEquals(2, r.code());
    assertEquals(List.of("vhd: " + p + ": no such file"), r.errLines());
  }

  @Test
  void shouldListParentCandidatesOnOneLine() throws Exception {
    Images.Chain c = Images.chain(dir);
    Files.delete(c.basePath());

    Cli.Result r = Cli.run("info", c.childPath().toString());

    assertEquals(2, r.code());
    assertEquals(1, r.errLines().size(), r.err());
    String line = r.errLines().get(0);
    assertTrue(line.startsWith("vhd: " + c.childPath() + ": "), line);
    assertTrue(line.contains("tried: "), line);
    assertTrue(line.contains("W2ru"), line);
    assertTrue(line.contains("missing"), line);
  }

  @Test
  void shouldExitTwoWithPicocliMessageForUsageErrors() {
    Cli.Result unknown = Cli.run("info", "--bogus", "x.vhd");
    Cli.Result badEnum = Cli.run("map", "--size-policy", "sideways", "x.vhd");
    Cli.Result missingArg = Cli.run("check");
    Cli.Result noCommand = Cli.run();
    Cli.Result badCommand = Cli.run("frobnicate");

    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("Unknown option: '--bogus'"), unknown.err());
    assertEquals(2, badEnum.code());
    assertTrue(badEnum.err().contains("--size-policy"), badEnum.err());
    assertTrue(badEnum.err().contains("sideways"), badEnum.err());
    assertEquals(2, missingArg.code());
    assertTrue(missingArg.err().contains("IMAGE"), missingArg.err());
    assertEquals(2, noCommand.code());
    assertTrue(noCommand.err().contains("Usage: vhd"), noCommand.err());
    assertEquals(2, badCommand.code());
    assertTrue(badCommand.err().contains("frobnicate"), badCommand.err());
  }

  @Test
  void shouldListEveryCommandAndSuggestNamesWhenNoCommandIsNamed() {
    // Only a named command is built (start-up); everything else must still see all of them.
    Cli.Result help = Cli.run("--help");
    Cli.Result typo = Cli.run("conver", "a.vhd", "b.raw");

    assertEquals(0, help.code(), help.err());
    for (String command : List.of("info", "check", "map", "cat", "convert", "compare", "create", "commit",
        "resize", "compact", "repair")) {
      assertTrue(help.out().contains("\n  " + command + " "), command + " missing from: " + help.out());
    }
    assertEquals(2, typo.code());
    assertTrue(typo.err().contains("Did you mean: vhd convert"), typo.err());
  }

  /** Every subcommand, hidden ones included, as the full command line registers them. */
  static List<String> subcommands() {
    Io io = new Io(System.out, System.err, null);
    return List.copyOf(Main.commandLine(io).getSubcommands().keySet());
  }

  @Test
  void shouldRegisterTheDocumentedCommands() {
    assertEquals(List.of("info", "check", "map", "cat", "checksum", "convert", "compare", "create", "commit", "resize",
        "compact", "repair", "generate-completion"), subcommands());
  }

  @ParameterizedTest
  @MethodSource("subcommands")
  void shouldShowHelpWithUsageExamplesAndExitCodes(String command) {
    Cli.Result r = Cli.run(command, "-h");

    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("Usage: vhd " + command + " "), r.out());
    assertFalse(r.out().contains("Exit code 0"), "exit codes belong in the Exit codes section: " + r.out());
    // At least two examples, each a command line using this command.
    String examples = r.out().substring(r.out().indexOf("\nExamples:\n") + 1);
    assertTrue(r.out().contains("\nExamples:\n"), r.out());
    assertTrue(examples.lines().filter(l -> l.startsWith("  ") && l.contains("vhd " + command)).count() >= 2,
        examples);
    // Then the exit codes: 0 and 2 for every command, each explained.
    assertTrue(r.out().contains("\nExit codes:\n  0 "), r.out());
    assertTrue(r.out().matches("(?s).*\n  2 +Failure: .*"), r.out());
    if (!command.equals("generate-completion")) {
      for (String option : List.of("--lenient", "--size-policy", "--debug", "--version", "--help")) {
        assertTrue(r.out().contains(option), command + " lacks " + option);
      }
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "check   | No errors were found | Errors were found.",
      "compare | The images are identical. | They differ: in content, or in size with --strict.",
      "repair  | Nothing needed repair | Repairs are pending (--dry-run)"})
  void shouldListTheAnswerExitCodes(String command, String zero, String one) {
    String help = Cli.run(command, "--help").out();

    assertTrue(help.contains("\n  0   " + zero), help);
    assertTrue(help.contains("\n  1   " + one), help);
  }

  @Test
  void shouldListExitCodesAndCompletionInTopLevelHelp() {
    Cli.Result r = Cli.run("--help");

    assertEquals(0, r.code(), r.err());
    String help = r.out().replaceAll("\\s+", " ");
    assertTrue(help.contains("Exit codes: 0 Success; check found no errors, compare found the images identical"),
        r.out());
    assertTrue(help.contains(" 1 A negative answer: check found errors, compare found a difference"), r.out());
    assertTrue(help.contains(" 2 Failure: "), r.out());
    assertTrue(help.contains(" 141 cat only: "), r.out());
    assertTrue(help.contains("Examples: vhd info disk.vhd"), r.out());
    assertTrue(help.contains("source <(vhd generate-completion)"), r.out());
    // Hidden from the list, whose first column its long name would widen.
    assertFalse(r.out().contains("\n  generate-completion "), r.out());
  }

  @Test
  void shouldBuildOnlyTheNamedCommand() {
    Io io = new Io(System.out, System.err, null);

    assertEquals(List.of("info"), List.copyOf(Main.commandLine(io, new String[] {"info", "x.vhd"})
        .getSubcommands().keySet()));
    assertEquals(subcommands(), List.copyOf(Main.commandLine(io, new String[] {"generate-completion"})
        .getSubcommands().keySet()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "info", "check", "map", "cat", "convert", "compare", "create", "commit", "resize",
      "compact", "repair", "generate-completion"})
  void shouldPrintVersion(String command) {
    Cli.Result r = command.isEmpty() ? Cli.run("--version") : Cli.run(command, "--version");

    assertEquals(0, r.code(), r.err());
    // Tests run from class directories, without a jar manifest.
    assertEquals(List.of("vhd dev"), r.outLines());
  }

  @Test
  void shouldDocumentActualSizeInInfoHelp() {
    Cli.Result r = Cli.run("info", "--help");

    assertTrue(r.out().replaceAll("\\s+", " ").contains("Java cannot see which blocks of a sparse file are"
        + " allocated"), r.out());
  }

  @Test
  void shouldReportRuntimeFailureAsInternalErrorLine() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(buf, true, StandardCharsets.UTF_8);

    int code = Errors.report(err, "d.vhd", new IllegalStateException("boom"), false);

    assertEquals(2, code);
    assertEquals("vhd: d.vhd: internal error: java.lang.IllegalStateException: boom\n",
        buf.toString(StandardCharsets.UTF_8));
  }

  @Test
  void shouldUnwrapAndKeepErrorOnOneLine() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream err = new PrintStream(buf, true, StandardCharsets.UTF_8);

    Errors.report(err, "a\nb.vhd", new UncheckedIOException(new IOException("bad\nthing")), false);
    Errors.report(err, "c.vhd", new CliException("out.raw", new NoSuchFileException("out.raw")), false);
    Errors.report(err, "c.vhd", new StackOverflowError(), false);

    assertEquals(List.of("vhd: a\\nb.vhd: bad\\nthing", "vhd: out.raw: no such file",
        "vhd: c.vhd: internal error: java.lang.StackOverflowError: null"),
        buf.toString(StandardCharsets.UTF_8).lines().toList());
  }
}
