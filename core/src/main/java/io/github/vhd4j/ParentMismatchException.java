package io.github.vhd4j;

import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A file was found where the parent should be, but it is not the parent: its footer UUID (or,
 * with UUID verification off, its size) does not match what the child records.
 */
public final class ParentMismatchException extends ParentNotFoundException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param headline what went wrong
   * @param resource the differencing disk
   * @param parentUuid the parent UUID the child asks for
   * @param candidates every path tried
   * @param cause the first underlying failure, if any
   */
  public ParentMismatchException(
      String headline,
      String resource,
      UUID parentUuid,
      List<ParentCandidate> candidates,
      @Nullable Throwable cause) {
    super(headline, resource, parentUuid, candidates, cause);
  }
}
