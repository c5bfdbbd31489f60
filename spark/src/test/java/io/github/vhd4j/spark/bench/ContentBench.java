package io.github.vhd4j.spark.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.sum;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The content-mode benchmark of jmh/spark-content.sh (not a unit test: its name does not match
 * surefire's includes, and it runs only when {@code vhd4j.bench.dir} is set). Reads every image of
 * the directory in content mode with local[1] and local[2] in turn, after one warm-up run of each
 * so that both see the same JIT state, in two workloads: {@code read} touches every byte
 * ({@code sum(length(data))}); {@code sha256} hashes every chunk ({@code sha2(data, 256)}), the
 * forensic indexing job docs/spark.md shows. Writes the wall-clock times to
 * {@code vhd4j.bench.out}.
 */
class ContentBench {
  @Test
  @EnabledIfSystemProperty(named = "vhd4j.bench.dir", matches = ".+")
  void run() throws IOException {
    String dir = Path.of(System.getProperty("vhd4j.bench.dir")).toUri().toString();
    int repeats = Integer.getInteger("vhd4j.bench.repeats", 3);
    Map<String, List<Long>> times = new LinkedHashMap<>();
    for (String work : List.of("read", "sha256")) {
      times.put(work + " local[1]", new ArrayList<>());
      times.put(work + " local[2]", new ArrayList<>());
    }
    StringBuilder out = new StringBuilder();
    for (int round = -1; round < repeats; round++) {
      for (String key : times.keySet()) {
        String master = key.substring(key.indexOf(' ') + 1);
        boolean hash = key.startsWith("sha256");
        SparkSession spark = SparkSession.builder().master(master).appName("vhd4j-bench")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .getOrCreate();
        try {
          long c0 = cpuNanos();
          long t0 = System.nanoTime();
          Row r = spark.read().format("vhd").option("mode", "content").load(dir)
              .agg(sum(col("length")), hash ? count(sha2(col("data"), 256)) : sum(length(col("data")))).first();
          long ms = (System.nanoTime() - t0) / 1_000_000;
          long cpu = (cpuNanos() - c0) / 1_000_000;
          if (!hash && r.getLong(0) != r.getLong(1)) {
            throw new AssertionError("length column and data disagree: " + r);
          }
          if (round >= 0) {
            times.get(key).add(ms);
          }
          out.append(round < 0 ? "warm-up " : "run " + round + " ").append(key).append(": ").append(ms)
              .append(" ms, ").append(r.getLong(0)).append(" bytes, process CPU ").append(cpu).append(" ms\n");
        } finally {
          spark.stop();
        }
      }
    }
    for (Map.Entry<String, List<Long>> e : times.entrySet()) {
      out.append("median ").append(e.getKey()).append(": ").append(median(e.getValue())).append(" ms\n");
    }
    Files.writeString(Path.of(System.getProperty("vhd4j.bench.out", "target/content-bench.txt")), out);
  }

  /** CPU time of the whole process (every thread: tasks, GC, the JIT): what two cores can give. */
  static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  static long median(List<Long> v) {
    long[] a = v.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(a);
    return a[a.length / 2];
  }
}
