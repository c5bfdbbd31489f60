package io.github.vhd4j.internal;

/**
 * What a parse of an image file is for, which decides how damage that another copy can stand in
 * for is reported (a VHD footer recovered from its head copy, a VHDX header or region table copy).
 */
public enum ParseMode {
  /** Opening for reads: damage another copy stands in for is a warning. */
  OPEN,
  /** Checking: every problem is reported, and a damaged copy is an error where the format says so. */
  CHECK
}
