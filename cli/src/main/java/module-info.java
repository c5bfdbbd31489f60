/**
 * The {@code vhd} command-line tool. {@link io.github.vhd4j.cli.Main} is its entry point and runs
 * commands in-process through {@code Main.run}.
 */
module io.github.vhd4j.cli {
  requires io.github.vhd4j;
  // Memory mapping is the tool's default storage; core finds it as a service provider.
  requires io.github.vhd4j.mmap;
  requires info.picocli;
  requires com.fasterxml.jackson.core;
  requires static transitive org.jspecify;

  exports io.github.vhd4j.cli;
}
