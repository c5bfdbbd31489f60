package io.github.vhd4j.internal.storage;

import java.io.IOException;

/**
 * Service interface through which core finds memory mapping without depending on the module that
 * implements it ({@code vhd4j-mmap}, registered in {@code META-INF/services}).
 */
public interface StorageProvider {
  /**
   * Maps a whole file read-only.
   *
   * @param file the leased file; on success the storage owns the lease and closes it after
   *     unmapping (the lease holds the file's locks, which must last as long as the mapping is
   *     read), on failure the caller still owns it
   * @param chunkSize the chunk size, a power of two
   * @return the mapped storage
   * @throws IOException if the file cannot be mapped (the caller then falls back to file-channel
   *     reads and reports why)
   */
  Storage map(OpenFiles.Lease file, long chunkSize) throws IOException;
}
