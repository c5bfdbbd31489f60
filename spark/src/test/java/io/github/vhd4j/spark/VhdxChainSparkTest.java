package io.github.vhd4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.VhdxImage;
import io.github.vhd4j.Vhdx;
import io.github.vhd4j.internal.vhdx.layout.HeaderLayout;
import io.github.vhd4j.testing.BuiltVhdx;
import io.github.vhd4j.testing.VhdxChainModel;
import io.github.vhd4j.testing.VhdxLogBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A VHDX chain whose parent was left with a dirty log: the parent's table on disk stores nothing,
 * and the library replays the log in memory. Its content cannot be read straight from the files
 * at the map's offsets, so the planner must hand the tasks the image to open themselves.
 */
class VhdxChainSparkTest {
  private static final long MIB = 1 << 20;

  static SparkSession spark;
  @TempDir static Path dir;
  static VhdxChainModel child;

  @BeforeAll
  static void build() throws IOException {
    spark = SharedSpark.session();
    VhdxChainModel base = VhdxChainModel.base(8 * MIB, MIB, 512, 0);
    for (int b = 0; b < 8; b++) {
      base.full(b);
    }
    child = base.child(1).full(1).present(2, 5, 3).full(7);
    BuiltVhdx dirty = base.builder.build();
    byte[] batSector = dirty.file.read(dirty.batOffset, VhdxLogBuilder.SECTOR);
    dirty.file.put(dirty.batOffset, new byte[VhdxLogBuilder.SECTOR]);
    UUID logGuid = UUID.randomUUID();
    VhdxLogBuilder log = new VhdxLogBuilder(logGuid, (int) MIB);
    // The log also rewrites a sector of the parent's block 0, which the child reads through: read
    // straight from the file at the map's offset, that sector would be the stale one on disk.
    log.entry(1).data(dirty.batOffset, batSector)
        .data(dirty.blockOffset(0, base.builder.chunkRatio()) + 4096, VhdxLogBuilder.pattern(7)).write();
    dirty.file.put(dirty.logOffset, log.bytes());
    for (int copy = 1; copy <= 2; copy++) {
      dirty.header(copy).setGuid(0, HeaderLayout.LOG_GUID, logGuid).reseal();
    }
    dirty.write(dir.resolve("parent.vhdx"));
    child.write(dir.resolve("child.avhdx"));
    try (VhdxImage img = Vhdx.open(dir.resolve("child.avhdx"))) {
      assertTrue(img.getParent().getLogState().replayedInMemory(), "the fixture is what it claims");
    }
  }

  @Test
  void contentOfAChainWithAReplayedLogShouldEqualTheLibrarys() throws IOException {
    Dataset<Row> df = spark.read().format("vhd").option("mode", "content").option("chunkSize", "1m")
        .option("maxPartitionBytes", "2m").option("pathGlobFilter", "*.avhdx").load(dir.toUri().toString());
    assertTrue(df.javaRDD().getNumPartitions() >= 2);
    Map<String, byte[]> disks = VhdSourceTest.reassemble(df.collectAsList(), dir);
    byte[] expected;
    try (VhdxImage img = Vhdx.open(dir.resolve("child.avhdx"))) {
      expected = VhdSourceTest.readAll(img);
    }
    assertFalse(java.util.Arrays.equals(child.content(), expected), "the log changes what the chain reads");
    assertArrayEquals(expected, disks.get("child.avhdx"));
  }

  @Test
  void imagesShouldDescribeTheVhdxChain() {
    List<Row> rows = spark.read().format("vhd").option("pathGlobFilter", "*.avhdx").load(dir.toUri().toString())
        .collectAsList();
    assertEquals(1, rows.size());
    Row r = rows.get(0);
    assertNull(r.getAs("error"));
    assertEquals("vhdx", r.getAs("format"));
    assertEquals("differencing", r.getAs("diskType"));
    assertEquals(2, (int) r.getAs("chainDepth"));
    assertEquals(MIB, (long) r.getAs("blockSize"));
  }
}
