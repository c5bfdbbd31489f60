package io.github.vhd4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Base of the commands that report on one image or on a batch ({@code info}, {@code check}). One
 * IMAGE that is not a directory is reported as always: text, or one JSON object, and an error
 * line when it cannot be read. Several, or a directory, make a batch, which needs {@code --json}:
 * one JSON line per image ({@link Batch}).
 */
abstract class BatchCommand extends BaseCommand {
  @Parameters(paramLabel = "IMAGE|DIR", arity = "1..*",
      description = "The image (VHD or VHDX). Several images, or directories of images, need --json: one JSON line"
          + " per image.")
  Path[] images = new Path[0];

  @Option(names = "-r", description = "Also examine the images in the subdirectories of each DIR (not hidden ones,"
      + " nor directories reached through symbolic links).")
  boolean recursive;

  @Option(names = "-j", paramLabel = "N", description = "Examine N images at a time, on N threads (with several"
      + " images or a directory). Default: one per processor.")
  @Nullable Integer threads;

  /** The image of a single-image run; set before {@link #executeOne()}. */
  Path image = Path.of("");

  BatchCommand(Io io) {
    super(io);
  }

  /**
   * Returns the command's name, for usage errors.
   *
   * @return for example {@code "info"}
   */
  abstract String name();

  /**
   * Tells whether {@code --json} was given.
   *
   * @return true for JSON output
   */
  abstract boolean json();

  /**
   * Tells whether {@code -p} was given.
   *
   * @return true to draw a progress bar
   */
  abstract boolean progress();

  /**
   * Reports on {@link #image}, as the command always has.
   *
   * @return the exit code
   * @throws Exception any failure; reported as {@code vhd: IMAGE: message}
   */
  abstract int executeOne() throws Exception;

  /**
   * Examines one image of a batch.
   *
   * @param image the image as the batch names it
   * @return its JSON line, warnings and status
   * @throws Exception any failure, which becomes the image's error line
   */
  abstract Batch.Outcome examine(Path image) throws Exception;

  @Override
  final int execute() throws Exception {
    if (threads != null && threads < 1) {
      return usageError("-j needs at least 1 thread, not " + threads);
    }
    if (images.length == 1 && !Files.isDirectory(images[0])) {
      image = images[0];
      return executeOne();
    }
    if (!json()) {
      // Text has no room to say which lines are about which image, nor where an error goes.
      return usageError("several images or a directory need --json (one JSON line per image)");
    }
    int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    return new Batch(io, n, progress()).run(BatchInputs.expand(List.of(images), recursive), this::examine);
  }

  @Override
  final String subject() {
    // A batch reports its images' failures in their lines; what stops it names no one image.
    return images.length == 1 ? images[0].toString() : name();
  }

  /** Prints a usage error as picocli's are printed, and returns its exit code. */
  private int usageError(String message) {
    io.err.println("vhd " + name() + ": " + message);
    io.err.println("Try 'vhd " + name() + " --help' for more information.");
    io.err.flush();
    return Errors.FAILURE;
  }
}
