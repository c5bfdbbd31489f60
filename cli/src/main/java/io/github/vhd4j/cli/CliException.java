package io.github.vhd4j.cli;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * A failure tied to one file named on the command line. The error line names {@link #file()}
 * instead of the command's main argument: {@code vhd: FILE: message}.
 */
final class CliException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String file;

  /**
   * A failure with its own message.
   *
   * @param file the file the message is about, as the user named it
   * @param message what went wrong, one line
   */
  CliException(String file, String message) {
    super(message);
    this.file = file;
  }

  /**
   * A failure caused by another exception, whose message is reported.
   *
   * @param file the file the failure is about
   * @param cause the underlying failure
   */
  CliException(String file, Throwable cause) {
    super(cause.getMessage(), cause);
    this.file = file;
  }

  String file() {
    return file;
  }

  /** Returns the wrapped failure, or null when this exception carries its own message. */
  @Nullable Throwable wrapped() {
    return getCause();
  }
}
