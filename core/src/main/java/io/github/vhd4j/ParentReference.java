package io.github.vhd4j;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What a differencing disk records about its parent, handed to a {@link ParentResolver}.
 *
 * @param child the differencing disk's resource name
 * @param childPath the differencing disk's path, or null when it was opened from a channel or a
 *     buffer
 * @param parentUuid the parent's expected footer UUID (dynamic header offset 40)
 * @param parentTimestamp the parent's expected time stamp (dynamic header offset 56)
 * @param parentName the parent unicode name (dynamic header offset 64)
 * @param locators the non-empty parent locators
 * @param suggestedPaths the paths the built-in resolver would try, in its order (W2ru, W2ku, MacX,
 *     parent name, Wi2r, Wi2k), before confinement to allowed directories
 */
public record ParentReference(
    String child,
    @Nullable Path childPath,
    UUID parentUuid,
    long parentTimestamp,
    String parentName,
    List<ParentLocator> locators,
    List<Path> suggestedPaths) {

  /**
   * Creates a reference, copying the lists.
   *
   * @param child the child's resource name
   * @param childPath the child's path, or null
   * @param parentUuid the expected parent UUID
   * @param parentTimestamp the expected parent time stamp
   * @param parentName the parent unicode name
   * @param locators the non-empty locators
   * @param suggestedPaths the built-in resolver's candidates
   */
  public ParentReference {
    Objects.requireNonNull(child, "child");
    Objects.requireNonNull(parentUuid, "parentUuid");
    Objects.requireNonNull(parentName, "parentName");
    locators = List.copyOf(locators);
    suggestedPaths = List.copyOf(suggestedPaths);
  }
}
