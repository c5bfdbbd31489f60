package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** {@code vhd generate-completion}: the bash/zsh script picocli generates from the full model. */
class CompletionCommandTest {
  @TempDir
  static Path dir;

  private static String script = "";
  private static Path file = Path.of("");

  @BeforeAll
  static void generate() throws IOException {
    Cli.Result r = Cli.run("generate-completion");
    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err());
    script = r.out();
    file = Files.writeString(dir.resolve("vhd-completion.bash"), script);
  }

  @Test
  void shouldMentionEveryCommandAndItsOptions() {
    Map<String, CommandLine> commands = Main.commandLine(new Io(System.out, System.err, null)).getSubcommands();

    assertTrue(script.contains("\ncomplete -F _complete_vhd "), "registers a completion function for vhd");
    Matcher offered = Pattern.compile("local commands=\"([^\"]*)\"").matcher(function("_picocli_vhd"));
    assertTrue(offered.find(), "no command list after vhd");
    // generate-completion too, though --help does not list it.
    assertEquals(List.copyOf(commands.keySet()), List.of(offered.group(1).split(" ")));
    for (Map.Entry<String, CommandLine> c : commands.entrySet()) {
      // picocli names a command's function after it, without the hyphens.
      String body = function("_picocli_vhd_" + c.getKey().replace("-", ""));
      for (OptionSpec o : c.getValue().getCommandSpec().options()) {
        for (String name : o.names()) {
          assertTrue(body.contains("'" + name + "'"), c.getKey() + " " + name + " missing from the script");
        }
      }
    }
  }

  /** The text of one shell function of the script, up to the next one. */
  private static String function(String name) {
    int start = script.indexOf("\nfunction " + name + "() {");
    assertTrue(start >= 0, "no function " + name);
    int end = script.indexOf("\nfunction ", start + 1);
    return script.substring(start, end < 0 ? script.length() : end);
  }

  @Test
  void shouldBeValidBash() throws Exception {
    Result r = bash("bash", "-n", file.toString());

    assertEquals(0, r.code(), r.err());
  }

  /**
   * Runs the script's completion function as bash does on TAB and reads what it offers.
   *
   * @param before the words before the one being completed
   * @param current the word being completed, as typed so far
   * @param expected the completions offered, in order
   */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "vhd                   | conv  | convert",
      "vhd                   | co    | convert compare commit compact",
      "vhd convert -O        | ''    | raw fixed dynamic",
      "vhd info --size-policy | ''   | auto chs current",
      "vhd create -t         | ''    | fixed dynamic differencing",
      "vhd check --storage   | ''    | mapped filechannel",
      "vhd compare           | --st  | --strict --storage",
      "vhd repair            | --dr  | --dry-run"})
  void shouldCompleteCommandsOptionsAndValues(String before, String current, String expected) throws Exception {
    List<String> words = new ArrayList<>(List.of(before.split(" ")));
    words.add(current);
    StringBuilder array = new StringBuilder();
    for (String w : words) {
      array.append('\'').append(w).append("' ");
    }
    String program = "source '" + file + "'; COMP_WORDS=(" + array + "); COMP_CWORD=" + (words.size() - 1)
        + "; COMP_LINE='" + String.join(" ", words) + "'; COMP_POINT=${#COMP_LINE}; _complete_vhd;"
        + " echo \"${COMPREPLY[*]}\"";

    Result r = bash("bash", "-c", program);

    assertEquals(0, r.code(), r.err());
    assertEquals(expected, r.out().strip());
  }

  private record Result(int code, String out, String err) {}

  private static Result bash(String... command) throws Exception {
    Process p = new ProcessBuilder(command).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bash did not finish");
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
  }
}
