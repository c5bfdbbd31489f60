package io.github.vhd4j.spark;

import java.io.Serializable;

/**
 * A file as the driver saw it: a task checks that the file still has this length and
 * modification time before it trusts what the driver planned from it.
 *
 * @param path the fully qualified Hadoop path
 * @param length the length in bytes
 * @param modificationTime milliseconds since the epoch (0 where the file system records none)
 */
record FileRef(String path, long length, long modificationTime) implements Serializable {
  private static final long serialVersionUID = 1L;
}
