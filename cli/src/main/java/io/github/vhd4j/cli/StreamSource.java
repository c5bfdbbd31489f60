package io.github.vhd4j.cli;

import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.DiskImages;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ProgressListener;
import io.github.vhd4j.Vhd;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Raw bytes read once, in order: standard input, a pipe, a character device. */
final class StreamSource extends Source {
  private final ReadableByteChannel channel;
  private final @Nullable Path path;
  private final boolean owned;

  /**
   * Wraps an open stream.
   *
   * @param label the file as the user named it ({@code -} for standard input)
   * @param channel the stream
   * @param path its path, to refuse writing into it; null for standard input
   * @param owned whether closing the source closes the channel (never standard input)
   */
  StreamSource(String label, ReadableByteChannel channel, @Nullable Path path, boolean owned) {
    super(label);
    this.channel = Labelled.reads(channel, label);
    this.path = path;
    this.owned = owned;
  }

  @Override
  ImageFormat format() {
    return ImageFormat.RAW;
  }

  @Override
  long size() {
    return -1;
  }

  @Override
  void convertTo(Path out, CreateOptions target, ProgressListener progress) throws IOException {
    Vhd.convertRaw(channel, out, target, progress);
  }

  @Override
  void convertToRaw(Path out, OpenOptions options, ProgressListener progress) throws IOException {
    DiskImages.convertRawToRaw(channel, out, options, progress);
  }

  @Override
  void writeTo(WritableByteChannel out, ProgressListener progress) throws IOException {
    ByteBuffer buf = ByteBuffer.allocateDirect(CatCommand.BUFFER_SIZE);
    long done = 0;
    for (boolean end = false; !end; ) {
      buf.clear();
      while (buf.hasRemaining() && !end) {
        end = channel.read(buf) < 0;
      }
      buf.flip();
      done += buf.remaining();
      while (buf.hasRemaining()) {
        out.write(buf);
      }
      progress.progress(done, -1);
    }
    progress.progress(done, done);
  }

  @Override
  List<Path> files() {
    return path == null ? List.of() : List.of(path);
  }

  @Override
  public void close() throws CliException {
    if (owned) {
      try {
        channel.close();
      } catch (IOException e) {
        throw new CliException(label, e);
      }
    }
  }
}
