package io.github.vhd4j;

/**
 * Receives the progress of a long operation ({@link Vhd#convert}, {@link Vhd#convertRaw},
 * {@link DiskImages#convertToRaw}, {@link DiskImages#copyTo}, {@link Vhd#compact}, {@link Vhd#commit}, a deep
 * {@link Vhd#check(java.nio.file.Path, CheckOptions, ProgressListener) check}), in bytes processed. Calls
 * are made one at a time, possibly from different threads, with {@code done} never decreasing;
 * the last call has {@code done == total}. Reading a stream, whose length is known only at its
 * end, reports a total of -1 until that last call. A listener must be quick: the operation waits
 * for it.
 */
@FunctionalInterface
public interface ProgressListener {
  /**
   * Reports progress.
   *
   * @param done bytes of the virtual disk processed so far
   * @param total bytes to process, or -1 while unknown (a stream that has not ended)
   */
  void progress(long done, long total);

  /**
   * Returns a listener that ignores every report.
   *
   * @return the silent listener
   */
  static ProgressListener none() {
    return (done, total) -> { };
  }
}
