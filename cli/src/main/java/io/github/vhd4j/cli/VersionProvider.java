package io.github.vhd4j.cli;

import java.lang.module.ModuleDescriptor;
import picocli.CommandLine.IVersionProvider;

/** Prints {@code vhd <version>}, the version taken from the jar manifest. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {"vhd " + version()};
  }

  /**
   * Returns the Implementation-Version of the jar this class came from; on the module path, where
   * a named module's package has none, the version javac recorded in the module descriptor; or
   * {@code dev} when it runs from a class directory (tests, IDE).
   *
   * @return the version text
   */
  static String version() {
    String v = VersionProvider.class.getPackage().getImplementationVersion();
    if (v == null || v.isBlank()) {
      ModuleDescriptor d = VersionProvider.class.getModule().getDescriptor();
      v = d == null ? null : d.rawVersion().orElse(null);
    }
    return v == null || v.isBlank() ? "dev" : v;
  }
}
