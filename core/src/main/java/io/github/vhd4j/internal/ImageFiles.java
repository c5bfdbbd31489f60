package io.github.vhd4j.internal;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProgressListener;
import io.github.vhd4j.ValidationReport;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.internal.storage.FileChannelStorage;
import io.github.vhd4j.internal.storage.OpenFiles;
import io.github.vhd4j.internal.storage.SourceStorage;
import io.github.vhd4j.internal.storage.Sources;
import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.storage.Storages;
import io.github.vhd4j.internal.vhd.Chains;
import io.github.vhd4j.internal.vhd.Creator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Opens, checks, probes and creates image files, channels and buffers: what the public facade's entry
 * points do, arguments checked as the facade documents, here so that the internals that need an
 * image (conversion, maintenance) reach it without the facade.
 */
public final class ImageFiles {
  private ImageFiles() {}

  /**
   * Opens an image file and its chain.
   *
   * @param path the image
   * @param options how to treat it
   * @return the open image; closing it closes the file and the parent chain
   * @throws IOException on format errors (typed) or I/O failures
   */
  public static VhdImage open(Path path, OpenOptions options) throws IOException {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(options, "options");
    return openWith(path, options, (storage, warnings) -> Chains.open(storage, path.toString(), path, true, options,
        warnings));
  }

  /** What is made of a file's storage: an image that owns it. */
  @FunctionalInterface
  public interface Owner<T> {
    /**
     * Makes the owner.
     *
     * @param storage the file, now the owner's to close
     * @param warnings what opening the storage found (a fallback from mapping, another writer)
     * @return the owner
     * @throws IOException if it cannot be made
     */
    T make(Storage storage, List<Problem> warnings) throws IOException;
  }

  /**
   * Opens a file's storage as the options say and hands it to {@code owner}; when that fails, the
   * storage is closed, so a failed open leaves no file open and no lock held.
   *
   * @param <T> what is made
   * @param path the file
   * @param options how to open it
   * @param owner what takes the storage
   * @return what {@code owner} made
   * @throws IOException if the file cannot be opened or the owner cannot be made
   */
  public static <T> T openWith(Path path, OpenOptions options, Owner<T> owner) throws IOException {
    Storages.Opened opened = Storages.open(path, options);
    Storage storage = opened.storage();
    boolean ok = false;
    try {
      T made = owner.make(storage, opened.warnings(path.toString()));
      ok = true;
      return made;
    } finally {
      if (!ok) {
        storage.close();
      }
    }
  }

  /**
   * Checks an image file and, as the options say, its chain.
   *
   * @param path the image
   * @param options what to check
   * @param progress told about the deep scans
   * @return the report
   * @throws IOException only if the file cannot be read
   */
  public static ValidationReport check(Path path, CheckOptions options, ProgressListener progress)
      throws IOException {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(progress, "progress");
    Storages.Opened opened = Storages.open(path, options.openOptions());
    try (Storage storage = opened.storage()) {
      String inUse = opened.inUse();
      return Chains.check(storage, path.toString(), path,
          inUse == null ? List.of() : List.of(Storages.inUseProblem(path.toString(), inUse)), options, progress);
    }
  }

  /**
   * Opens an image from a channel the caller keeps: closing the image leaves the channel open.
   *
   * @param channel the image bytes
   * @param resource its name in messages
   * @param options how to treat it
   * @return the open image
   * @throws IOException on format errors (typed) or I/O failures
   */
  public static VhdImage open(SeekableByteChannel channel, String resource, OpenOptions options) throws IOException {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(options, "options");
    Storage storage = storage(channel, resource, options);
    return Chains.open(storage, resource, null, false, options, List.of());
  }

  /**
   * Opens an image held in memory, the bytes between the buffer's position and limit, not copied.
   *
   * @param image the image bytes
   * @param options how to treat it
   * @return the open image
   * @throws IOException on format errors (typed)
   */
  public static VhdImage open(ByteBuffer image, OpenOptions options) throws IOException {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(options, "options");
    return Chains.open(Storages.memory(image, options), "memory", null, true, options, List.of());
  }

