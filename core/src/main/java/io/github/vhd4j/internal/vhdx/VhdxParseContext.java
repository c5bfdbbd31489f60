package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.internal.Problems;
import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.ParseMode;
import io.github.vhd4j.internal.vhdx.layout.Le;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * What every part of the VHDX parser shares while one file is parsed: the file, its name, the
 * options, whether this is an open or a check, and the problems found so far.
 *
 * <p>{@link #storage} is what structures are read through: the file itself, or, once a dirty log
 * has been replayed in memory, the file seen through the replayed writes. {@link #length} is the
 * length structures are bounded by: the file's, or the length the replayed log asks for.
 */
public final class VhdxParseContext {
  /** The file as stored: never written by a parse. */
  public final Storage file;
  /** What structures are read through; {@link #file} until a log replay replaces it. */
  public Storage storage;
  /** The length every structure must lie within. */
  public long length;
  /** The file's name for problems. */
  public final String resource;
  /** The file's path, or null for a channel or buffer. */
  public final @Nullable Path path;
  /** The options the image is opened with. */
  public final OpenOptions options;
  /** Open or check. */
  public final ParseMode mode;
  /** The problems found so far. */
  public final Problems p;

  /**
   * Starts a parse.
   *
   * @param file the file
   * @param resource its name
   * @param path its path, or null
   * @param options the options
   * @param mode open or check
   * @param problems where problems go
   */
  public VhdxParseContext(Storage file, String resource, @Nullable Path path, OpenOptions options,
      ParseMode mode, Problems problems) {
    this.file = file;
    this.storage = file;
    this.length = file.size();
    this.resource = resource;
    this.path = path;
    this.options = options;
    this.mode = mode;
    this.p = problems;
  }

  /**
   * Tells whether the file is being checked (every problem is collected) rather than opened.
   *
   * @return true for a check
   */
  public boolean checking() {
    return mode == ParseMode.CHECK;
  }

  /**
   * Tells whether problems a lenient open may downgrade are downgraded.
   *
   * @return true for a lenient open
   */
  public boolean lenient() {
    return mode == ParseMode.OPEN && options.lenient();
  }

  /**
   * Reads a structure through {@link #storage} into a new little-endian buffer. The caller has
   * bounded {@code size} (every VHDX structure read whole is at most 1 MiB, or bounded by the
   * file's length before this is called).
   *
   * @param offset the file offset
   * @param size the bytes to read
   * @return the buffer, from index 0
   * @throws IOException if the bytes cannot be read
   */
  public ByteBuffer read(long offset, int size) throws IOException {
    ByteBuffer b = Le.allocate(size);
    storage.read(offset, b, 0, size);
    return b;
  }
}
