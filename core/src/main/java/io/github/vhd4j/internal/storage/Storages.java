package io.github.vhd4j.internal.storage;

import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.StorageMode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;

/** Opens storage as {@link OpenOptions#storage()} asks, falling back to file-channel reads. */
public final class Storages {
  private Storages() {}

  /**
   * Storage and, when the requested mode could not be used, why.
   *
   * @param storage the storage
   * @param fallbackReason null when the requested mode is in use
   */
  public record Opened(Storage storage, @Nullable String fallbackReason) {}

  /** The provider found on the class path, looked up once. */
  private static final class Holder {
    static final @Nullable StorageProvider PROVIDER = find();

    private static @Nullable StorageProvider find() {
      try {
        Iterator<StorageProvider> it =
            ServiceLoader.load(StorageProvider.class, Storages.class.getClassLoader()).iterator();
        return it.hasNext() ? it.next() : null;
      } catch (ServiceConfigurationError e) {
        return null;
      }
    }
  }

  /**
   * Opens a file: read-only, or for reading and writing when the options are writable (then
   * always through a file channel). A missing or unreadable file fails here whatever the mode;
   * only a file that opens but cannot be mapped falls back.
   *
   * @param path the file
   * @param options the storage mode and chunk size
   * @return the storage and any fallback reason
   * @throws IOException if the file cannot be opened
   */
  public static Opened open(Path path, OpenOptions options) throws IOException {
    if (options.writable()) {
      // Writes go through positional file-channel calls; a mapping could not follow the file's
      // growth, so writable images are never mapped.
      return new Opened(FileChannelStorage.openWritable(path), null);
    }
    FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
    boolean keep = false;
    try {
      if (options.storage() == StorageMode.MAPPED) {
        StorageProvider provider = Holder.PROVIDER;
        if (provider == null) {
          keep = true;
          return new Opened(FileChannelStorage.own(ch), "memory mapping needs the vhd4j-mmap module on the class path");
        }
        try {
          Storage mapped = provider.map(ch, options.mapChunkSize());
          return new Opened(mapped, null);
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
          // "Map failed" surfaces as an IOException caused by OutOfMemoryError when the address
          // space or the map count is exhausted; file-channel reads still work.
          keep = true;
          return new Opened(FileChannelStorage.own(ch), "the file could not be mapped: " + e);
        }
      }
      keep = true;
      return new Opened(FileChannelStorage.own(ch), null);
    } finally {
      if (!keep) {
        ch.close();
      }
    }
  }

  /**
   * Describes a fallback as a warning for {@code image.getWarnings()}.
   *
   * @param resource the file
   * @param reason why mapping was not used
   * @return the problem
   */
  public static Problem fallbackProblem(String resource, String reason) {
    return new Problem(ProblemCode.STORAGE_FALLBACK, Severity.WARNING, resource, "file", "storage", -1,
        "mapped", "file channel", "reading through a file channel: " + reason);
  }

  /**
   * Reads an in-memory image: one chunk, or chunks of the map chunk size in mapped mode, so that
   * in-memory images exercise the same chunked reads as mapped files.
   *
   * @param image the bytes between position and limit
   * @param options the storage mode and chunk size
   * @return the storage
   */
  public static Storage memory(ByteBuffer image, OpenOptions options) {
    long chunk = options.storage() == StorageMode.MAPPED ? options.mapChunkSize() : Integer.MAX_VALUE + 1L;
    return ChunkedStorage.ofBuffer(image, chunk);
  }
}
