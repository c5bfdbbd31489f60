package io.github.vhd4j;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The parent locator of a differencing VHDX (MS-VHDX 2.6.2.6): its type and key-value entries.
 *
 * @param locatorType the type GUID (the VHDX type is B04AEFB7-D19E-4A81-B789-25B8E9445913)
 * @param entries every entry in stored order; keys are case-sensitive
 */
public record VhdxParentLocator(UUID locatorType, Map<String, String> entries) {

  /**
   * Copies the map, keeping the order.
   *
   * @param locatorType see the record
   * @param entries see the record
   */
  public VhdxParentLocator {
    entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
  }

  /**
   * Returns {@code parent_linkage}: the parent's DataWriteGuid when the child was made.
   *
   * @return the value as stored (a GUID in braces), or null
   */
  public @Nullable String parentLinkage() {
    return entries.get("parent_linkage");
  }

  /**
   * Returns {@code parent_linkage2}: a second accepted DataWriteGuid.
   *
   * @return the value as stored, or null
   */
  public @Nullable String parentLinkage2() {
    return entries.get("parent_linkage2");
  }

  /**
   * Returns {@code relative_path}: the parent relative to the child's directory, with backslashes.
   *
   * @return the value as stored, or null
   */
  public @Nullable String relativePath() {
    return entries.get("relative_path");
  }

  /**
   * Returns {@code volume_path}: {@code \\?\Volume{GUID}\path}.
   *
   * @return the value as stored, or null
   */
  public @Nullable String volumePath() {
    return entries.get("volume_path");
  }

  /**
   * Returns {@code absolute_win32_path}: a drive-letter or share path.
   *
   * @return the value as stored, or null
   */
  public @Nullable String absoluteWin32Path() {
    return entries.get("absolute_win32_path");
  }
}
