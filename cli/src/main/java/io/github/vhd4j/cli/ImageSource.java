package io.github.vhd4j.cli;

import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.DiskImage;
import io.github.vhd4j.DiskImages;
import io.github.vhd4j.Extent;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProgressListener;
import io.github.vhd4j.Vhd;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** An image of a format the library reads, read through its {@link DiskImage}. */
final class ImageSource extends Source.Seekable {
  private final ImageFormat format;
  private final DiskImage image;

  ImageSource(String label, ImageFormat format, DiskImage image) {
    super(label);
    this.format = format;
    this.image = image;
  }

  @Override
  ImageFormat format() {
    return format;
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
  void convertToRaw(Path out, OpenOptions options, ProgressListener progress) throws IOException {
    DiskImages.convertToRaw(image, out, options, progress);
  }

  @Override
  void writeTo(WritableByteChannel out, ProgressListener progress) throws IOException {
    DiskImages.copyTo(image, 0, image.getSize(), out, progress);
  }

  @Override
  List<Problem> warnings() {
    return image.getWarnings();
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
    for (DiskImage i : image.getLayers()) {
      Path p = i.getPath();
      if (p != null) {
        out.add(p);
      }
    }
    return out;
  }

  @Override
  Source.Runs runs(long from, long to) {
    // Parameter names differ from the inherited fields start/end, which would shadow them.
    return new Source.Runs() {
      private List<Extent> window = List.of();
      private int index;
      private long mapped = from;

      @Override
      boolean next() throws CliException {
        while (index >= window.size()) {
          if (mapped >= to) {
            return false;
          }
          long n = Math.min(Source.MAP_WINDOW, to - mapped);
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
