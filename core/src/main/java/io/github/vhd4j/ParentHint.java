package io.github.vhd4j;

import java.util.Objects;

/**
 * One place a differencing disk's own records say its parent is, before any file system is
 * consulted: the path as the format stores it, with Windows separators turned into {@code /}.
 *
 * @param path a path relative to the child's directory (for example {@code ../base.vhd}, or a
 *     bare file name taken from an absolute Windows path, which is looked for beside the child),
 *     or an absolute POSIX path (a Mac locator's)
 * @param relative true when {@code path} is relative to the child's directory
 * @param source the record it comes from, for example {@code "W2ru locator[6]"} or
 *     {@code "relative_path"}
 */
public record ParentHint(String path, boolean relative, String source) {

  /**
   * Creates a hint.
   *
   * @param path the path
   * @param relative whether it is relative to the child's directory
   * @param source the record it comes from
   */
  public ParentHint {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(source, "source");
  }
}
