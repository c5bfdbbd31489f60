package consumer;

import io.github.vhd4j.DiskImages;
import io.github.vhd4j.Durability;
import io.github.vhd4j.ProgressListener;
import io.github.vhd4j.Severity;
import io.github.vhd4j.ValidationReport;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.zip.CRC32;

/** The same library from Java: try-with-resources, a lambda listener, the report's records. */
public final class JavaConsumer {
  private JavaConsumer() {}

  /**
   * Returns the CRC-32 of an image's virtual disk, read through a stream.
   *
   * @param path the image
   * @return the checksum of every byte of the disk
   * @throws IOException if the image cannot be read
   */
  public static long crc(Path path) throws IOException {
    CRC32 crc = new CRC32();
    byte[] buffer = new byte[64 * 1024];
    try (VhdImage image = Vhd.open(path); InputStream in = image.newInputStream()) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        crc.update(buffer, 0, n);
      }
    }
    return crc.getValue();
  }

  /**
   * Checks an image and returns how many errors were found.
   *
   * @param path the image
   * @return the number of error-level problems
   * @throws IOException if the file cannot be read
   */
  public static int errors(Path path) throws IOException {
    ValidationReport report = Vhd.check(path);
    return (int) report.problems().stream().filter(p -> p.severity() == Severity.ERROR).count();
  }

  /**
   * Writes an image's guest bytes to a new raw file.
   *
   * @param path the image
   * @param raw the new raw file
   * @return the last progress report, as done/total
   * @throws IOException if reading or writing fails
   */
  public static long[] toRaw(Path path, Path raw) throws IOException {
    long[] last = new long[2];
    ProgressListener listener = (done, total) -> {
      last[0] = done;
      last[1] = total;
    };
    try (VhdImage image = Vhd.open(path)) {
      DiskImages.convertToRaw(image, raw, Durability.NONE, listener);
    }
    return last;
  }
}
