package io.github.vhd4j.internal.vhd;

import io.github.vhd4j.DynamicHeader;
import io.github.vhd4j.ParentLocator;
import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.vhd.layout.TableLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** A block allocation table that a growing disk needs longer: in place over its padding, or copied. */
final class TableGrowth {
  /** Bytes written or copied at a time: a table of 2^28 entries is 1 GiB. */
  private static final int PIECE = 64 << 10;

  private TableGrowth() {}

  /**
   * Tells whether the table can grow in place to {@code entries}: the bytes it would take are
   * padding (all 0xFF or all zeros) before the first structure that follows the table. Anything
   * else there (a blktap batmap, unknown metadata) is never written over.
   */
  static boolean fitsInPlace(Maintenance.Target t, long entries) throws IOException {
    Layer l = t.layer;
    DynamicHeader h = l.header;
    long start = h.tableOffset();
    long from = TableLayout.entryOffset(start, h.maxTableEntries());
    long to = TableLayout.entryOffset(start, entries);
    long limit = l.footerOffset;
    if (h.offset() >= from) {
      limit = Math.min(limit, h.offset());
    }
    for (ParentLocator loc : h.parentLocators()) {
      if (loc.platformCode() != 0 && loc.dataOffset() >= from) {
        limit = Math.min(limit, loc.dataOffset());
      }
    }
    int length = l.bat.length();
    BlockTable.Scan scan = l.bat.scan();
    for (int i = scan.next(0, length); i < length; i = scan.next(i + 1, length)) {
      long b = TableLayout.blockOffset(scan.entry(i));
      if (b >= from) {
        limit = Math.min(limit, b);
      }
    }
    if (to > limit) {
      return false;
    }
    ByteBuffer pad = ByteBuffer.allocate((int) Math.min(PIECE, to - from));
    boolean ff = true;
    boolean zero = true;
    for (long p = from; p < to && (ff || zero); ) {
      int n = (int) Math.min(pad.capacity(), to - p);
      t.storage.read(p, pad, 0, n);
      for (int i = 0; i < n; i++) {
        byte x = pad.get(i);
        ff &= x == -1;
        zero &= x == 0;
      }
      p += n;
    }
    return ff || zero;
  }

  /**
   * Writes the current table, as the file holds it, at {@code at}, followed by unused entries up
   * to {@code bytes}.
   */
  static void copyTable(Maintenance.Target t, long at, long bytes) throws IOException {
    long current = (long) t.layer.bat.length() * TableLayout.ENTRY_SIZE;
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(current, 1 << 20));
    Maintenance.copy(t.storage, t.layer.header.tableOffset(), at, current, buf);
    writeUnused(t.storage, at + current, bytes - current);
  }

  /** Fills {@code [at, at + bytes)} with unused table entries (all ones). */
  static void writeUnused(Storage s, long at, long bytes) throws IOException {
    ByteBuffer ff = ByteBuffer.allocate((int) Math.min(PIECE, Math.max(bytes, 0)));
    Arrays.fill(ff.array(), (byte) 0xFF);
    for (long p = 0; p < bytes; ) {
      int n = (int) Math.min(ff.capacity(), bytes - p);
      s.write(at + p, ff, 0, n);
      p += n;
    }
  }
}
