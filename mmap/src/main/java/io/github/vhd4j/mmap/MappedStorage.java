package io.github.vhd4j.mmap;

import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.StorageMode;
import io.github.vhd4j.mmap.internal.MappedStorageProvider;

/**
 * Memory-mapped storage for the vhd4j engine.
 *
 * <p>Select it through the open options; with this module on the class path the engine maps each
 * image file once, read-only, in power-of-two chunks ({@link OpenOptions#mapChunkSize()}, 1 GiB by
 * default) and reads become bulk memory copies into the caller's buffer:
 *
 * <pre>{@code
 * try (VhdImage image = Vhd.open(path, MappedStorage.options())) { ... }
 * }</pre>
 *
 * <p>Files of any size are mapped (a 2040 GiB image takes 2040 chunks of address space, not
 * memory). Reads that cross chunk boundaries are supported. Closing the image unmaps the file at
 * once (through the foreign-memory API on JDK 22+, without any flag or warning): close first waits
 * for reads in flight, so a read racing with close fails with {@link IllegalStateException} and
 * never touches unmapped memory. Zero-copy views ({@code VhdImage.view}) are valid until the image
 * closes; afterwards they either keep working (JDK 17 to 21, where their chunks are left to the
 * garbage collector) or fail with {@link IllegalStateException} (JDK 22+), never touching
 * unmapped memory. When a file cannot be mapped (address space or map count exhausted, or a file
 * system without mmap), the image is read through a file channel and a
 * {@code STORAGE_FALLBACK} warning says why.
 */
public final class MappedStorage {
  private MappedStorage() {}

  /**
   * Returns the default open options with memory mapping selected.
   *
   * @return {@code OpenOptions.defaults().withStorage(StorageMode.MAPPED)}
   */
  public static OpenOptions options() {
    return OpenOptions.defaults().withStorage(StorageMode.MAPPED);
  }

  /**
   * Tells whether this JVM lets mappings be released when an image closes; otherwise the garbage
   * collector releases them later.
   *
   * @return true on JDK 22+ (foreign-memory API) and on JDK 17 to 21 (with the
   *     {@code jdk.unsupported} module, present in every standard JDK)
   */
  public static boolean isUnmapSupported() {
    return MappedStorageProvider.unmapsOnClose();
  }
}
