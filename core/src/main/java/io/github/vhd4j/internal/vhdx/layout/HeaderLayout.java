package io.github.vhd4j.internal.vhdx.layout;

import io.github.vhd4j.internal.Field;
import io.github.vhd4j.internal.Place;
import java.nio.charset.StandardCharsets;

/**
 * A header (MS-VHDX 2.2.2): 4 KiB, two copies at 64 KiB and 128 KiB, each in its own 64 KiB slot.
 * The copy with the greater sequence number among the valid ones is current.
 */
public final class HeaderLayout {
  /** The bytes that are checksummed and read. */
  public static final int SIZE = 4096;
  /** The space each copy occupies. */
  public static final int SLOT = 64 * 1024;
  /** File offsets of header 1 and header 2. */
  private static final long[] OFFSETS = {64 * 1024, 128 * 1024};
  /** Signature, ASCII {@code head}. */
  public static final Field SIGNATURE = new Field("signature", 0, 4);
  /** CRC-32C of the 4 KiB header with this field zero. */
  public static final Field CHECKSUM = new Field("checksum", 4, 4);
  /** Sequence number; the valid copy with the greater number is current. */
  public static final Field SEQUENCE_NUMBER = new Field("sequenceNumber", 8, 8);
  /** Changes on the first write of an open session. */
  public static final Field FILE_WRITE_GUID = new Field("fileWriteGuid", 16, 16);
  /** Changes before the first user-visible change; children name their parent by it. */
  public static final Field DATA_WRITE_GUID = new Field("dataWriteGuid", 32, 16);
  /** Zero, or the GUID of the log entries that must be replayed. */
  public static final Field LOG_GUID = new Field("logGuid", 48, 16);
  /** Log format version, 0. */
  public static final Field LOG_VERSION = new Field("logVersion", 64, 2);
  /** Format version, 1. */
  public static final Field VERSION = new Field("version", 66, 2);
  /** Log length in bytes, a multiple of 1 MiB. */
  public static final Field LOG_LENGTH = new Field("logLength", 68, 4);
  /** Log file offset, a multiple of 1 MiB. */
  public static final Field LOG_OFFSET = new Field("logOffset", 72, 8);
  /** Reserved, zero. */
  public static final Field RESERVED = new Field("reserved", 80, SIZE - 80);
  /** The fields two headers must agree on when their sequence numbers are equal (QEMU compares these 80 bytes). */
  public static final int IDENTITY_BYTES = 80;
  /** The signature's bytes. */
  public static final byte[] SIGNATURE_BYTES = "head".getBytes(StandardCharsets.US_ASCII);
  /** The only format version defined. */
  public static final int VERSION_1 = 1;

  private HeaderLayout() {}

  /**
   * The file offset of a copy.
   *
   * @param copy 1 or 2
   * @return 64 KiB or 128 KiB
   */
  public static long offset(int copy) {
    return OFFSETS[copy - 1];
  }

  /**
   * The structure name of a copy in problems.
   *
   * @param copy 1 or 2
   * @return "header 1" or "header 2"
   */
  public static String structure(int copy) {
    return "header " + copy;
  }

  /**
   * Where a copy's problems are placed.
   *
   * @param copy 1 or 2
   * @return the copy's place
   */
  public static Place place(int copy) {
    return new Place(structure(copy), offset(copy));
  }
}
