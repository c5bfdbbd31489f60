package io.github.vhd4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.DiskImage;
import io.github.vhd4j.DiskImages;
import io.github.vhd4j.Extent;
import io.github.vhd4j.Problem;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.VhdxImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.datasources.v2.BatchScanExec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

class VhdSourceTest {
  static SparkSession spark;
  static Path dir;

  @BeforeAll
  static void start() {
    spark = SharedSpark.session();
    dir = TestImages.dir();
  }

  static String uri(Path p) {
    return p.toUri().toString();
  }

  static Map<String, Row> byName(List<Row> rows) {
    Map<String, Row> m = new TreeMap<>();
    for (Row r : rows) {
      String p = r.getAs("path");
      m.put(p.substring(p.lastIndexOf('/') + 1), r);
    }
    return m;
  }

  /** The scan node of a collected plan, where the custom metrics are. */
  static BatchScanExec scan(Dataset<Row> df) {
    SparkPlan plan = df.queryExecution().executedPlan();
    for (SparkPlan leaf : CollectionConverters.asJava(plan.collectLeaves())) {
      if (leaf instanceof BatchScanExec b) {
        return b;
      }
    }
    throw new AssertionError("no BatchScanExec in " + plan);
  }

  static long metric(Dataset<Row> df, String name) {
    return scan(df).metrics().apply(name).value();
  }

  @Test
  void imagesRowsShouldEqualWhatTheLibraryReports() throws IOException {
    Dataset<Row> df = spark.read().format("vhd").load(uri(dir));
    Map<String, Row> rows = byName(df.collectAsList());
    List<String> expected = new ArrayList<>(TestImages.GOOD);
    expected.addAll(TestImages.DAMAGED);
    if (TestImages.qemu()) {
      expected.addAll(TestImages.QEMU);
    }
    assertEquals(new java.util.TreeSet<>(expected), rows.keySet(), "hidden files and _SUCCESS are skipped");
    for (String name : expected) {
      Row row = rows.get(name);
      Path file = dir.resolve(name);
      assertEquals(Files.size(file), (long) row.getAs("fileSize"), name);
      List<String> problems = new ArrayList<>();
      for (Row p : row.<scala.collection.Seq<Row>>getAs("problems") == null ? List.<Row>of()
          : CollectionConverters.asJava(row.<scala.collection.Seq<Row>>getAs("problems"))) {
        problems.add(p.getAs("code") + "@" + p.getAs("structure") + "." + p.getAs("field"));
      }
      List<String> libProblems = new ArrayList<>();
      for (Problem p : DiskImages.check(file).problems()) {
        libProblems.add(p.code().name() + "@" + p.structure() + "." + p.field());
      }
      assertEquals(libProblems, problems, name);
      if (TestImages.DAMAGED.contains(name)) {
        assertNotNull(row.getAs("error"), name);
        assertNull(row.getAs("virtualSize"), name);
        continue;
      }
      assertNull(row.getAs("error"), name);
      try (DiskImage img = DiskImages.open(file)) {
        assertEquals(img.getFormat().name().toLowerCase(Locale.ROOT), row.getAs("format"), name);
        assertEquals(img.getSize(), (long) row.getAs("virtualSize"), name);
        assertEquals(img.getLayers().size(), (int) row.getAs("chainDepth"), name);
        if (img instanceof VhdImage v) {
          assertEquals(v.getDiskType().name().toLowerCase(Locale.ROOT), row.getAs("diskType"), name);
          assertEquals(v.getFooter().uniqueId().toString(), row.getAs("uuid"), name);
          assertEquals(v.getFooter().creatorApplication(), row.getAs("creator"), name);
        } else {
          VhdxImage x = (VhdxImage) img;
          assertEquals(x.getBlockSize(), (long) row.getAs("blockSize"), name);
          assertEquals(x.getHeader().dataWriteGuid().toString(), row.getAs("uuid"), name);
        }
        if (img.getLayers().size() > 1) {
          assertEquals(uri(dir.resolve("base.vhd")).replace("file:///", "file:/"), row.getAs("parent"), name);
        } else {
          assertNull(row.getAs("parent"), name);
        }
      }
    }
    assertEquals(TestImages.DAMAGED.size(), metric(df, VhdMetrics.IMAGES_REFUSED));
    assertTrue(metric(df, VhdMetrics.BYTES_READ) > 0);
  }

