package io.github.vhd4j;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What a differencing disk records about its parent, handed to a {@link ParentResolver} or a
 * {@link SourceResolver}.
 *
 * @param child the differencing disk's resource name (for an image opened from an
 *     {@link ImageSource}, the source's name)
 * @param childPath the differencing disk's path, or null when it was opened from a channel or a
 *     buffer
 * @param parentUuid VHD: the parent's expected footer UUID (dynamic header offset 40); VHDX: the
 *     parent's expected DataWriteGuid (the locator's {@code parent_linkage})
 * @param parentTimestamp VHD: the parent's expected time stamp (dynamic header offset 56); VHDX: 0
 * @param parentName VHD: the parent unicode name (dynamic header offset 64); VHDX: the first of the
 *     locator's {@code relative_path}, {@code absolute_win32_path} and {@code volume_path}
 * @param locators VHD: the non-empty parent locators; VHDX: empty
 * @param suggestedPaths the paths the built-in resolver would try, in its order (W2ru, W2ku, MacX,
 *     parent name, Wi2r, Wi2k; VHDX: relative_path, volume_path, absolute_win32_path), before
 *     confinement to allowed directories; empty when the child is not a local file
 * @param hints the same places as the child's records state them, before any file system is
 *     consulted, in the same order: what a {@link SourceResolver} is asked to open
 */
public record ParentReference(
    String child,
    @Nullable Path childPath,
    UUID parentUuid,
    long parentTimestamp,
    String parentName,
    List<ParentLocator> locators,
    List<Path> suggestedPaths,
    List<ParentHint> hints) {

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
   * @param hints the places the child's records name
   */
  public ParentReference {
    Objects.requireNonNull(child, "child");
    Objects.requireNonNull(parentUuid, "parentUuid");
    Objects.requireNonNull(parentName, "parentName");
    locators = List.copyOf(locators);
    suggestedPaths = List.copyOf(suggestedPaths);
    hints = List.copyOf(hints);
  }

  /**
   * Creates a reference without hints, as vhd4j before {@link SourceResolver} did.
   *
   * @param child the child's resource name
   * @param childPath the child's path, or null
   * @param parentUuid the expected parent UUID
   * @param parentTimestamp the expected parent time stamp
   * @param parentName the parent unicode name
   * @param locators the non-empty locators
   * @param suggestedPaths the built-in resolver's candidates
   */
  public ParentReference(String child, @Nullable Path childPath, UUID parentUuid, long parentTimestamp,
      String parentName, List<ParentLocator> locators, List<Path> suggestedPaths) {
    this(child, childPath, parentUuid, parentTimestamp, parentName, locators, suggestedPaths, List.of());
  }
}
