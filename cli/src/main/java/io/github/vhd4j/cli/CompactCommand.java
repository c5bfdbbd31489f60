package io.github.vhd4j.cli;

import io.github.vhd4j.Vhd;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vhd compact}: gives the space of a dynamic disk's all-zero blocks back to the file
 * system.
 */
@Command(name = "compact", versionProvider = VersionProvider.class,
    description = {"Compact a dynamic disk: give the space of its all-zero blocks back to the file system.",
        "Blocks that hold only zeros are unallocated, the blocks stored last are moved into the freed"
            + " places, and the file is cut after the last block. The content does not change. Each block"
            + " move is forced to disk before the table points at the new place, so an interrupted"
            + " compaction leaves a valid image and can be run again.",
        "No other program may have the image open: vhd refuses an image QEMU or another vhd uses (see"
            + " --no-lock). The image must be free of errors (vhd check, vhd"
            + " repair) and not in a saved state; --lenient does not change that. Fixed disks have no"
            + " blocks to drop, a differencing disk's zero blocks hide its parent's data, and a block device"
            + " cannot be cut, so all three are refused."},
    exitCodeListHeading = Help.EXIT_CODES,
    exitCodeList = {Help.OK, Help.FAILED},
    footerHeading = Help.EXAMPLES,
    footer = {"  vhd compact -p disk.vhd", "  vhd check disk.vhd && vhd compact disk.vhd"})
final class CompactCommand extends ImageCommand {
  @Option(names = "-p", description = "Show a progress bar on standard error.")
  boolean progress;

  /**
   * Creates the command.
   *
   * @param io where the result line, the bar and errors go
   */
  CompactCommand(Io io) {
    super(io);
  }

  /**
   * Compacts IMAGE and prints how much smaller its file is.
   *
   * @return 0
   * @throws CliException if IMAGE is not a healthy dynamic disk
   * @throws IOException if IMAGE cannot be read or written
   */
  @Override
  int execute() throws IOException {
    refuseVhdx(image, "compact");
    String label = image.toString();
    Progress.Bar bar = new Progress.Bar(io.err, progress);
    long saved;
    try {
      saved = bar.around(() -> Vhd.compact(image, common.openOptions(), bar));
    } catch (IOException e) {
      throw Errors.refusal(e);
    }
    io.out.println("compacted " + Errors.oneLine(label) + ": file " + Sizes.humanExact(saved) + " smaller");
    return 0;
  }
}
