package io.github.vhd4j.cli;

import picocli.CommandLine.Option;

/**
 * {@code -h/--help} and {@code --version}, worded once for every command (a picocli mixin):
 * picocli's own {@code mixinStandardHelpOptions} would word them differently and add {@code -V}.
 */
final class HelpOptions {
  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = "--version", versionHelp = true, description = "Print the version and exit.")
  boolean version;
}
