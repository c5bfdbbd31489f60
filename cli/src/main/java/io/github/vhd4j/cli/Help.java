package io.github.vhd4j.cli;

/**
 * Text shared by the commands' usage help, as compile-time constants so that the {@code @Command}
 * annotations can use it: the exit-code section, whose wording must not drift between commands
 * (scripts read it), and the examples heading.
 */
final class Help {
  /** Heading of the exit-code section; picocli prints the section after the options. */
  static final String EXIT_CODES = "%nExit codes:%n";

  /** Heading of the examples, which every command's help ends with. */
  static final String EXAMPLES = "%nExamples:%n";

  /** Exit code 0 of the commands that either succeed or fail. */
  static final String OK = "0:Success.";

  /** Exit code 2, the same for every command. */
  static final String FAILED = "2:Failure: a file (or standard output) could not be read or written, or a usage"
      + " error. One line on standard error says why.";

  /**
   * The exit status of a command a signal stopped, as a shell reports it (the JVM exits so after
   * running its shutdown hooks).
   */
  static final String SIGNALLED = "128+N:Stopped by signal N: 130 for SIGINT (Ctrl-C), 143 for SIGTERM, 129 for"
      + " SIGHUP.";

  private Help() {}
}
