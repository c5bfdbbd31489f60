package io.github.vhd4j.internal.vhdx.layout;

import io.github.vhd4j.internal.Field;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The checksum of VHDX headers, region tables and log entries (MS-VHDX 2.2.2, 2.2.3.1, 2.3.1.1):
 * CRC-32C over the whole structure with its 4-byte checksum field taken as zero, stored
 * little-endian. The metadata region and the table carry none.
 */
public final class VhdxCrc {
  private static final byte[] ZERO4 = new byte[4];

  private VhdxCrc() {}

  /**
   * Computes a structure's checksum as the specification defines it.
   *
   * @param b the structure, from index 0
   * @param length the structure's length
   * @param checksum the checksum field, counted as zero
   * @return the CRC-32C as an unsigned value
   */
  public static long compute(ByteBuffer b, int length, Field checksum) {
    CRC32C crc = new CRC32C();
    int at = checksum.offset();
    crc.update(b.duplicate().position(0).limit(at));
    crc.update(ZERO4, 0, checksum.size());
    crc.update(b.duplicate().position(checksum.end()).limit(length));
    return crc.getValue();
  }

  /**
   * Tells whether a structure's stored checksum is right.
   *
   * @param b the structure, little-endian, from index 0
   * @param length the structure's length
   * @param checksum the checksum field
   * @return true when the stored value equals the computed one
   */
  public static boolean verify(ByteBuffer b, int length, Field checksum) {
    return checksum.u32(b) == compute(b, length, checksum);
  }

  /**
   * Stores a structure's checksum (test builders and log replay into a file use this).
   *
   * @param b the structure, little-endian, from index 0
   * @param length the structure's length
   * @param checksum the checksum field
   */
  public static void seal(ByteBuffer b, int length, Field checksum) {
    checksum.putU32(b, 0);
    checksum.putU32(b, compute(b, length, checksum));
  }
}
