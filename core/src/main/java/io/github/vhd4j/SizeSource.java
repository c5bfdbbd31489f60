package io.github.vhd4j;

/** Which field the virtual size was taken from. */
public enum SizeSource {
  /** The CHS geometry (offset 56). */
  CHS,
  /** The current size (offset 48). */
  CURRENT_SIZE,
  /**
   * The file's length: a fixed disk whose current size disagrees with the data before its footer,
   * opened leniently, holds the bytes before the footer, as QEMU reads it.
   */
  FILE_LENGTH,
  /** A VHDX file's Virtual Disk Size metadata item (MS-VHDX 2.6.2.2), its only size. */
  VIRTUAL_DISK_SIZE
}
