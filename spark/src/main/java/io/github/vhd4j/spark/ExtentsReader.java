package io.github.vhd4j.spark;

import io.github.vhd4j.Extent;
import io.github.vhd4j.hadoop.HadoopImage;
import io.github.vhd4j.hadoop.HadoopImages;
import io.github.vhd4j.hadoop.HadoopOptions;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.unsafe.types.UTF8String;
import org.jspecify.annotations.Nullable;

/**
 * {@code extents} mode: one row per allocation run of each image, the runs of {@code vhd map
 * --json}. The map is taken a window at a time, so a 2 TiB disk with millions of runs is never
 * held whole; runs that continue across a window's edge are merged again, so that the rows are
 * the library's merged runs.
 */
final class ExtentsReader extends RowReader {
  /** Virtual bytes mapped at a time: 32768 runs at most for 2 MiB blocks. */
  static final long WINDOW = 64L << 30;

  private final Configuration conf;
  private final ReadOptions options;
  private final HadoopOptions hadoop;
  private final Rows rows;
  private final ImagesPartition partition;
  private int nextImage;
  private @Nullable HadoopImage open;
  private @Nullable UTF8String path;
  private long mapped;
  private final ArrayDeque<Extent> queue = new ArrayDeque<>();
  private @Nullable Extent held;
  private long bytesRead;
  private long refused;

  ExtentsReader(Configuration conf, ReadOptions options, Rows rows, ImagesPartition partition) {
    this.conf = conf;
    this.options = options;
    this.hadoop = Readers.hadoopOptions(options);
    this.rows = rows;
    this.partition = partition;
  }

  @Override
  public boolean next() throws IOException {
    while (true) {
      Extent e = nextExtent();
      if (e != null) {
        current = rows.emit(new Object[] {
            path, e.start(), e.length(), e.depth(), e.data(), !e.data(), e.data() ? e.fileOffset() : null});
        return true;
      }
      if (!openNextImage()) {
        return false;
      }
    }
  }

  /** The next merged run of the open image, or null when it has no more (and is closed). */
  private @Nullable Extent nextExtent() throws IOException {
    HadoopImage img = open;
    if (img == null) {
      return null;
    }
    long size = img.image().getSize();
    try {
      while (queue.isEmpty() && mapped < size) {
        List<Extent> window = img.image().map(mapped, Math.min(WINDOW, size - mapped));
        mapped += Math.min(WINDOW, size - mapped);
        queue.addAll(window);
      }
    } catch (IOException | RuntimeException e) {
      closeImage();
      fail(new IOException("vhd: " + path + ": " + Readers.message(e), e));
      return null;
    }
    while (!queue.isEmpty()) {
      Extent e = queue.poll();
      if (held == null) {
        held = e;
      } else if (continues(held, e)) {
        held = new Extent(held.start(), held.length() + e.length(), held.depth(), held.data(), held.fileOffset());
      } else {
        Extent out = held;
        held = e;
        return out;
      }
      if (queue.isEmpty() && mapped < size) {
        return nextExtent();
      }
    }
    Extent out = held;
    held = null;
    closeImage();
    return out;
  }

  private static boolean continues(Extent a, Extent b) {
    return a.end() == b.start() && a.depth() == b.depth() && a.data() == b.data()
        && (!a.data() || a.fileOffset() + a.length() == b.fileOffset());
  }

  private boolean openNextImage() throws IOException {
    while (nextImage < partition.images().size()) {
      FileRef ref = partition.images().get(nextImage++);
      try {
        Path p = new Path(ref.path());
        FileSystem fs = p.getFileSystem(conf);
        open = HadoopImages.open(fs, fs.getFileStatus(p), conf, options.openOptions(), hadoop);
        path = Rows.str(ref.path());
        mapped = 0;
        return true;
      } catch (IOException | RuntimeException e) {
        fail(new IOException("vhd: " + ref.path() + ": " + Readers.message(e), e));
      }
    }
    return false;
  }

  /** onError=fail: the task fails naming the image; skip: the image is counted and left out. */
  private void fail(Exception e) throws IOException {
    if (!options.skipOnError()) {
      throw e instanceof IOException io ? io : new IOException(e);
    }
    refused++;
    queue.clear();
    held = null;
  }

  private void closeImage() throws IOException {
    HadoopImage img = open;
    open = null;
    if (img != null) {
      bytesRead += img.bytesRead();
      img.close();
    }
  }

  @Override
  public CustomTaskMetric[] currentMetricsValues() {
    HadoopImage img = open;
    long live = img == null ? 0 : img.bytesRead();
    return new CustomTaskMetric[] {
        VhdMetrics.value(VhdMetrics.BYTES_READ, bytesRead + live), VhdMetrics.value(VhdMetrics.IMAGES_REFUSED, refused)};
  }

  @Override
  public void close() throws IOException {
    closeImage();
  }
}
