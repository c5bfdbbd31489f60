package io.github.vhd4j;

import java.util.Objects;

/**
 * What {@link DiskImages#probe(java.nio.file.Path)} found in a file.
 *
 * @param resource the name used in messages: the path as given, or the caller's name for a channel
 * @param format the format its signatures name; {@link DiskFormat#VHD} whenever the VHD footer
 *     cookie is where a footer belongs, valid or not, since a damaged VHD is still a VHD
 * @param length the file's length in bytes (a block device's size)
 */
public record ProbeResult(String resource, DiskFormat format, long length) {

  /**
   * Checks the components.
   *
   * @param resource the name used in messages
   * @param format the format found
   * @param length the file's length, not negative
   */
  public ProbeResult {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(format, "format");
    if (length < 0) {
      throw new IllegalArgumentException("negative length: " + length);
    }
  }

  /**
   * Tells whether vhd4j opens the file: its format's {@link DiskFormat#isReadable()}.
   *
   * @return true for a VHD
   */
  public boolean isReadable() {
    return format.isReadable();
  }
}
