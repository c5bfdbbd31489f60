package io.github.vhd4j.cli;

import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vhd commit}: merges a differencing disk into its parent, like {@code qemu-img commit}. */
@Command(name = "commit", versionProvider = VersionProvider.class,
    description = {"Commit a differencing disk into its parent: write every sector the child stores into the"
        + " parent.",
        "The parent is grown first when the child is larger. The child is left unchanged and still valid"
            + " over the changed parent, so an interrupted commit can be run again; delete the child"
            + " afterwards if it is no longer needed.",
        "Other differencing disks over the same parent see the committed data too. No other program may"
            + " have the child or the parent open: vhd refuses them while QEMU or another vhd uses them (see"
            + " --no-lock). The chain is opened with the options below (--lenient,"
            + " --size-policy); vhd looks for the parent only in the child's directory."},
    exitCodeListHeading = Help.EXIT_CODES,
    exitCodeList = {Help.OK, Help.FAILED},
    footerHeading = Help.EXAMPLES,
    footer = {"  vhd commit -p child.vhd", "  vhd commit child.vhd && rm child.vhd"})
final class CommitCommand extends BaseCommand {
  @Option(names = "-p", description = "Show a progress bar on standard error.")
  boolean progress;

  @Parameters(paramLabel = "CHILD", description = "The differencing disk to commit.")
  Path child = Path.of("");

  /**
   * Creates the command.
   *
   * @param io where the result line, the bar and errors go
   */
  CommitCommand(Io io) {
    super(io);
  }

  /**
   * Returns CHILD: failures name it unless they are about the parent.
   *
   * @return CHILD as the user wrote it
   */
  @Override
  String subject() {
    return child.toString();
  }

  /**
   * Commits CHILD and prints which parent received its data.
   *
   * @return 0
   * @throws CliException if CHILD is not a differencing disk or its parent must not be changed
   * @throws IOException if the chain cannot be opened or the parent cannot be written
   */
  @Override
  int execute() throws IOException {
    ImageCommand.refuseVhdx(child, "commit");
    String label = child.toString();
    if (common.lenient) {
      // The library's commit does not report what lenient opening tolerated in the chain; an
      // open of its own, read-only, shows it first.
      try (VhdImage chain = Vhd.open(child, common.openOptions())) {
        Warnings.printDowngraded(io, chain.getWarnings());
      }
    }
    Progress.Bar bar = new Progress.Bar(io.err, progress);
    Path parent;
    try {
      parent = bar.around(() -> Vhd.commit(child, common.openOptions(), bar));
    } catch (IllegalArgumentException e) {
      // Growing the parent to the child's size can exceed the parent type's limit.
      throw Errors.refusal(label, e);
    } catch (IOException e) {
      throw Errors.refusal(e);
    }
    io.out.println("committed " + Errors.oneLine(label) + " into " + Errors.oneLine(parent.toString()));
    return 0;
  }
}
