package io.github.vhd4j.internal;

import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * One field of an on-disk structure: its name as problems report it, its offset from the start of
 * the structure and its size in bytes. Every access to a structure's bytes goes through a field, so
 * that an offset is written once, in the structure's layout class, and the problem that names a
 * field gets its offset from the same constant the parser read.
 *
 * <p>The buffers handed in hold the structure from index 0, and their order is the format's: VHD
 * fields are big-endian ({@link ByteBuffer}'s default), VHDX fields little-endian (buffers from
 * the VHDX layout's {@code Le}). Unsigned 32-bit fields are read as {@code long}. {@link #uuid}
 * reads VHD's byte order; VHDX GUIDs go through the VHDX layout's {@code Guids}.
 *
 * @param name the field's name in problems, for example {@code "currentSize"}
 * @param offset offset from the start of the structure
 * @param size size in bytes
 */
public record Field(String name, int offset, int size) {

  /**
   * Validates the field.
   *
   * @param name the field's name
   * @param offset offset from the start of the structure
   * @param size size in bytes
   */
  public Field {
    if (offset < 0 || size <= 0) {
      throw new IllegalArgumentException(name + ": offset " + offset + ", size " + size);
    }
  }

  /**
   * The field's absolute file offset in a structure stored at {@code base}.
   *
   * @param base file offset of the structure
   * @return {@code base + offset}
   */
  public long at(long base) {
    return base + offset;
  }

  /**
   * The index after the field's last byte.
   *
   * @return {@code offset + size}
   */
  public int end() {
    return offset + size;
  }

  /**
   * Reads an unsigned byte.
   *
   * @param b the structure
   * @return 0 to 255
   */
  public int u8(ByteBuffer b) {
    return b.get(offset) & 0xFF;
  }

  /**
   * Reads an unsigned 16-bit value.
   *
   * @param b the structure
   * @return 0 to 65535
   */
  public int u16(ByteBuffer b) {
    return b.getShort(offset) & 0xFFFF;
  }

  /**
   * Reads an unsigned 32-bit value.
   *
   * @param b the structure
   * @return 0 to 2^32-1
   */
  public long u32(ByteBuffer b) {
    return b.getInt(offset) & 0xFFFFFFFFL;
  }

  /**
   * Reads a 64-bit value as stored (VHD offsets and sizes are unsigned; callers bound them).
   *
   * @param b the structure
   * @return the value
   */
  public long u64(ByteBuffer b) {
    return b.getLong(offset);
  }

  /**
   * Reads a 16-byte UUID in on-disk order.
   *
   * @param b the structure
   * @return the UUID
   */
  public UUID uuid(ByteBuffer b) {
    return new UUID(b.getLong(offset), b.getLong(offset + 8));
  }

  /**
   * Copies the field's bytes.
   *
   * @param b the structure
   * @return a new array of {@link #size()} bytes
   */
  public byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[size];
    b.get(offset, out);
    return out;
  }

  /**
   * Reads a four-character code, one ISO-8859-1 character per byte.
   *
   * @param b the structure
   * @return four characters
   */
  public String fourCc(ByteBuffer b) {
    return new String(bytes(b), java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /**
   * Tells whether the field holds exactly {@code expected} (a cookie).
   *
   * @param b the structure
   * @param expected {@link #size()} bytes
   * @return true when equal
   */
  public boolean matches(ByteBuffer b, byte[] expected) {
    for (int i = 0; i < size; i++) {
      if (b.get(offset + i) != expected[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Tells whether every byte of the field is zero.
   *
   * @param b the structure
   * @return true when all zero
   */
  public boolean isZero(ByteBuffer b) {
    for (int i = offset; i < offset + size; i++) {
      if (b.get(i) != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Tells whether two copies of a structure hold the same bytes in this field.
   *
   * @param a one copy
   * @param b the other
   * @return true when equal
   */
  public boolean sameIn(ByteBuffer a, ByteBuffer b) {
    for (int i = offset; i < offset + size; i++) {
      if (a.get(i) != b.get(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Writes an unsigned byte.
   *
   * @param b the structure
   * @param value 0 to 255
   */
  public void putU8(ByteBuffer b, int value) {
    b.put(offset, (byte) value);
  }

  /**
   * Writes an unsigned 16-bit value.
   *
   * @param b the structure
   * @param value 0 to 65535
   */
  public void putU16(ByteBuffer b, int value) {
    b.putShort(offset, (short) value);
  }

  /**
   * Writes an unsigned 32-bit value (its low 32 bits).
   *
   * @param b the structure
   * @param value 0 to 2^32-1
   */
  public void putU32(ByteBuffer b, long value) {
    b.putInt(offset, (int) value);
  }

  /**
   * Writes a 64-bit value.
   *
   * @param b the structure
   * @param value the value
   */
  public void putU64(ByteBuffer b, long value) {
    b.putLong(offset, value);
  }

  /**
   * Writes a UUID in on-disk order.
   *
   * @param b the structure
   * @param value the UUID
   */
  public void putUuid(ByteBuffer b, UUID value) {
    b.putLong(offset, value.getMostSignificantBits());
    b.putLong(offset + 8, value.getLeastSignificantBits());
  }

  /**
   * Writes bytes at the start of the field; at most {@link #size()} of them are written.
   *
   * @param b the structure
   * @param value the bytes
   */
  public void putBytes(ByteBuffer b, byte[] value) {
    b.put(offset, value, 0, Math.min(value.length, size));
  }
}
