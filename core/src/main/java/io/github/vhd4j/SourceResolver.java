package io.github.vhd4j;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Opens the parents of differencing disks that are not local files, in place of the built-in
 * search of the local file system ({@link OpenOptions#withSourceResolver}).
 *
 * <p>vhd4j asks for each place its own records name, in the format's documented order
 * ({@link ParentReference#hints()}), and validates each source it gets as it validates a parent
 * file: the format, the parent's identity against the child's record, cycles, the chain's depth.
 * The resolver is the confinement: a parent locator is written by whoever wrote the image, so a
 * resolver opens only what the caller allows (typically the child's own directory), and refuses
 * the rest by throwing {@link java.nio.file.AccessDeniedException}.
 */
@FunctionalInterface
public interface SourceResolver {

  /**
   * Opens one place where the child's records say its parent is.
   *
   * @param reference what the child records about its parent; {@link ParentReference#child()} is
   *     the child's source name
   * @param hint the place to try
   * @return the opened source, which vhd4j closes when done with it; null when there is no such
   *     file (the same as throwing {@link java.nio.file.NoSuchFileException})
   * @throws java.nio.file.AccessDeniedException if the resolver does not allow opening that place
   * @throws IOException if it cannot be opened
   */
  @Nullable ImageSource open(ParentReference reference, ParentHint hint) throws IOException;
}
