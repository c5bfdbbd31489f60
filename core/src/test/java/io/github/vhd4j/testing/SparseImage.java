package io.github.vhd4j.testing;

import io.github.vhd4j.internal.Field;
import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.vhdx.layout.Guids;
import io.github.vhd4j.internal.vhdx.layout.VhdxCrc;
import java.io.EOFException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A file held in memory as the extents that were written, so that its memory follows what it
 * holds rather than its length: everything between extents reads as zeros. Test builders make
 * these; tests patch them (see {@link Struct}), read them through {@link #storage()}, or write them
 * to a sparse file.
 */
public final class SparseImage {
  private final TreeMap<Long, byte[]> extents = new TreeMap<>();
  private long length;

  /**
   * Starts an empty image.
   *
   * @param length its length
   */
  public SparseImage(long length) {
    this.length = length;
  }

  /**
   * Returns the file's length.
   *
   * @return bytes
   */
  public long length() {
    return length;
  }

  /**
   * Returns the bytes the image holds in memory.
   *
   * @return the extents' total size
   */
  public long heldBytes() {
    long n = 0;
    for (byte[] b : extents.values()) {
      n += b.length;
    }
    return n;
  }

  /**
   * Changes the file's length: bytes past it are no longer part of the file, new bytes read zero.
   *
   * @param newLength the length
   */
  public void setLength(long newLength) {
    this.length = newLength;
  }

  /**
   * Adds a zeroed extent, which the caller fills through {@link #array}; it must not overlap
   * another.
   *
   * @param offset its file offset
   * @param size its length
   * @return the extent's bytes
   */
  public byte[] extent(long offset, int size) {
    Map.Entry<Long, byte[]> before = extents.floorEntry(offset + size - 1);
    if (before != null && before.getKey() + before.getValue().length > offset) {
      throw new IllegalArgumentException("extent at " + offset + " overlaps the one at " + before.getKey());
    }
    byte[] b = new byte[size];
    extents.put(offset, b);
    return b;
  }

  /**
   * Writes bytes anywhere: into the extents they overlap, and new extents for the rest.
   *
   * @param offset the file offset
   * @param bytes the bytes
   */
  public void put(long offset, byte[] bytes) {
    long end = offset + bytes.length;
    long at = offset;
    while (at < end) {
      Map.Entry<Long, byte[]> e = extents.floorEntry(at);
      if (e != null && e.getKey() + e.getValue().length > at) {
        int from = (int) (at - e.getKey());
        int n = (int) Math.min(end - at, e.getValue().length - from);
        System.arraycopy(bytes, (int) (at - offset), e.getValue(), from, n);
        at += n;
        continue;
      }
      Long next = extents.higherKey(at);
      long gapEnd = next == null ? end : Math.min(end, next);
      byte[] fresh = extent(at, (int) (gapEnd - at));
      System.arraycopy(bytes, (int) (at - offset), fresh, 0, fresh.length);
      at = gapEnd;
    }
  }

  /**
   * Returns the bytes of the extent that holds a whole range, as a little-endian view starting at
   * the range: writes to it change the image.
   *
   * @param offset the range's file offset
   * @param size its length
   * @return the view
   */
  public ByteBuffer view(long offset, int size) {
    Map.Entry<Long, byte[]> e = extents.floorEntry(offset);
    if (e == null || e.getKey() + e.getValue().length < offset + size) {
      throw new IllegalArgumentException("no single extent holds [" + offset + ", " + (offset + size) + ")");
    }
    return ByteBuffer.wrap(e.getValue(), (int) (offset - e.getKey()), size).slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * Reads bytes as the file holds them.
   *
   * @param offset the file offset
   * @param size how many, within the file
   * @return the bytes
   */
  public byte[] read(long offset, int size) {
    byte[] out = new byte[size];
    copy(offset, out, 0, size);
    return out;
  }

  private void copy(long offset, byte[] out, int outIndex, int size) {
    long end = offset + size;
    Long first = extents.floorKey(offset);
    for (Map.Entry<Long, byte[]> e : extents.tailMap(first == null ? offset : first, true).entrySet()) {
      long s = e.getKey();
      if (s >= end) {
        break;
      }
      long from = Math.max(s, offset);
      long to = Math.min(Math.min(s + e.getValue().length, end), length);
      if (to > from) {
        System.arraycopy(e.getValue(), (int) (from - s), out, outIndex + (int) (from - offset), (int) (to - from));
      }
    }
  }

  /**
   * Returns the whole file as one array (for files that fit).
   *
   * @return the bytes
   */
  public byte[] toBytes() {
    return read(0, Math.toIntExact(length));
  }

  /**
   * Writes the file, sparse where nothing was written.
   *
   * @param path the file to create or replace
   * @return {@code path}
   * @throws IOException if it cannot be written
   */
  public Path write(Path path) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      for (Map.Entry<Long, byte[]> e : extents.entrySet()) {
        long n = Math.min(e.getValue().length, length - e.getKey());
        if (n > 0) {
          ByteBuffer b = ByteBuffer.wrap(e.getValue(), 0, (int) n);
          long at = e.getKey();
          while (b.hasRemaining()) {
            at += ch.write(b, at);
          }
        }
      }
    }
    try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
      f.setLength(length);
    }
    return path;
  }

  /**
   * A read-only storage over the image as it is when read.
   *
   * @return the storage
   */
  public Storage storage() {
    return new Storage() {
      @Override
      public long size() {
        return length;
      }

      @Override
      public void read(long offset, ByteBuffer dst, int dstIndex, int n) throws IOException {
        if (offset < 0 || n < 0 || offset > length - n) {
          throw new EOFException("read of " + n + " bytes at " + offset + " past " + length);
        }
        byte[] tmp = new byte[n];
        copy(offset, tmp, 0, n);
        dst.put(dstIndex, tmp);
      }

      @Override
      public void close() {}
    };
  }

  /**
   * A structure of the image: its place and, where it has one, its checksum field.
   */
  public final class Struct {
    private final long offset;
    private final int size;
    private final @Nullable Field checksum;

    Struct(long offset, int size, @Nullable Field checksum) {
      this.offset = offset;
      this.size = size;
      this.checksum = checksum;
    }

    /**
     * Returns its file offset.
     *
     * @return the offset
     */
    public long offset() {
      return offset;
    }

    /**
     * A little-endian view of its bytes; writes change the image.
     *
     * @return the view
     */
    public ByteBuffer buffer() {
      return view(offset, size);
    }

    /**
     * Sets a field (1, 2, 4 or 8 bytes) of the structure, or of one of its entries.
     *
     * @param base the entry's index in the structure, 0 for the structure's own fields
     * @param f the field
     * @param value the value
     * @return this
     */
    public Struct set(int base, Field f, long value) {
      ByteBuffer b = buffer();
      int at = base + f.offset();
      switch (f.size()) {
        case 1 -> b.put(at, (byte) value);
        case 2 -> b.putShort(at, (short) value);
        case 4 -> b.putInt(at, (int) value);
        case 8 -> b.putLong(at, value);
        default -> throw new IllegalArgumentException(f + " is not a number");
      }
      return this;
    }

    /**
     * Sets a field of the structure.
     *
     * @param f the field
     * @param value the value
     * @return this
     */
    public Struct set(Field f, long value) {
      return set(0, f, value);
    }

    /**
     * Sets a GUID field of the structure or of one of its entries.
     *
     * @param base the entry's index, or 0
     * @param f a 16-byte field
     * @param value the GUID
     * @return this
     */
    public Struct setGuid(int base, Field f, UUID value) {
      Guids.put(buffer(), base + f.offset(), value);
      return this;
    }

    /**
     * Writes bytes at an index of the structure.
     *
     * @param index the index
     * @param bytes the bytes
     * @return this
     */
    public Struct setBytes(int index, byte[] bytes) {
      buffer().put(index, bytes);
      return this;
    }

    /**
     * Stores a right checksum again after changes (headers and region tables).
     *
     * @return this
     */
    public Struct reseal() {
      if (checksum == null) {
        throw new IllegalStateException("this structure has no checksum");
      }
      VhdxCrc.seal(buffer(), size, checksum);
      return this;
    }
  }

  /**
   * Describes a structure of this image.
   *
   * @param offset its file offset
   * @param size its length
   * @param checksum its checksum field, or null
   * @return the structure
   */
  public Struct struct(long offset, int size, @Nullable Field checksum) {
    return new Struct(offset, size, checksum);
  }
}