  @Test
  void problemsShouldBeQueryable() {
    long n = spark.read().format("vhd").load(uri(dir))
        .where("exists(problems, p -> p.severity = 'error')").count();
    assertTrue(n >= 1, "the damaged images have error-level problems");
  }

  @Test
  void contentReassembledShouldHashAsQemuConvertsIt() throws IOException {
    List<String> names = new ArrayList<>(TestImages.GOOD);
    if (TestImages.qemu()) {
      names.addAll(TestImages.QEMU);
    }
    Dataset<Row> df = spark.read().format("vhd").option("mode", "content").option("chunkSize", "1m")
        .option("maxPartitionBytes", "4m").option("onError", "skip").load(uri(dir));
    Map<String, byte[]> disks = reassemble(df.collectAsList(), dir);
    for (String name : names) {
      assertEquals(TestImages.rawSha256(dir.resolve(name)), TestImages.sha256(disks.get(name)), name);
    }
    // The damaged images are left out at planning and counted.
    assertEquals(TestImages.DAMAGED.size(), metric(df, VhdMetrics.IMAGES_REFUSED));
    assertTrue(metric(df, VhdMetrics.ZERO_BYTES_SKIPPED) > 0);
    long stored = 0;
    for (Row r : df.collectAsList()) {
      stored += (int) r.getAs("length");
    }
    assertTrue(metric(df, VhdMetrics.BYTES_READ) >= stored / 2, "bytes read: " + metric(df, VhdMetrics.BYTES_READ));
  }

  static byte[] readAll(DiskImage img) throws IOException {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(Math.toIntExact(img.getSize()));
    img.readFully(0, b);
    return b.array();
  }

  /** Each image's virtual disk from its chunks, zeros where no chunk came. */
  static Map<String, byte[]> reassemble(List<Row> rows, Path dir) throws IOException {
    Map<String, byte[]> disks = new HashMap<>();
    for (Row r : rows) {
      String p = r.getAs("path");
      String name = p.substring(p.lastIndexOf('/') + 1);
      byte[] disk = disks.get(name);
      if (disk == null) {
        try (DiskImage img = DiskImages.open(dir.resolve(name))) {
          disk = new byte[Math.toIntExact(img.getSize())];
        }
        disks.put(name, disk);
      }
      long offset = r.getAs("offset");
      byte[] data = r.getAs("data");
      assertEquals((int) r.getAs("length"), data.length);
      System.arraycopy(data, 0, disk, Math.toIntExact(offset), data.length);
    }
    return disks;
  }

  @Test
  void contentShouldSplitAnImageIntoAlignedPartitions() throws IOException {
    String file = uri(dir.resolve("dynamic.vhd"));
    Dataset<Row> df = spark.read().format("vhd").option("mode", "content").option("chunkSize", "1m")
        .option("maxPartitionBytes", "2m").load(file);
    assertTrue(df.javaRDD().getNumPartitions() >= 3, "partitions: " + df.javaRDD().getNumPartitions());
    List<Row> rows = df.collectAsList();
    long stored = 0;
    try (DiskImage img = DiskImages.open(dir.resolve("dynamic.vhd"))) {
      for (Extent e : img.map()) {
        if (e.data()) {
          stored += e.length();
        }
      }
    }
    long emitted = 0;
    for (Row r : rows) {
      assertEquals(0, (long) r.getAs("offset") % (1 << 20), "chunks are aligned");
      emitted += (int) r.getAs("length");
    }
    // Only chunks holding stored data; every allocated block here is whole chunks.
    assertEquals(stored, emitted);
    assertEquals(TestImages.chunkedStoredBytes(dir.resolve("dynamic.vhd"), 1 << 20), emitted);
    assertTrue(emitted < 24L << 20, "zero chunks are left out");

    List<Row> all = spark.read().format("vhd").option("mode", "content").option("chunkSize", "1m")
        .option("includeZero", "true").load(file).collectAsList();
    try (DiskImage img = DiskImages.open(dir.resolve("dynamic.vhd"))) {
      assertEquals((img.getSize() + (1 << 20) - 1) / (1 << 20), all.size(), "every chunk when zeros are included");
    }
  }

