package io.github.vhd4j.cli;

import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.DiskFormat;
import io.github.vhd4j.Vhdx;
import io.github.vhd4j.DiskImages;
import io.github.vhd4j.Durability;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProgressListener;
import io.github.vhd4j.UnsupportedFormatException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The guest bytes {@code convert} and {@code compare} read: a VHD or VHDX image or a raw file, with its
 * allocation runs ({@link Seekable}), or, for {@code convert} only, raw bytes from a pipe, standard
 * input or a character device, read once in order. Failures are wrapped in {@link CliException}
 * naming the file.
 */
abstract class Source implements Closeable {
  /** Virtual bytes mapped per query, which bounds the runs held at once (a window of 64 MiB of
   *  sector-granular differencing runs is at most 128 Ki runs). */
  static final long MAP_WINDOW = 64L << 20;

  /** What {@code -} stands for, as an input. */
  static final String STDIN = "-";

  final String label;

  Source(String label) {
    this.label = label;
  }

  /**
   * Opens a source that can be read at any offset, detecting the format when {@code forced} is
   * null. A pipe or a character device is refused: it can be read only once, in order.
   *
   * @param path the file
   * @param forced the format, or null to detect it
   * @param options how to open a VHD
   * @return the open source
   * @throws CliException if the file cannot be opened or is not a valid image
   */
  static Seekable open(Path path, @Nullable ImageFormat forced, OpenOptions options) throws CliException {
    String label = path.toString();
    FileKind kind = kind(path);
    if (kind.streams()) {
      throw new CliException(label, "is " + kind.describe() + ", which can be read only once, in order; compare"
          + " reads its inputs at any offset, so it needs files or block devices");
    }
    return seekable(path, forced, options);
  }

  /**
   * Opens the input of {@code convert}: as {@link #open}, and also a stream ({@code -} for
   * standard input, a pipe, a character device), which only {@code -f raw} may read: its format
   * cannot be detected, since detection looks at the end of the input, and a VHD cannot be read in
   * order.
   *
   * @param path the file, or {@code -}
   * @param forced the format, or null to detect it
   * @param options how to open a VHD
   * @param io the run's streams, whose standard input {@code -} reads
   * @return the open source
   * @throws CliException if the file cannot be opened, is not a valid image, or is a stream not
   *     given as {@code -f raw}
   */
  static Source openForConvert(Path path, @Nullable ImageFormat forced, OpenOptions options, Io io)
      throws CliException {
    String label = path.toString();
    boolean stdin = label.equals(STDIN);
    FileKind kind = stdin ? FileKind.FIFO : kind(path);
    if (!kind.streams()) {
      return seekable(path, forced, options);
    }
    String what = stdin ? "is standard input" : "is " + kind.describe();
    if (forced == null) {
      throw new CliException(label, what + ": its format cannot be detected without reading it twice; -f raw"
          + " converts it as raw bytes (a VHD must be a file)");
    }
    if (forced == ImageFormat.VHD) {
      throw new CliException(label, what + ": a VHD is read from its end first, so it must be a file; -f raw"
          + " converts a stream as raw bytes");
    }
    if (forced == ImageFormat.VHDX) {
      throw new CliException(label, what + ": a VHDX is read at any offset, so it must be a file; -f raw"
          + " converts a stream as raw bytes");
    }
    if (stdin) {
      return new StreamSource(label, io.stdin(), null, false);
    }
    try {
      // Opening a FIFO waits for its writer, as reading one from a shell does.
      return new StreamSource(label, FileChannel.open(path, StandardOpenOption.READ), path, true);
    } catch (IOException | RuntimeException e) {
      throw new CliException(label, e);
    }
  }

  private static FileKind kind(Path path) throws CliException {
    String label = path.toString();
    FileKind kind;
    try {
      kind = FileKind.of(path);
    } catch (IOException e) {
      throw new CliException(label, e);
    }
    if (kind == FileKind.SOCKET || kind == FileKind.OTHER) {
      throw new CliException(label, "is " + kind.describe() + ", not a disk image");
    }
    return kind;
  }

