package io.github.vhd4j;

/** How serious a {@link Problem} is. */
public enum Severity {
  /** The image violates the format in a way that can make data wrong; strict opening refuses it. */
  ERROR,
  /** The image deviates from the specification, but its content is still unambiguous. */
  WARNING,
  /** A legal but noteworthy property (for example blocks stored out of order). */
  INFO
}
