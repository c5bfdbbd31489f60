package io.github.vhd4j.testing;

import io.github.vhd4j.internal.Field;
import io.github.vhd4j.internal.vhdx.layout.Guids;
import io.github.vhd4j.internal.vhdx.layout.Le;
import io.github.vhd4j.internal.vhdx.layout.LogLayout;
import io.github.vhd4j.internal.vhdx.layout.VhdxCrc;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Builds a VHDX log ring (MS-VHDX 2.3) entry by entry, written from the specification: entry
 * headers, zero and data descriptors, data sectors with the split sequence number, the CRC-32C
 * over the whole entry. Entries go anywhere in the ring, with any sequence number, tail, GUID and
 * file offsets, and wrap past the ring's end. Faults are injected by edits applied before the
 * checksum is computed (the entry stays checksummed, so only the edited field is wrong) or after
 * it (the checksum is wrong too).
 */
public final class VhdxLogBuilder {
  /** The log's unit. */
  public static final int SECTOR = LogLayout.SECTOR;

  private final UUID logGuid;
  private final byte[] ring;
  private long position;

  /**
   * Starts an empty (all zero) log.
   *
   * @param logGuid the GUID entries carry unless told otherwise
   * @param length the log's length in bytes
   */
  public VhdxLogBuilder(UUID logGuid, int length) {
    this.logGuid = logGuid;
    this.ring = new byte[length];
  }

  /**
   * Returns the GUID entries carry by default.
   *
   * @return the log GUID
   */
  public UUID logGuid() {
    return logGuid;
  }

  /**
   * Moves where the next entry goes.
   *
   * @param ringPosition a position in the ring
   * @return this builder
   */
  public VhdxLogBuilder at(long ringPosition) {
    this.position = ringPosition;
    return this;
  }

  /**
   * Returns where the next entry goes.
   *
   * @return the ring position
   */
  public long position() {
    return position;
  }

  /**
   * Starts an entry.
   *
   * @param sequence its sequence number
   * @return the entry, written by {@link Entry#write()}
   */
  public Entry entry(long sequence) {
    return new Entry(sequence);
  }

  /**
   * Returns the ring's bytes.
   *
   * @return a copy
   */
  public byte[] bytes() {
    return ring.clone();
  }

  /**
   * A 4 KiB sector whose bytes differ from each other and from other seeds' sectors, so that a
   * misplaced LeadingBytes or TrailingBytes shows.
   *
   * @param seed any value
   * @return 4096 bytes
   */
  public static byte[] pattern(int seed) {
    byte[] s = new byte[SECTOR];
    for (int i = 0; i < s.length; i++) {
      s[i] = (byte) (seed * 131 + i * 7 + (i >>> 8) + 1);
    }
    return s;
  }

  /**
   * An edit that sets an unsigned 32-bit field of the entry header.
   *
   * @param f a {@link LogLayout} header field
   * @param value the value
   * @return the edit
   */
  public static Consumer<ByteBuffer> set32(Field f, long value) {
    return b -> f.putU32(b, value);
  }

  /**
   * An edit that sets a 64-bit field of the entry header.
   *
   * @param f a {@link LogLayout} header field
   * @param value the value
   * @return the edit
   */
  public static Consumer<ByteBuffer> set64(Field f, long value) {
    return b -> f.putU64(b, value);
  }

