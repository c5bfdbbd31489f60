package io.github.vhd4j;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The image bytes violate the VHD format.
 *
 * <p>The message has the shape {@code footer.checksum at offset 6295040 (0x600e00): expected
 * 0xffffec32, found 0x12345678 (disk.vhd)}; the parts are available through the getters.
 */
public class VhdFormatException extends VhdException {
  private static final long serialVersionUID = 1L;

  /** The error reported. */
  private final Problem problem;
  /** Every problem found up to the error. */
  private final List<Problem> problems;

  /**
   * Creates the exception for the first error found.
   *
   * @param problem the error that stopped the operation
   * @param problems every problem found up to that point, including {@code problem}
   */
  public VhdFormatException(Problem problem, List<Problem> problems) {
    super(problem.describe() + " (" + problem.resource() + ")", problem.resource(), null);
    this.problem = problem;
    this.problems = List.copyOf(problems);
  }

  /**
   * Creates the exception for a single problem.
   *
   * @param problem the error
   */
  public VhdFormatException(Problem problem) {
    this(problem, List.of(Objects.requireNonNull(problem, "problem")));
  }

  /**
   * Returns the error this exception reports.
   *
   * @return the problem
   */
  public Problem getProblem() {
    return problem;
  }

  /**
   * Returns every problem found before opening stopped, warnings included.
   *
   * @return the problems, in the order found
   */
  public List<Problem> getProblems() {
    return problems;
  }

  /**
   * Returns the stable problem code.
   *
   * @return the code
   */
  public ProblemCode getCode() {
    return problem.code();
  }

  /**
   * Returns the structure, for example {@code "footer"}.
   *
   * @return the structure name
   */
  public String getStructure() {
    return problem.structure();
  }

  /**
   * Returns the field, for example {@code "checksum"}.
   *
   * @return the field name
   */
  public String getField() {
    return problem.field();
  }

  /**
   * Returns the absolute file offset of the field.
   *
   * @return the offset in bytes, or -1 when not applicable
   */
  public long getFileOffset() {
    return problem.offset();
  }

  /**
   * Returns the value the format requires.
   *
   * @return the expected value, or null
   */
  public @Nullable String getExpected() {
    return problem.expected();
  }

  /**
   * Returns the value found in the image.
   *
   * @return the actual value, or null
   */
  public @Nullable String getActual() {
    return problem.actual();
  }

  /**
   * Returns the message without the resource suffix.
   *
   * @return for example {@code header.blockSize at offset 544 (0x220): ...}
   */
  public String getDetail() {
    return problem.describe();
  }
}
