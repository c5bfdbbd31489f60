package io.github.vhd4j.spark;

import io.github.vhd4j.hadoop.HadoopImage;
import io.github.vhd4j.hadoop.HadoopImages;
import io.github.vhd4j.hadoop.HadoopOptions;
import io.github.vhd4j.hadoop.HadoopSource;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.unsafe.types.UTF8String;
import org.jspecify.annotations.Nullable;

/**
 * {@code content} mode: the chunks of one slice of an image, read straight from the chain's files
 * at the offsets the driver mapped (zeros synthesized, no table parsed), or through the image
 * opened here when the driver said so. Before the first read, each file of the chain must still
 * have the length and modification time the driver planned with.
 *
 * <p>Chunks are {@code chunkSize}-aligned within the image and never cross the slice, whose bounds
 * are multiples of the chunk size. Without {@code includeZero}, only chunks that hold some stored
 * data are emitted. A task holds one chunk's bytes at a time, in a fresh array per row, as Spark
 * requires of binary values.
 */
final class ContentReader extends RowReader {
  private static final int DATA = 3;

  private final Configuration conf;
  private final ReadOptions options;
  private final Rows rows;
  private final ContentPartition part;
  private final UTF8String path;
  private final long[] runs;
  private final int chunk;
  private final @Nullable HadoopSource[] sources;
  private @Nullable HadoopImage image;
  private boolean verified;
  private boolean done;
  /** The next chunk's index within the image. */
  private long nextChunk;
  /** The first run that may overlap the next chunk. */
  private int runIndex;
  private long emittedBytes;
  private long chunksSkipped;
  private long zeroBytesSkipped;
  private long closedBytesRead;

  ContentReader(Configuration conf, ReadOptions options, Rows rows, ContentPartition part) {
    this.conf = conf;
    this.options = options;
    this.rows = rows;
    this.part = part;
    this.path = UTF8String.fromString(part.image().path());
    this.runs = part.runs;
    this.chunk = options.chunkSize();
    this.sources = new HadoopSource[part.chain.size()];
    this.nextChunk = part.start / chunk;
  }

  @Override
  public boolean next() throws IOException {
    if (done) {
      return false;
    }
    long k = findChunk();
    if (k < 0) {
      finish();
      return false;
    }
    long from = k * chunk;
    long to = Math.min(from + chunk, part.end);
    int length = (int) (to - from);
    byte @Nullable [] data = null;
    try {
      if (!verified) {
        verify();
        verified = true;
      }
      if (rows.wants(DATA)) {
        data = new byte[length];
        fill(from, data);
      }
    } catch (IOException | RuntimeException e) {
      if (!options.skipOnError()) {
        throw new IOException("vhd: " + part.image().path() + ": " + Readers.message(e) + " (reading ["
            + from + ", " + to + ") of the slice " + part + ")", e);
      }
      chunksSkipped += remainingChunks(k);
      done = true;
      closeFiles();
      return false;
    }
    nextChunk = k + 1;
    emittedBytes += length;
    current = rows.emit(new Object[] {path, from, length, data});
    return true;
  }

  /** The index of the next chunk to emit, or -1 when the slice is done. */
  private long findChunk() {
    long k = nextChunk;
    if (k * chunk >= part.end) {
      return -1;
    }
    if (options.includeZero()) {
      return k;
    }
    // The first run that ends after the chunk's start holds the next stored byte.
    while (runIndex < runs.length / 4 && runs[runIndex * 4] + runs[runIndex * 4 + 1] <= k * chunk) {
      runIndex++;
    }
    if (runIndex == runs.length / 4) {
      return -1;
    }
    return Math.max(k, runs[runIndex * 4] / chunk);
  }

  private long remainingChunks(long k) {
    if (options.includeZero()) {
      return (part.end - k * chunk + chunk - 1) / chunk;
    }
    long n = 0;
    long last = -1;
    for (int i = 0; i < runs.length; i += 4) {
      long first = Math.max(k, Math.max(last + 1, runs[i] / chunk));
      long end = (runs[i] + runs[i + 1] - 1) / chunk;
      if (end >= first) {
        n += end - first + 1;
        last = end;
      }
    }
    return n;
  }

