package io.github.vhd4j.fuzz;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The input of a structured target: which valid image to start from, then a list of field
 * mutations. Any byte string decodes to a recipe (missing bytes read as zero), so the fuzzer
 * mutates field values and operation codes directly and gets past the checksums whenever the
 * recipe asks for them to be recomputed.
 *
 * <pre>
 * kind u8 | size u8 | blockSize u8 | content u8 | flags u8 | op* ;  op = code u8 | value u64 | n u8 | n bytes
 * </pre>
 *
 * Each target gives the codes its own meaning; {@link Recipes} builds the committed seeds with the
 * same encoding.
 *
 * @param kind the base image's kind (target-specific)
 * @param size index into the target's size table
 * @param blockSize index into the block size table
 * @param content seed of the data written into the base image (0: none)
 * @param flags bit 0: recompute checksums after the mutations; bits 1-2: size policy
 *     (auto, chs, current, auto); bit 3: footer recovery off; other bits target-specific
 * @param ops the mutations, in order
 */
record Recipe(int kind, int size, int blockSize, int content, int flags, List<Op> ops) {
  /** Most operations decoded; the rest of a longer input is ignored. */
  static final int MAX_OPS = 48;

  /** One mutation: a code and its arguments. */
  record Op(int code, long value, byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Op && ((Op) o).code == code && ((Op) o).value == value
          && Arrays.equals(((Op) o).bytes, bytes);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(value) * 31 + code + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "Op[" + code + ", 0x" + Long.toHexString(value) + ", " + bytes.length + " bytes]";
    }

    /** {@code n} bits of the value, starting at bit {@code from}. */
    long bits(int from, int n) {
      return (value >>> from) & ((1L << n) - 1);
    }
  }

  boolean fixChecksums() {
    return (flags & 1) != 0;
  }

  static Recipe decode(byte[] data) {
    Cursor c = new Cursor(data);
    int kind = c.u8();
    int size = c.u8();
    int blockSize = c.u8();
    int content = c.u8();
    int flags = c.u8();
    List<Op> ops = new ArrayList<>();
    while (c.hasMore() && ops.size() < MAX_OPS) {
      int code = c.u8();
      long value = c.u64();
      byte[] bytes = c.bytes(c.u8());
      ops.add(new Op(code, value, bytes));
    }
    return new Recipe(kind, size, blockSize, content, flags, List.copyOf(ops));
  }

  byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(kind);
    out.write(size);
    out.write(blockSize);
    out.write(content);
    out.write(flags);
    for (Op op : ops) {
      out.write(op.code);
      for (int i = 56; i >= 0; i -= 8) {
        out.write((int) (op.value >>> i));
      }
      out.write(op.bytes.length);
      out.write(op.bytes, 0, op.bytes.length);
    }
    return out.toByteArray();
  }

  /** Reads big-endian values; past the end every byte is zero. */
  private static final class Cursor {
    private final byte[] data;
    private int pos;

    Cursor(byte[] data) {
      this.data = data;
    }

    boolean hasMore() {
      return pos < data.length;
    }

    int u8() {
      return pos < data.length ? data[pos++] & 0xFF : 0;
    }

    long u64() {
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = v << 8 | u8();
      }
      return v;
    }

    byte[] bytes(int n) {
      int from = Math.min(pos, data.length);
      int to = Math.min(from + n, data.length);
      pos = to;
      return Arrays.copyOfRange(data, from, to);
    }
  }
}
