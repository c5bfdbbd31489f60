package io.github.vhd4j.spark;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.SparkSession;

/**
 * The one Spark session (and the one MiniDFSCluster) of this module's test JVM, shared by every
 * test class: starting either costs far more than the tests themselves (reference/spark.md
 * section 3). Both are stopped when the JVM exits.
 */
public final class SharedSpark {
  private static SparkSession session;
  private static MiniDFSCluster cluster;

  private SharedSpark() {}

  /**
   * Returns the shared local[2] session, starting it on first use.
   *
   * @return the session
   */
  public static synchronized SparkSession session() {
    if (session == null) {
      SparkSession s = SparkSession.builder()
          .master("local[2]")
          .appName("vhd4j-tests")
          .config("spark.ui.enabled", "false")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.sql.shuffle.partitions", "2")
          // The scan node is then the plan's leaf itself, where the tests read its metrics.
          .config("spark.sql.adaptive.enabled", "false")
          .getOrCreate();
      Runtime.getRuntime().addShutdownHook(new Thread(s::stop));
      session = s;
    }
    return session;
  }

  /**
   * Returns the shared HDFS (one data node, 1 MiB blocks so that images span several blocks),
   * starting it on first use.
   *
   * @return the file system
   */
  public static synchronized FileSystem hdfs() {
    try {
      if (cluster == null) {
        Configuration conf = new Configuration();
        File base = new File("target/minidfs").getAbsoluteFile();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.getPath());
        conf.setLong("dfs.blocksize", 1 << 20);
        MiniDFSCluster c = new MiniDFSCluster.Builder(conf, base).numDataNodes(1).build();
        c.waitActive();
        Runtime.getRuntime().addShutdownHook(new Thread(c::shutdown));
        cluster = c;
      }
      return cluster.getFileSystem();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
