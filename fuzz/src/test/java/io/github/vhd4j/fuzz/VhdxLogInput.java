package io.github.vhd4j.fuzz;

import io.github.vhd4j.internal.Field;
import io.github.vhd4j.internal.vhdx.layout.LogLayout;
import io.github.vhd4j.testing.BuiltVhdx;
import io.github.vhd4j.testing.SparseImage;
import io.github.vhd4j.testing.VhdxBuilder;
import io.github.vhd4j.testing.VhdxLogBuilder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The input of {@link VhdxLogReplayFuzzTest}: a {@link Recipe} whose base is a small builder-made
 * dynamic disk (512-byte or 4096-byte sectors, with data) whose headers carry a LogGuid, and whose
 * operations write its log with {@link VhdxLogBuilder}: entries anywhere in the ring with any
 * sequence number, tail, GUID and file offsets; data descriptors that rewrite a page of the BAT,
 * the metadata, the region tables, the header section, the log itself, a block, or a place past
 * the file's end (the page's current bytes with the operation's bytes patched in, so that replays
 * make real changes); zero descriptors of any length; entry fields edited before the checksum is
 * sealed (only that field is wrong) or after it (the checksum is wrong too); raw bytes in the ring;
 * header fields of the log; data placed past the file's end for the log to point blocks at.
 */
final class VhdxLogInput {
  static final int ENTRY = 0;
  static final int DATA = 1;
  static final int ZERO = 2;
  static final int EDIT_BEFORE = 3;
  static final int EDIT_AFTER = 4;
  static final int PADDING = 5;
  static final int RING_BYTES = 6;
  static final int HEADER = 7;
  static final int PLACE = 8;
  static final int OPS = 9;

  private static final long MIB = VhdxBuilder.MIB;
  private static final int SECTOR = LogLayout.SECTOR;
  static final long[] SIZES = {MIB, 3 * MIB + 512, 8 * MIB};
  static final UUID OTHER_GUID = UUID.fromString("5eed1065-0000-4000-8000-0000000000ff");
  private static final Field[] ENTRY_FIELDS = {LogLayout.ENTRY_LENGTH, LogLayout.TAIL, LogLayout.DESCRIPTOR_COUNT,
      LogLayout.RESERVED, LogLayout.SEQUENCE_NUMBER, LogLayout.FLUSHED_FILE_OFFSET, LogLayout.LAST_FILE_OFFSET,
      LogLayout.SIGNATURE};

  private VhdxLogInput() {}

  /** One entry being described: its place, its header fields, its descriptors and edits. */
  private static final class Entry {
    long position = -1;
    long sequence;
    long tail = -1;
    UUID guid = VhdxInput.LOG_GUID;
    long flushed;
    long last;
    int padding;
    final List<long[]> descriptors = new ArrayList<>();
    final List<byte[]> sectors = new ArrayList<>();
    final List<Consumer<ByteBuffer>> before = new ArrayList<>();
    final List<Consumer<ByteBuffer>> after = new ArrayList<>();
  }

  static VhdxInput.Case decode(byte[] data) {
    Recipe r = Recipe.decode(data);
    long sector = r.kind() % 2 == 0 ? 512 : 4096;
    long size = (SIZES[r.size() % SIZES.length] + sector - 1) / sector * sector;
    long bs = (1 + r.blockSize() % 2) * MIB;
    VhdxBuilder b = VhdxBuilder.dynamic(size, bs);
    b.logicalSectorSize = sector;
    b.logLength = (r.flags() & 2) == 0 ? MIB : 2 * MIB;
    VhdxInput.identify(b, 0x106L << 16 | r.kind() << 8 | r.content());
    VhdxInput.write(new VhdxInput.Base(b, new VhdxContent(size, bs, sector, null), VhdxInput.DYNAMIC), r.content());
    b.logGuid(VhdxInput.LOG_GUID);
    BuiltVhdx clean = b.build();
    long end = (clean.file.length() + MIB - 1) / MIB * MIB;
    long[] targets = {clean.batOffset, clean.metadataOffset, 192 << 10, 256 << 10, 64 << 10, 0, clean.logOffset,
        end - bs, end, end + 4 * MIB, clean.metadataOffset + 64 * 1024, 1L << 46};
    List<Entry> entries = new ArrayList<>();
    long seq = 1 + (r.content() & 0xF);
    for (Recipe.Op op : r.ops()) {
      Entry e = entries.isEmpty() ? null : entries.get(entries.size() - 1);
      int code = op.code() % OPS;
      if (e == null && code != ENTRY && code != HEADER && code != PLACE && code != RING_BYTES) {
        e = new Entry();
        e.sequence = seq++;
        entries.add(e);
      }
      switch (op.code() % OPS) {
        case ENTRY -> entries.add(entry(op, seq++, entries, end));
        case DATA -> {
          long target = targets[(int) (op.bits(0, 4) % targets.length)] + op.bits(4, 8) * SECTOR
              + (op.bits(12, 1) == 1 ? op.bits(13, 12) : 0);
          byte[] page = clean.file.read(Math.min(target, Math.max(0, clean.file.length() - SECTOR)),
              (int) Math.min(SECTOR, clean.file.length()));
          page = java.util.Arrays.copyOf(page, SECTOR);
          byte[] patch = op.bytes();
          int at = (int) (op.bits(25, 12) % SECTOR);
          System.arraycopy(patch, 0, page, at, Math.min(patch.length, SECTOR - at));
          e.descriptors.add(new long[] {1, target, e.sectors.size()});
          e.sectors.add(page);
        }
        case ZERO -> {
          long target = targets[(int) (op.bits(0, 4) % targets.length)] + op.bits(4, 8) * SECTOR;
          long length = op.bits(12, 1) == 0 ? op.bits(13, 10) * SECTOR : op.value() >>> 13;
          e.descriptors.add(new long[] {0, target, length});
        }
        case EDIT_BEFORE, EDIT_AFTER -> {
          Consumer<ByteBuffer> edit = edit(op);
          (op.code() % OPS == EDIT_BEFORE ? e.before : e.after).add(edit);
        }
        case PADDING -> e.padding = (int) op.bits(0, 4);
        case HEADER -> header(b, op);
        case PLACE -> b.place(end + op.bits(0, 4) * MIB + op.bits(4, 12), op.bytes().length > 0 ? op.bytes()
            : VhdxLogBuilder.pattern((int) op.value()));
        default -> { }
      }
    }
    VhdxLogBuilder log = new VhdxLogBuilder(VhdxInput.LOG_GUID, (int) b.logLength);
    List<Long> positions = new ArrayList<>();
    for (Entry e : entries) {
      if (e.position >= 0) {
        log.at(e.position % b.logLength);
      }
      positions.add(log.position());
      write(log, e, positions);
    }
    byte[] ring = log.bytes();
    for (Recipe.Op op : r.ops()) {
      if (op.code() % OPS == RING_BYTES) {
        int at = (int) (op.bits(0, 21) % ring.length);
        byte[] patch = op.bytes().length > 0 ? op.bytes() : new byte[] {(byte) op.bits(21, 8)};
        System.arraycopy(patch, 0, ring, at, Math.min(patch.length, ring.length - at));
      }
    }
    b.logBytes = ring;
    SparseImage file = b.build().file;
    return new VhdxInput.Case(file, VhdxFixture.options(), null, r);
  }

