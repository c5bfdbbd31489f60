package io.github.vhd4j.spark;

import java.util.Map;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * The {@code vhd} data source: VHD and VHDX images on any Hadoop file system, read by Spark.
 * Registered under the short name {@code vhd}; see {@code docs/spark.md} for the options and the
 * schema of each mode.
 *
 * <pre>{@code
 * Dataset<Row> images = spark.read().format("vhd").load("hdfs://nn/images/");          // one row per image
 * Dataset<Row> chunks = spark.read().format("vhd").option("mode", "content")
 *     .option("recursiveFileLookup", "true").load("s3a://bucket/disks/");
 * }</pre>
 *
 * <p>Spark creates this class through {@link java.util.ServiceLoader}; applications do not.
 */
public final class VhdDataSource implements TableProvider, DataSourceRegister {

  /** Creates the source (Spark does, by reflection). */
  public VhdDataSource() {}

  /**
   * Returns the short name users give to {@code format(...)}.
   *
   * @return {@code "vhd"}
   */
  @Override
  public String shortName() {
    return "vhd";
  }

  /**
   * Returns the schema of the mode the options choose; no file is read.
   *
   * @param options the read's options
   * @return the mode's schema
   * @throws IllegalArgumentException if option {@code mode} is not images, extents or content
   */
  @Override
  public StructType inferSchema(CaseInsensitiveStringMap options) {
    return Schemas.of(ReadOptions.mode(options));
  }

  /**
   * Returns the table the read's paths name.
   *
   * @param schema the schema {@link #inferSchema} returned
   * @param partitioning unused: the source reports no partitioning
   * @param properties the read's options
   * @return the table
   */
  @Override
  public Table getTable(StructType schema, Transform[] partitioning, Map<String, String> properties) {
    return new VhdTable(schema, properties);
  }
}
