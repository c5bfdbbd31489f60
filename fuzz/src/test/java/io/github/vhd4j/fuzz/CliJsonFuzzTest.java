package io.github.vhd4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.Severity;
import io.github.vhd4j.ValidationReport;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Entry point: the command-line tool's {@code info --json} and {@code check --json} (also with
 * {@code --lenient} and {@code --deep}), run in-process through {@link Main#run} on the fuzzed
 * bytes as a file. Exit 0 (and for check, exit 1) must print exactly one JSON object, parsed here
 * with jackson-core, and on standard error nothing but, for {@code info --lenient}, one warning
 * line per error lenient opening tolerated (as many as the library's lenient open lists); check's
 * exit code and error count must match the library's report. Exit 2 must print exactly one error
 * line on standard error (after such warning lines), starting {@code "vhd: "} and never saying
 * "internal error" (the tool's word for an exception the library should never throw). Any other
 * exit code, or an exception out of {@code Main.run}, is a finding.
 */
class CliJsonFuzzTest {
  private static final JsonFactory JSON = new JsonFactory();
  /** A warning line of the tool: {@code vhd: FILE: warning: ... [CODE]}. */
  private static final Pattern WARNING = Pattern.compile("vhd: .+: warning: .+ \\[[A-Z_0-9]+\\]");

  /** What one run printed. */
  private record Run(int exit, String out, String err) {}

  @VhdFuzzTest
  void shouldPrintJsonOrOneErrorLine(byte[] data) throws IOException {
    Path file = Scratch.dir("cli").resolve("image.vhd");
    Files.write(file, data);
    String path = file.toString();

    for (List<String> args : List.of(List.of("info", "--json", path),
        List.of("info", "--json", "--lenient", path))) {
      Run r = run(args);
      if (r.exit == 0) {
        parseOneObject(r.out, args);
        List<String> warnings = warningLines(r.err);
        assertEquals(r.err.lines().count(), warnings.size(), "info succeeded but wrote other than warnings: " + r.err);
        long tolerated = 0;
        if (args.contains("--lenient")) {
          try (VhdImage img = Vhd.open(file, OpenOptions.defaults().withLenient(true))) {
            tolerated = img.getWarnings().stream().filter(p -> p.severity() == Severity.ERROR).count();
          }
        }
        assertEquals(tolerated, warnings.size(), "one warning line per error lenient opening tolerated: " + r.err);
      } else {
        assertEquals(2, r.exit, "info exit code for " + args);
        assertOneErrorLine(r, args);
      }
    }

    for (boolean deep : new boolean[] {false, true}) {
      List<String> args = new ArrayList<>(List.of("check", "--json"));
      if (deep) {
        args.add("--deep");
      }
      args.add(path);
      Run r = run(args);
      if (r.exit == 2) {
        assertOneErrorLine(r, args);
        continue;
      }
      assertTrue(r.exit == 0 || r.exit == 1, "check exit code " + r.exit + " for " + args);
      assertEquals("", r.err, "check completed but wrote to stderr");
      long errors = errorCount(parseOneObject(r.out, args), args);
      ValidationReport report = Vhd.check(file, CheckOptions.defaults().withDeep(deep)
          .withOpenOptions(OpenOptions.defaults()));
      assertEquals(report.problems(Severity.ERROR).size(), errors, "error count of " + args);
      assertEquals(errors == 0 ? 0 : 1, r.exit, "check's exit code disagrees with its error count");
    }
  }

  private static Run run(List<String> args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      exit = Main.run(args.toArray(new String[0]), o, e);
    }
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** The lines of {@code err} in the shape of the tool's warnings: {@code vhd: FILE: warning: ... [CODE]}. */
  private static List<String> warningLines(String err) {
    return err.lines().filter(l -> WARNING.matcher(l).matches()).toList();
  }

  private static void assertOneErrorLine(Run r, List<String> args) {
    // What lenient opening tolerated comes first, one warning line each; then the one error line.
    String err = r.err;
    while (!err.isEmpty() && WARNING.matcher(err.lines().findFirst().orElse("")).matches()) {
      err = err.substring(err.indexOf('\n') + 1);
    }
    assertTrue(err.startsWith("vhd: "), "error output of " + args + " does not start with 'vhd: ': " + r.err);
    assertTrue(err.endsWith(System.lineSeparator()), "error output is not one terminated line: " + r.err);
    String line = err.substring(0, err.length() - System.lineSeparator().length());
    assertFalse(line.contains("\n") || line.contains("\r"),
        "more than one error line for " + args + ": " + r.err);
    assertFalse(line.contains("internal error"),
        "the tool reported an internal error for " + args + ": " + line);
  }

  /** Parses standard output as exactly one JSON object (whitespace around it allowed). */
  private static String parseOneObject(String text, List<String> args) throws IOException {
    try (JsonParser p = JSON.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        fail(args + " did not print a JSON object: " + text);
      }
      p.skipChildren();
      if (p.nextToken() != null) {
        fail(args + " printed more than one JSON value: " + text);
      }
      return text;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AssertionError(args + " printed invalid JSON (" + e.getOriginalMessage() + "): " + text, e);
    }
  }

  /** The top-level "errors" number of check's JSON. */
  private static long errorCount(String json, List<String> args) throws IOException {
    try (JsonParser p = JSON.createParser(json)) {
      p.nextToken();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals("errors")) {
          assertEquals(JsonToken.VALUE_NUMBER_INT, value, "\"errors\" is not an integer");
          return p.getLongValue();
        }
        p.skipChildren();
      }
    }
    throw new AssertionError(args + " printed no \"errors\" field: " + json);
  }
}
