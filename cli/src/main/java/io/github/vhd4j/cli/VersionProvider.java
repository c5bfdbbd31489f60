package io.github.vhd4j.cli;

import picocli.CommandLine.IVersionProvider;

/** Prints {@code vhd <version>}, the version taken from the jar manifest. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {"vhd " + version()};
  }

  /**
   * Returns the Implementation-Version of the jar this class came from, or {@code dev} when it
   * runs from a class directory (tests, IDE).
   *
   * @return the version text
   */
  static String version() {
    String v = VersionProvider.class.getPackage().getImplementationVersion();
    return v == null || v.isBlank() ? "dev" : v;
  }
}
