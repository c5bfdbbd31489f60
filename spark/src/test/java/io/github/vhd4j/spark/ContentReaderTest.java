package io.github.vhd4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The content reader alone, without Spark's scheduler: what a task does with a partition it is handed. */
class ContentReaderTest {
  @TempDir Path tmp;

  private static ReadOptions options(String onError) {
    return ReadOptions.parse(new CaseInsensitiveStringMap(java.util.Map.of(
        "path", "unused", "mode", "content", "chunkSize", "4096", "onError", onError)));
  }

  private static Rows rows() {
    return new Rows(Schemas.CONTENT, Schemas.CONTENT);
  }

  private Path file() throws IOException {
    byte[] b = new byte[3 * 4096];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (i / 7);
    }
    return Files.write(tmp.resolve("f.bin"), b);
  }

  private static ContentPartition partition(Path f, long length, long mtime) {
    // A "disk" of 4 chunks: chunk 1 stored at file offset 4096, chunk 3 at file offset 0 ...
    // and chunk 0 and 2 never stored.
    long[] runs = {4096, 4096, 0, 4096, 3 * 4096, 4096, 0, 0};
    return new ContentPartition(List.of(new FileRef(f.toUri().toString(), length, mtime)), 0, 4 * 4096, runs, false,
        new String[0]);
  }

  @Test
  void shouldReadStoredChunksStraightFromTheFile() throws IOException {
    Path f = file();
    byte[] file = Files.readAllBytes(f);
    ContentPartition p = partition(f, Files.size(f), Files.getLastModifiedTime(f).toMillis());
    try (ContentReader r = new ContentReader(new Configuration(), options("fail"), rows(), p)) {
      assertTrue(r.next());
      InternalRow row = r.get();
      assertEquals(4096, row.getLong(1));
      assertArrayEquals(java.util.Arrays.copyOfRange(file, 4096, 8192), row.getBinary(3));
      assertTrue(r.next());
      assertEquals(3 * 4096, r.get().getLong(1));
      assertArrayEquals(java.util.Arrays.copyOfRange(file, 0, 4096), r.get().getBinary(3));
      assertFalse(r.next());
      assertEquals(8192, value(r, VhdMetrics.ZERO_BYTES_SKIPPED));
      assertEquals(8192, value(r, VhdMetrics.BYTES_READ));
    }
  }

  @Test
  void aFileChangedSincePlanningShouldFailTheTaskNamingTheImage() throws IOException {
    Path f = file();
    ContentPartition p = partition(f, Files.size(f) - 1, Files.getLastModifiedTime(f).toMillis());
    try (ContentReader r = new ContentReader(new Configuration(), options("fail"), rows(), p)) {
      IOException e = assertThrows(IOException.class, r::next);
      assertTrue(e.getMessage().contains("f.bin") && e.getMessage().contains("changed since"), e.getMessage());
    }
  }

  @Test
  void aFileChangedSincePlanningShouldBeSkippedAndCountedWhenAsked() throws IOException {
    Path f = file();
    ContentPartition p = partition(f, Files.size(f), Files.getLastModifiedTime(f).toMillis() - 5000);
    try (ContentReader r = new ContentReader(new Configuration(), options("skip"), rows(), p)) {
      assertFalse(r.next());
      assertEquals(2, value(r, VhdMetrics.CHUNKS_SKIPPED));
    }
  }

  @Test
  void aFileCutShorterShouldFailTheRead() throws IOException {
    Path f = file();
    // Planned with the file's present length, but its data run points past the end.
    long[] runs = {0, 4096, 0, 5 * 4096};
    ContentPartition p = new ContentPartition(List.of(new FileRef(f.toUri().toString(), Files.size(f),
        Files.getLastModifiedTime(f).toMillis())), 0, 4096, runs, false, new String[0]);
    try (ContentReader r = new ContentReader(new Configuration(), options("fail"), rows(), p)) {
      IOException e = assertThrows(IOException.class, r::next);
      assertTrue(e.getMessage().contains("ended"), e.getMessage());
    }
  }

  private static long value(ContentReader r, String name) {
    for (CustomTaskMetric m : r.currentMetricsValues()) {
      if (m.name().equals(name)) {
        return m.value();
      }
    }
    throw new AssertionError("no metric " + name);
  }
}
