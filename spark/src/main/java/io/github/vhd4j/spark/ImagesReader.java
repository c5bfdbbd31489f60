package io.github.vhd4j.spark;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.DiskImage;
import io.github.vhd4j.DiskImages;
import io.github.vhd4j.DiskType;
import io.github.vhd4j.ParentResolution;
import io.github.vhd4j.ProgressListener;
import io.github.vhd4j.ValidationReport;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.VhdxImage;
import io.github.vhd4j.hadoop.HadoopImage;
import io.github.vhd4j.hadoop.HadoopImages;
import io.github.vhd4j.hadoop.HadoopOptions;
import io.github.vhd4j.hadoop.HadoopSource;
import io.github.vhd4j.hadoop.HadoopSourceResolver;
import java.io.IOException;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.jspecify.annotations.Nullable;

/**
 * {@code images} mode: one row per image, its metadata and its problems; an image that cannot be
 * opened is a row with {@code error} set, never a failed task. Reads metadata only (a check that
 * is not deep never reads data blocks); the check runs only when {@code problems} is selected.
 */
final class ImagesReader extends RowReader {
  static final int PATH = 0;
  static final int FORMAT = 1;
  static final int DISK_TYPE = 2;
  static final int VIRTUAL_SIZE = 3;
  static final int FILE_SIZE = 4;
  static final int BLOCK_SIZE = 5;
  static final int CREATOR = 6;
  static final int UUID = 7;
  static final int PARENT = 8;
  static final int CHAIN_DEPTH = 9;
  static final int PROBLEMS = 10;
  static final int ERROR = 11;

  private final Configuration conf;
  private final ReadOptions options;
  private final HadoopOptions hadoop;
  private final Rows rows;
  private final ImagesPartition partition;
  private int next;
  private long bytesRead;
  private long refused;

  ImagesReader(Configuration conf, ReadOptions options, Rows rows, ImagesPartition partition) {
    this.conf = conf;
    this.options = options;
    this.hadoop = Readers.hadoopOptions(options);
    this.rows = rows;
    this.partition = partition;
  }

  @Override
  public boolean next() {
    if (next >= partition.images().size()) {
      return false;
    }
    current = rows.emit(row(partition.images().get(next++)));
    return true;
  }

  private @Nullable Object[] row(FileRef ref) {
    @Nullable Object[] v = new Object[Schemas.IMAGES.fields().length];
    v[PATH] = Rows.str(ref.path());
    v[FILE_SIZE] = ref.length();
    String error = null;
    try {
      Path path = new Path(ref.path());
      FileSystem fs = path.getFileSystem(conf);
      FileStatus status = fs.getFileStatus(path);
      v[FILE_SIZE] = status.getLen();
      if (rows.wants(PROBLEMS)) {
        v[PROBLEMS] = Rows.problems(check(fs, status).problems());
      }
      try (HadoopImage opened = HadoopImages.open(fs, status, conf, options.openOptions(), hadoop)) {
        try {
          describe(opened.image(), v);
        } finally {
          bytesRead += opened.bytesRead();
        }
      } catch (IOException | RuntimeException e) {
        error = Readers.message(e);
        v[FORMAT] = probe(fs, status);
      }
    } catch (IOException | RuntimeException e) {
      // NOTE: a runtime exception from the library would be a bug in it; it still must not fail
      // a job over thousands of images, so it becomes this image's error too.
      error = Readers.message(e);
    }
    if (error != null) {
      refused++;
      v[ERROR] = Rows.str(error);
    }
    return v;
  }

  private ValidationReport check(FileSystem fs, FileStatus status) throws IOException {
    HadoopSourceResolver resolver = HadoopSourceResolver.create(conf, hadoop);
    try (HadoopSource source = HadoopSource.open(fs, status, hadoop)) {
      resolver.register(source);
      try {
        CheckOptions check = CheckOptions.defaults()
            .withOpenOptions(options.openOptions().withSourceResolver(resolver));
        return DiskImages.check(source, check, ProgressListener.none());
      } finally {
        bytesRead += source.bytesRead() + resolver.bytesRead();
      }
    }
  }

  private @Nullable Object probe(FileSystem fs, FileStatus status) {
    try (HadoopSource source = HadoopSource.open(fs, status, hadoop)) {
      try {
        return Rows.str(lower(DiskImages.probe(source).format().name()));
      } finally {
        bytesRead += source.bytesRead();
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static void describe(DiskImage image, @Nullable Object[] v) {
    v[FORMAT] = Rows.str(lower(image.getFormat().name()));
    v[VIRTUAL_SIZE] = image.getSize();
    v[CHAIN_DEPTH] = image.getLayers().size();
    ParentResolution parent = null;
    if (image instanceof VhdImage vhd) {
      v[DISK_TYPE] = Rows.str(lower(vhd.getDiskType().name()));
      v[BLOCK_SIZE] = vhd.getDiskType() == DiskType.FIXED ? null : vhd.getBlockSize();
      v[CREATOR] = Rows.str(vhd.getFooter().creatorApplication());
      v[UUID] = Rows.str(vhd.getFooter().uniqueId().toString());
      parent = vhd.getParentResolution();
    } else if (image instanceof VhdxImage vhdx) {
      v[DISK_TYPE] = Rows.str(lower(vhdx.getDiskType().name()));
      v[BLOCK_SIZE] = vhdx.getBlockSize();
      v[CREATOR] = Rows.str(vhdx.getCreator());
      // The DataWriteGuid: what a VHDX child records of its parent (parent_linkage), as a VHD
      // child records its parent's footer UUID; the VirtualDiskId is shared by a whole chain.
      v[UUID] = Rows.str(vhdx.getHeader().dataWriteGuid().toString());
      parent = vhdx.getParentResolution();
    }
    v[PARENT] = parent == null ? null : Rows.str(parent.location());
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  @Override
  public CustomTaskMetric[] currentMetricsValues() {
    return new CustomTaskMetric[] {
        VhdMetrics.value(VhdMetrics.BYTES_READ, bytesRead), VhdMetrics.value(VhdMetrics.IMAGES_REFUSED, refused)};
  }

  @Override
  public void close() {
    // Every image is closed as soon as its row is built.
  }
}
