package io.github.vhd4j;

/**
 * The image is well-formed but exceeds a limit this library enforces to stay safe, such as the
 * block-size cap or the parent-chain depth.
 */
public final class VhdLimitException extends VhdFormatException {
  private static final long serialVersionUID = 1L;

  /** What the image asks for. */
  private final long requested;
  /** The enforced maximum. */
  private final long limit;

  /**
   * Creates the exception.
   *
   * @param problem the problem describing the limit (code {@link ProblemCode#BLOCK_SIZE_LIMIT} or
   *     {@link ProblemCode#CHAIN_DEPTH_LIMIT}, for example)
   * @param requested what the image asks for
   * @param limit the enforced maximum
   */
  public VhdLimitException(Problem problem, long requested, long limit) {
    super(problem);
    this.requested = requested;
    this.limit = limit;
  }

  /**
   * Returns what the image asks for.
   *
   * @return the requested amount
   */
  public long getRequested() {
    return requested;
  }

  /**
   * Returns the enforced maximum.
   *
   * @return the limit
   */
  public long getLimit() {
    return limit;
  }
}
