package io.github.vhd4j;

/** Which footer field the virtual size was taken from. */
public enum SizeSource {
  /** The CHS geometry (offset 56). */
  CHS,
  /** The current size (offset 48). */
  CURRENT_SIZE
}
