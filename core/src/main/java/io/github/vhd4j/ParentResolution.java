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

  /**
   * Creates a resolution, copying the list.
   *
   * @param path the parent opened
   * @param source what supplied the path
   * @param candidates every path tried
   */
  public ParentResolution {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(source, "source");
    candidates = List.copyOf(candidates);
  }
}
