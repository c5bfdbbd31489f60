package io.github.vhd4j;

/**
 * Receives the progress of a long operation ({@link Vhd#convert}, {@link Vhd#convertRaw},
 * {@link Vhd#convertToRaw}, {@link Vhd#compact}, {@link Vhd#commit}, a deep
 * {@link Vhd#check(java.nio.file.Path, CheckOptions, ProgressListener) check}), in bytes processed. Calls
 * are made one at a time, possibly from different threads, with {@code done} never decreasing;
 * the last call has {@code done == total}. A listener must be quick: the operation waits for it.
 */
@FunctionalInterface
public interface ProgressListener {
  /**
   * Reports progress.
   *
   * @param done bytes of the virtual disk processed so far
   * @param total bytes to process
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
