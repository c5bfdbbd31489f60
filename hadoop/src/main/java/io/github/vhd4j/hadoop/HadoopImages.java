package io.github.vhd4j.hadoop;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.DiskImage;
import io.github.vhd4j.DiskImages;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ProbeResult;
import io.github.vhd4j.ProgressListener;
import io.github.vhd4j.ValidationReport;
import java.io.IOException;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Opens, checks and probes VHD and VHDX images on any Hadoop {@link FileSystem} (hdfs, s3a, abfs,
 * gs, file), as {@link DiskImages} does for local files. The image is read through positioned
 * reads ({@link HadoopSource}); a differencing disk's parents are opened on the child's file
 * system by a {@link HadoopSourceResolver}, from the child's own directory only unless
 * {@link HadoopOptions#parentDirectories()} allows more.
 *
 * <pre>{@code
 * Configuration conf = new Configuration();
 * try (HadoopImage opened = HadoopImages.open(new Path("s3a://bucket/disks/child.vhdx"), conf,
 *     OpenOptions.defaults())) {
 *   DiskImage image = opened.image();
 *   ByteBuffer first = ByteBuffer.allocate(512);
 *   image.readFully(0, first);
 * }
 * }</pre>
 *
 * <p>Nothing is locked: other programs changing a file while it is read is the caller's business,
 * as for any {@link io.github.vhd4j.ImageSource}. The {@code FileSystem} instances are Hadoop's
 * shared, cached ones, which this class never closes.
 */
public final class HadoopImages {
  private HadoopImages() {}

  /**
   * Opens an image with the default Hadoop options (parents from the child's directory only).
   *
   * @param path the image; its scheme picks the file system
   * @param conf the configuration the file system is obtained with
   * @param options how to treat the image; {@link OpenOptions#sourceResolver()} is replaced by a
   *     {@link HadoopSourceResolver}, and it must not be writable
   * @return the open image; close it when done
   * @throws IOException as {@link DiskImages#open(io.github.vhd4j.ImageSource, OpenOptions)}
   *     throws, or if the file cannot be opened
   */
  public static HadoopImage open(Path path, Configuration conf, OpenOptions options) throws IOException {
    return open(path, conf, options, HadoopOptions.defaults());
  }

  /**
   * Opens an image.
   *
   * @param path the image; its scheme picks the file system
   * @param conf the configuration the file system is obtained with
   * @param options how to treat the image; {@link OpenOptions#sourceResolver()} is replaced by a
   *     {@link HadoopSourceResolver}, and it must not be writable
   * @param hadoop the allowed parent directories and the read policy
   * @return the open image; close it when done
   * @throws IOException as {@link DiskImages#open(io.github.vhd4j.ImageSource, OpenOptions)}
   *     throws, or if the file cannot be opened
   */
  public static HadoopImage open(Path path, Configuration conf, OpenOptions options, HadoopOptions hadoop)
      throws IOException {
    Objects.requireNonNull(path, "path");
    FileSystem fs = path.getFileSystem(Objects.requireNonNull(conf, "conf"));
    return open(fs, fs.getFileStatus(path), conf, options, hadoop);
  }

  /**
   * Opens an image whose status the caller has (from a listing), so that an object store needs
   * no further request before the first read.
   *
   * @param fs the file system holding the image
   * @param status the image file's status
   * @param conf the configuration parents' file systems are obtained with
   * @param options how to treat the image; {@link OpenOptions#sourceResolver()} is replaced by a
   *     {@link HadoopSourceResolver}, and it must not be writable
   * @param hadoop the allowed parent directories and the read policy
   * @return the open image; close it when done
   * @throws IOException as {@link DiskImages#open(io.github.vhd4j.ImageSource, OpenOptions)}
   *     throws, or if the file cannot be opened
   */
  public static HadoopImage open(FileSystem fs, FileStatus status, Configuration conf, OpenOptions options,
      HadoopOptions hadoop) throws IOException {
    Objects.requireNonNull(options, "options");
    HadoopSourceResolver resolver = HadoopSourceResolver.create(conf, hadoop);
    HadoopSource source = HadoopSource.open(fs, status, hadoop);
    try {
      resolver.register(source);
      DiskImage image = DiskImages.open(source, options.withSourceResolver(resolver));
      return new HadoopImage(image, source, resolver);
    } catch (IOException | RuntimeException e) {
      closeQuietly(source, e);
      throw e;
    }
  }

  /**
   * Checks an image and its parent chain with the default Hadoop options: format problems are
   * reported, never thrown.
   *
   * @param path the image
   * @param conf the configuration the file system is obtained with
   * @param options what to check; its open options' source resolver is replaced
   * @return every problem found
   * @throws io.github.vhd4j.UnsupportedFormatException if the file holds another format
   * @throws IOException if the file cannot be read
   */
  public static ValidationReport check(Path path, Configuration conf, CheckOptions options) throws IOException {
    return check(path, conf, options, HadoopOptions.defaults(), ProgressListener.none());
  }

  /**
   * Checks an image and its parent chain: format problems are reported, never thrown.
   *
   * @param path the image
   * @param conf the configuration the file system is obtained with
   * @param options what to check; its open options' source resolver is replaced
   * @param hadoop the allowed parent directories and the read policy
   * @param progress told about the bytes a deep check has scanned
   * @return every problem found
   * @throws io.github.vhd4j.UnsupportedFormatException if the file holds another format
   * @throws IOException if the file cannot be read
   */
  public static ValidationReport check(Path path, Configuration conf, CheckOptions options, HadoopOptions hadoop,
      ProgressListener progress) throws IOException {
    Objects.requireNonNull(path, "path");
    FileSystem fs = path.getFileSystem(Objects.requireNonNull(conf, "conf"));
    return check(fs, fs.getFileStatus(path), conf, options, hadoop, progress);
  }

  /**
   * Checks an image whose status the caller has: format problems are reported, never thrown.
   *
   * @param fs the file system holding the image
   * @param status the image file's status
   * @param conf the configuration parents' file systems are obtained with
   * @param options what to check; its open options' source resolver is replaced
   * @param hadoop the allowed parent directories and the read policy
   * @param progress told about the bytes a deep check has scanned
   * @return every problem found
   * @throws io.github.vhd4j.UnsupportedFormatException if the file holds another format
   * @throws IOException if the file cannot be read
   */
  public static ValidationReport check(FileSystem fs, FileStatus status, Configuration conf, CheckOptions options,
      HadoopOptions hadoop, ProgressListener progress) throws IOException {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(progress, "progress");
    HadoopSourceResolver resolver = HadoopSourceResolver.create(conf, hadoop);
    try (HadoopSource source = HadoopSource.open(fs, status, hadoop)) {
      resolver.register(source);
      CheckOptions withResolver = options.withOpenOptions(options.openOptions().withSourceResolver(resolver));
      return DiskImages.check(source, withResolver, progress);
    }
  }

  /**
   * Tells which format a file is in, from its bytes alone, as
   * {@link DiskImages#probe(io.github.vhd4j.ImageSource)} does.
   *
   * @param path the file
   * @param conf the configuration the file system is obtained with
   * @return the format, the file's qualified path and its length
   * @throws IOException if the file cannot be read
   */
  public static ProbeResult probe(Path path, Configuration conf) throws IOException {
    Objects.requireNonNull(path, "path");
    FileSystem fs = path.getFileSystem(Objects.requireNonNull(conf, "conf"));
    try (HadoopSource source = HadoopSource.open(fs, path, HadoopOptions.defaults())) {
      return DiskImages.probe(source);
    }
  }

  private static void closeQuietly(HadoopSource source, Throwable pending) {
    try {
      source.close();
    } catch (IOException e) {
      pending.addSuppressed(e);
    }
  }
}
