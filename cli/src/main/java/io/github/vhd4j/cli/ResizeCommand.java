package io.github.vhd4j.cli;

import io.github.vhd4j.SizeMode;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vhd resize}: changes an image's virtual size in place, like {@code qemu-img resize}. */
@Command(name = "resize", versionProvider = VersionProvider.class,
    description = {"Change the virtual size of an image in place.",
        "Growing adds space that reads as zeros: a fixed disk moves its footer (the file stays sparse), a"
            + " dynamic or differencing disk extends its block table. Shrinking is allowed only over space"
            + " that stores nothing (zeros in a fixed disk, no stored data in the others); otherwise it is"
            + " refused and the image is left unchanged. The original-size field is set to the new size too, because"
            + " libvhdi takes it as the disk's size.",
        "No other program may have the image open: vhd refuses an image QEMU or another vhd uses (see"
            + " --no-lock). The image must be free of errors (vhd check, vhd"
            + " repair) and not in a saved state; --lenient does not change that. A differencing disk's"
            + " parent must be found, as for every other command: vhd looks for it only in the disk's"
            + " directory."},
    exitCodeListHeading = Help.EXIT_CODES,
    exitCodeList = {Help.OK, Help.FAILED},
    footerHeading = Help.EXAMPLES,
    footer = {"  vhd resize disk.vhd 16G", "  vhd resize --size-mode chs disk.vhd 64M"})
final class ResizeCommand extends BaseCommand {
  @Option(names = "--size-mode", paramLabel = "chs|exact", converter = Converters.Mode.class,
      completionCandidates = Converters.Mode.class,
      description = "exact: exactly SIZE bytes, which must be a whole number of 512-byte sectors; chs: SIZE"
          + " rounded up to what a CHS geometry addresses, as create does by default. Default: exact.")
  SizeMode sizeMode = SizeMode.EXACT;

  @Parameters(index = "0", paramLabel = "IMAGE", description = "The VHD image to change.")
  Path image = Path.of("");

  @Parameters(index = "1", paramLabel = "SIZE", converter = Converters.Size.class,
      description = "The new virtual size (bytes, or with K M G T).")
  long size;

  /**
   * Creates the command.
   *
   * @param io where the result line and errors go
   */
  ResizeCommand(Io io) {
    super(io);
  }

  /**
   * Returns IMAGE, the file every failure is about.
   *
   * @return IMAGE as the user wrote it
   */
  @Override
  String subject() {
    return image.toString();
  }

  /**
   * Resizes IMAGE and prints its new and old virtual size.
   *
   * @return 0
   * @throws CliException for an impossible size, a shrink that would cut data, or an image that
   *     must not be changed
   * @throws IOException if IMAGE cannot be opened, read or written
   */
  @Override
  int execute() throws IOException {
    ImageCommand.refuseVhdx(image, "resize");
    String label = image.toString();
    long before;
    // Opened first, with the user's options, so that "was" is the size vhd info shows, and a
    // damaged image is reported as every other command reports it before anything is written.
    try (VhdImage img = Vhd.open(image, common.openOptions())) {
      Warnings.printDowngraded(io, img.getWarnings());
      before = img.getSize();
    }
    long after;
    try {
      after = Vhd.resize(image, size, sizeMode, common.openOptions());
    } catch (IllegalArgumentException e) {
      throw Errors.refusal(label, e);
    } catch (IOException e) {
      throw Errors.refusal(e);
    }
    String line = "resized " + Errors.oneLine(label) + ": virtual size " + Sizes.humanExact(after);
    io.out.println(after == before ? line + ", unchanged" : line + ", was " + Sizes.humanExact(before));
    return 0;
  }
}
