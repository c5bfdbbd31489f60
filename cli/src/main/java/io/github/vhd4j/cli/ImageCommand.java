package io.github.vhd4j.cli;

import java.nio.file.Path;
import picocli.CommandLine.Parameters;

/** Base of the subcommands that take one image (info, check, map, cat); errors name that image. */
abstract class ImageCommand extends BaseCommand {
  @Parameters(paramLabel = "IMAGE", description = "The VHD image.")
  Path image = Path.of("");

  ImageCommand(Io io) {
    super(io);
  }

  @Override
  final String subject() {
    return image.toString();
  }
}