  private void fill(long from, byte[] data) throws IOException {
    HadoopImage img = image;
    if (part.openInTask) {
      if (img == null) {
        Path p = new Path(part.image().path());
        FileSystem fs = p.getFileSystem(conf);
        img = HadoopImages.open(fs, fs.getFileStatus(p), conf, options.openOptions(), hadoopOptions());
        image = img;
      }
      img.image().readFully(from, ByteBuffer.wrap(data));
      return;
    }
    long to = from + data.length;
    while (runIndex < runs.length / 4 && runs[runIndex * 4] + runs[runIndex * 4 + 1] <= from) {
      runIndex++;
    }
    for (int i = runIndex * 4; i < runs.length && runs[i] < to; i += 4) {
      long s = Math.max(from, runs[i]);
      long e = Math.min(to, runs[i] + runs[i + 1]);
      if (e <= s) {
        continue;
      }
      HadoopSource src = source((int) runs[i + 2]);
      readFully(src, runs[i + 3] + (s - runs[i]), data, (int) (s - from), (int) (e - s));
    }
  }

  private static void readFully(HadoopSource src, long at, byte[] data, int off, int len) throws IOException {
    ByteBuffer dst = ByteBuffer.wrap(data, off, len);
    long pos = at;
    while (dst.hasRemaining()) {
      int n = src.read(pos, dst);
      if (n < 0) {
        throw new EOFException(src.name() + " ended at " + pos + ", before the data the image maps there");
      }
      pos += n;
    }
  }

  private HadoopSource source(int depth) throws IOException {
    HadoopSource s = sources[depth];
    if (s == null) {
      Path p = new Path(part.chain.get(depth).path());
      FileSystem fs = p.getFileSystem(conf);
      s = HadoopSource.open(fs, fs.getFileStatus(p), hadoopOptions());
      sources[depth] = s;
    }
    return s;
  }

  private HadoopOptions hadoopOptions() {
    return Readers.hadoopOptions(options);
  }

  /** Every file of the chain must be as the driver saw it, else its map no longer holds. */
  private void verify() throws IOException {
    for (FileRef f : part.chain) {
      Path p = new Path(f.path());
      FileStatus st = p.getFileSystem(conf).getFileStatus(p);
      if (st.getLen() != f.length() || st.getModificationTime() != f.modificationTime()) {
        throw new IOException(f.path() + " changed since the query was planned: length " + f.length() + " -> "
            + st.getLen() + ", modified " + Instant.ofEpochMilli(f.modificationTime()) + " -> "
            + Instant.ofEpochMilli(st.getModificationTime()));
      }
    }
  }

  private void finish() throws IOException {
    done = true;
    zeroBytesSkipped = (part.end - part.start) - emittedBytes;
    closeFiles();
  }

  private void closeFiles() throws IOException {
    IOException first = null;
    for (int i = 0; i < sources.length; i++) {
      HadoopSource s = sources[i];
      sources[i] = null;
      if (s != null) {
        closedBytesRead += s.bytesRead();
        try {
          s.close();
        } catch (IOException e) {
          first = first == null ? e : first;
        }
      }
    }
    HadoopImage img = image;
    image = null;
    if (img != null) {
      closedBytesRead += img.bytesRead();
      img.close();
    }
    if (first != null) {
      throw first;
    }
  }

  @Override
  public CustomTaskMetric[] currentMetricsValues() {
    long live = closedBytesRead;
    for (HadoopSource s : sources) {
      if (s != null) {
        live += s.bytesRead();
      }
    }
    HadoopImage img = image;
    if (img != null) {
      live += img.bytesRead();
    }
    return new CustomTaskMetric[] {
        VhdMetrics.value(VhdMetrics.BYTES_READ, live),
        VhdMetrics.value(VhdMetrics.CHUNKS_SKIPPED, chunksSkipped),
        VhdMetrics.value(VhdMetrics.ZERO_BYTES_SKIPPED, zeroBytesSkipped)};
  }

  @Override
  public void close() throws IOException {
    closeFiles();
  }
}
