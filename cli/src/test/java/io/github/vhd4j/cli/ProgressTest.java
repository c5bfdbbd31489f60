package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.testing.TestImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** {@code -p}: every command that can run long draws its bar on standard error, never on standard output. */
class ProgressTest {
  /** The commands whose work grows with the disk or with the number of images, and so have -p. */
  private static final List<String> LONG = List.of("cat", "check", "checksum", "convert", "compare", "commit",
      "compact", "info");

  @TempDir
  Path dir;

  @Test
  void shouldOfferProgressOnEveryLongCommand() {
    Map<String, CommandLine> commands = Main.commandLine(new Io(System.out, System.err, null)).getSubcommands();
    List<String> withBar = new ArrayList<>();
    for (Map.Entry<String, CommandLine> c : commands.entrySet()) {
      if (c.getValue().getCommandSpec().findOption("-p") != null) {
        withBar.add(c.getKey());
      }
    }

    assertEquals(new TreeSet<>(LONG), new TreeSet<>(withBar));
  }

  @ParameterizedTest
  @ValueSource(strings = {"cat", "check", "checksum", "convert", "compare", "commit", "compact"})
  void shouldDrawOnStandardErrorOnly(String command) throws Exception {
    TestImage t = TestImage.dynamic(8 * Images.MIB, 2 * Images.MIB).random(0, 4096, 1).fill(4 * Images.MIB, 512, 0);
    Path image = t.writeTo(dir.resolve("d.vhd"));
    Images.Chain chain = Images.chain(dir);
    String[] args = switch (command) {
      case "cat", "compact", "checksum" -> new String[] {command, "-p", image.toString()};
      case "convert" -> new String[] {command, "-p", image.toString(), dir.resolve("d.raw").toString()};
      case "compare" -> new String[] {command, "-p", image.toString(), chain.basePath().toString()};
      case "commit" -> new String[] {command, "-p", chain.childPath().toString()};
      case "check" -> new String[] {command, "-p", "--deep", chain.childPath().toString()};
      default -> throw new IllegalArgumentException(command);
    };

    Cli.Result r = Cli.run(args);

    assertTrue(r.code() == 0 || command.equals("compare") && r.code() == 1, r.err());
    assertTrue(r.err().startsWith("\r[") && r.err().endsWith("] 100%\n"), command + ": " + r.err());
    if (command.equals("cat")) {
      assertArrayEquals(t.expectedContent(), r.stdoutBytes(), "exactly the guest bytes");
    } else {
      String out = r.out();
      assertFalse(out.contains("\r") || out.contains("] 100%") || out.contains("[##"), command + ": " + out);
    }
  }
}
