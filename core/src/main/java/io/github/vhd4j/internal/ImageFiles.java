package io.github.vhd4j.internal;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ProgressListener;
import io.github.vhd4j.ValidationReport;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.internal.storage.FileChannelStorage;
import io.github.vhd4j.internal.storage.OpenFiles;
import io.github.vhd4j.internal.storage.SeekableChannelStorage;
import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.storage.Storages;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens, checks and creates image files and channels: what the public facade's entry points do,
 * here so that the internals that need an image (conversion, maintenance) reach it without the
 * facade.
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
    Storages.Opened opened = Storages.open(path, options);
    Storage storage = opened.storage();
    boolean ok = false;
    try {
      VhdImage image = Chains.open(storage, path.toString(), path, true, options, opened.warnings(path.toString()));
      ok = true;
      return image;
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
    Storages.Opened opened = Storages.open(path, options.openOptions());
    try (Storage storage = opened.storage()) {
      String inUse = opened.inUse();
      return Chains.check(storage, path.toString(), path,
          inUse == null ? List.of() : List.of(Storages.inUseProblem(path.toString(), inUse)), options, progress);
    }
  }

  /**
   * Storage over a channel the caller keeps: a file channel's positional reads (and writes, when
   * the options are writable), or one call at a time for other channels.
   *
   * @param channel the image bytes
   * @param options how the image is opened
   * @return storage that leaves the channel open when closed
   * @throws IOException if the channel's size cannot be read
   */
  public static Storage storage(SeekableByteChannel channel, OpenOptions options) throws IOException {
    if (channel instanceof FileChannel) {
      return options.writable() ? FileChannelStorage.borrowWritable((FileChannel) channel)
          : FileChannelStorage.borrow((FileChannel) channel);
    }
    return new SeekableChannelStorage(channel);
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
