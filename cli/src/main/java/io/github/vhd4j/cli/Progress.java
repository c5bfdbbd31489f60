package io.github.vhd4j.cli;

import io.github.vhd4j.ProgressListener;
import java.io.IOException;
import java.io.PrintStream;
import org.jspecify.annotations.Nullable;

/**
 * A progress bar on standard error, {@code [#####     ]  50%}, redrawn in place at most ten times
 * a second and only when the percentage changes. When the total is unknown (a stream, whose length
 * is known at its end), it shows the bytes done instead: {@code 12.5 MiB}.
 */
final class Progress {
  private static final long INTERVAL_NANOS = 100_000_000L;
  private static final int WIDTH = 40;

  private final PrintStream err;
  private final long total;
  private final boolean enabled;
  /** What is counted, shown after the percentage with the count ("3/10 images"); null: bytes. */
  private final @Nullable String unit;
  private long lastDraw = Long.MIN_VALUE;
  private int lastPercent = -1;
  private String lastText = "";
  private boolean drawn;

  /**
   * Creates a bar.
   *
   * @param err where to draw
   * @param total the amount of work, in bytes; negative when unknown
   * @param enabled false to draw nothing at all
   */
  Progress(PrintStream err, long total, boolean enabled) {
    this(err, total, enabled, null);
  }

  /**
   * Creates a bar that counts things rather than bytes, showing the count after the percentage:
   * {@code [#####     ]  50% 5/10 images}.
   *
   * @param err where to draw
   * @param total how many things there are
   * @param enabled false to draw nothing at all
   * @param unit what they are, for example {@code "images"}; null for bytes
   */
  Progress(PrintStream err, long total, boolean enabled, @Nullable String unit) {
    this.err = err;
    this.total = total;
    this.enabled = enabled;
    this.unit = unit;
  }

  /**
   * Reports the work done so far. Safe to call from several threads.
   *
   * @param done bytes processed
   */
  synchronized void update(long done) {
    if (!enabled) {
      return;
    }
    long now = System.nanoTime();
    if (drawn && now - lastDraw < INTERVAL_NANOS) {
      return;
    }
    if (total < 0) {
      drawCount(done);
      lastDraw = now;
      return;
    }
    int percent = total <= 0 ? 100 : (int) Math.min(100, done * 100.0 / total);
    if (percent == lastPercent && unit == null) {
      return;
    }
    draw(percent, done);
    lastDraw = now;
  }

  /** Draws 100% and ends the line. */
  synchronized void finish() {
    finish(total);
  }

  /**
   * Draws 100% (or, when the total was unknown, {@code done}) and ends the line.
   *
   * @param done the work done, shown when the total was unknown
   */
  synchronized void finish(long done) {
    if (!enabled) {
      return;
    }
    if (total < 0) {
      drawCount(done);
    } else {
      draw(100, done);
    }
    err.println();
    err.flush();
  }

  /**
   * Erases a drawn bar, so that a message can be printed on its line; the next
   * {@link #update} draws it again at once.
   */
  synchronized void clear() {
    if (enabled && drawn) {
      // The widest line draw() makes: bar, percentage and, when counting, "N/N unit".
      int width = WIDTH + 8 + (unit == null ? 0 : 2 * Long.toString(total).length() + unit.length() + 3);
      err.print("\r" + " ".repeat(width) + "\r");
      err.flush();
      drawn = false;
      lastPercent = -1;
    }
  }

  /** Ends the line after a failure, so the error message starts on its own line. */
  synchronized void abort() {
    if (enabled && drawn) {
      err.println();
      err.flush();
    }
  }

  /** Shows the bytes done, padded so that a shorter text covers a longer one. */
  private void drawCount(long done) {
    String text = Sizes.human(Math.max(0, done));
    if (text.equals(lastText)) {
      return;
    }
    err.print("\r" + String.format("%-12s", text));
    err.flush();
    lastText = text;
    drawn = true;
  }

  private void draw(int percent, long done) {
    int filled = percent * WIDTH / 100;
    StringBuilder sb = new StringBuilder(WIDTH + 8).append("\r[");
    for (int i = 0; i < WIDTH; i++) {
      sb.append(i < filled ? '#' : ' ');
    }
    sb.append("] ").append(String.format("%3d%%", percent));
    if (unit != null) {
      sb.append(' ').append(done).append('/').append(total).append(' ').append(unit);
    }
    err.print(sb);
    err.flush();
    lastPercent = percent;
    drawn = true;
  }

  /**
   * A {@link ProgressListener} drawing a {@link Progress} bar whose total is the one the library
   * reports, so that commands need not open the image beforehand to learn it.
   */
  static final class Bar implements ProgressListener {
    private final PrintStream err;
    private final boolean enabled;
    private @Nullable Progress bar;

    /**
     * Creates the adapter.
     *
     * @param err where to draw
     * @param enabled false to draw nothing at all
     */
    Bar(PrintStream err, boolean enabled) {
      this.err = err;
      this.enabled = enabled;
    }

    /**
     * Draws the bar, creating it on the first report.
     *
     * @param done bytes processed so far
     * @param total bytes to process
     */
    @Override
    public synchronized void progress(long done, long total) {
      bar(total).update(done);
    }

    /** A library call that reports to this bar. */
    @FunctionalInterface
    interface Task<T> {
      T call() throws IOException;
    }

    /**
     * Runs {@code task}, then draws 100% and ends the line; when it fails, ends a drawn bar's line
     * first, so that the error line that follows starts on its own.
     *
     * @param task the operation, reporting to this bar
     * @param <T> what it returns
     * @return what the task returned
     * @throws IOException what the task threw
     */
    <T> T around(Task<T> task) throws IOException {
      T result;
      boolean done = false;
      try {
        result = task.call();
        done = true;
      } finally {
        if (!done) {
          abort();
        }
      }
      finish();
      return result;
    }

    /** Draws 100% and ends the line; also for an operation that reported nothing (an empty disk). */
    synchronized void finish() {
      bar(0).finish();
    }

    /** Ends a drawn bar's line, so that the error line that follows starts on its own. */
    synchronized void abort() {
      if (bar != null) {
        bar.abort();
      }
    }

    private Progress bar(long total) {
      Progress b = bar;
      if (b == null) {
        b = new Progress(err, total, enabled);
        bar = b;
      }
      return b;
    }
  }
}
