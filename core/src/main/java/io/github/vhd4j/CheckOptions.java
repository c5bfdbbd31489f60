package io.github.vhd4j;

import java.util.Objects;

/**
 * How {@link Vhd#check} examines an image. Immutable; start from {@link #defaults()}.
 *
 * @param deep also read every allocated block's bitmap and verify that sectors whose bit is clear
 *     hold zeros (reads the whole file); VHD only, since MS-VHDX has no such rule for a VHDX
 * @param checkParents also resolve and check every image of a differencing chain
 * @param openOptions size policy and parent-resolution settings; strictness settings are ignored
 *     because checking reports everything
 * @param azure also check the rules Azure applies to uploaded disks, reporting each broken rule as
 *     an {@link ProblemCode#AZURE_INCOMPATIBLE} error: a fixed disk, a size that is a whole number of
 *     MiB from 20 MiB to 32 TiB, and a current size that is the file's length minus the footer
 */
public record CheckOptions(boolean deep, boolean checkParents, OpenOptions openOptions, boolean azure) {

  private static final CheckOptions DEFAULTS = new CheckOptions(false, true, OpenOptions.defaults(), false);

  /**
   * Creates options, rejecting null open options.
   *
   * @param deep scan bitmaps and data under clear bits
   * @param checkParents check the parent chain too
   * @param openOptions size policy and parent-resolution settings
   * @param azure check Azure's upload rules too
   */
  public CheckOptions {
    Objects.requireNonNull(openOptions, "openOptions");
  }

  /**
   * Returns the defaults: metadata checks only, parents checked, default open options.
   *
   * @return the default options
   */
  public static CheckOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Returns a copy with deep scanning switched on or off.
   *
   * @param value true to scan bitmaps and data
   * @return the new options
   */
  public CheckOptions withDeep(boolean value) {
    return new CheckOptions(value, checkParents, openOptions, azure);
  }

  /**
   * Returns a copy that does or does not follow the parent chain.
   *
   * @param value true to check parents
   * @return the new options
   */
  public CheckOptions withCheckParents(boolean value) {
    return new CheckOptions(deep, value, openOptions, azure);
  }

  /**
   * Returns a copy with other open options (size policy, parent resolution).
   *
   * @param value the options
   * @return the new options
   */
  public CheckOptions withOpenOptions(OpenOptions value) {
    return new CheckOptions(deep, checkParents, value, azure);
  }

  /**
   * Returns a copy that does or does not check Azure's rules for uploaded disks.
   *
   * @param value true to report what Azure would refuse
   * @return the new options
   */
  public CheckOptions withAzure(boolean value) {
    return new CheckOptions(deep, checkParents, openOptions, value);
  }
}
