package io.github.vhd4j;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Supplies candidate parent paths for a differencing disk, replacing the built-in resolver.
 *
 * <p>Paths returned by a caller-supplied resolver are trusted: they are not confined to the
 * allowed directories. Every candidate is still opened, validated and checked against the child's
 * parent UUID; the first one that passes becomes the parent.
 */
@FunctionalInterface
public interface ParentResolver {

  /**
   * Returns the paths to try, best first.
   *
   * @param reference what the child records about its parent, including the paths the built-in
   *     resolver would suggest
   * @return the candidates; an empty list means the parent cannot be found
   * @throws IOException if looking up candidates fails
   */
  List<Path> candidates(ParentReference reference) throws IOException;
}
