package io.github.vhd4j.internal.vhd.layout;

import io.github.vhd4j.internal.Field;
import java.nio.ByteBuffer;

/**
 * The checksum of the footer and the dynamic header: the one's complement of the sum of the
 * structure's bytes, its own checksum field counted as zero.
 */
public final class Checksum {
  private Checksum() {}

  /**
   * Computes the checksum of a structure.
   *
   * @param b the structure from index 0
   * @param length the structure's size
   * @param field the structure's checksum field
   * @return an unsigned 32-bit value
   */
  public static long compute(ByteBuffer b, int length, Field field) {
    long sum = 0;
    for (int i = 0; i < length; i++) {
      if (i < field.offset() || i >= field.end()) {
        sum += b.get(i) & 0xFF;
      }
    }
    return ~sum & 0xFFFFFFFFL;
  }
}
