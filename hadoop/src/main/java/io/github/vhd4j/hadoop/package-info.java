/**
 * Images that are not local files: {@link io.github.vhd4j.hadoop.HadoopImages} opens, checks and
 * probes a VHD or VHDX image on any Hadoop {@code FileSystem} (hdfs, s3a, abfs, gs, file) through
 * positioned reads, and finds a differencing disk's parents on the same file system through a
 * {@link io.github.vhd4j.hadoop.HadoopSourceResolver} confined to the child's directory.
 *
 * <pre>{@code
 * Configuration conf = new Configuration();
 * try (HadoopImage image = HadoopImages.open(new Path("hdfs://nn/images/disk.vhd"), conf,
 *     OpenOptions.defaults())) {
 *   long size = image.image().getSize();
 * }
 * }</pre>
 */
@NullMarked
package io.github.vhd4j.hadoop;

import org.jspecify.annotations.NullMarked;
