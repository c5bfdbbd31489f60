package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.RepairAction;
import io.github.vhd4j.StorageMode;
import io.github.vhd4j.VhdxLogState;
import io.github.vhd4j.internal.vhdx.layout.LogLayout;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ValidationReport;
import io.github.vhd4j.VhdxImage;
import io.github.vhd4j.internal.ImageFiles;
import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.storage.Storages;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.List;

/** Where the VHDX facade's files, channels and buffers become storages for {@link VhdxChains}. */
public final class VhdxFiles {
  private VhdxFiles() {}

  /**
   * Opens a file and its chain.
   *
   * @param path the file
   * @param options how to open it
   * @return the image
   * @throws IOException if it cannot be read or is not a valid VHDX file
   */
  public static VhdxImage open(Path path, OpenOptions options) throws IOException {
    // Refused before the file is opened and locked for writing: another writer must not turn the
    // refusal into "image in use".
    VhdxChains.refuseWritable(options, path.toString());
    return ImageFiles.openWith(path, options, (storage, warnings) -> VhdxChains.open(storage, path.toString(), path,
        true, options, warnings));
  }

  /**
   * Opens a caller's channel; closing the image leaves it open.
   *
   * @param channel the bytes
   * @param resource their name
   * @param options how to open them
   * @return the image
   * @throws IOException as for {@link #open(Path, OpenOptions)}
   */
  public static VhdxImage open(SeekableByteChannel channel, String resource, OpenOptions options)
      throws IOException {
    return VhdxChains.open(ImageFiles.storage(channel, resource, options), resource, null, false, options, List.of());
  }

  /**
   * Opens bytes in memory, not copied.
   *
   * @param image the bytes between position and limit
   * @param options how to open them
   * @return the image
   * @throws IOException as for {@link #open(Path, OpenOptions)}
   */
  public static VhdxImage open(ByteBuffer image, OpenOptions options) throws IOException {
    return VhdxChains.open(Storages.memory(image, options), "memory", null, true, options, List.of());
  }

  /**
   * Checks a file and, as the options say, its chain.
   *
   * @param path the file
   * @param options what to check
   * @return the report
   * @throws IOException if the file cannot be read
   */
  public static ValidationReport check(Path path, CheckOptions options) throws IOException {
    Storages.Opened opened = Storages.open(path, options.openOptions().withWritable(false));
    try (Storage storage = opened.storage()) {
      String inUse = opened.inUse();
      return VhdxChains.check(storage, path.toString(), path,
          inUse == null ? List.of() : List.of(Storages.inUseProblem(path.toString(), inUse)), options);
    }
  }

  /**
   * Checks bytes in memory.
   *
   * @param image the bytes between position and limit
   * @param options what to check
   * @return the report
   * @throws IOException if the bytes cannot be read
   */
  public static ValidationReport check(ByteBuffer image, CheckOptions options) throws IOException {
    return VhdxChains.check(Storages.memory(image, options.openOptions()), "memory", null, List.of(), options);
  }

  /**
   * Replays a dirty log into the file, crash-safely, and clears LogGuid; a clean file is not
   * written. The file is held exclusively while it is written (with locking on).
   *
   * @param path the file (its parents are not opened)
   * @param dryRun true to change nothing and say what a replay would write
   * @param locking whether the file is locked
   * @return the change made (or, in a dry run, pending), or nothing for a clean file
   * @throws IOException if the file cannot be read or written, or its log cannot be replayed
   */
  public static List<RepairAction> repair(Path path, boolean dryRun, boolean locking) throws IOException {
    OpenOptions o = OpenOptions.defaults().withLocking(locking).withWritable(!dryRun)
        .withStorage(StorageMode.FILE_CHANNEL);
    Storages.Opened opened = Storages.open(path, o);
    try (Storage storage = opened.storage()) {
      VhdxLogState log = dryRun ? LogFileReplay.planReplay(storage, path.toString())
          : LogFileReplay.replayIntoFile(storage, path.toString());
      if (!log.dirty()) {
        return List.of();
      }
      return List.of(new RepairAction(LogLayout.STRUCTURE, log.offset(), "replay " + log.entries()
          + (log.entries() == 1 ? " entry" : " entries") + " (sequence " + Long.toUnsignedString(log.firstSequence())
          + " to " + Long.toUnsignedString(log.lastSequence()) + ", " + log.bytes() + " bytes) into the file and"
          + " clear LogGuid in both headers"));
    }
  }
}
