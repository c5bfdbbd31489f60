package io.github.vhd4j;

import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * No acceptable parent was found for a differencing disk. The exception lists every path that
 * was tried and why each one was rejected. Subclasses tell a UUID or size mismatch and a cycle
 * apart from a plainly missing parent.
 */
public class ParentNotFoundException extends VhdException {
  private static final long serialVersionUID = 1L;

  /** The child's parent UUID. */
  private final UUID parentUuid;
  /** Every path tried. */
  private final List<ParentCandidate> candidates;

  /**
   * Creates the exception.
   *
   * @param headline what went wrong, without the candidate list
   * @param resource the differencing disk whose parent is missing
   * @param parentUuid the parent UUID the child asks for
   * @param candidates every path tried, in order
   * @param cause the first underlying failure, if any
   */
  public ParentNotFoundException(
      String headline,
      String resource,
      UUID parentUuid,
      List<ParentCandidate> candidates,
      @Nullable Throwable cause) {
    super(message(headline, resource, candidates), resource, cause);
    this.parentUuid = parentUuid;
    this.candidates = List.copyOf(candidates);
  }

  private static String message(String headline, String resource, List<ParentCandidate> candidates) {
    String tried =
        candidates.isEmpty()
            ? "no candidate path (no usable locator or parent name)"
            : candidates.stream().map(ParentCandidate::toString).collect(Collectors.joining("; "));
    return headline + " (" + resource + "); tried: " + tried;
  }

  /**
   * Returns the parent UUID the child records.
   *
   * @return the UUID from the child's dynamic header
   */
  public UUID getParentUuid() {
    return parentUuid;
  }

  /**
   * Returns every path tried, in the order tried.
   *
   * @return the candidates
   */
  public List<ParentCandidate> getCandidates() {
    return candidates;
  }
}
