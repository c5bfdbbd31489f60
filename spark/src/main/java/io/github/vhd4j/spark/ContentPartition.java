package io.github.vhd4j.spark;

import java.util.List;
import org.apache.spark.sql.connector.read.InputPartition;

/**
 * A slice {@code [start, end)} of one image's virtual disk in {@code content} mode, with what a task
 * needs to read it straight from the files: the chain's files and the slice's data runs, as the
 * driver's one open of the image mapped them. The task never parses a table.
 *
 * <p>{@code runs} holds four longs per data run, in order: virtual start, length, depth (0 is the
 * image itself) and file offset in the file at that depth. Ranges between runs read as zeros. When
 * {@code openInTask} is true, the image's reads do not come straight from its files (a VHDX log
 * replayed in memory), and the task opens the image through the hadoop module instead, using the
 * runs only to tell zero chunks from data.
 */
final class ContentPartition implements InputPartition {
  private static final long serialVersionUID = 1L;

  final List<FileRef> chain;
  final long start;
  final long end;
  final long[] runs;
  final boolean openInTask;
  private final String[] hosts;

  ContentPartition(List<FileRef> chain, long start, long end, long[] runs, boolean openInTask, String[] hosts) {
    this.chain = List.copyOf(chain);
    this.start = start;
    this.end = end;
    this.runs = runs;
    this.openInTask = openInTask;
    this.hosts = hosts;
  }

  FileRef image() {
    return chain.get(0);
  }

  @Override
  public String[] preferredLocations() {
    return hosts.clone();
  }

  @Override
  public String toString() {
    return image().path() + "[" + start + ", " + end + ")";
  }
}
