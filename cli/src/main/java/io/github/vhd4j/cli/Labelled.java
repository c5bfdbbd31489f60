package io.github.vhd4j.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * Channels whose failures name their file: an {@link IOException} of the channel becomes a
 * {@link CliException} about it. The library lets a caller's channel's failures through
 * unchanged, so a command can tell "the output could not be written" (this file) from "the image
 * could not be read" (the library's exception, about the image).
 */
final class Labelled {
  private Labelled() {}

  /**
   * Wraps an output.
   *
   * @param ch the channel; closing the wrapper closes it
   * @param label the file its failures name, as the user wrote it
   * @param limit the most bytes it takes: writing more fails (a block device's size); or
   *     {@link Long#MAX_VALUE}
   * @return the wrapper
   */
  static WritableByteChannel writes(WritableByteChannel ch, String label, long limit) {
    return new WritableByteChannel() {
      private long written;

      @Override
      public int write(ByteBuffer src) throws CliException {
        if (src.remaining() > limit - written) {
          throw new CliException(label, "is full: it holds " + limit + " bytes, and the input is longer");
        }
        try {
          int n = ch.write(src);
          written += n;
          return n;
        } catch (IOException e) {
          throw new CliException(label, e);
        }
      }

      @Override
      public boolean isOpen() {
        return ch.isOpen();
      }

      @Override
      public void close() throws CliException {
        Labelled.close(ch, label);
      }
    };
  }

  /**
   * Wraps an input.
   *
   * @param ch the channel; closing the wrapper closes it
   * @param label the file its failures name
   * @return the wrapper
   */
  static ReadableByteChannel reads(ReadableByteChannel ch, String label) {
    return new ReadableByteChannel() {
      @Override
      public int read(ByteBuffer dst) throws CliException {
        try {
          return ch.read(dst);
        } catch (IOException e) {
          throw new CliException(label, e);
        }
      }

      @Override
      public boolean isOpen() {
        return ch.isOpen();
      }

      @Override
      public void close() throws CliException {
        Labelled.close(ch, label);
      }
    };
  }

  private static void close(Channel ch, String label) throws CliException {
    try {
      ch.close();
    } catch (IOException e) {
      throw new CliException(label, e);
    }
  }
}
