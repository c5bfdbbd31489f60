package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.CheckOptions;
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
    Storages.Opened opened = Storages.open(path, options);
    Storage storage = opened.storage();
    boolean ok = false;
    try {
      VhdxImage image = VhdxChains.open(storage, path.toString(), path, true, options,
          opened.warnings(path.toString()));
      ok = true;
      return image;
    } finally {
      if (!ok) {
        storage.close();
      }
    }
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
    return VhdxChains.open(ImageFiles.storage(channel, options), resource, null, false, options, List.of());
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
}
