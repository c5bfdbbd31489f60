package io.github.vhd4j.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import org.jspecify.annotations.Nullable;

/**
 * Standard output that remembers why writing it failed. {@link PrintStream} swallows every
 * {@link IOException} (it only sets a flag that {@link PrintStream#checkError()} reads), so a
 * command printing into {@code /dev/full}, a closed pipe or a closed descriptor would otherwise
 * exit 0 with its output lost; {@link Main} reports the recorded failure instead.
 */
final class Stdout extends PrintStream {
  private final Recorder recorder;

  private Stdout(Recorder recorder, Charset charset) {
    // As the JDK's own System.out: a small buffer, flushed at every line.
    super(new BufferedOutputStream(recorder, 128), true, charset);
    this.recorder = recorder;
  }

  /**
   * Returns a stream over file descriptor 1, in the charset {@link System#out} uses.
   *
   * @return the new standard output
   */
  static Stdout open() {
    return over(new FileOutputStream(FileDescriptor.out), Charset.defaultCharset());
  }

  /**
   * Returns a stream over {@code out} that records its failures (tests use a failing stream).
   *
   * @param out where the bytes go
   * @param charset the text encoding
   * @return the stream
   */
  static Stdout over(OutputStream out, Charset charset) {
    return new Stdout(new Recorder(out), charset);
  }

  /**
   * Returns the first failure to write, without flushing.
   *
   * @return the failure, or null while every write succeeded
   */
  @Nullable IOException failure() {
    return recorder.first;
  }

  /**
   * Returns why writing {@code out} failed, flushing it first, or null when it did not fail.
   *
   * @param out any print stream
   * @return the recorded failure, a generic one when {@code out} records none, or null
   */
  static @Nullable IOException failure(PrintStream out) {
    if (!out.checkError()) {
      return null;
    }
    IOException f = out instanceof Stdout ? ((Stdout) out).failure() : null;
    return f != null ? f : new IOException("write error");
  }

  /** Passes everything through and keeps the first failure. */
  private static final class Recorder extends FilterOutputStream {
    private volatile @Nullable IOException first;

    Recorder(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      try {
        out.write(b);
      } catch (IOException e) {
        throw record(e);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      try {
        out.write(b, off, len);
      } catch (IOException e) {
        throw record(e);
      }
    }

    @Override
    public void flush() throws IOException {
      try {
        out.flush();
      } catch (IOException e) {
        throw record(e);
      }
    }

    private IOException record(IOException e) {
      if (first == null) {
        first = e;
      }
      return e;
    }
  }
}
