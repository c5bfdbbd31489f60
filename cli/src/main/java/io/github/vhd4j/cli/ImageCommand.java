package io.github.vhd4j.cli;

import io.github.vhd4j.DiskFormat;
import io.github.vhd4j.DiskImages;
import io.github.vhd4j.OpenOptions;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Parameters;

/** Base of the subcommands that take one image (info, check, map, cat); errors name that image. */
abstract class ImageCommand extends BaseCommand {
  @Parameters(paramLabel = "IMAGE", description = "The image (VHD or VHDX).")
  Path image = Path.of("");

  ImageCommand(Io io) {
    super(io);
  }

  @Override
  final String subject() {
    return image.toString();
  }

  /**
   * Refuses a VHDX image with one line: vhd reads VHDX images but changes only VHD images. Any
   * other failure to probe is left to the command's own open, which reports it.
   *
   * @param image the image as the user named it
   * @param change what the command does, for example "resize"
   * @throws CliException if the image is a VHDX image
   */
  static void refuseVhdx(Path image, String change) throws CliException {
    if (isVhdx(image)) {
      throw new CliException(image.toString(), "a VHDX image; vhd " + change + " changes VHD images only (vhd reads"
          + " VHDX images; vhd repair replays a VHDX log)");
    }
  }

  /**
   * Tells whether a file is a VHDX image by its signature; a file that cannot be probed is not
   * (the command's own open reports why).
   *
   * @param image the file
   * @return true for a VHDX image
   */
  static boolean isVhdx(Path image) {
    try {
      return DiskImages.probe(image, OpenOptions.defaults().withLocking(false)).format() == DiskFormat.VHDX;
    } catch (IOException e) {
      return false;
    }
  }
}
