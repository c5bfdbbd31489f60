package io.github.vhd4j.mmap.internal;

import io.github.vhd4j.internal.storage.ChunkedStorage;
import io.github.vhd4j.internal.storage.OpenFiles;
import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.storage.StorageProvider;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Maps a whole file read-only, once, in power-of-two chunks, for core's chunked reader. Found by
 * core through {@link java.util.ServiceLoader}; not API.
 *
 * <p>Every chunk is one kernel mapping, and Linux allows a process only {@code vm.max_map_count}
 * of them (65,530 by default), shared with the JVM's own heap and code. Running out does not fail
 * cleanly: the JVM dies when it cannot map heap memory. So the mappings this class holds are
 * budgeted to half of that limit; a file that would exceed the budget is refused, and the engine
 * reads it through a file channel instead.
 */
public final class MappedStorageProvider implements StorageProvider {
  /** Mappings all open images may hold together. */
  static final long BUDGET = budget();

  private static final AtomicLong IN_USE = new AtomicLong();

  /** The foreign-memory API on JDK 22+, else null (then Unsafe's cleaner, on JDK 17 to 21). */
  private static final Ffm FFM = Ffm.load();

  /** Creates the provider; called by {@link java.util.ServiceLoader}. */
  public MappedStorageProvider() {}

  private static long budget() {
    // A line read, not Files.readString: /proc files report size 0, and a size-based read can
    // return a single byte of them.
    try (java.io.BufferedReader r = Files.newBufferedReader(Path.of("/proc/sys/vm/max_map_count"))) {
      String line = r.readLine();
      return line == null ? 32_768 : Long.parseLong(line.trim()) / 2;
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }

  /**
   * Returns the mappings currently held by open mapped images.
   *
   * @return the count
   */
  public static long mappingsInUse() {
    return IN_USE.get();
  }

  @Override
  public Storage map(OpenFiles.Lease file, long chunkSize) throws IOException {
    FileChannel channel = file.channel();
    long size = channel.size();
    int shift = Long.numberOfTrailingZeros(chunkSize);
    long count = size == 0 ? 0 : (size - 1) / chunkSize + 1;
    long used = IN_USE.addAndGet(count);
    if (used > BUDGET) {
      IN_USE.addAndGet(-count);
      throw new IOException("mapping it in " + chunkSize + "-byte chunks needs " + count
          + " mappings; " + (used - count) + " of this process's budget of " + BUDGET
          + " (half of vm.max_map_count) are in use");
    }
    ByteBuffer[] chunks = new ByteBuffer[(int) count];
    Ffm ffm = FFM;
    Object arena = ffm != null ? ffm.openArena() : null;
    boolean ok = false;
    try {
      for (int i = 0; i < chunks.length; i++) {
        long at = (long) i << shift;
        long length = Math.min(chunkSize, size - at);
        chunks[i] = arena != null ? ffm.map(channel, at, length, arena)
            : channel.map(FileChannel.MapMode.READ_ONLY, at, length);
      }
      ok = true;
    } finally {
      if (!ok) {
        // Do not leave a partial mapping behind until the next garbage collection.
        release(chunks, arena, true);
        IN_USE.addAndGet(-count);
      }
    }
    // The storage keeps the lease: the file's locks last while it is read, and after a fault the
    // file's length now tells whether it was cut.
    return ChunkedStorage.of(chunks, shift, size, (c, unmap) -> {
      try {
        release(c, arena, unmap);
      } finally {
        IN_USE.addAndGet(-c.length);
      }
    }, file);
  }

  /**
   * Unmaps a file's chunks. With the foreign-memory API the arena is always closed: views handed
   * out then fail cleanly with IllegalStateException. Without it, chunks that views still share
   * are left to the garbage collector, since unmapping them would expose views to freed memory.
   */
  private static void release(ByteBuffer[] chunks, Object arena, boolean unmap) throws IOException {
    if (arena != null) {
      FFM.closeArena(arena);
    } else if (unmap) {
      Unmapper.unmap(chunks);
    }
  }

  /**
   * Tells whether closing an image unmaps its files at once.
   *
   * @return true on JDK 22+ (foreign-memory API) and on JDK 17 to 21 with jdk.unsupported
   */
  public static boolean unmapsOnClose() {
    return FFM != null || Unmapper.isSupported();
  }
}