  @Test
  void contentShouldNotReadDataWhenOnlyOffsetsAreSelected() {
    Dataset<Row> df = spark.read().format("vhd").option("mode", "content").load(uri(dir.resolve("fixed.vhd")))
        .select("path", "offset");
    List<Row> rows = df.collectAsList();
    assertFalse(rows.isEmpty());
    assertEquals(List.of("path", "offset"), List.of(scan(df).scan().readSchema().fieldNames()));
    // Planning read the footer; no task read any data.
    assertTrue(metric(df, VhdMetrics.BYTES_READ) < 4096, "bytes read: " + metric(df, VhdMetrics.BYTES_READ));
  }

  @Test
  void contentOfADirectoryShouldFailOnItsFirstDamagedImageWhenPlannedInParallel() {
    // The directory's images are planned several at a time; the failure still names the first
    // damaged image in name order, as a one-by-one plan would.
    Exception e = assertThrows(Exception.class, () -> spark.read().format("vhd").option("mode", "content")
        .load(uri(dir)).count());
    assertTrue(String.valueOf(e.getMessage()).contains("bad-header.vhd"), e.getMessage());
  }

  @Test
  void contentShouldFailNamingTheImageUnlessToldToSkip() {
    Exception e = assertThrows(Exception.class, () -> spark.read().format("vhd").option("mode", "content")
        .load(uri(dir.resolve("bad-header.vhd"))).collectAsList());
    assertTrue(String.valueOf(e.getMessage()).contains("bad-header.vhd"), e.getMessage());
    assertEquals(0, spark.read().format("vhd").option("mode", "content").option("onError", "skip")
        .load(uri(dir.resolve("bad-header.vhd"))).count());
  }

  @Test
  void extentsShouldEqualTheLibrarysMap() throws IOException {
    Map<String, List<Row>> byImage = new TreeMap<>();
    for (Row r : spark.read().format("vhd").option("mode", "extents").option("onError", "skip").load(uri(dir))
        .orderBy("path", "start").collectAsList()) {
      String p = r.getAs("path");
      byImage.computeIfAbsent(p.substring(p.lastIndexOf('/') + 1), k -> new ArrayList<>()).add(r);
    }
    for (String name : TestImages.GOOD) {
      List<String> lib = new ArrayList<>();
      try (DiskImage img = DiskImages.open(dir.resolve(name))) {
        for (Extent e : img.map()) {
          lib.add(e.start() + "+" + e.length() + "@" + e.depth() + (e.data() ? " data " + e.fileOffset() : " zero"));
        }
      }
      List<String> got = new ArrayList<>();
      for (Row r : byImage.get(name)) {
        boolean data = r.getAs("data");
        assertEquals(!data, (boolean) r.getAs("zero"));
        got.add(r.getAs("start") + "+" + r.getAs("length") + "@" + r.getAs("depth")
            + (data ? " data " + r.getAs("offset") : " zero"));
        if (!data) {
          assertNull(r.getAs("offset"));
        }
      }
      assertEquals(lib, got, name);
    }
    assertFalse(byImage.containsKey("junk.vhd"));
  }

