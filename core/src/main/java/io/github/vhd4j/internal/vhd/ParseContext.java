package io.github.vhd4j.internal.vhd;

import io.github.vhd4j.internal.ParseMode;
import io.github.vhd4j.Footer;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.internal.Problems;
import io.github.vhd4j.internal.storage.Storage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * What every part of one image's parse shares: the file, its name and path, the options, what the
 * parse is for, the problems found so far, the file's length and the current time. The length and
 * the time are read once, so that every part bounds by the same length and judges time stamps
 * against the same clock.
 */
final class ParseContext {
  /** Future time stamps within this many seconds are tolerated (Virtual PC 6 wrote local time). */
  static final long TIMESTAMP_SLACK_SECONDS = 86_400;

  final Storage storage;
  final String resource;
  final @Nullable Path path;
  final OpenOptions options;
  final ParseMode mode;
  /** Receives every problem. */
  final Problems p;
  /** The file's length when the parse began. */
  final long length;
  /** Seconds since the VHD epoch, 2000-01-01 UTC. */
  final long nowVhdSeconds;

  /**
   * Creates a context.
   *
   * @param storage the file
   * @param resource its name for messages
   * @param path its path, or null
   * @param options size policy, recovery and parent settings
   * @param mode open or check
   * @param problems receives every problem
   * @param nowVhdSeconds the current time in seconds since the VHD epoch
   */
  ParseContext(Storage storage, String resource, @Nullable Path path, OpenOptions options, ParseMode mode,
      Problems problems, long nowVhdSeconds) {
    this.storage = storage;
    this.resource = resource;
    this.path = path;
    this.options = options;
    this.mode = mode;
    this.p = problems;
    this.length = storage.size();
    this.nowVhdSeconds = nowVhdSeconds;
  }

  /**
   * Creates a context that reads the clock now.
   *
   * @param storage the file
   * @param resource its name for messages
   * @param path its path, or null
   * @param options size policy, recovery and parent settings
   * @param mode open or check
   * @param problems receives every problem
   * @return the context
   */
  static ParseContext now(Storage storage, String resource, @Nullable Path path, OpenOptions options,
      ParseMode mode, Problems problems) {
    return new ParseContext(storage, resource, path, options, mode, problems,
        System.currentTimeMillis() / 1000 - Footer.VHD_EPOCH_SECONDS);
  }

  /**
   * Tells whether the parse is for {@code check}, which reports as errors what opening tolerates.
   *
   * @return true when checking
   */
  boolean checking() {
    return mode == ParseMode.CHECK;
  }

  /**
   * Tells whether the parse opens the image leniently, keeping what is unambiguous.
   *
   * @return true for a lenient open
   */
  boolean lenientOpen() {
    return mode == ParseMode.OPEN && options.lenient();
  }

  /**
   * Tells whether a damaged footer may be replaced by the copy at offset 0: when footer recovery
   * is on, when opening leniently, and always for {@code check}, which reports both copies.
   *
   * @return true when the head copy may stand in
   */
  boolean recovery() {
    return options.footerRecovery() || options.lenient() || checking();
  }

  /**
   * Tells whether a time stamp lies further in the future than clock skew explains.
   *
   * @param vhdSeconds seconds since the VHD epoch, as stored
   * @return true when it lies in the future
   */
  boolean inFuture(long vhdSeconds) {
    return vhdSeconds > nowVhdSeconds + TIMESTAMP_SLACK_SECONDS;
  }

  /**
   * Reads bytes into a new buffer; bytes past {@code length} stay zero.
   *
   * @param offset the file offset, with {@code offset + length} inside the file
   * @param capacity the buffer's size
   * @param length the bytes to read, at most {@code capacity}
   * @return the buffer, big-endian
   * @throws IOException if the file cannot be read
   */
  ByteBuffer read(long offset, int capacity, int length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(capacity);
    storage.read(offset, b, 0, length);
    return b;
  }
}
