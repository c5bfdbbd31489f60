package io.github.vhd4j;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How the parent of a differencing disk was found.
 *
 * @param path the parent that was opened
 * @param source which locator (or the parent name, or the resolver) supplied it
 * @param candidates every path tried, in order, the accepted one last
 */
public record ParentResolution(Path path, String source, List<ParentCandidate> candidates) {

  /** Validates the components and copies the list. */
  public ParentResolution {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(source, "source");
    candidates = List.copyOf(candidates);
  }
}
