package io.github.vhd4j.internal;

import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.VhdLimitException;
import java.util.List;

/**
 * Thrown inside the parser when a problem makes further parsing meaningless. Never leaves the
 * library: callers convert it into a {@link VhdFormatException} or a report entry.
 */
public final class StopParsing extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Problem problem;
  /** For limits: what the image asks for, else -1. */
  private final long requested;
  /** For limits: the maximum, else -1. */
  private final long limit;

  public StopParsing(Problem problem, long requested, long limit) {
    super(problem.describe(), null, false, false);
    this.problem = problem;
    this.requested = requested;
    this.limit = limit;
  }

  /**
   * Returns the problem that stopped parsing.
   *
   * @return the problem
   */
  public Problem problem() {
    return problem;
  }

  /**
   * Converts to the public exception: {@link VhdLimitException} for limits, otherwise
   * {@link VhdFormatException}.
   *
   * @param all every problem found so far
   * @return the exception
   */
  public VhdFormatException toException(List<Problem> all) {
    if (problem.code() == ProblemCode.BLOCK_SIZE_LIMIT || problem.code() == ProblemCode.BAT_LIMIT
        || problem.code() == ProblemCode.CHAIN_DEPTH_LIMIT || problem.code() == ProblemCode.VHDX_METADATA_LIMIT) {
      return new VhdLimitException(problem, requested, limit);
    }
    return new VhdFormatException(problem, all);
  }
}