  private static Seekable seekable(Path path, @Nullable ImageFormat forced, OpenOptions options)
      throws CliException {
    String label = path.toString();
    try {
      ImageFormat format = forced != null ? forced : detect(path, options);
      if (format == ImageFormat.VHD) {
        return new ImageSource(label, format, DiskImages.open(path, options));
      }
      if (format == ImageFormat.VHDX) {
        return new ImageSource(label, format, Vhdx.open(path, options));
      }
      return new RawSource(label, path, FileChannel.open(path, StandardOpenOption.READ));
    } catch (IOException | RuntimeException e) {
      throw new CliException(label, e);
    }
  }

  /**
   * Tells a VHD from raw data by the footer cookie where a footer belongs, valid or not (a
   * damaged VHD is still a VHD, and opening it reports the damage instead of silently treating
   * the file as raw data), names a VHDX by its signature, and refuses the formats vhd does not
   * read, whose bytes are not the guest's. An ISO 9660 image is raw data: its bytes are the disc's.
   *
   * @param path the file
   * @param options whether the file is read with a reader's lock
   * @return the detected format
   * @throws UnsupportedFormatException if the file is an image of a format vhd does not read
   * @throws IOException if the file cannot be read
   */
  static ImageFormat detect(Path path, OpenOptions options) throws IOException {
    DiskFormat found = DiskImages.probe(path, options).format();
    return switch (found) {
      case VHD -> ImageFormat.VHD;
      case VHDX -> ImageFormat.VHDX;
      case RAW, ISO -> ImageFormat.RAW;
      default -> throw new UnsupportedFormatException(found, path.toString());
    };
  }

  /** Returns the number of guest bytes, or -1 for a stream, whose length is known at its end. */
  abstract long size();

  /** Returns the format the source was opened as (detected or forced). */
  abstract ImageFormat format();

  /**
   * Copies the guest bytes into a new VHD through the library's converter.
   *
   * @param out the new file; it must not exist
   * @param target what to make
   * @param progress told about the bytes copied
   * @throws IOException if reading or writing fails
   */
  abstract void convertTo(Path out, CreateOptions target, ProgressListener progress) throws IOException;

  /**
   * Copies the guest bytes into a new sparse raw file through the library.
   *
   * @param out the new file; it must not exist
   * @param options whether the finished file is forced ({@link Durability#NONE}: never) and
   *     locked while it is written
   * @param progress told about the bytes copied
   * @throws IOException if reading or writing fails
   */
  abstract void convertToRaw(Path out, OpenOptions options, ProgressListener progress) throws IOException;

  /**
   * Writes every guest byte, in order, to a channel that cannot seek or keep holes: a device or a
   * pipe. Failures of {@code out} are its own (the caller labels it); failures to read name this
   * source.
   *
   * @param out where the bytes go
   * @param progress told about the bytes written
   * @throws IOException if reading or writing fails
   */
  abstract void writeTo(WritableByteChannel out, ProgressListener progress) throws IOException;

  /**
   * Returns the files this source reads (an image and its parents), to refuse overwriting one.
   *
   * @return the paths
   */
  abstract List<Path> files();

  /**
   * Returns the problems the image opened despite (lenient mode's errors, another process
   * writing it), its parents' included, for {@link Warnings}.
   *
   * @return the problems; none for raw data
   */
  List<Problem> warnings() {
    return List.of();
  }

  @Override
  public abstract void close() throws CliException;

  /** A source that can be read at any offset: an image, a raw file, a block device. */
  abstract static class Seekable extends Source {
    Seekable(String label) {
      super(label);
    }

    /**
     * Fills {@code dst} with guest bytes from {@code position}.
     *
     * @param position the virtual offset
     * @param dst the buffer to fill from its position to its limit
     * @throws CliException if the bytes cannot be read
     */
    abstract void readFully(long position, ByteBuffer dst) throws CliException;

    /**
     * Returns a cursor over the allocation runs of {@code [start, end)}; zero runs read as zeros
     * and need not be read.
     *
     * @param from the first virtual offset
     * @param to the end, at most {@link #size()}
     * @return the cursor
     */
    abstract Runs runs(long from, long to);
  }

  /** A cursor over allocation runs: after {@link #next()} returns true, the current run. */
  abstract static class Runs {
    long start;
    long end;
    boolean data;

    /**
     * Moves to the next run.
     *
     * @return false when the range is exhausted
     * @throws CliException if the map cannot be read
     */
    abstract boolean next() throws CliException;
  }
}
