package io.github.vhd4j.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import org.jspecify.annotations.Nullable;

/** Where a command writes: text to {@code out} and {@code err}, guest bytes to a channel. */
final class Io {
  final PrintStream out;
  final PrintStream err;
  private final @Nullable WritableByteChannel binaryOut;
  private @Nullable WritableByteChannel stdout;

  /**
   * Creates the streams of one run.
   *
   * @param out text output
   * @param err messages
   * @param binaryOut binary output; null means: the process's standard output when {@code out} is
   *     {@link System#out}, else {@code out} itself
   */
  Io(PrintStream out, PrintStream err, @Nullable WritableByteChannel binaryOut) {
    this.out = out;
    this.err = err;
    this.binaryOut = binaryOut;
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
}
