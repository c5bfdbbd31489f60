package io.github.vhd4j.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.read.SupportsPushDownRequiredColumns;
import org.apache.spark.sql.types.StructType;

/** Takes the columns a query needs, so that readers skip what nobody reads (content's bytes). */
final class VhdScanBuilder implements ScanBuilder, SupportsPushDownRequiredColumns {
  private final ReadOptions options;
  private final Configuration conf;
  private final int parallelism;
  private StructType required;

  VhdScanBuilder(ReadOptions options, Configuration conf, int parallelism) {
    this.options = options;
    this.conf = conf;
    this.parallelism = parallelism;
    this.required = Schemas.of(options.mode());
  }

  @Override
  public void pruneColumns(StructType requiredSchema) {
    required = requiredSchema;
  }

  @Override
  public Scan build() {
    return new VhdScan(options, required, conf, parallelism);
  }
}
