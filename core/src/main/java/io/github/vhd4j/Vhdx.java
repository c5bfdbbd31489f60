package io.github.vhd4j;

import static java.util.Objects.requireNonNull;

import io.github.vhd4j.internal.vhdx.VhdxFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.List;

/**
 * Entry points for VHDX images (MS-VHDX): open and check fixed, dynamic and differencing files,
 * read-only. A file whose log must be replayed (it was not closed cleanly) is replayed in memory,
 * so reads see what Windows would see while the file stays as it is. {@link DiskImages} opens a
 * VHDX as well, by its signature; use this class for the VHDX-specific type. Every method refuses
 * null arguments.
 *
 * <pre>{@code
 * try (VhdxImage image = Vhdx.open(Path.of("disk.vhdx"))) {
 *   long blockSize = image.getBlockSize();
 *   ByteBuffer sector = ByteBuffer.allocate(image.getLogicalSectorSize());
 *   image.readFully(0, sector);
 * }
 * }</pre>
 */
public final class Vhdx {
  /** Largest virtual size of a VHDX disk: 64 TiB (MS-VHDX 2.6.2.2). */
  public static final long MAX_SIZE = 1L << 46;

  private Vhdx() {}

  /**
   * Opens a file with the default (strict) options.
   *
   * @param path the file
   * @return the image; close it when done
   * @throws IOException as for {@link #open(Path, OpenOptions)}
   */
  public static VhdxImage open(Path path) throws IOException {
    return open(path, OpenOptions.defaults());
  }

  /**
   * Opens a file and its parent chain, read-only.
   *
   * @param path the file
   * @param options how to treat it; {@link OpenOptions#writable()} is refused
   * @return the image; closing it closes the file and the parent chain
   * @throws VhdFormatException if the file is not a valid VHDX file (in lenient mode: beyond recovery)
   * @throws UnsupportedVhdFeatureException if it needs a feature this library does not know, or
   *     the options ask for writing
   * @throws ParentNotFoundException if a differencing disk's parent cannot be found or verified
   * @throws IOException if the file cannot be read
   */
  public static VhdxImage open(Path path, OpenOptions options) throws IOException {
    return VhdxFiles.open(requireNonNull(path, "path"), requireNonNull(options, "options"));
  }

  /**
   * Opens a VHDX from a channel the caller keeps; closing the image leaves the channel open. A
   * differencing disk's parents are found only through {@link OpenOptions#parentResolver()}.
   *
   * @param channel the bytes
   * @param resource their name in messages
   * @param options how to treat them
   * @return the image
   * @throws IOException as for {@link #open(Path, OpenOptions)}
   */
  public static VhdxImage open(SeekableByteChannel channel, String resource, OpenOptions options)
      throws IOException {
    return VhdxFiles.open(requireNonNull(channel, "channel"), requireNonNull(resource, "resource"),
        requireNonNull(options, "options"));
  }

  /**
   * Opens a VHDX held in memory: the bytes between the buffer's position and limit, not copied.
   *
   * @param image the bytes
   * @param options how to treat them
   * @return the image
   * @throws IOException as for {@link #open(Path, OpenOptions)}
   */
  public static VhdxImage open(ByteBuffer image, OpenOptions options) throws IOException {
    return VhdxFiles.open(requireNonNull(image, "image"), requireNonNull(options, "options"));
  }

  /**
   * Checks a file with the default options.
   *
   * @param path the file
   * @return every problem found
   * @throws IOException if the file cannot be read
   */
  public static ValidationReport check(Path path) throws IOException {
    return check(path, CheckOptions.defaults());
  }

  /**
   * Checks a file and, as the options say, its parents: every problem of MS-VHDX's rules is
   * reported with its code, structure, field and offset, never thrown; a dirty log is reported.
   *
   * @param path the file
   * @param options what to check
   * @return every problem found
   * @throws IOException if the file cannot be read
   */
  public static ValidationReport check(Path path, CheckOptions options) throws IOException {
    return VhdxFiles.check(requireNonNull(path, "path"), requireNonNull(options, "options"));
  }

  /**
   * Checks a VHDX held in memory.
   *
   * @param image the bytes between position and limit
   * @param options what to check
   * @return every problem found
   * @throws IOException if the bytes cannot be read
   */
  public static ValidationReport check(ByteBuffer image, CheckOptions options) throws IOException {
    return VhdxFiles.check(requireNonNull(image, "image"), requireNonNull(options, "options"));
  }

  /**
   * Replays a dirty log into the file (MS-VHDX 2.3.3), as Windows does when it opens the file for
   * writing, and clears LogGuid in both headers; a clean file is not written. The replay is
   * crash-safe: killed at any write, the file still opens with the same content, and running the
   * repair again finishes it. Only the log is repaired.
   *
   * @param image the file (its parents are not opened)
   * @param options only {@link OpenOptions#locking()} is used: whether the file is held exclusively
   * @return the change made, or nothing for a clean file
   * @throws ImageInUseException if another process uses the file (nothing is changed)
   * @throws VhdFormatException if the file is not a valid VHDX file or its log cannot be replayed
   *     (nothing is changed)
   * @throws IOException if the file cannot be read or written
   */
  public static List<RepairAction> repair(Path image, OpenOptions options) throws IOException {
    return VhdxFiles.repair(requireNonNull(image, "image"), false, requireNonNull(options, "options").locking());
  }

  /**
   * Says what {@link #repair(Path, OpenOptions)} would change, and changes nothing.
   *
   * @param image the file
   * @param options only {@link OpenOptions#locking()} is used: whether the file is read with a reader's lock
   * @return the pending change, or nothing for a clean file
   * @throws IOException if the file cannot be read or is not a valid VHDX file
   */
  public static List<RepairAction> planRepair(Path image, OpenOptions options) throws IOException {
    return VhdxFiles.repair(requireNonNull(image, "image"), true, requireNonNull(options, "options").locking());
  }
}
