package io.github.vhd4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;
import org.jspecify.annotations.Nullable;

/**
 * A planned read: lists the images and cuts the partitions on the driver, once (Spark may ask for
 * the partitions more than once).
 */
final class VhdScan implements Scan, Batch {
  private final ReadOptions options;
  private final StructType required;
  private final Configuration conf;
  private final int parallelism;
  private InputPartition @Nullable [] partitions;
  private long refusedAtPlanning;
  private long bytesReadAtPlanning;

  VhdScan(ReadOptions options, StructType required, Configuration conf, int parallelism) {
    this.options = options;
    this.required = required;
    this.conf = conf;
    this.parallelism = parallelism;
  }

  @Override
  public StructType readSchema() {
    return required;
  }

  @Override
  public String description() {
    return "vhd [mode=" + options.mode().name().toLowerCase(java.util.Locale.ROOT) + ", paths=" + options.paths()
        + "]";
  }

  @Override
  public Batch toBatch() {
    return this;
  }

  @Override
  public synchronized InputPartition[] planInputPartitions() {
    if (partitions == null) {
      try {
        partitions = plan();
      } catch (IOException e) {
        throw new UncheckedIOException(e.getMessage(), e);
      }
    }
    return partitions.clone();
  }

  private InputPartition[] plan() throws IOException {
    List<Listing.Listed> listed = Listing.list(conf, options.paths(), options.recursiveFileLookup(),
        options.pathGlobFilter());
    if (options.mode() == ReadOptions.Mode.CONTENT) {
      Planner planner = new Planner(conf, options);
      List<ContentPartition> parts = planner.plan(listed);
      refusedAtPlanning = planner.refused();
      bytesReadAtPlanning = planner.bytesRead();
      return parts.toArray(new InputPartition[0]);
    }
    // Whole images per task: about two groups per core, so that one slow image does not hold
    // the others back, unless the caller said how many images a task takes.
    int per = options.imagesPerPartition() > 0
        ? options.imagesPerPartition()
        : Math.max(1, (listed.size() + 2 * parallelism - 1) / (2 * parallelism));
    List<InputPartition> out = new ArrayList<>();
    for (int i = 0; i < listed.size(); i += per) {
      List<FileRef> group = new ArrayList<>();
      for (Listing.Listed l : listed.subList(i, Math.min(listed.size(), i + per))) {
        group.add(new FileRef(l.path(), l.status().getLen(), l.status().getModificationTime()));
      }
      out.add(new ImagesPartition(group));
    }
    return out.toArray(new InputPartition[0]);
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    return new VhdReaderFactory(new SerializableConfiguration(conf), options, required);
  }

  @Override
  public CustomMetric[] supportedCustomMetrics() {
    return VhdMetrics.all();
  }

  @Override
  public CustomTaskMetric[] reportDriverMetrics() {
    return new CustomTaskMetric[] {
        VhdMetrics.value(VhdMetrics.IMAGES_REFUSED, refusedAtPlanning),
        VhdMetrics.value(VhdMetrics.BYTES_READ, bytesReadAtPlanning)};
  }
}
