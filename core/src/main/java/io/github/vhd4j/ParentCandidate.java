package io.github.vhd4j;

import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One place the parent search tried for a differencing disk, and what came of it.
 *
 * @param location the place tried: a local file's path, or the name of the source a
 *     {@link SourceResolver} opened (for a place it did not open, the hint's path)
 * @param path the local file tried, or null when a {@link SourceResolver} searched
 * @param source where the path came from, for example {@code "W2ru locator[6]"},
 *     {@code "parent name"} or {@code "resolver"}
 * @param outcome what happened
 * @param detail a short explanation (empty when accepted)
 */
public record ParentCandidate(String location, @Nullable Path path, String source, Outcome outcome, String detail) {

  /**
   * Creates a candidate.
   *
   * @param location the place tried
   * @param path the local file tried, or null
   * @param source where the place came from
   * @param outcome what happened
   * @param detail a short explanation
   */
  public ParentCandidate {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(detail, "detail");
  }

  /**
   * Creates the candidate of a local file, named by its path.
   *
   * @param path the file tried
   * @param source where the path came from
   * @param outcome what happened
   * @param detail a short explanation (empty when accepted)
   */
  public ParentCandidate(Path path, String source, Outcome outcome, String detail) {
    this(path.toString(), path, source, outcome, detail);
  }


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
    String s = location + " (" + source + "): " + outcome.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    return detail.isEmpty() ? s : s + ": " + detail;
  }
}