  /**
   * Checks an image read from a channel the caller keeps (and its chain, as the options say).
   *
   * @param channel the image bytes
   * @param resource its name in the report
   * @param options what to check
   * @return the report
   * @throws IOException only if the channel cannot be read
   */
  public static ValidationReport check(SeekableByteChannel channel, String resource, CheckOptions options)
      throws IOException {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(options, "options");
    return Chains.check(storage(channel, resource, options.openOptions().withWritable(false)), resource, null, List.of(),
        options, ProgressListener.none());
  }

  /**
   * Checks an image held in memory.
   *
   * @param image the image bytes between position and limit
   * @param options what to check
   * @return the report
   * @throws IOException never for format problems
   */
  public static ValidationReport check(ByteBuffer image, CheckOptions options) throws IOException {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(options, "options");
    return Chains.check(Storages.memory(image, options.openOptions()), "memory", null, List.of(), options,
        ProgressListener.none());
  }

  /**
   * Tells whether a file holds a valid VHD footer where one belongs, or, with {@code cookieOnly},
   * just the footer's cookie; the file is read with a reader's lock.
   *
   * @param path a regular file or a block device
   * @param cookieOnly accept a damaged footer whose cookie is in place
   * @return true when found
   * @throws IOException if the file cannot be read, or is not a regular file or block device
   */
  public static boolean probe(Path path, boolean cookieOnly) throws IOException {
    try (Storage storage = FileChannelStorage.open(path, true)) {
      return cookieOnly ? Probe.hasCookie(storage) : Probe.probe(storage);
    }
  }

  /**
   * Storage over a channel the caller keeps: a file channel's positional reads (and writes, when
   * the options are writable), or one call at a time for other channels.
   *
   * @param channel the image bytes
   * @param resource the image's name, for messages
   * @param options how the image is opened
   * @return storage that leaves the channel open when closed
   * @throws IOException if the channel's size cannot be read
   */
  public static Storage storage(SeekableByteChannel channel, String resource, OpenOptions options)
      throws IOException {
    if (channel instanceof FileChannel) {
      return options.writable() ? FileChannelStorage.borrowWritable((FileChannel) channel)
          : FileChannelStorage.borrow((FileChannel) channel);
    }
    return new SourceStorage(Sources.of(channel, resource.isEmpty() ? "channel" : resource), false);
  }

  /**
   * Creates an image file and opens it for writing on the lease it was created under, so that the
   * file is held from its first byte on. A differencing disk's parent is opened read-only to
   * record it, and its directory is trusted for the new chain: the caller named it.
   *
   * @param path the new file; it must not exist
   * @param options what to create
   * @return the new image, writable
   * @throws IOException if the file exists or cannot be written, or the parent cannot be opened
   */
  public static VhdImage create(Path path, CreateOptions options) throws IOException {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(options, "options");
    OpenOptions open = options.openOptions().withWritable(true);
    Path parentPath = options.parent();
    OpenFiles.Lease file;
    if (parentPath == null) {
      file = Creator.create(path, options, null);
    } else {
      try (VhdImage parent = open(parentPath, options.openOptions().withWritable(false))) {
        file = Creator.create(path, options, parent);
      }
      Path dir = parentPath.toAbsolutePath().normalize().getParent();
      if (dir != null) {
        List<Path> dirs = new ArrayList<>(open.parentDirectories());
        dirs.add(dir);
        open = open.withParentDirectories(dirs);
      }
    }
    boolean ok = false;
    try {
      Storage storage = FileChannelStorage.of(file);
      try {
        VhdImage image = Chains.open(storage, path.toString(), path, true, open, List.of());
        ok = true;
        return image;
      } finally {
        if (!ok) {
          storage.close();
        }
      }
    } finally {
      if (!ok) {
        file.close();
        // The file is ours (create never touches an existing one); a failed create leaves none.
        Files.deleteIfExists(path);
      }
    }
  }
}
