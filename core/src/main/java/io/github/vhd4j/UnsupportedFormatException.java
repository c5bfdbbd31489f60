package io.github.vhd4j;

import java.util.Objects;

/**
 * The file is a disk image of a format this library does not read, such as QCOW2 or VMDK, named
 * by its signature ({@link DiskImages#probe(java.nio.file.Path)}). The message says which format
 * it is, for example {@code "a QCOW2 image; vhd4j reads VHD images (disk.qcow2)"}.
 */
public final class UnsupportedFormatException extends VhdException {
  private static final long serialVersionUID = 1L;

  /** The format found. */
  private final DiskFormat format;

  /**
   * Creates the exception.
   *
   * @param format the format the file is in
   * @param resource the file concerned
   */
  public UnsupportedFormatException(DiskFormat format, String resource) {
    super(message(Objects.requireNonNull(format, "format")) + " (" + resource + ")", resource, null);
    this.format = format;
  }

  private static String message(DiskFormat format) {
    return format.description() + "; vhd4j reads VHD and VHDX images";
  }

  /**
   * Returns the format the file is in.
   *
   * @return the format, never {@link DiskFormat#VHD}
   */
  public DiskFormat getFormat() {
    return format;
  }
}
