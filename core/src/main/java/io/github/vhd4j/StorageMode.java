package io.github.vhd4j;

/** How image files are accessed. */
public enum StorageMode {
  /**
   * Positional {@link java.nio.channels.FileChannel} reads: works everywhere, one system call per
   * read. The library default.
   */
  FILE_CHANNEL,
  /**
   * The whole file memory-mapped once, in chunks of {@link OpenOptions#mapChunkSize()}: reads are
   * memory copies. Needs the {@code vhd4j-mmap} module on the class path; when it is missing, or a
   * file cannot be mapped, the image opens with {@link #FILE_CHANNEL} and a
   * {@link ProblemCode#STORAGE_FALLBACK} warning says why.
   */
  MAPPED
}
