package io.github.vhd4j;

/**
 * Stable identifiers of everything the validator can report.
 *
 * <p>Names never change once released; new codes may be added. Each constant documents the VHD
 * structure it concerns. The severity a problem is reported with is carried by {@link Problem},
 * because some codes are an error in one situation and a warning in another.
 */
public enum ProblemCode {
  /** The file is shorter than the smallest possible footer (511 bytes). */
  FILE_TOO_SMALL,
  /** No footer cookie {@code "conectix"} where a footer must be. */
  FOOTER_COOKIE,
  /** Footer checksum (offset 64) does not match the one's complement byte sum. */
  FOOTER_CHECKSUM,
  /** Footer features (offset 8): the reserved bit 0x2 is missing or unknown bits are set. */
  FOOTER_FEATURES,
  /** Footer file format version (offset 12) is not 0x00010000. */
  FOOTER_VERSION,
  /** Footer data offset (offset 16) is invalid for the disk type or outside the file. */
  FOOTER_DATA_OFFSET,
  /** Footer time stamp (offset 24) lies in the future. */
  FOOTER_TIMESTAMP,
  /** Footer disk type (offset 60) is not fixed (2), dynamic (3) or differencing (4). */
  FOOTER_DISK_TYPE,
  /** Footer current size (offset 48) is not a whole number of sectors or is out of range. */
  FOOTER_CURRENT_SIZE,
  /** Footer original size (offset 40) differs from the current size (the disk was resized). */
  FOOTER_ORIGINAL_SIZE,
  /** Footer disk geometry (offset 56) is invalid, non-standard or larger than the current size. */
  FOOTER_GEOMETRY,
  /** Footer saved state (offset 84) is set or has a value other than 0 and 1. */
  FOOTER_SAVED_STATE,
  /** Footer reserved bytes (offsets 85 to 511) are not zero. */
  FOOTER_RESERVED,
  /** Footer unique id (offset 68) is all zeros. */
  FOOTER_UUID,
  /** Footer creator host OS (offset 36) is neither {@code "Wi2k"} nor {@code "Mac "}. */
  FOOTER_CREATOR_OS,
  /** The footer is the 511-byte variant written before Virtual PC 2004. */
  FOOTER_SHORT,
  /** The footer at the end of the file is unusable and the copy at offset 0 was used instead. */
  FOOTER_HEAD_COPY_USED,
  /** The footer copy at offset 0 of a dynamic or differencing disk is missing or invalid. */
  FOOTER_COPY_INVALID,
  /** The footer copy at offset 0 differs from the footer at the end of the file. */
  FOOTER_COPY_MISMATCH,
  /**
   * The virtual size of a dynamic or differencing disk exceeds 2040 GiB (0xFF000000 sectors); or a
   * stream being converted holds more than the new image can ({@code input.length}).
   */
  SIZE_LIMIT,
  /** The CHS size and the current size disagree; reports which one the size policy chose. */
  SIZE_SOURCES_DIFFER,
  /** A fixed disk's current size does not match the file length minus the footer. */
  FIXED_SIZE_MISMATCH,
  /** Dynamic header cookie (offset 0) is not {@code "cxsparse"}. */
  HEADER_COOKIE,
  /** Dynamic header checksum (offset 36) does not match. */
  HEADER_CHECKSUM,
  /** Dynamic header version (offset 24) is not 0x00010000. */
  HEADER_VERSION,
  /** Dynamic header data offset (offset 8, unused) is not all ones. */
  HEADER_NEXT_OFFSET,
  /** Dynamic header table offset (offset 16) is misaligned, overlaps metadata or leaves the file. */
  HEADER_TABLE_OFFSET,
  /** Dynamic header reserved fields (offsets 60 and 768 to 1023) are not zero. */
  HEADER_RESERVED,
  /** A non-differencing disk carries parent UUID, time stamp, name or locators. */
  HEADER_PARENT_FIELDS,
  /** Dynamic header block size (offset 32) is not a power of two of at least 512 bytes. */
  BLOCK_SIZE_INVALID,
  /** Dynamic header block size exceeds the library's cap ({@link Vhd#MAX_BLOCK_SIZE}). */
  BLOCK_SIZE_LIMIT,
  /** Block size other than 512 KiB or 2 MiB; legal, but some tools only support those. */
  BLOCK_SIZE_NONSTANDARD,
  /** The block allocation table has more entries than the library's cap ({@link Vhd#MAX_TABLE_ENTRIES}). */
  BAT_LIMIT,
  /** The virtual size needs more than 2^32 - 1 blocks. */
  TOO_MANY_BLOCKS,
  /** The block allocation table (max table entries, offset 28) does not fit inside the file. */
  BAT_OUTSIDE_FILE,
  /** The block allocation table has fewer entries than the disk has blocks. */
  BAT_TOO_SMALL,
  /** The block allocation table has more entries than the disk has blocks. */
  BAT_TOO_LARGE,
  /** Entries padding the table to a sector boundary are not 0xFFFFFFFF. */
  BAT_PADDING,
  /**
   * The blktap batmap after the table ({@code "tdbatmap"}: a bitmap of fully written blocks that
   * Xen tools keep) is inconsistent: unknown version, map outside the file, wrong size or
   * checksum. Reads do not use it; it is validated so that it is known metadata.
   */
  BATMAP,
  /** A table entry points to a block that does not lie wholly inside the file. */
  BAT_ENTRY_OUTSIDE_FILE,
  /** A table entry points into the footer copy, the dynamic header, the table or locator data. */
  BAT_ENTRY_IN_METADATA,
  /** Two table entries point to overlapping blocks. */
  BAT_ENTRY_OVERLAP,
  /** A table entry beyond the disk's last block is allocated. */
  BAT_EXTRA_ENTRY_ALLOCATED,
  /** Blocks are stored in a different order than their table indexes (legal). */
  BAT_BLOCKS_UNORDERED,
  /** There is unused space between stored blocks (legal, for example 4 KiB alignment). */
  BAT_BLOCK_GAPS,
  /** A differencing disk has a null parent UUID (dynamic header offset 40). */
  PARENT_UUID_NULL,
  /** Parent time stamp (dynamic header offset 56) lies in the future. */
  PARENT_TIMESTAMP,
  /** Parent time stamp differs from the parent footer's time stamp. */
  PARENT_TIMESTAMP_MISMATCH,
  /** Parent unicode name (dynamic header offset 64) is empty or not valid UTF-16. */
  PARENT_NAME,
  /** A parent locator has an unknown platform code. */
  LOCATOR_CODE,
  /** A parent locator whose code is none has non-zero fields. */
  LOCATOR_NOT_EMPTY,
  /** A parent locator's data lies outside the file or is longer than its space or the cap. */
  LOCATOR_BOUNDS,
  /** A parent locator's data space is neither a sector count nor a byte count. */
  LOCATOR_DATA_SPACE,
  /** A parent locator's data cannot be decoded as a path. */
  LOCATOR_ENCODING,
  /** Two parent locators share a platform code. */
  LOCATOR_DUPLICATE,
  /** A parent locator's reserved field is not zero. */
  LOCATOR_RESERVED,
  /** A parent locator's data overlaps the footer copy, the dynamic header or the table. */
  LOCATOR_OVERLAP,
  /** A parent locator names a different file than the parent unicode name. */
  LOCATOR_NAME_MISMATCH,
  /** A differencing disk has no usable parent locator. */
  LOCATOR_MISSING,
  /** No acceptable parent image was found. */
  PARENT_NOT_FOUND,
  /** The parent's footer UUID differs from the child's parent UUID. */
  PARENT_UUID_MISMATCH,
  /** The parent's size differs from the child's (checked when UUID verification is off). */
  PARENT_SIZE_MISMATCH,
  /** The parent is smaller than the child; the child reads zeros beyond it. */
  PARENT_SIZE_SMALLER,
  /** The parent chain leads back to an image already in the chain. */
  PARENT_CYCLE,
  /** The parent chain is deeper than the configured limit. */
  CHAIN_DEPTH_LIMIT,
  /**
   * Memory mapping was requested but the file is read through a file channel instead: the mmap
   * module is missing or the file could not be mapped. The message says why.
   */
  STORAGE_FALLBACK,
  /**
   * Another process has the image open for writing (it holds the write lock QEMU takes, or a
   * writing vhd4j holds the image exclusively), so its content may change while it is read. A
   * read-only open reports this as a warning and goes on; see {@link OpenOptions#locking()}.
   */
  IMAGE_IN_USE,
  /** A sector whose bitmap bit is clear holds non-zero data (deep check). */
  BLOCK_DATA_UNDER_CLEAR_BIT,
  /** Bits are set in a block bitmap beyond the block's sectors or the disk's end (deep check). */
  BLOCK_BITMAP_PADDING,
  /** An allocated block's bitmap has no bit set (deep check). */
  BLOCK_BITMAP_EMPTY,
  /**
   * The disk breaks a rule Azure applies to uploaded disks ({@link CheckOptions#azure()}): not
   * fixed, a size that is not a whole number of MiB or outside 20 MiB to 32 TiB, or a current size
   * other than the file's length minus the footer. The message says which and how to fix it.
   */
  AZURE_INCOMPATIBLE,
  /** VHDX: the file is shorter than the 1 MiB header section (MS-VHDX 2.2). */
  VHDX_FILE_TOO_SMALL,
  /** VHDX: the file identifier (offset 0) does not start with {@code vhdxfile}. */
  VHDX_SIGNATURE,
  /** VHDX: a header copy (offset 64 KiB or 128 KiB) does not start with {@code head}; that copy is not used. */
  VHDX_HEADER_SIGNATURE,
  /** VHDX: a header copy's CRC-32C (offset 4) is wrong; that copy is not used. */
  VHDX_HEADER_CHECKSUM,
  /** VHDX: neither header copy is valid. */
  VHDX_NO_VALID_HEADER,
  /** VHDX: both header copies carry the same sequence number (offset 8) but differ (Disk2vhd's identical pair is accepted). */
  VHDX_HEADER_SEQUENCE,
  /** VHDX: the current header's version (offset 66) is not 1. */
  VHDX_HEADER_VERSION,
  /** VHDX: the current header's log version (offset 64) is not 0 although a log must be replayed. */
  VHDX_LOG_VERSION,
  /** VHDX: the header's log offset (72) or length (68) is not a multiple of 1 MiB, lies in the header section, passes the file's end or exceeds 1 GiB. */
  VHDX_LOG_PLACEMENT,
  /** VHDX: the header names a log GUID (offset 48) but the log length is zero. */
  VHDX_LOG_GUID_WITHOUT_LOG,
  /** VHDX: a header's reserved bytes (offsets 80 to 4095) are not zero. */
  VHDX_HEADER_RESERVED,
  /** VHDX: a region table copy (offset 192 KiB or 256 KiB) does not start with {@code regi}; that copy is not used. */
  VHDX_REGION_TABLE_SIGNATURE,
  /** VHDX: a region table copy's CRC-32C (offset 4) is wrong; that copy is not used. */
  VHDX_REGION_TABLE_CHECKSUM,
  /** VHDX: neither region table copy is valid. */
  VHDX_NO_VALID_REGION_TABLE,
  /** VHDX: both region table copies are valid but differ; the first is used. */
  VHDX_REGION_TABLE_MISMATCH,
  /** VHDX: the region table's entry count (offset 8) exceeds 2047. */
  VHDX_REGION_TABLE_COUNT,
  /** VHDX: the region table's reserved field (offset 12) is not zero. */
  VHDX_REGION_TABLE_RESERVED,
  /** VHDX: a region's file offset or length is not a whole, non-zero number of MiB, lies in the header section or passes the file's end. */
  VHDX_REGION_PLACEMENT,
  /** VHDX: two region table entries carry the same GUID. */
  VHDX_REGION_DUPLICATE,
  /** VHDX: the BAT or metadata region is missing from the region table. */
  VHDX_REGION_MISSING,
  /** VHDX: the region table holds a region this library does not know, marked required. */
  VHDX_REGION_UNKNOWN_REQUIRED,
  /** VHDX: a region entry's reserved bits (offset 28, bits 1-31) are set. */
  VHDX_REGION_FLAGS,
  /** VHDX: regions, the log and the header section overlap. */
  VHDX_REGION_OVERLAP,
  /** VHDX: the header names a log that must be replayed (LogGuid not zero): the file was not closed cleanly. A read-only open replays it in memory; {@code repair} replays it into the file. */
  VHDX_LOG_DIRTY,
  /** VHDX: a log must be replayed but holds no valid sequence of entries. */
  VHDX_LOG_NO_ACTIVE_SEQUENCE,
  /** VHDX: a log entry is invalid (signature, checksum, length, sequence, descriptor or data sector); it is not replayed. */
  VHDX_LOG_ENTRY,
  /** VHDX: the file is shorter than the last log entry's flushed file offset: it was truncated. */
  VHDX_LOG_TRUNCATED,
  /** VHDX: a log entry writes outside what a log may write (the identifier and headers, the log itself, or past the largest possible file). */
  VHDX_LOG_BOUNDS,
  /** VHDX: the metadata table does not start with {@code metadata}. */
  VHDX_METADATA_SIGNATURE,
  /** VHDX: reserved fields of the metadata table or of an entry are not zero. */
  VHDX_METADATA_RESERVED,
  /** VHDX: the metadata table's entry count exceeds 2047, or there are more than 1024 user or 1023 system entries. */
  VHDX_METADATA_COUNT,
  /** VHDX: a metadata entry is malformed: reserved flag bits, a zero item GUID, a user item marked required, or a duplicate item. */
  VHDX_METADATA_ENTRY,
  /** VHDX: a metadata item lies outside the metadata region, in the table, or is longer than 1 MiB. */
  VHDX_METADATA_ITEM_PLACEMENT,
  /** VHDX: two metadata items overlap. */
  VHDX_METADATA_ITEM_OVERLAP,
  /** VHDX: the metadata table holds a system item this library does not know, marked required. */
  VHDX_METADATA_UNKNOWN_REQUIRED,
  /** VHDX: a required system metadata item is missing. */
  VHDX_METADATA_MISSING,
  /** VHDX: a known metadata item has the wrong length or flags. */
  VHDX_METADATA_ITEM_LENGTH,
  /** VHDX: the metadata holds Windows' incomplete-file item: the file was never finished. */
  VHDX_INCOMPLETE_FILE,
  /** VHDX: the metadata region is larger than this library reads (128 MiB). */
  VHDX_METADATA_LIMIT,
  /** VHDX: the block size (File Parameters) is not a power of two from 1 MiB to 256 MiB. */
  VHDX_BLOCK_SIZE,
  /** VHDX: File Parameters' reserved flag bits (2-31) are set. */
  VHDX_FILE_PARAMETERS_RESERVED,
  /** VHDX: the virtual disk size is zero, above 64 TiB, or not a multiple of the logical sector size. */
  VHDX_VIRTUAL_SIZE,
  /** VHDX: the logical or physical sector size is neither 512 nor 4096. */
  VHDX_SECTOR_SIZE,
  /** VHDX: File Parameters' HasParent flag and the presence of a parent locator disagree. */
  VHDX_PARENT_LOCATOR_PRESENCE,
  /** VHDX: the parent locator is malformed (type, counts, offsets, lengths, text, duplicate keys, or no parent_linkage or path). */
  VHDX_PARENT_LOCATOR,
  /** VHDX: the BAT region is too small for the entries the disk needs. */
  VHDX_BAT_TOO_SMALL,
  /** VHDX: reserved bits 3-19 of a BAT entry are set. */
  VHDX_BAT_RESERVED,
  /** VHDX: a payload entry's state is undefined, or partially present in a disk without a parent. */
  VHDX_BAT_STATE,
  /** VHDX: a sector bitmap entry's state is neither 0 nor 6, or 6 in a disk without a parent. */
  VHDX_BITMAP_STATE,
  /** VHDX: a present block's file offset is zero, in the header section, or (partly) past the file's end. */
  VHDX_BAT_OFFSET,
  /** VHDX: a present block overlaps another block, a sector bitmap, a region or the log. */
  VHDX_BAT_OVERLAP,
  /** VHDX: a partially present block's chunk has no sector bitmap. */
  VHDX_BITMAP_MISSING,
  /** VHDX: an entry that is not present carries a file offset; it is never read. */
  VHDX_BAT_STALE_OFFSET,
  /** VHDX: the parent's DataWriteGuid matches neither parent_linkage nor parent_linkage2 of the child. */
  VHDX_PARENT_LINKAGE,
  /** VHDX: the parent's logical sector size differs from the child's. */
  VHDX_PARENT_SECTOR_SIZE,
  /** VHDX: the parent a VHDX child names is not a VHDX file. */
  VHDX_PARENT_FORMAT
}
