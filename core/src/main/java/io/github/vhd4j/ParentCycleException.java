package io.github.vhd4j;

import java.util.List;
import java.util.UUID;

/** The parent chain leads back to an image that is already part of it. */
public final class ParentCycleException extends ParentNotFoundException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param headline what went wrong, naming the chain so far
   * @param resource the differencing disk whose parent closes the cycle
   * @param parentUuid the parent UUID the child asks for
   * @param candidates every path tried
   */
  public ParentCycleException(
      String headline, String resource, UUID parentUuid, List<ParentCandidate> candidates) {
    super(headline, resource, parentUuid, candidates, null);
  }
}