  private static Entry entry(Recipe.Op op, long seq, List<Entry> entries, long end) {
    Entry e = new Entry();
    long v = op.value();
    e.sequence = switch ((int) op.bits(0, 2)) {
      case 0 -> seq;
      case 1 -> seq + 1 + op.bits(2, 4);
      case 2 -> v >>> 2;
      default -> seq == 0 ? 0 : seq - 1;
    };
    // Tail: bits 6-7: the entry itself, the first entry of the log, a raw value.
    switch ((int) op.bits(6, 2)) {
      case 1 -> e.tail = entries.isEmpty() ? -1 : -2;
      case 2 -> e.tail = op.bits(8, 12) * SECTOR + op.bits(20, 1) * 512;
      default -> { }
    }
    UUID[] guids = {VhdxInput.LOG_GUID, VhdxInput.LOG_GUID, OTHER_GUID, new UUID(0, 0)};
    e.guid = guids[(int) op.bits(21, 2)];
    long[] offsets = {0, end, end + MIB, (1L << 46) + MIB, 3 * MIB + 512, 1L << 62};
    e.flushed = offsets[(int) (op.bits(23, 3) % offsets.length)];
    e.last = offsets[(int) (op.bits(26, 3) % offsets.length)];
    if (op.bits(29, 1) == 1) {
      e.position = op.bits(30, 9) * SECTOR + op.bits(39, 1) * 512;
    }
    return e;
  }

  private static Consumer<ByteBuffer> edit(Recipe.Op op) {
    long value = op.value() >>> 8;
    int which = (int) op.bits(0, 4);
    if (which < ENTRY_FIELDS.length) {
      Field f = ENTRY_FIELDS[which];
      return b -> {
        if (f.size() == 8) {
          f.putU64(b, value);
        } else {
          f.putU32(b, value & 0xFFFFFFFFL);
        }
      };
    }
    // A byte anywhere in the entry: descriptors, data sectors, padding.
    int at = (int) op.bits(8, 20);
    byte x = (byte) op.bits(28, 8);
    return b -> {
      if (at < b.capacity()) {
        b.put(at, x);
      }
    };
  }

  private static void header(VhdxBuilder b, Recipe.Op op) {
    VhdxBuilder.Header h = op.bits(0, 1) == 0 ? b.header1 : b.header2;
    switch ((int) op.bits(1, 2)) {
      case 0 -> b.logGuid(new UUID(0, 0));
      case 1 -> h.logGuid = op.bits(3, 1) == 0 ? OTHER_GUID : VhdxInput.LOG_GUID;
      case 2 -> h.logVersion = (int) op.bits(3, 16);
      default -> {
        h.logLength = op.bits(3, 1) == 0 ? op.bits(4, 11) * MIB : op.bits(4, 32);
        h.logOffset = op.bits(36, 1) == 0 ? op.bits(37, 12) * MIB : op.value() >>> 37;
      }
    }
  }

  private static void write(VhdxLogBuilder log, Entry e, List<Long> positions) {
    VhdxLogBuilder.Entry w = log.entry(e.sequence).guid(e.guid).flushed(e.flushed).last(e.last).padding(e.padding);
    if (e.tail == -2) {
      w.tail(positions.get(0));
    } else if (e.tail >= 0) {
      w.tail(e.tail);
    }
    int k = 0;
    for (long[] d : e.descriptors) {
      if (d[0] == 0) {
        w.zero(d[1], d[2]);
      } else {
        w.data(d[1], e.sectors.get(k++));
      }
    }
    e.before.forEach(w::before);
    e.after.forEach(w::after);
    w.write();
  }
}
