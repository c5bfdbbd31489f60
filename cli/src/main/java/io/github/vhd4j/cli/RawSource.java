package io.github.vhd4j.cli;

import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.DiskImages;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ProgressListener;
import io.github.vhd4j.Vhd;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.List;

/** A raw file (or block device): every byte is data. */
final class RawSource extends Source.Seekable {
  /** Bytes handed to the kernel per transfer: progress is reported between them. */
  private static final long TRANSFER = 64L << 20;

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
  void convertToRaw(Path out, OpenOptions options, ProgressListener progress) throws IOException {
    DiskImages.convertRawToRaw(path, out, options, progress);
  }

  @Override
  void writeTo(WritableByteChannel out, ProgressListener progress) throws IOException {
    for (long pos = 0; pos < size; ) {
      long n;
      try {
        n = channel.transferTo(pos, Math.min(TRANSFER, size - pos), out);
      } catch (CliException e) {
        throw e;
      } catch (IOException e) {
        throw new CliException(label, e);
      }
      if (n <= 0) {
        throw new CliException(label, "the file ended at " + pos + " (it was " + size + " bytes when opened)");
      }
      pos += n;
      progress.progress(pos, size);
    }
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
  Source.Runs runs(long from, long to) {
    return new Source.Runs() {
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
