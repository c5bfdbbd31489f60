package io.github.vhd4j.spark.examples;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The example of docs/spark.md, run by {@code VhdSparkExampleTest}: which images are damaged, and
 * how many bytes the good ones store, from a directory of VHD and VHDX images.
 */
public final class VhdSparkExample {
  private VhdSparkExample() {}

  /** What the example finds. */
  public record Summary(long images, long damaged, long storedBytes) {}

  /**
   * Reads a directory of images in images and content modes.
   *
   * @param spark the session
   * @param directory a Hadoop path or URI: file:/..., hdfs://..., s3a://...
   * @return the counts
   */
  public static Summary run(SparkSession spark, String directory) {
    Dataset<Row> images = spark.read().format("vhd").load(directory);
    long damaged = images.where(col("error").isNotNull()).count();
    images.where(col("error").isNotNull()).select("path", "error").show(false);

    Dataset<Row> content = spark.read().format("vhd")
        .option("mode", "content")
        .option("chunkSize", "1m")
        .option("onError", "skip")          // damaged images are counted, not fatal
        .load(directory);
    Row total = content.agg(sum("length")).first();
    return new Summary(images.count(), damaged, total.isNullAt(0) ? 0 : total.getLong(0));
  }

  /**
   * Runs the example on a directory given as the first argument.
   *
   * @param args the directory
   */
  public static void main(String[] args) {
    SparkSession spark = SparkSession.builder().master("local[2]").appName("vhd4j example").getOrCreate();
    try {
      System.out.println(run(spark, args[0]));
    } finally {
      spark.stop();
    }
  }
}
