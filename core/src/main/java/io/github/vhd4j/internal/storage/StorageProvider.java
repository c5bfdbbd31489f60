package io.github.vhd4j.internal.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * Service interface through which core finds memory mapping without depending on the module that
 * implements it ({@code vhd4j-mmap}, registered in {@code META-INF/services}).
 */
public interface StorageProvider {
  /**
   * Maps a whole file read-only.
   *
   * @param channel the open file; the caller closes it afterwards (mappings outlive the channel)
   * @param chunkSize the chunk size, a power of two
   * @return the mapped storage
   * @throws IOException if the file cannot be mapped (the caller then falls back to file-channel
   *     reads and reports why)
   */
  Storage map(FileChannel channel, long chunkSize) throws IOException;
}
