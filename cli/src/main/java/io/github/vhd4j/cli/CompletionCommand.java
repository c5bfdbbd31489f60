package io.github.vhd4j.cli;

import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * {@code vhd generate-completion}: prints the bash (and zsh) completion script picocli generates
 * from the full command model. It is no {@link BaseCommand}: it reads no image, so the image
 * options ({@code --lenient}, {@code --size-policy}, ...) would mean nothing here. Hidden from the
 * command list, whose first column its long name would widen for every other command; the
 * top-level help's footer names it instead.
 */
@Command(name = "generate-completion", versionProvider = VersionProvider.class, hidden = true,
    description = {"Print a completion script for bash and zsh: it completes vhd's commands, their options,"
        + " the values of options such as -O and --size-policy, and file names.",
        "The script completes the command 'vhd', so vhd must be on the PATH under that name (for example a"
            + " symbolic link to bin/vhd)."},
    exitCodeListHeading = Help.EXIT_CODES,
    exitCodeList = {Help.OK, Help.FAILED},
    footerHeading = Help.EXAMPLES,
    footer = {"  source <(vhd generate-completion)",
        "  vhd generate-completion > ~/.local/share/bash-completion/completions/vhd"})
final class CompletionCommand implements Callable<Integer> {
  @Mixin
  HelpOptions helpOptions = new HelpOptions();

  @Spec
  @Nullable CommandSpec spec;

  private final Io io;

  /**
   * Creates the command.
   *
   * @param io where the script goes
   */
  CompletionCommand(Io io) {
    this.io = io;
  }

  /**
   * Prints the script for the top-level command this one is registered under.
   *
   * @return 0
   */
  @Override
  public Integer call() {
    CommandSpec self = Objects.requireNonNull(spec);
    CommandLine top = Objects.requireNonNull(self.parent()).commandLine();
    // Hidden only from the usage help: the script leaves hidden commands out, and this one should
    // complete like the others.
    boolean hidden = self.usageMessage().hidden();
    self.usageMessage().hidden(false);
    String script;
    try {
      script = AutoComplete.bash("vhd", top);
    } finally {
      self.usageMessage().hidden(hidden);
    }
    // NOTE: print plus '\n', not println: a script with Windows line ends fails in bash.
    io.out.print(script);
    io.out.print('\n');
    // A failure to write it is reported by Main, with its cause, as for every command.
    return 0;
  }
}
