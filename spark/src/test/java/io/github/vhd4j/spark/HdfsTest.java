package io.github.vhd4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.hadoop.HadoopImage;
import io.github.vhd4j.hadoop.HadoopImages;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The same reads through a real HDFS (MiniDFSCluster), a differencing chain included. */
class HdfsTest {
  static SparkSession spark;
  static FileSystem hdfs;
  static String root;
  static final List<String> NAMES = List.of("dynamic.vhd", "base.vhd", "child.vhd", "bad-header.vhd");

  @BeforeAll
  static void start() throws IOException {
    spark = SharedSpark.session();
    hdfs = SharedSpark.hdfs();
    Path dir = TestImages.dir();
    org.apache.hadoop.fs.Path images = new org.apache.hadoop.fs.Path("/images");
    hdfs.mkdirs(images);
    for (String n : NAMES) {
      hdfs.copyFromLocalFile(new org.apache.hadoop.fs.Path(dir.resolve(n).toUri()), new org.apache.hadoop.fs.Path(images, n));
    }
    if (TestImages.qemu()) {
      hdfs.copyFromLocalFile(new org.apache.hadoop.fs.Path(dir.resolve("qemu.vhdx").toUri()),
          new org.apache.hadoop.fs.Path(images, "qemu.vhdx"));
    }
    root = hdfs.getUri() + "/images";
  }

  @Test
  void imagesShouldOpenTheChainOnHdfs() {
    Map<String, Row> rows = VhdSourceTest.byName(spark.read().format("vhd").load(root).collectAsList());
    assertNull(rows.get("child.vhd").getAs("error"));
    assertEquals(2, (int) rows.get("child.vhd").getAs("chainDepth"));
    assertEquals(root + "/base.vhd", rows.get("child.vhd").getAs("parent"));
    assertTrue(rows.get("bad-header.vhd").getAs("error") != null);
  }

  @Test
  void contentShouldHashAsLocally() throws IOException {
    List<Row> rows = spark.read().format("vhd").option("mode", "content").option("chunkSize", "512k")
        .option("maxPartitionBytes", "1m").option("onError", "skip").load(root).collectAsList();
    Map<String, byte[]> disks = VhdSourceTest.reassemble(rows, TestImages.dir());
    for (String n : List.of("dynamic.vhd", "child.vhd")) {
      assertEquals(TestImages.rawSha256(TestImages.dir().resolve(n)), TestImages.sha256(disks.get(n)), n);
    }
    if (TestImages.qemu()) {
      assertEquals(TestImages.rawSha256(TestImages.dir().resolve("qemu.vhdx")),
          TestImages.sha256(disks.get("qemu.vhdx")));
    }
  }

  @Test
  void hadoopModuleShouldReadHdfsThroughByteBuffers() throws IOException {
    Path local = TestImages.dir().resolve("child.vhd");
    try (HadoopImage img = HadoopImages.open(new org.apache.hadoop.fs.Path(root + "/child.vhd"), hdfs.getConf(),
        OpenOptions.defaults())) {
      assertTrue(img.source().readsByteBuffers(), "HDFS offers positioned ByteBuffer reads");
      ByteBuffer direct = ByteBuffer.allocateDirect(3 << 20);
      img.image().readFully(9 << 20, direct);
      ByteBuffer expected = ByteBuffer.allocate(3 << 20);
      try (var lib = io.github.vhd4j.DiskImages.open(local)) {
        lib.readFully(9 << 20, expected);
      }
      direct.flip();
      byte[] got = new byte[direct.remaining()];
      direct.get(got);
      assertArrayEquals(expected.array(), got);
      assertTrue(Files.size(local) > 0);
    }
  }
}
