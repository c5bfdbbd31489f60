package io.github.vhd4j.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * Base of every subcommand: the common options, and the guarantee that no failure escapes as a
 * stack trace. A subcommand returns its exit code from {@link #execute()} and throws for failures;
 * {@link #call()} turns those into the one-line error and exit code 2.
 */
abstract class BaseCommand implements Callable<Integer> {
  @Mixin
  CommonOptions common = new CommonOptions();

  final Io io;

  BaseCommand(Io io) {
    this.io = io;
  }

  /**
   * Runs the command.
   *
   * @return the exit code
   * @throws Exception any failure; reported as {@code vhd: FILE: message}
   */
  abstract int execute() throws Exception;

  /**
   * Returns the file an error line names when the failure does not name another one.
   *
   * @return the main file argument as the user wrote it
   */
  abstract String subject();

  @Override
  public final Integer call() {
    try {
      int code = execute();
      io.out.flush();
      return code;
    } catch (Throwable t) {
      // Catch everything, Errors included: the contract is one line on stderr, never a trace.
      io.out.flush();
      if (SignalCleanup.stopping()) {
        // A signal is ending the process, which exits with 128 + its number: what failed since
        // (a temporary file removed under the conversion) is its doing, not an error to report.
        return Errors.FAILURE;
      }
      return Errors.report(io.err, subject(), t, common.debug);
    }
  }
}
