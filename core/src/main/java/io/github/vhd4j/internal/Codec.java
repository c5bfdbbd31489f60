package io.github.vhd4j.internal;

import io.github.vhd4j.internal.layout.Checksum;
import io.github.vhd4j.internal.layout.DynamicHeaderLayout;
import io.github.vhd4j.internal.layout.Field;
import io.github.vhd4j.internal.layout.FooterLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Big-endian field access and the VHD checksum. All multi-byte VHD fields are big-endian; unsigned
 * 32-bit fields are widened to {@code long} so that values of 2^31 and above stay positive.
 */
public final class Codec {
  /** Footer cookie ({@link FooterLayout#COOKIE_VALUE}). */
  public static final byte[] FOOTER_COOKIE = FooterLayout.COOKIE_VALUE;
  /** Dynamic header cookie ({@link DynamicHeaderLayout#COOKIE_VALUE}). */
  public static final byte[] HEADER_COOKIE = DynamicHeaderLayout.COOKIE_VALUE;
  /** Footer and header format version 1.0. */
  public static final long VERSION_1_0 = FooterLayout.VERSION_1_0;

  private Codec() {}

  /**
   * Reads an unsigned 32-bit field.
   *
   * @param b buffer (big-endian)
   * @param off index
   * @return the value, 0 to 2^32-1
   */
  public static long u32(ByteBuffer b, int off) {
    return b.getInt(off) & 0xFFFFFFFFL;
  }

  /**
   * Reads an unsigned 16-bit field.
   *
   * @param b buffer
   * @param off index
   * @return the value
   */
  public static int u16(ByteBuffer b, int off) {
    return b.getShort(off) & 0xFFFF;
  }

  /**
   * Reads an unsigned byte.
   *
   * @param b buffer
   * @param off index
   * @return the value
   */
  public static int u8(ByteBuffer b, int off) {
    return b.get(off) & 0xFF;
  }

  /**
   * Reads bytes.
   *
   * @param b buffer
   * @param off index
   * @param n count
   * @return a copy
   */
  public static byte[] bytes(ByteBuffer b, int off, int n) {
    byte[] out = new byte[n];
    b.get(off, out);
    return out;
  }

  /**
   * Reads a four-character code as ISO-8859-1 (every byte maps to one character).
   *
   * @param b buffer
   * @param off index
   * @return four characters
   */
  public static String fourCc(ByteBuffer b, int off) {
    return new String(bytes(b, off, 4), StandardCharsets.ISO_8859_1);
  }

  /**
   * Reads a 16-byte UUID in on-disk order.
   *
   * @param b buffer
   * @param off index
   * @return the UUID
   */
  public static UUID uuid(ByteBuffer b, int off) {
    return new UUID(b.getLong(off), b.getLong(off + 8));
  }

  /**
   * Tells whether {@code expected} is stored at {@code off}.
   *
   * @param b buffer
   * @param off index
   * @param expected the bytes
   * @return true when equal
   */
  public static boolean matches(ByteBuffer b, int off, byte[] expected) {
    for (int i = 0; i < expected.length; i++) {
      if (b.get(off + i) != expected[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Computes the VHD checksum: the one's complement of the sum of all bytes, with the 4-byte
   * checksum field taken as zero.
   *
   * @param b buffer holding the structure from index 0
   * @param length length of the structure (512 for the footer, 1024 for the header)
   * @param checksumOffset index of the checksum field
   * @return the checksum as an unsigned 32-bit value
   */
  public static long checksum(ByteBuffer b, int length, int checksumOffset) {
    return Checksum.compute(b, length, new Field("checksum", checksumOffset, 4));
  }

  /**
   * Tells whether every byte in a range is zero.
   *
   * @param b buffer
   * @param from first index
   * @param to index after the last
   * @return true when all zero
   */
  public static boolean isZero(ByteBuffer b, int from, int to) {
    return Zeros.isZero(b, from, to - from);
  }
}
