package io.github.vhd4j.internal;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.DiskFormat;
import io.github.vhd4j.DiskImage;
import io.github.vhd4j.ImageSource;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProgressListener;
import io.github.vhd4j.UnsupportedFormatException;
import io.github.vhd4j.ValidationReport;
import io.github.vhd4j.internal.storage.SourceStorage;
import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.storage.Storages;
import io.github.vhd4j.internal.vhd.Chains;
import io.github.vhd4j.internal.vhdx.VhdxChains;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Opens and checks a file of whichever format it is: the file is opened (and locked) once, its
 * signature decides the parser, and formats vhd4j recognises but does not read are refused by
 * name. Raw data goes to the VHD parser, which reports the footer it lacks.
 */
public final class AnyFormat {
  private AnyFormat() {}

  /**
   * Opens an image file.
   *
   * @param path the file
   * @param options how to open it
   * @return the image
   * @throws IOException if it cannot be read, is invalid, or is of a format vhd4j does not read
   */
  public static DiskImage open(Path path, OpenOptions options) throws IOException {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(options, "options");
    return ImageFiles.openWith(path, options, (storage, warnings) -> open(storage, path.toString(), path, true,
        options, warnings));
  }

  /**
   * Opens an image a caller's channel holds; closing the image leaves the channel open.
   *
   * @param channel the image
   * @param resource its name in messages
   * @param options how to open it
   * @return the image
   * @throws IOException as for {@link #open(Path, OpenOptions)}
   */
  public static DiskImage open(SeekableByteChannel channel, String resource, OpenOptions options)
      throws IOException {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(options, "options");
    return open(ImageFiles.storage(channel, resource, options), resource, null, false, options, List.of());
  }

  /**
   * Opens an image a caller's source holds; closing the image leaves the source open, and closes
   * the parents the options' {@link io.github.vhd4j.SourceResolver} opened.
   *
   * @param source the image
   * @param options how to open it
   * @return the image
   * @throws IOException as for {@link #open(Path, OpenOptions)}
   */
  public static DiskImage open(ImageSource source, OpenOptions options) throws IOException {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(options, "options");
    if (options.writable()) {
      throw new IllegalArgumentException(source.name() + ": an image source is read-only; open it without withWritable");
    }
    return open(new SourceStorage(source, false), source.name(), null, false, options, List.of());
  }

  private static DiskImage open(Storage storage, String resource, @Nullable Path path, boolean owns,
      OpenOptions options, List<Problem> warnings) throws IOException {
    DiskFormat f = readable(storage, resource);
    return f == DiskFormat.VHDX ? VhdxChains.open(storage, resource, path, owns, options, warnings)
        : Chains.open(storage, resource, path, owns, options, warnings);
  }

  /**
   * Checks an image file and its chain; format problems are reported, never thrown.
   *
   * @param path the file
   * @param options what to check
   * @param progress told about the bytes a deep check has scanned
   * @return the report
   * @throws IOException if it cannot be read or is of a format vhd4j does not read
   */
  public static ValidationReport check(Path path, CheckOptions options, ProgressListener progress)
      throws IOException {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(progress, "progress");
    Storages.Opened opened = Storages.open(path, options.openOptions());
    try (Storage storage = opened.storage()) {
      String inUse = opened.inUse();
      List<Problem> warnings = inUse == null ? List.of() : List.of(Storages.inUseProblem(path.toString(), inUse));
      if (readable(storage, path.toString()) == DiskFormat.VHDX) {
        return VhdxChains.check(storage, path.toString(), path, warnings, options);
      }
      return Chains.check(storage, path.toString(), path, warnings, options, progress);
    }
  }

  /**
   * Checks an image a caller's source holds, and its chain; format problems are reported, never
   * thrown.
   *
   * @param source the image (left open)
   * @param options what to check
   * @param progress told about the bytes a deep check has scanned
   * @return the report
   * @throws IOException if it cannot be read or is of a format vhd4j does not read
   */
  public static ValidationReport check(ImageSource source, CheckOptions options, ProgressListener progress)
      throws IOException {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(progress, "progress");
    try (Storage storage = new SourceStorage(source, false)) {
      if (readable(storage, source.name()) == DiskFormat.VHDX) {
        return VhdxChains.check(storage, source.name(), null, List.of(), options);
      }
      return Chains.check(storage, source.name(), null, List.of(), options, progress);
    }
  }

  /** The format to parse the file as; refuses formats vhd4j does not read. */
  private static DiskFormat readable(Storage storage, String resource) throws IOException {
    DiskFormat f = Probe.detect(storage);
    if (!f.isReadable() && f != DiskFormat.RAW) {
      throw new UnsupportedFormatException(f, resource);
    }
    return f;
  }
}
