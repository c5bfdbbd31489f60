package io.github.vhd4j.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * FIFOs (named pipes) and the other end of them, for the tests of streamed input and output. Each
 * end runs on a daemon thread: opening a FIFO waits for its other end, and a tool that never
 * opens it must not keep the test JVM alive.
 */
public final class Fifos {
  private static final ExecutorService THREADS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fifo-end");
    t.setDaemon(true);
    return t;
  });

  private Fifos() {}

  /**
   * Makes a FIFO, or skips the test where mkfifo(1) is missing.
   *
   * @param p where
   * @return {@code p}
   * @throws IOException if mkfifo cannot be run
   */
  public static Path make(Path p) throws IOException {
    Process proc = new ProcessBuilder("mkfifo", p.toString()).redirectErrorStream(true).start();
    try {
      assumeTrue(proc.waitFor() == 0, "mkfifo is not available");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted making " + p, e);
    }
    return p;
  }

  /**
   * Reads a FIFO to its end. Not with readAllBytes: JDK 17's FileInputStream.readAllBytes asks for
   * the position, which fails on a pipe ("Illegal seek").
   *
   * @param fifo the FIFO
   * @return what was read, once every writer has closed it
   */
  public static CompletableFuture<byte[]> readAll(Path fifo) {
    return CompletableFuture.supplyAsync(() -> {
      try (InputStream s = new FileInputStream(fifo.toFile())) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        for (int n; (n = s.read(buf)) > 0; ) {
          b.write(buf, 0, n);
        }
        return b.toByteArray();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, THREADS);
  }

  /**
   * Writes {@code data} into a FIFO in pieces of 100,000 bytes and closes it.
   *
   * @param fifo the FIFO
   * @param data the bytes
   * @return completes when written; exceptionally when the reader went away (a broken pipe)
   */
  public static CompletableFuture<Void> write(Path fifo, byte[] data) {
    return CompletableFuture.runAsync(() -> {
      try (OutputStream o = new FileOutputStream(fifo.toFile())) {
        for (int p = 0; p < data.length; p += 100_000) {
          o.write(data, p, Math.min(100_000, data.length - p));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, THREADS);
  }

  /**
   * Opens and closes the other end of a FIFO, so that a thread waiting to open it goes on.
   *
   * @param fifo the FIFO
   * @param asWriter true to open it for writing (a waiting reader then reads nothing), false for
   *     reading
   */
  public static void release(Path fifo, boolean asWriter) {
    CompletableFuture.runAsync(() -> {
      try {
        if (asWriter) {
          new FileOutputStream(fifo.toFile()).close();
        } else {
          new FileInputStream(fifo.toFile()).close();
        }
      } catch (IOException e) {
        // Nothing waited.
      }
    }, THREADS);
  }
}
