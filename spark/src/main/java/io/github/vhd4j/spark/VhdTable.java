package io.github.vhd4j.spark;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.catalog.Column;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/** The images named by one read's paths, readable in batch. */
final class VhdTable implements SupportsRead {
  private final StructType schema;
  private final String name;

  VhdTable(StructType schema, Map<String, String> properties) {
    this.schema = schema;
    String p = properties.getOrDefault("path", properties.getOrDefault("paths", ""));
    this.name = "vhd " + p;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Column[] columns() {
    StructField[] fields = schema.fields();
    Column[] out = new Column[fields.length];
    for (int i = 0; i < fields.length; i++) {
      out[i] = Column.create(fields[i].name(), fields[i].dataType(), fields[i].nullable());
    }
    return out;
  }

  @Override
  public Set<TableCapability> capabilities() {
    return EnumSet.of(TableCapability.BATCH_READ);
  }

  @Override
  public ScanBuilder newScanBuilder(CaseInsensitiveStringMap options) {
    ReadOptions read = ReadOptions.parse(options);
    SparkSession session = SparkSession.active();
    // The session's Hadoop configuration (spark.hadoop.* and session settings), plus the read's
    // own options, so that .option("fs.s3a.endpoint", ...) works per read as for Spark's sources.
    Configuration conf = session.sessionState().newHadoopConf();
    for (Map.Entry<String, String> e : options.asCaseSensitiveMap().entrySet()) {
      if (!e.getKey().equalsIgnoreCase("path") && !e.getKey().equalsIgnoreCase("paths")) {
        conf.set(e.getKey(), e.getValue());
      }
    }
    return new VhdScanBuilder(read, conf, session.sparkContext().defaultParallelism());
  }
}
