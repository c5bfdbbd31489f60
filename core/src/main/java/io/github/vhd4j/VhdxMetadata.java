package io.github.vhd4j;

import java.util.List;
import java.util.UUID;

/**
 * The system metadata of a VHDX file (MS-VHDX 2.6.2) and its metadata table.
 *
 * @param blockSize File Parameters: the payload block size, 1 MiB to 256 MiB
 * @param leaveBlockAllocated File Parameters: the blocks stay allocated (a fixed disk)
 * @param hasParent File Parameters: a differencing disk
 * @param virtualSize Virtual Disk Size, bytes
 * @param virtualDiskId Virtual Disk ID (shared by a child and its parent)
 * @param logicalSectorSize 512 or 4096
 * @param physicalSectorSize 512 or 4096
 * @param items every entry of the metadata table, in table order
 */
public record VhdxMetadata(long blockSize, boolean leaveBlockAllocated, boolean hasParent, long virtualSize,
    UUID virtualDiskId, int logicalSectorSize, int physicalSectorSize, List<VhdxMetadataItem> items) {

  /**
   * Copies the list.
   *
   * @param blockSize see the record
   * @param leaveBlockAllocated see the record
   * @param hasParent see the record
   * @param virtualSize see the record
   * @param virtualDiskId see the record
   * @param logicalSectorSize see the record
   * @param physicalSectorSize see the record
   * @param items see the record
   */
  public VhdxMetadata {
    items = List.copyOf(items);
  }
}
