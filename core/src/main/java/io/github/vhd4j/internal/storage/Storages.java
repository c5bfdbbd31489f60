package io.github.vhd4j.internal.storage;

import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.StorageMode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;

/** Opens storage as {@link OpenOptions#storage()} asks, falling back to file-channel reads. */
public final class Storages {
  private Storages() {}

  /**
   * Storage and what its opening found worth a warning.
   *
   * @param storage the storage
   * @param fallbackReason why the requested mode is not in use, or null when it is
   * @param inUse why the content may change while it is read (another process writes the file),
   *     or null
   */
  public record Opened(Storage storage, @Nullable String fallbackReason, @Nullable String inUse) {
    /**
     * Returns the warnings to report with the image.
     *
     * @param resource the file's name in the warnings
     * @return the fallback and in-use warnings, in that order; often empty
     */
    public List<Problem> warnings(String resource) {
      List<Problem> out = new ArrayList<>(2);
      if (fallbackReason != null) {
        out.add(fallbackProblem(resource, fallbackReason));
      }
      if (inUse != null) {
        out.add(inUseProblem(resource, inUse));
      }
      return out;
    }
  }

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
   * always through a file channel), leased from {@link OpenFiles} with the locks
   * {@link OpenOptions#locking()} asks for. A missing, unreadable or refused file (a FIFO, a file
   * another process writes when opening for writing) fails here whatever the mode; only a file
   * that opens but cannot be mapped falls back.
   *
   * @param path the file
   * @param options the storage mode, chunk size, writability and locking
   * @return the storage and any warnings about it
   * @throws io.github.vhd4j.ImageInUseException if the options are writable and another process
   *     uses the file
   * @throws IOException if the file cannot be opened
   */
  public static Opened open(Path path, OpenOptions options) throws IOException {
    return open(path, options, null);
  }

  /**
   * Opens a file as {@link #open(Path, OpenOptions)} does, looking for writers elsewhere in a lock
   * table read once for a series of opens (the parents of a chain).
   *
   * @param path the file
   * @param options the storage mode, chunk size, writability and locking
   * @param table the kernel's lock table as read for the series, or null to read it for this open
   * @return the storage and any warnings about it
   * @throws IOException as for {@link #open(Path, OpenOptions)}
   */
  public static Opened open(Path path, OpenOptions options, @Nullable ProcLocks table) throws IOException {
    OpenFiles.Lease lease = OpenFiles.open(path, options.writable() ? OpenFiles.Access.WRITE
        : OpenFiles.Access.READ, options.locking(), table);
    boolean keep = false;
    try {
      if (options.writable()) {
        // Writes go through positional file-channel calls; a mapping could not follow the file's
        // growth, so writable images are never mapped.
        keep = true;
        return new Opened(FileChannelStorage.of(lease), null, null);
      }
      String inUse = lease.inUse();
      if (options.storage() == StorageMode.MAPPED) {
        StorageProvider provider = Holder.PROVIDER;
        if (provider == null) {
          keep = true;
          return new Opened(FileChannelStorage.of(lease), "memory mapping needs the vhd4j-mmap module on the class"
              + " path", inUse);
        }
        try {
          Storage mapped = provider.map(lease, options.mapChunkSize());
          keep = true;
          return new Opened(mapped, null, inUse);
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
          // "Map failed" surfaces as an IOException caused by OutOfMemoryError when the address
          // space or the map count is exhausted; file-channel reads still work.
          keep = true;
          return new Opened(FileChannelStorage.of(lease), "the file could not be mapped: " + e, inUse);
        }
      }
      keep = true;
      return new Opened(FileChannelStorage.of(lease), null, inUse);
    } finally {
      if (!keep) {
        lease.close();
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
   * Describes another process writing the file as a warning.
   *
   * @param resource the file
   * @param why the lease's account of it ({@link OpenFiles.Lease#inUse()})
   * @return the problem
   */
  public static Problem inUseProblem(String resource, String why) {
    return new Problem(ProblemCode.IMAGE_IN_USE, Severity.WARNING, resource, "file", "lock", -1,
        "no writer in another process", "open for writing in another process", why);
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
