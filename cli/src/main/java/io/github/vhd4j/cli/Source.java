package io.github.vhd4j.cli;

import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.Durability;
import io.github.vhd4j.Extent;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ProgressListener;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The guest bytes {@code convert} and {@code compare} read: a VHD image or a raw file, with its
 * allocation runs. Failures are wrapped in {@link CliException} naming the file.
 */
abstract class Source implements Closeable {
  /** Virtual bytes mapped per query, which bounds the runs held at once (a window of 64 MiB of
   *  sector-granular differencing runs is at most 128 Ki runs). */
  private static final long MAP_WINDOW = 64L << 20;

  final String label;

  private Source(String label) {
    this.label = label;
  }

  /**
   * Opens a source, detecting the format when {@code forced} is null.
   *
   * @param path the file
   * @param forced the format, or null to detect it
   * @param options how to open a VHD
   * @return the open source
   * @throws CliException if the file cannot be opened or is not a valid image
   */
  static Source open(Path path, @Nullable ImageFormat forced, OpenOptions options) throws CliException {
    String label = path.toString();
    try {
      ImageFormat format = forced != null ? forced : detect(path);
      if (format == ImageFormat.VHD) {
        return new VhdSource(label, Vhd.open(path, options));
      }
      return new RawSource(label, path, FileChannel.open(path, StandardOpenOption.READ));
    } catch (IOException | RuntimeException e) {
      throw new CliException(label, e);
    }
  }

  /**
   * Tells a VHD from raw data by the footer cookie where a footer belongs, valid or not: a
   * damaged VHD is still a VHD, and opening it reports the damage instead of silently treating
   * the file as raw data.
   *
   * @param path the file
   * @return the detected format
   * @throws IOException if the file cannot be read
   */
  static ImageFormat detect(Path path) throws IOException {
    return Vhd.hasFooterCookie(path) ? ImageFormat.VHD : ImageFormat.RAW;
  }

  /** Returns the number of guest bytes. */
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
   * @param durability whether the finished file is forced ({@link Durability#NONE}: never)
   * @param progress told about the bytes copied
   * @throws IOException if reading or writing fails
   */
  abstract void convertToRaw(Path out, Durability durability, ProgressListener progress) throws IOException;

  /**
   * Fills {@code dst} with guest bytes from {@code position}.
   *
   * @param position the virtual offset
   * @param dst the buffer to fill from its position to its limit
   * @throws CliException if the bytes cannot be read
   */
  abstract void readFully(long position, ByteBuffer dst) throws CliException;

  /**
   * Returns the files this source reads (an image and its parents), to refuse overwriting one.
   *
   * @return the paths
   */
  abstract List<Path> files();

  /**
   * Returns a cursor over the allocation runs of {@code [start, end)}; zero runs read as zeros
   * and need not be read.
   *
   * @param from the first virtual offset
   * @param to the end, at most {@link #size()}
   * @return the cursor
   */
  abstract Runs runs(long from, long to);

  @Override
  public abstract void close() throws CliException;

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

  /** A VHD image read through the library. */
  private static final class VhdSource extends Source {
    private final VhdImage image;

    VhdSource(String label, VhdImage image) {
      super(label);
      this.image = image;
    }

    @Override
    ImageFormat format() {
      return ImageFormat.VHD;
    }

    @Override
    long size() {
      return image.getSize();
    }

    @Override
    void convertTo(Path out, CreateOptions target, ProgressListener progress) throws IOException {
      Vhd.convert(image, out, target, progress);
    }

    @Override
    void convertToRaw(Path out, Durability durability, ProgressListener progress) throws IOException {
      Vhd.convertToRaw(image, out, durability, progress);
    }

    @Override
    void readFully(long position, ByteBuffer dst) throws CliException {
      try {
        image.readFully(position, dst);
      } catch (IOException | RuntimeException e) {
        throw new CliException(label, e);
      }
    }

    @Override
    List<Path> files() {
      List<Path> out = new ArrayList<>();
      for (VhdImage i : image.getChain()) {
        Path p = i.getPath();
        if (p != null) {
          out.add(p);
        }
      }
      return out;
    }

    @Override
    Runs runs(long from, long to) {
      // Parameter names differ from the inherited fields start/end, which would shadow them.
      return new Runs() {
        private List<Extent> window = List.of();
        private int index;
        private long mapped = from;

        @Override
        boolean next() throws CliException {
          while (index >= window.size()) {
            if (mapped >= to) {
              return false;
            }
            long n = Math.min(MAP_WINDOW, to - mapped);
            try {
              window = image.map(mapped, n);
            } catch (IOException | RuntimeException e) {
              throw new CliException(label, e);
            }
            index = 0;
            mapped += n;
          }
          Extent e = window.get(index++);
          this.start = e.start();
          this.end = e.end();
          this.data = e.data();
          return true;
        }
      };
    }

    @Override
    public void close() throws CliException {
      try {
        image.close();
      } catch (IOException e) {
        throw new CliException(label, e);
      }
    }
  }

  /** A raw file: every byte is data. */
  private static final class RawSource extends Source {
    private final Path path;
    private final FileChannel channel;
    private final long size;

    RawSource(String label, Path path, FileChannel channel) throws IOException {
      super(label);
      this.path = path;
      this.channel = channel;
      this.size = channel.size();
    }

    @Override
    ImageFormat format() {
      return ImageFormat.RAW;
    }

    @Override
    long size() {
      return size;
    }

    @Override
    void convertTo(Path out, CreateOptions target, ProgressListener progress) throws IOException {
      Vhd.convertRaw(path, out, target, progress);
    }

    @Override
    void convertToRaw(Path out, Durability durability, ProgressListener progress) throws IOException {
      Vhd.convertRawToRaw(path, out, durability, progress);
    }

    @Override
    void readFully(long position, ByteBuffer dst) throws CliException {
      try {
        long p = position;
        while (dst.hasRemaining()) {
          int n = channel.read(dst, p);
          if (n < 0) {
            throw new EOFException("the file ended at " + p + " (it was " + size + " bytes when opened)");
          }
          p += n;
        }
      } catch (IOException | RuntimeException e) {
        throw new CliException(label, e);
      }
    }

    @Override
    List<Path> files() {
      return List.of(path);
    }

    @Override
    Runs runs(long from, long to) {
      return new Runs() {
        private boolean done = from >= to;

        @Override
        boolean next() {
          if (done) {
            return false;
          }
          done = true;
          this.start = from;
          this.end = to;
          this.data = true;
          return true;
        }
      };
    }

    @Override
    public void close() throws CliException {
      try {
        channel.close();
      } catch (IOException e) {
        throw new CliException(label, e);
      }
    }
  }
}