  @Test
  void listingShouldHonourGlobsFiltersAndRecursion(@TempDir Path tmp) throws IOException {
    Files.createDirectories(tmp.resolve("a/b"));
    Files.copy(dir.resolve("fixed.vhd"), tmp.resolve("a/one.vhd"));
    Files.copy(dir.resolve("fixed.vhd"), tmp.resolve("a/b/two.vhd"));
    Files.copy(dir.resolve("fixed.vhd"), tmp.resolve("a/b/three.img"));
    Files.createDirectories(tmp.resolve("a/_tmp"));
    Files.copy(dir.resolve("fixed.vhd"), tmp.resolve("a/_tmp/four.vhd"));
    assertEquals(1, spark.read().format("vhd").load(uri(tmp.resolve("a"))).count());
    assertEquals(3, spark.read().format("vhd").option("recursiveFileLookup", "true").load(uri(tmp.resolve("a")))
        .count());
    assertEquals(2, spark.read().format("vhd").option("recursiveFileLookup", "true")
        .option("pathGlobFilter", "*.vhd").load(uri(tmp.resolve("a"))).count());
    assertEquals(2, spark.read().format("vhd").load(tmp.resolve("a").toUri() + "b/*").count());
    assertEquals(2, spark.read().format("vhd").load(uri(tmp.resolve("a/one.vhd")), uri(tmp.resolve("a/b/two.vhd")))
        .count());
    Exception missing = assertThrows(Exception.class,
        () -> spark.read().format("vhd").load(uri(tmp.resolve("nope"))).count());
    assertTrue(String.valueOf(missing.getMessage()).contains("does not exist"), missing.getMessage());
  }

  @Test
  void aParentOutsideTheDirectoryShouldBeRefusedUnlessAllowed(@TempDir Path tmp) throws IOException {
    Files.createDirectories(tmp.resolve("bases"));
    Files.createDirectories(tmp.resolve("kids"));
    Files.copy(dir.resolve("base.vhd"), tmp.resolve("bases/base.vhd"));
    try (VhdImage c = Vhd.create(tmp.resolve("kids/child.vhd"), CreateOptions.differencing(tmp.resolve("bases/base.vhd")))) {
      c.write(0, java.nio.ByteBuffer.wrap(new byte[] {9}));
    }
    Row refused = spark.read().format("vhd").load(uri(tmp.resolve("kids"))).first();
    assertTrue(String.valueOf(refused.<String>getAs("error")).contains("outside"), refused.toString());
    Row allowed = spark.read().format("vhd").option("parentDirectories", uri(tmp.resolve("bases")))
        .load(uri(tmp.resolve("kids"))).first();
    assertNull(allowed.getAs("error"), allowed.toString());
    assertEquals(2, (int) allowed.getAs("chainDepth"));
    // A missing parent: an error row too, never a failed job.
    Files.delete(tmp.resolve("bases/base.vhd"));
    Row missing = spark.read().format("vhd").option("parentDirectories", uri(tmp.resolve("bases")))
        .load(uri(tmp.resolve("kids"))).first();
    assertNotNull(missing.getAs("error"));
  }

  @Test
  void badOptionsShouldFailBeforeAnyTask() {
    assertThrows(IllegalArgumentException.class,
        () -> spark.read().format("vhd").option("mode", "blocks").load(uri(dir)).count());
    assertThrows(IllegalArgumentException.class,
        () -> spark.read().format("vhd").option("mode", "content").option("chunkSize", "100m").load(uri(dir)).count());
    assertThrows(IllegalArgumentException.class,
        () -> spark.read().format("vhd").option("onError", "ignore").load(uri(dir)).count());
  }

  @Test
  void optionsShouldBeCaseInsensitiveAndLenientShouldOpenMore() {
    List<Row> rows = spark.read().format("vhd").option("MODE", "images").option("Lenient", "true")
        .option("sizePolicy", "current").load(uri(dir.resolve("fixed.vhd"))).collectAsList();
    assertEquals(1, rows.size());
    assertArrayEquals(new Object[] {null}, new Object[] {rows.get(0).getAs("error")});
  }
}
