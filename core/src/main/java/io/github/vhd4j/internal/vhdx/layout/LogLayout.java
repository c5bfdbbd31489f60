package io.github.vhd4j.internal.vhdx.layout;

import io.github.vhd4j.internal.Field;
import java.nio.charset.StandardCharsets;

/**
 * The log (MS-VHDX 2.3): a ring of entries, each a multiple of 4 KiB. An entry is a 64-byte header
 * and 32-byte descriptors filling whole 4 KiB sectors, then one 4 KiB data sector per data
 * descriptor.
 */
public final class LogLayout {
  /** The log's unit: entries, descriptor areas, data sectors and targets are 4 KiB-aligned. */
  public static final int SECTOR = 4096;
  /** Nothing below this file offset may be written by a log entry: identifier and headers. */
  public static final long LOGGABLE_OFFSET = 192 * 1024;
  /** The longest log this library reads (1 GiB, as Windows caps it). */
  public static final long MAX_LENGTH = 1L << 30;
  /** The structure's name in problems. */
  public static final String STRUCTURE = "log";
  /** An entry's name in problems. */
  public static final String ENTRY_STRUCTURE = "log entry";
  /** Log offset and length, and the file sizes an entry records, are multiples of this (1 MiB). */
  public static final long ALIGNMENT = 1L << 20;
  /**
   * The furthest a replayed write, or the file length an entry asks for, may reach: the largest
   * disk (64 TiB) plus room for its table, sector bitmaps (16 GiB for a 64 TiB differencing disk),
   * log and metadata. Anything beyond is no file a writer made (vhdx.md V23).
   */
  public static final long MAX_REPLAY_END = (1L << 46) + (1L << 36);

  /** Entry header: signature, ASCII {@code loge}. */
  public static final Field SIGNATURE = new Field("signature", 0, 4);
  /** Entry header: CRC-32C of the whole entry (EntryLength bytes) with this field zero. */
  public static final Field CHECKSUM = new Field("checksum", 4, 4);
  /** Entry header: the entry's length, a multiple of 4 KiB. */
  public static final Field ENTRY_LENGTH = new Field("entryLength", 8, 4);
  /** Entry header: log offset of the first entry of the sequence this entry ends. */
  public static final Field TAIL = new Field("tail", 12, 4);
  /** Entry header: sequence number, greater than zero, one more than the previous entry's. */
  public static final Field SEQUENCE_NUMBER = new Field("sequenceNumber", 16, 8);
  /** Entry header: descriptors that follow. */
  public static final Field DESCRIPTOR_COUNT = new Field("descriptorCount", 24, 4);
  /** Entry header: reserved, zero. */
  public static final Field RESERVED = new Field("reserved", 28, 4);
  /** Entry header: the log GUID the entry belongs to. */
  public static final Field LOG_GUID = new Field("logGuid", 32, 16);
  /** Entry header: a file size known to be stable when the entry was written, 1 MiB-aligned. */
  public static final Field FLUSHED_FILE_OFFSET = new Field("flushedFileOffset", 48, 8);
  /** Entry header: the file size every structure fits in, 1 MiB-aligned. */
  public static final Field LAST_FILE_OFFSET = new Field("lastFileOffset", 56, 8);
  /** The entry header's size: descriptors start here. */
  public static final int HEADER_SIZE = 64;

  /** A descriptor's size. */
  public static final int DESCRIPTOR_SIZE = 32;
  /** Descriptor: signature, {@code zero} or {@code desc}. */
  public static final Field DESCRIPTOR_SIGNATURE = new Field("signature", 0, 4);
  /** Data descriptor: the original last four bytes of the 4 KiB sector. */
  public static final Field TRAILING_BYTES = new Field("trailingBytes", 4, 4);
  /** Data descriptor: the original first eight bytes of the 4 KiB sector. */
  public static final Field LEADING_BYTES = new Field("leadingBytes", 8, 8);
  /** Zero descriptor: reserved, zero. */
  public static final Field ZERO_RESERVED = new Field("reserved", 4, 4);
  /** Zero descriptor: bytes to zero, a multiple of 4 KiB. */
  public static final Field ZERO_LENGTH = new Field("zeroLength", 8, 8);
  /** Descriptor: file offset written, a multiple of 4 KiB. */
  public static final Field FILE_OFFSET = new Field("fileOffset", 16, 8);
  /** Descriptor: the entry's sequence number. */
  public static final Field DESCRIPTOR_SEQUENCE = new Field("sequenceNumber", 24, 8);

  /** Data sector: signature, ASCII {@code data}. */
  public static final Field DATA_SIGNATURE = new Field("signature", 0, 4);
  /** Data sector: high 32 bits of the entry's sequence number. */
  public static final Field SEQUENCE_HIGH = new Field("sequenceHigh", 4, 4);
  /** Data sector: bytes 8 to 4091 of the sector the descriptor writes. */
  public static final Field DATA = new Field("data", 8, 4084);
  /** Data sector: low 32 bits of the entry's sequence number. */
  public static final Field SEQUENCE_LOW = new Field("sequenceLow", 4092, 4);

  /** Signature bytes. */
  public static final byte[] ENTRY_SIGNATURE = ascii("loge");
  /** Signature bytes. */
  public static final byte[] ZERO_SIGNATURE = ascii("zero");
  /** Signature bytes. */
  public static final byte[] DESC_SIGNATURE = ascii("desc");
  /** Signature bytes. */
  public static final byte[] DATA_SECTOR_SIGNATURE = ascii("data");

  private LogLayout() {}

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The bytes of an entry's header and descriptors, rounded up to whole sectors.
   *
   * @param descriptors the descriptor count (unsigned 32-bit, taken as long)
   * @return the descriptor area's length in bytes
   */
  public static long descriptorArea(long descriptors) {
    long raw = HEADER_SIZE + DESCRIPTOR_SIZE * descriptors;
    return (raw + SECTOR - 1) / SECTOR * SECTOR;
  }

  /**
   * The first descriptor that starts at or after an entry-relative byte index.
   *
   * @param index a byte index from the entry's start, a multiple of {@link #SECTOR}
   * @return the descriptor's number
   */
  public static long firstDescriptorAt(long index) {
    return index <= HEADER_SIZE ? 0 : (index - HEADER_SIZE + DESCRIPTOR_SIZE - 1) / DESCRIPTOR_SIZE;
  }

  /**
   * The index of descriptor {@code i} from the entry's start.
   *
   * @param i the descriptor
   * @return its byte index
   */
  public static long descriptorIndex(long i) {
    return HEADER_SIZE + DESCRIPTOR_SIZE * i;
  }
}
