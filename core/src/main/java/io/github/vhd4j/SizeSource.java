package io.github.vhd4j;

/** Which footer field the virtual size was taken from. */
public enum SizeSource {
  /** The CHS geometry (offset 56). */
  CHS,
  /** The current size (offset 48). */
  CURRENT_SIZE,
  /**
   * The file's length: a fixed disk whose current size disagrees with the data before its footer,
   * opened leniently, holds the bytes before the footer, as QEMU reads it.
   */
  FILE_LENGTH
}
