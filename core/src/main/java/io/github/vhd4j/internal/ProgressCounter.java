package io.github.vhd4j.internal;

import io.github.vhd4j.ProgressListener;

/**
 * Adds up the work of a long operation and reports it to a {@link ProgressListener} as its
 * contract asks: one call at a time, {@code done} never decreasing nor passing {@code total}, and
 * a last call with {@code done == total}.
 */
public final class ProgressCounter {
  private final ProgressListener listener;
  private final long total;
  private long done;

  /**
   * Creates a counter.
   *
   * @param listener told about the progress
   * @param total the work to do, in bytes
   */
  public ProgressCounter(ProgressListener listener, long total) {
    this.listener = listener;
    this.total = total;
  }

  /**
   * Adds finished work and reports the sum.
   *
   * @param n bytes just finished
   */
  public synchronized void add(long n) {
    done = Math.min(total, done + n);
    listener.progress(done, total);
  }

  /** Reports the whole work as done, unless the last report already did (an empty task reports once). */
  public synchronized void finish() {
    if (done < total || total == 0) {
      done = total;
      listener.progress(done, total);
    }
  }
}
