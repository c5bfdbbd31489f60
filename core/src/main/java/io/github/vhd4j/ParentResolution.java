package io.github.vhd4j;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How the parent of a differencing disk was found.
 *
 * @param location the parent that was opened: its path, or its source's name when a
 *     {@link SourceResolver} opened it
 * @param path the parent's local file, or null when a {@link SourceResolver} opened it
 * @param source which locator (or the parent name, or the resolver) supplied it
 * @param candidates every place tried, in order, the accepted one last
 */
public record ParentResolution(String location, @Nullable Path path, String source, List<ParentCandidate> candidates) {

  /**
   * Creates a resolution, copying the list.
   *
   * @param location the parent opened
   * @param path its local file, or null
   * @param source what supplied it
   * @param candidates every place tried
   */
  public ParentResolution {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(source, "source");
    candidates = List.copyOf(candidates);
  }

  /**
   * Creates the resolution of a parent that is a local file.
   *
   * @param path the parent opened
   * @param source what supplied the path
   * @param candidates every path tried
   */
  public ParentResolution(Path path, String source, List<ParentCandidate> candidates) {
    this(path.toString(), path, source, candidates);
  }
}