  /**
   * Views a structure inside an encoded entry with its fields from index 0.
   *
   * @param entry the entry's bytes
   * @param index where the structure starts
   * @param size its size
   * @return a little-endian slice
   */
  public static ByteBuffer slice(ByteBuffer entry, int index, int size) {
    return entry.slice(index, size).order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * The byte index of descriptor {@code i} in an entry.
   *
   * @param i the descriptor
   * @return its index
   */
  public static int descriptorIndex(int i) {
    return (int) LogLayout.descriptorIndex(i);
  }

  /** One entry being described. */
  public final class Entry {
    private final long sequence;
    private final List<long[]> descriptors = new ArrayList<>();
    private final List<byte[]> sectors = new ArrayList<>();
    private final List<Consumer<ByteBuffer>> before = new ArrayList<>();
    private final List<Consumer<ByteBuffer>> after = new ArrayList<>();
    private UUID guid = logGuid;
    private long tail = -1;
    private long flushed;
    private long last;
    private int padding;

    private Entry(long sequence) {
      this.sequence = sequence;
    }

    /**
     * Adds a data descriptor and its data sector.
     *
     * @param fileOffset the target
     * @param sector the 4096 bytes it writes
     * @return this entry
     */
    public Entry data(long fileOffset, byte[] sector) {
      if (sector.length != SECTOR) {
        throw new IllegalArgumentException("a data sector is 4096 bytes");
      }
      descriptors.add(new long[] {1, fileOffset, sectors.size()});
      sectors.add(sector.clone());
      return this;
    }

    /**
     * Adds a zero descriptor.
     *
     * @param fileOffset the first byte zeroed
     * @param length the bytes zeroed
     * @return this entry
     */
    public Entry zero(long fileOffset, long length) {
      descriptors.add(new long[] {0, fileOffset, length});
      return this;
    }

    /**
     * Sets Tail; by default the entry's own position (a sequence of one entry).
     *
     * @param ringPosition the first entry of the sequence this entry ends
     * @return this entry
     */
    public Entry tail(long ringPosition) {
      this.tail = ringPosition;
      return this;
    }

    /**
     * Sets the entry's LogGuid.
     *
     * @param g the GUID
     * @return this entry
     */
    public Entry guid(UUID g) {
      this.guid = g;
      return this;
    }

    /**
     * Sets FlushedFileOffset (default 0).
     *
     * @param v the value
     * @return this entry
     */
    public Entry flushed(long v) {
      this.flushed = v;
      return this;
    }

    /**
     * Sets LastFileOffset (default 0).
     *
     * @param v the value
     * @return this entry
     */
    public Entry last(long v) {
      this.last = v;
      return this;
    }

    /**
     * Adds sectors of padding after the data sectors, counted in EntryLength.
     *
     * @param n sectors
     * @return this entry
     */
    public Entry padding(int n) {
      this.padding = n;
      return this;
    }

    /**
     * Edits the encoded entry before its checksum is computed.
     *
     * @param edit changes the entry's bytes (from index 0)
     * @return this entry
     */
    public Entry before(Consumer<ByteBuffer> edit) {
      before.add(edit);
      return this;
    }

    /**
     * Edits the encoded entry after its checksum was computed.
     *
     * @param edit changes the entry's bytes
     * @return this entry
     */
    public Entry after(Consumer<ByteBuffer> edit) {
      after.add(edit);
      return this;
    }

    /**
     * The byte index of data sector {@code k} in the encoded entry.
     *
     * @param k the data sector
     * @return its index
     */
    public int dataSectorIndex(int k) {
      return (int) LogLayout.descriptorArea(descriptors.size()) + SECTOR * k;
    }

    /**
     * Encodes the entry as it would be written at a ring position.
     *
     * @param ringPosition its position (the default Tail)
     * @return the entry's bytes, little-endian, from index 0
     */
    public ByteBuffer encode(long ringPosition) {
      int area = (int) LogLayout.descriptorArea(descriptors.size());
      int length = area + SECTOR * (sectors.size() + padding);
      ByteBuffer b = Le.allocate(length);
      LogLayout.SIGNATURE.putBytes(b, LogLayout.ENTRY_SIGNATURE);
      LogLayout.ENTRY_LENGTH.putU32(b, length);
      LogLayout.TAIL.putU32(b, tail >= 0 ? tail : ringPosition);
      LogLayout.SEQUENCE_NUMBER.putU64(b, sequence);
      LogLayout.DESCRIPTOR_COUNT.putU32(b, descriptors.size());
      Guids.put(b, LogLayout.LOG_GUID, guid);
      LogLayout.FLUSHED_FILE_OFFSET.putU64(b, flushed);
      LogLayout.LAST_FILE_OFFSET.putU64(b, last);
      for (int i = 0; i < descriptors.size(); i++) {
        long[] d = descriptors.get(i);
        ByteBuffer s = slice(b, descriptorIndex(i), LogLayout.DESCRIPTOR_SIZE);
        LogLayout.FILE_OFFSET.putU64(s, d[1]);
        LogLayout.DESCRIPTOR_SEQUENCE.putU64(s, sequence);
        if (d[0] == 0) {
          LogLayout.DESCRIPTOR_SIGNATURE.putBytes(s, LogLayout.ZERO_SIGNATURE);
          LogLayout.ZERO_LENGTH.putU64(s, d[2]);
        } else {
          byte[] data = sectors.get((int) d[2]);
          LogLayout.DESCRIPTOR_SIGNATURE.putBytes(s, LogLayout.DESC_SIGNATURE);
          s.put(LogLayout.LEADING_BYTES.offset(), data, 0, LogLayout.LEADING_BYTES.size());
          s.put(LogLayout.TRAILING_BYTES.offset(), data, LogLayout.DATA.end(), LogLayout.TRAILING_BYTES.size());
          ByteBuffer ds = slice(b, area + SECTOR * (int) d[2], SECTOR);
          LogLayout.DATA_SIGNATURE.putBytes(ds, LogLayout.DATA_SECTOR_SIGNATURE);
          LogLayout.SEQUENCE_HIGH.putU32(ds, sequence >>> 32);
          ds.put(LogLayout.DATA.offset(), data, LogLayout.DATA.offset(), LogLayout.DATA.size());
          LogLayout.SEQUENCE_LOW.putU32(ds, sequence);
        }
      }
      before.forEach(e -> e.accept(b));
      VhdxCrc.seal(b, length, LogLayout.CHECKSUM);
      after.forEach(e -> e.accept(b));
      return b;
    }

    /**
     * Writes the entry at the builder's position, wrapping past the ring's end, and moves the
     * position past it.
     *
     * @return the entry's ring position
     */
    public long write() {
      long at = position;
      ByteBuffer b = encode(at);
      for (int i = 0; i < b.capacity(); i++) {
        ring[(int) ((at + i) % ring.length)] = b.get(i);
      }
      position = (at + b.capacity()) % ring.length;
      return at;
    }
  }
}
