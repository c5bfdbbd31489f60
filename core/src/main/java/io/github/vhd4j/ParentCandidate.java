package io.github.vhd4j;

import java.nio.file.Path;

/**
 * One path the parent resolver tried for a differencing disk, and what came of it.
 *
 * @param path the path tried
 * @param source where the path came from, for example {@code "W2ru locator[6]"},
 *     {@code "parent name"} or {@code "resolver"}
 * @param outcome what happened
 * @param detail a short explanation (empty when accepted)
 */
public record ParentCandidate(Path path, String source, Outcome outcome, String detail) {


  /** What came of trying a candidate. */
  public enum Outcome {
    /** The candidate is the parent. */
    ACCEPTED,
    /** No such file. */
    MISSING,
    /** The file lies outside the directories parents may be opened from. */
    NOT_ALLOWED,
    /** The path exists but is not a regular file. */
    NOT_A_FILE,
    /** The file could not be read. */
    UNREADABLE,
    /** The file is not a valid image of the child's format (VHD for a VHD child, VHDX for a VHDX child). */
    INVALID,
    /** The file's footer UUID is not the child's parent UUID. */
    UUID_MISMATCH,
    /** The file's size differs from the child's (UUID verification off). */
    SIZE_MISMATCH,
    /** The file is already in the chain. */
    CYCLE,
    /** The same file was already tried through another locator. */
    DUPLICATE
  }

  /**
   * Returns the candidate as one line, for example {@code /vm/base.vhd (W2ru locator[6]): missing}.
   *
   * @return the description
   */
  @Override
  public String toString() {
    String s = path + " (" + source + "): " + outcome.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    return detail.isEmpty() ? s : s + ": " + detail;
  }
}
