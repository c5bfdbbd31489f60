package io.github.vhd4j;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An open VHDX image (MS-VHDX): the format-neutral {@link DiskImage} with the structures of the
 * file as records. Reading is positional and thread-safe; a dirty log is replayed in memory, so
 * the image reads what Windows would read and the file is not written. Images are read-only.
 */
public interface VhdxImage extends DiskImage {

  /**
   * Returns the creator text of the file identifier (diagnostic only; untrusted).
   *
   * @return the creator, for example {@code "Microsoft Windows 10.0.20348.0"}
   */
  String getCreator();

  /**
   * Returns the header in effect.
   *
   * @return the current header
   */
  VhdxHeader getHeader();

  /**
   * Returns both header copies, in file order, valid or not.
   *
   * @return header 1 and header 2
   */
  List<VhdxHeader> getHeaders();

  /**
   * Returns the region table in effect.
   *
   * @return its entries in table order
   */
  List<VhdxRegion> getRegions();

  /**
   * Returns the system metadata and the metadata table.
   *
   * @return the metadata
   */
  VhdxMetadata getMetadata();

  /**
   * Returns the parent locator of a differencing disk.
   *
   * @return the locator, or null when the disk has no parent
   */
  @Nullable VhdxParentLocator getParentLocator();

  /**
   * Returns what was found in the log and whether it was replayed.
   *
   * @return the log state
   */
  VhdxLogState getLogState();

  /**
   * Returns the disk type: {@link DiskType#FIXED} when File Parameters say the blocks stay
   * allocated, {@link DiskType#DIFFERENCING} when the disk has a parent, else {@link DiskType#DYNAMIC}.
   *
   * @return the type
   */
  DiskType getDiskType();

  /**
   * Returns the payload block size.
   *
   * @return bytes, 1 MiB to 256 MiB
   */
  long getBlockSize();

  /**
   * Returns the logical sector size.
   *
   * @return 512 or 4096
   */
  int getLogicalSectorSize();

  /**
   * Returns the physical sector size.
   *
   * @return 512 or 4096
   */
  int getPhysicalSectorSize();

  /**
   * Returns the parent image of a differencing disk, opened with this one.
   *
   * @return the parent view, or null
   */
  @Override
  @Nullable VhdxImage getParent();

  /**
   * Returns how the parent was found.
   *
   * @return the resolution, or null without a parent
   */
  @Nullable ParentResolution getParentResolution();

  /**
   * Returns this image and its ancestors, this one first.
   *
   * @return the chain
   */
  List<VhdxImage> getChain();
}
