package io.github.vhd4j.cli;

import io.github.vhd4j.ProgressListener;
import io.github.vhd4j.UnsupportedVhdFeatureException;
import io.github.vhd4j.Vhd;
import java.io.IOException;
import java.io.PrintStream;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vhd compact}: gives the space of a dynamic disk's all-zero blocks back to the file
 * system. Also holds what the commands that change an image in place (compact, resize, commit)
 * share: the progress adapter and the cleanup of the library's messages.
 */
@Command(name = "compact", versionProvider = VersionProvider.class,
    description = {"Compact a dynamic disk: give the space of its all-zero blocks back to the file system.",
        "Blocks that hold only zeros are unallocated, the blocks stored last are moved into the freed"
            + " places, and the file is cut after the last block. The content does not change. Each block"
            + " move is forced to disk before the table points at the new place, so an interrupted"
            + " compaction leaves a valid image and can be run again.",
        "No other program may have the image open. The image must be free of errors (vhd check, vhd"
            + " repair) and not in a saved state; --lenient does not change that. Fixed disks have no"
            + " blocks to drop, and a differencing disk's zero blocks hide its parent's data, so both are"
            + " refused."},
    footerHeading = "%nExample:%n",
    footer = "  vhd compact -p disk.vhd")
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
    String label = image.toString();
    Bar bar = new Bar(io.err, progress);
    long saved;
    boolean done = false;
    try {
      saved = Vhd.compact(image, bar);
      done = true;
    } catch (IOException e) {
      throw refusal(label, e);
    } finally {
      if (!done) {
        bar.abort();
      }
    }
    bar.finish();
    io.out.println("compacted " + Errors.oneLine(label) + ": file " + saved + " bytes smaller");
    return 0;
  }

  /**
   * Turns the library's refusals into error lines that name the file once: its messages for these
   * operations carry the file name themselves ({@code "FILE: cannot shrink ..."}, {@code "... (FILE)"}),
   * which the error line, {@code vhd: FILE: message}, already shows. Other failures pass unchanged.
   *
   * @param label the file the command is about, as the user named it
   * @param e the failure
   * @return what to throw
   */
  static IOException refusal(String label, IOException e) {
    if (e instanceof UnsupportedVhdFeatureException) {
      // It may be about another file than the one named (commit grows the parent).
      String file = ((UnsupportedVhdFeatureException) e).getResource();
      return addCause(new CliException(file, withoutFile(String.valueOf(e.getMessage()), file)), e);
    }
    String m = e.getMessage();
    if (e.getClass() == IOException.class && m != null && m.startsWith(label + ": ")) {
      return addCause(new CliException(label, m.substring(label.length() + 2)), e);
    }
    return e;
  }

  /**
   * Turns the library's word on an impossible size (resize, or commit growing the parent) into an
   * error line: its message is made for users, and nothing was changed.
   *
   * @param label the file the command is about, as the user named it
   * @param e the refusal
   * @return what to throw
   */
  static CliException refusal(String label, IllegalArgumentException e) {
    return addCause(new CliException(label, String.valueOf(e.getMessage())), e);
  }

  /** Keeps the original failure for {@code --debug}'s stack trace without changing the error line. */
  private static CliException addCause(CliException replacement, Exception original) {
    // NOTE: suppressed, not the cause: Errors reports a wrapped cause's own message, which is the
    // one that names the file twice.
    replacement.addSuppressed(original);
    return replacement;
  }

  /** Drops the {@code " (FILE)"} the library appends to an unsupported-feature message. */
  private static String withoutFile(String message, String file) {
    String suffix = " (" + file + ")";
    return message.endsWith(suffix) ? message.substring(0, message.length() - suffix.length()) : message;
  }

  /**
   * A {@link ProgressListener} drawing a {@link Progress} bar whose total is the one the library
   * reports, so that commands need not open the image beforehand to learn it.
   */
  static final class Bar implements ProgressListener {
    private final PrintStream err;
    private final boolean enabled;
    private @Nullable Progress bar;

    /**
     * Creates the adapter.
     *
     * @param err where to draw
     * @param enabled false to draw nothing at all
     */
    Bar(PrintStream err, boolean enabled) {
      this.err = err;
      this.enabled = enabled;
    }

    /**
     * Draws the bar, creating it on the first report.
     *
     * @param done bytes processed so far
     * @param total bytes to process
     */
    @Override
    public synchronized void progress(long done, long total) {
      bar(total).update(done);
    }

    /** Draws 100% and ends the line; also for an operation that reported nothing (an empty disk). */
    synchronized void finish() {
      bar(0).finish();
    }

    /** Ends a drawn bar's line, so that the error line that follows starts on its own. */
    synchronized void abort() {
      if (bar != null) {
        bar.abort();
      }
    }

    private Progress bar(long total) {
      Progress b = bar;
      if (b == null) {
        b = new Progress(err, total, enabled);
        bar = b;
      }
      return b;
    }
  }
}
