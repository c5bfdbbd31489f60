package io.github.vhd4j.cli;

/** The formats {@code convert} and {@code compare} read. */
enum ImageFormat {
  /** A VHD image (fixed, dynamic or differencing). */
  VHD,
  /** A VHDX image (fixed, dynamic or differencing), read only. */
  VHDX,
  /** Plain guest bytes. */
  RAW
}
