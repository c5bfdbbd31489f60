package io.github.vhd4j.cli;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import org.jspecify.annotations.Nullable;

/**
 * Where a command writes and reads: text to {@code out} and {@code err}, guest bytes to a channel,
 * and raw bytes from standard input ({@code convert -f raw - OUT}).
 */
final class Io {
  final PrintStream out;
  final PrintStream err;
  private final @Nullable WritableByteChannel binaryOut;
  private final @Nullable ReadableByteChannel binaryIn;
  private @Nullable WritableByteChannel stdout;

  /**
   * Creates the streams of one run that reads the process's standard input.
   *
   * @param out text output
   * @param err messages
   * @param binaryOut binary output; null means: the process's standard output when {@code out} is
   *     {@link System#out}, else {@code out} itself
   */
  Io(PrintStream out, PrintStream err, @Nullable WritableByteChannel binaryOut) {
    this(out, err, binaryOut, null);
  }

  /**
   * Creates the streams of one run.
   *
   * @param out text output
   * @param err messages
   * @param binaryOut binary output, as for {@link #Io(PrintStream, PrintStream, WritableByteChannel)}
   * @param binaryIn standard input; null for the process's
   */
  Io(PrintStream out, PrintStream err, @Nullable WritableByteChannel binaryOut,
      @Nullable ReadableByteChannel binaryIn) {
    this.out = out;
    this.err = err;
    this.binaryOut = binaryOut;
    this.binaryIn = binaryIn;
  }

  /**
   * Returns the channel for binary output. For the real standard output this is a
   * {@link java.nio.channels.FileChannel} on file descriptor 1, which writes a direct buffer without
   * copying it; it is never closed, since that would close descriptor 1.
   *
   * @return the channel
   */
  WritableByteChannel binaryOut() {
    if (binaryOut != null) {
      return binaryOut;
    }
    if (stdout == null) {
      out.flush();
      if (out == System.out) {
        @SuppressWarnings("resource")
        FileOutputStream fd1 = new FileOutputStream(FileDescriptor.out);
        stdout = fd1.getChannel();
      } else {
        stdout = Channels.newChannel(out);
      }
    }
    return stdout;
  }

  /**
   * Returns standard input as a channel: a {@link java.nio.channels.FileChannel} on file
   * descriptor 0 unless the run was given another; never to be closed.
   *
   * @return the channel
   */
  ReadableByteChannel stdin() {
    if (binaryIn != null) {
      return binaryIn;
    }
    @SuppressWarnings("resource")
    FileInputStream fd0 = new FileInputStream(FileDescriptor.in);
    return fd0.getChannel();
  }

  /**
   * Stops a command whose output can no longer be written: a long listing ({@code map}) need not
   * run to its end into a closed pipe. Only the tool's own standard output records failures
   * without a flush; for other streams {@link Main} checks once the command has run.
   *
   * @throws CliException naming standard output, once writing it has failed
   */
  void checkStdout() throws CliException {
    IOException f = out instanceof Stdout ? ((Stdout) out).failure() : null;
    if (f != null) {
      throw new CliException(Errors.STDOUT, f);
    }
  }
}
