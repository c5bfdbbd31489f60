package io.github.vhd4j.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Examines many images on a fixed pool of threads and prints one JSON line per image on standard
 * output, in the order of the inputs whatever order they finish in: an image that could not be
 * examined is a line with an {@code error} object, and the batch goes on. Memory stays bounded:
 * at most {@link #WINDOW_PER_THREAD} images per thread are examined ahead of the oldest one not
 * yet printed, so finished results wait for it in a window of that size, never by thousands.
 */
final class Batch {
  /** Images examined ahead of the oldest unprinted one, per thread: room around a slow image. */
  static final int WINDOW_PER_THREAD = 16;

  /** How an image came out, from best to worst; the batch exits with its worst. */
  enum Status {
    /** Examined, nothing wrong. */
    CLEAN(0),
    /** Examined and found damaged (check: errors), or refused for a malformed structure. */
    PROBLEMS(1),
    /** Could not be examined: missing, unreadable, not an image vhd reads. */
    UNREADABLE(Errors.FAILURE);

    final int exitCode;

    Status(int exitCode) {
      this.exitCode = exitCode;
    }
  }

  /**
   * One image's result.
   *
   * @param json its JSON object, on one line without the line break
   * @param warnings the lines the single-image command would print on standard error for it
   * @param status how it came out
   */
  record Outcome(String json, List<String> warnings, Status status) {}

  /** Examines one image as the single-image command would, printing nothing. */
  @FunctionalInterface
  interface Examiner {
    /**
     * Examines an image.
     *
     * @param image the image as the batch names it
     * @return its result
     * @throws Exception any failure, which becomes the image's error line
     */
    Outcome examine(Path image) throws Exception;
  }

  private final Io io;
  private final int threads;
  private final boolean progress;

  /**
   * Creates a batch.
   *
   * @param io where the lines and the progress bar go
   * @param threads how many images are examined at a time, at least 1
   * @param progress whether to draw a bar of the images done on standard error
   */
  Batch(Io io, int threads, boolean progress) {
    this.io = io;
    this.threads = threads;
    this.progress = progress;
  }

  /**
   * Examines every input and prints its line.
   *
   * @param inputs the files, in the order to print them
   * @param examiner what to do with each
   * @return the exit code: 0 when every image is clean, 1 when some have problems, 2 when some
   *     could not be examined
   * @throws CliException naming standard output once writing it failed: the batch stops there
   * @throws InterruptedException if interrupted while waiting for an image
   */
  int run(List<BatchInputs.Input> inputs, Examiner examiner) throws CliException, InterruptedException {
    Progress bar = new Progress(io.err, inputs.size(), progress, "images");
    ExecutorService pool = Executors.newFixedThreadPool(threads, new Daemons());
    Deque<Future<Outcome>> pending = new ArrayDeque<>();
    int window = threads * WINDOW_PER_THREAD;
    Status worst = Status.CLEAN;
    int done = 0;
    boolean ok = false;
    try {
      bar.update(0);
      for (BatchInputs.Input in : inputs) {
        if (pending.size() >= window) {
          worst = worse(worst, print(pending.removeFirst(), bar));
          bar.update(++done);
        }
        pending.addLast(pool.submit(() -> examine(in, examiner)));
      }
      while (!pending.isEmpty()) {
        worst = worse(worst, print(pending.removeFirst(), bar));
        bar.update(++done);
      }
      ok = true;
    } finally {
      // Also on a failed write: the images still queued are not examined for nothing.
      pool.shutdownNow();
      if (!ok) {
        bar.abort();
      }
    }
    bar.finish();
    return worst.exitCode;
  }

  private static Status worse(Status a, Status b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /** Prints an image's warnings and line once it is done; stops the batch once stdout fails. */
  private Status print(Future<Outcome> next, Progress bar) throws CliException, InterruptedException {
    Outcome o;
    try {
      o = next.get();
    } catch (ExecutionException e) {
      // examine() catches everything; kept so that a bug there still reports, not hangs.
      throw new IllegalStateException(e.getCause());
    }
    if (!o.warnings().isEmpty()) {
      bar.clear();
      for (String w : o.warnings()) {
        io.err.println(w);
      }
      io.err.flush();
    }
    byte[] line = (o.json() + "\n").getBytes(StandardCharsets.UTF_8);
    io.out.write(line, 0, line.length);
    IOException failed = Stdout.failure(io.out);
    if (failed != null) {
      throw new CliException(Errors.STDOUT, failed);
    }
    return o.status();
  }

  /** Runs on a pool thread: one bad image, whatever it throws, is one line, never the end. */
  private static Outcome examine(BatchInputs.Input in, Examiner examiner) {
    try {
      IOException unlisted = in.failure();
      if (unlisted != null) {
        throw unlisted;
      }
      return examiner.examine(in.path());
    } catch (Throwable t) {
      return failed(in.path(), t);
    }
  }

  /**
   * The line of an image that could not be examined: {@code {"filename": ..., "error": {"code":
   * ..., "message": ...}}}.
   *
   * @param image the image as the batch names it
   * @param failure why
   * @return its outcome
   */
  static Outcome failed(Path image, Throwable failure) {
    String name = image.toString();
    StringWriter w = new StringWriter();
    try (JsonGenerator g = Json.compact(w)) {
      g.writeStartObject();
      g.writeStringField("filename", name);
      g.writeObjectFieldStart("error");
      g.writeStringField("code", BatchError.code(failure, image));
      g.writeStringField("message", Errors.message(failure, name));
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      // A StringWriter does not fail.
      throw new IllegalStateException(e);
    }
    return new Outcome(w.toString(), List.of(), BatchError.isProblem(failure) ? Status.PROBLEMS : Status.UNREADABLE);
  }

  /** Pool threads that never keep the JVM alive: a stuck read must not outlive the command. */
  private static final class Daemons implements java.util.concurrent.ThreadFactory {
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, "vhd-batch-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    }
  }
}
