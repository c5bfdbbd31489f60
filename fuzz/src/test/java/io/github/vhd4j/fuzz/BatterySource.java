package io.github.vhd4j.fuzz;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.DiskImage;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ValidationReport;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Where a battery's bytes come from: a path, a channel, a buffer. One type for both formats, so
 * that {@link Battery} and {@link VhdxBattery} differ only in what they check.
 *
 * @param <I> the format's image type
 */
interface BatterySource<I extends DiskImage> {
  I open(OpenOptions options) throws IOException;

  ValidationReport check(CheckOptions options) throws IOException;

  /** Releases what the source opened for its images, after they are closed. */
  default void release() throws IOException {}

  /** The file at {@code file}, opened and checked by path through the format's entry points. */
  static <I extends DiskImage> BatterySource<I> of(Path file, ByPath<OpenOptions, I> open,
      ByPath<CheckOptions, ValidationReport> check) {
    return new BatterySource<>() {
      @Override
      public I open(OpenOptions options) throws IOException {
        return open.call(file, options);
      }

      @Override
      public ValidationReport check(CheckOptions options) throws IOException {
        return check.call(file, options);
      }
    };
  }

  /** A format's open or check of a path, such as {@code Vhd::open}. */
  interface ByPath<O, R> {
    R call(Path file, O options) throws IOException;
  }
}
