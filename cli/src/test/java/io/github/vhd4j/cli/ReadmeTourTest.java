package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's tour of the tool is real output: every {@code $ bin/vhd ...} line of its console
 * blocks runs here (in-process, {@code /tmp/} mapped to a temporary directory) and must print
 * exactly the lines the README shows after it, on standard output and error together. The two
 * shell commands the tour uses to prepare a damaged image ({@code cp}, and {@code printf | dd}
 * writing one byte) are carried out the same way.
 */
class ReadmeTourTest {
  /** Tests run in the module directory; the repository root is its parent. */
  private static final Path ROOT = Path.of("..");
  private static final Pattern BLOCK = Pattern.compile("```console\n(.*?)```", Pattern.DOTALL);
  private static final Pattern DD = Pattern.compile(
      "printf '\\\\x([0-9a-f]{2})' \\| dd of=(\\S+) bs=1 seek=(\\d+) conv=notrunc status=none");

  @TempDir Path tmp;

  @Test
  void shouldPrintWhatTheReadmeShows() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    Matcher blocks = BLOCK.matcher(readme);
    int commands = 0;
    while (blocks.find()) {
      List<String> lines = blocks.group(1).lines().toList();
      for (int i = 0; i < lines.size(); ) {
        String command = lines.get(i);
        assertTrue(command.startsWith("$ "), () -> "a console block line outside a command's output: " + command);
        List<String> expected = new ArrayList<>();
        for (i++; i < lines.size() && !lines.get(i).startsWith("$ "); i++) {
          expected.add(lines.get(i));
        }
        assertEquals(expected, run(command.substring(2)), command);
        commands++;
      }
    }
    assertTrue(commands >= 10, "the tour runs " + commands + " commands");
  }

  /** Runs one tour command and returns what it printed, with the temporary paths mapped back. */
  private List<String> run(String command) throws IOException {
    String local = command.replace("/tmp/", tmp + "/").replace("examples/", "../examples/");
    String[] words = local.split(" ");
    if (words[0].equals("bin/vhd")) {
      String[] args = java.util.Arrays.copyOfRange(words, 1, words.length);
      Cli.Result r = Cli.run(args);
      List<String> printed = new ArrayList<>();
      for (String s : (r.out() + r.err()).lines().toList()) {
        printed.add(s.replace(tmp + "/", "/tmp/").replace("../examples/", "examples/"));
      }
      return printed;
    }
    if (words[0].equals("cp") && words.length == 3) {
      Files.copy(Path.of(words[1]), Path.of(words[2]));
      return List.of();
    }
    Matcher dd = DD.matcher(local);
    if (dd.matches()) {
      try (RandomAccessFile f = new RandomAccessFile(dd.group(2), "rw")) {
        f.seek(Long.parseLong(dd.group(3)));
        f.write(Integer.parseInt(dd.group(1), 16));
      }
      return List.of();
    }
    return fail("the tour uses a command this test cannot run: " + command);
  }
}
