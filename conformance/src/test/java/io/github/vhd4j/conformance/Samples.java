package io.github.vhd4j.conformance;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;

/**
 * The peers' sample images, read from {@code ../shared/samples} beside the checkout (never copied
 * into the project). The POM passes the folder as {@code vhd4j.samples.dir}; without it (a user's
 * fresh clone) the sample tests skip.
 */
final class Samples {
  private Samples() {}

  static Path dir() {
    String d = System.getProperty("vhd4j.samples.dir");
    return Path.of(d == null || d.isBlank() ? "../../shared/samples" : d).toAbsolutePath().normalize();
  }

  /** Whether the samples folder is there (the condition of {@link PeerSamplesTest}). */
  static boolean present() {
    return Files.isDirectory(dir().resolve("qemu-iotests"));
  }

  /** Skips the calling class when the samples are absent. */
  static Path requireQemuIotests() {
    Path d = dir().resolve("qemu-iotests");
    assumeTrue(Files.isDirectory(d), "peer samples not present at " + d + " (they sit beside the checkout in CI)");
    return d;
  }

  /** Unpacks one bzip2-compressed sample into {@code into}, in the JVM. */
  static Path unpack(Path samples, String name, Path into) throws IOException {
    Path out = into.resolve(name);
    try (InputStream in = new BZip2CompressorInputStream(Files.newInputStream(samples.resolve(name + ".bz2")))) {
      Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
    }
    return out;
  }
}
