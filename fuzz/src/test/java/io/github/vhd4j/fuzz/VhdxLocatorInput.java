package io.github.vhd4j.fuzz;

import io.github.vhd4j.internal.Field;
import io.github.vhd4j.internal.vhdx.layout.Guids;
import io.github.vhd4j.internal.vhdx.layout.Le;
import io.github.vhd4j.internal.vhdx.layout.ParentLocatorLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The input of {@link VhdxLocatorFuzzTest}: a Parent Locator item (MS-VHDX 2.6.2.6), either given
 * whole (kind odd: the rest of the input is the item) or built by a {@link Recipe}: key-value
 * entries from lists of real and hostile keys and values (or raw UTF-16 bytes, odd lengths, NULs
 * and unpaired surrogates included), laid out as Windows does, then header and entry fields set to
 * anything through {@link ParentLocatorLayout}, raw bytes, the item cut or extended, and entries
 * repeated up to and past the 256 the format allows.
 */
final class VhdxLocatorInput {
  static final int PUT = 0;
  static final int FIELD = 1;
  static final int BYTES = 2;
  static final int LENGTH = 3;
  static final int REPEAT = 4;
  static final int OPS = 5;

  static final UUID[] TYPES = {Guids.VHDX_LOCATOR_TYPE, Guids.ZERO, Guids.PARENT_LOCATOR,
      UUID.fromString("b04aefb7-d19e-4a81-b789-25b8e9445914")};
  private static final Field[] ENTRY_FIELDS = {ParentLocatorLayout.KEY_OFFSET, ParentLocatorLayout.VALUE_OFFSET,
      ParentLocatorLayout.KEY_LENGTH, ParentLocatorLayout.VALUE_LENGTH};
  /** The largest item the metadata parser passes on. */
  private static final int MAX_ITEM = 1 << 20;

  private VhdxLocatorInput() {}

  /** The item's bytes. */
  static byte[] decode(byte[] data) {
    if (data.length > 0 && (data[0] & 1) == 1) {
      return Arrays.copyOfRange(data, 1, data.length);
    }
    Recipe r = Recipe.decode(data);
    List<byte[][]> entries = new ArrayList<>();
    for (Recipe.Op op : r.ops()) {
      if (op.code() % OPS == PUT) {
        entries.add(new byte[][] {text(op, 0, VhdxMutations.KEYS), text(op, 4, VhdxMutations.VALUES)});
      } else if (op.code() % OPS == REPEAT && !entries.isEmpty()) {
        byte[][] last = entries.get(entries.size() - 1);
        for (long n = op.bits(0, 9); n > 0; n--) {
          entries.add(last);
        }
      }
    }
    ByteBuffer b = layout(TYPES[r.size() % TYPES.length], entries);
    for (Recipe.Op op : r.ops()) {
      switch (op.code() % OPS) {
        case FIELD -> field(b, op);
        case BYTES -> {
          int at = (int) (op.bits(0, 20) % Math.max(1, b.capacity()));
          byte[] patch = op.bytes();
          b.put(at, patch, 0, Math.min(patch.length, b.capacity() - at));
        }
        case LENGTH -> {
          int n = op.bits(0, 1) == 0 ? (int) Math.max(0, b.capacity() - op.bits(1, 12))
              : (int) Math.min(MAX_ITEM, b.capacity() + op.bits(1, 16));
          ByteBuffer c = Le.allocate(n);
          c.put(0, b, 0, Math.min(n, b.capacity()));
          b = c;
        }
        default -> { }
      }
    }
    byte[] out = new byte[b.capacity()];
    b.get(0, out);
    return out;
  }

  /**
   * A key (bits 0-3) or value (bits 4-7): the list's entry at bits 0-2, or with bit 3 set the
   * operation's bytes as they are (any UTF-16, any length).
   */
  private static byte[] text(Recipe.Op op, int bit, String[] list) {
    if (op.bits(bit + 3, 1) == 1) {
      return op.bytes();
    }
    return list[(int) op.bits(bit, 3)].getBytes(StandardCharsets.UTF_16LE);
  }

  /** Lays the entries out as Windows does: header, entry table, then each key and value. */
  static ByteBuffer layout(UUID type, List<byte[][]> entries) {
    int n = entries.size();
    long size = ParentLocatorLayout.entryIndex(n);
    for (byte[][] e : entries) {
      size += e[0].length + e[1].length;
    }
    ByteBuffer b = Le.allocate((int) Math.min(size, MAX_ITEM));
    Guids.put(b, ParentLocatorLayout.LOCATOR_TYPE, type);
    ParentLocatorLayout.KEY_VALUE_COUNT.putU16(b, n & 0xFFFF);
    int at = ParentLocatorLayout.entryIndex(n);
    for (int i = 0; i < n && at < b.capacity(); i++) {
      ByteBuffer e = b.slice(ParentLocatorLayout.entryIndex(i), ParentLocatorLayout.ENTRY_SIZE).order(b.order());
      for (int k = 0; k < 2; k++) {
        byte[] s = entries.get(i)[k];
        (k == 0 ? ParentLocatorLayout.KEY_OFFSET : ParentLocatorLayout.VALUE_OFFSET).putU32(e, at);
        (k == 0 ? ParentLocatorLayout.KEY_LENGTH : ParentLocatorLayout.VALUE_LENGTH).putU16(e, s.length & 0xFFFF);
        int fit = Math.min(s.length, b.capacity() - at);
        b.put(at, s, 0, fit);
        at += fit;
      }
    }
    return b;
  }

  private static void field(ByteBuffer b, Recipe.Op op) {
    long value = op.value() >>> 16;
    if (op.bits(0, 1) == 0) {
      switch ((int) op.bits(1, 2)) {
        case 0 -> {
          // A LENGTH operation may have cut the item shorter than its header.
          if (ParentLocatorLayout.LOCATOR_TYPE.end() <= b.capacity()) {
            Guids.put(b, ParentLocatorLayout.LOCATOR_TYPE, TYPES[(int) op.bits(3, 2)]);
          }
        }
        case 1 -> put(b, 0, ParentLocatorLayout.RESERVED, value);
        default -> put(b, 0, ParentLocatorLayout.KEY_VALUE_COUNT, op.bits(3, 1) == 0 ? op.bits(4, 9) : value);
      }
      return;
    }
    int entry = (int) op.bits(1, 9);
    Field f = ENTRY_FIELDS[(int) op.bits(10, 2)];
    put(b, ParentLocatorLayout.entryIndex(entry), f, op.bits(12, 1) == 0 ? op.bits(13, 3) : value);
  }

  private static void put(ByteBuffer b, int base, Field f, long value) {
    if (base + f.end() > b.capacity()) {
      return;
    }
    ByteBuffer s = b.slice(base, f.end()).order(b.order());
    if (f.size() == 2) {
      f.putU16(s, (int) value & 0xFFFF);
    } else {
      f.putU32(s, value & 0xFFFFFFFFL);
    }
  }
}
