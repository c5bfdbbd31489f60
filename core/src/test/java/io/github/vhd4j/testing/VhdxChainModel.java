package io.github.vhd4j.testing;

import io.github.vhd4j.internal.vhdx.layout.BatLayout;
import io.github.vhd4j.internal.vhdx.layout.Guids;
import io.github.vhd4j.internal.vhdx.layout.ParentLocatorLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One VHDX file of a test chain together with the content the chain reads through it: a
 * {@link VhdxBuilder} and the flattened virtual disk, kept in step as blocks are set, so that
 * tests compare reads against this model rather than against the code under test. Every 8-byte
 * word a layer stores holds the layer's tag and its own virtual offset ({@link #stamp}), so data
 * read from the wrong layer or at the wrong offset shows.
 *
 * <pre>{@code
 * VhdxChainModel base = VhdxChainModel.base(8 * MIB, MIB, 512, 0).full(0).full(3);
 * VhdxChainModel child = base.child(1).full(1).state(3, BatLayout.PAYLOAD_ZERO).present(4, 5, 3);
 * base.write(dir.resolve("parent.vhdx"));
 * child.write(dir.resolve("child.vhdx"));   // reads child.content()
 * }</pre>
 */
public final class VhdxChainModel {
  /** The file's builder: anything the model does not cover can still be set on it. */
  public final VhdxBuilder builder;
  /** The layer's tag, stored in every word it writes. */
  public final int tag;
  private final byte[] flat;
  private final Map<Long, byte[]> bitmaps = new HashMap<>();
  private final Map<Integer, byte[]> partial = new HashMap<>();

  private VhdxChainModel(VhdxBuilder builder, int tag, byte[] flat) {
    this.builder = builder;
    this.tag = tag;
    this.flat = flat;
  }

  /**
   * A dynamic disk without a parent; every block not set reads zeros.
   *
   * @param size the virtual size (at most 1 GiB: the model holds it in memory)
   * @param blockSize the block size
   * @param sectorSize the logical sector size, 512 or 4096
   * @param tag the layer's tag
   * @return the model
   */
  public static VhdxChainModel base(long size, long blockSize, int sectorSize, int tag) {
    VhdxBuilder b = VhdxBuilder.dynamic(size, blockSize);
    b.logicalSectorSize = sectorSize;
    return new VhdxChainModel(b, tag, new byte[Math.toIntExact(size)]);
  }

  /**
   * A differencing child of this disk, of the same size, block size and sector size, whose
   * {@code parent_linkage} is this disk's DataWriteGuid and whose {@code relative_path} is
   * {@code .\parent.vhdx}; every block not set reads this disk.
   *
   * @param tag the child's tag
   * @return the child
   */
  public VhdxChainModel child(int tag) {
    return child(builder.virtualSize, tag);
  }

  /**
   * A differencing child of another size: past this disk's end it reads zeros.
   *
   * @param size the child's virtual size
   * @param tag the child's tag
   * @return the child
   */
  public VhdxChainModel child(long size, int tag) {
    return child(size, builder.blockSize, tag);
  }

  /**
   * A differencing child of another size and block size (Hyper-V makes 2 MiB-block children of
   * 32 MiB-block disks).
   *
   * @param size the child's virtual size
   * @param blockSize the child's block size
   * @param tag the child's tag
   * @return the child
   */
  public VhdxChainModel child(long size, long blockSize, int tag) {
    VhdxBuilder b = VhdxBuilder.differencing(size, blockSize, dataWriteGuid());
    b.logicalSectorSize = builder.logicalSectorSize;
    b.logLength = builder.logLength;
    return new VhdxChainModel(b, tag, Arrays.copyOf(flat, Math.toIntExact(size)));
  }

  /**
   * The bytes a layer stores at a virtual offset: each 8-byte word holds {@code tag + 1} in its top
   * byte and the word's virtual offset below (never all zeros).
   *
   * @param tag the layer's tag
   * @param at the virtual offset of the first byte, a multiple of 8
   * @param length the length, a multiple of 8
   * @return the bytes
   */
  public static byte[] stamp(int tag, long at, int length) {
    ByteBuffer b = ByteBuffer.allocate(length);
    for (int i = 0; i < length; i += 8) {
      b.putLong(i, (tag + 1L) << 56 | (at + i));
    }
    return b.array();
  }

  /**
   * Stores a whole block (FULLY_PRESENT).
   *
   * @param block the block
   * @return this
   */
  public VhdxChainModel full(int block) {
    long start = block * builder.blockSize;
    builder.block(block, stamp(tag, start, (int) builder.blockSize));
    copy(start, builder.blockSize);
    return this;
  }

  /**
   * Sets a block's state without data: NOT_PRESENT keeps what the parent reads, any other state
   * reads zeros (MS-VHDX 2.5.1.1).
   *
   * @param block the block
   * @param state a payload state other than FULLY_PRESENT and PARTIALLY_PRESENT
   * @return this
   */
  public VhdxChainModel state(int block, int state) {
    builder.entry(block, state, 0);
    if (state != BatLayout.PAYLOAD_NOT_PRESENT) {
      long start = block * builder.blockSize;
      Arrays.fill(flat, (int) start, (int) Math.min(start + builder.blockSize, flat.length), (byte) 0);
    }
    return this;
  }

  /**
   * Makes sectors of a block present in this file (PARTIALLY_PRESENT); the block's other sectors
   * read the parent.
   *
   * @param block the block
   * @param first the first sector, counted from the block's start
   * @param count the number of sectors
   * @return this
   */
  public VhdxChainModel present(int block, long first, long count) {
    byte[] bits = bits(block);
    long base = bitBase(block);
    for (long s = first; s < first + count; s++) {
      long bit = base + s;
      bits[(int) (bit >>> 3)] |= (byte) (1 << (bit & 7));
    }
    return refresh(block);
  }

  /**
   * Sets a block's sector bitmap bytes from its first sector on (PARTIALLY_PRESENT): bit i of
   * byte j, least significant first, is sector 8j + i of the block (MS-VHDX 2.4).
   *
   * @param block the block
   * @param pattern the bitmap bytes
   * @return this
   */
  public VhdxChainModel bitmapBytes(int block, byte... pattern) {
    byte[] bits = bits(block);
    int base = (int) (bitBase(block) >>> 3);
    System.arraycopy(pattern, 0, bits, base, pattern.length);
    return refresh(block);
  }

  /** The chunk bitmap of a block, present in the file from the first partial block on. */
  private byte[] bits(int block) {
    long chunk = block / builder.chunkRatio();
    byte[] bits = bitmaps.computeIfAbsent(chunk, c -> new byte[(int) BatLayout.BITMAP_BLOCK]);
    builder.bitmap((int) chunk, bits);
    if (!partial.containsKey(block)) {
      byte[] data = stamp(tag, block * builder.blockSize, (int) builder.blockSize);
      partial.put(block, data);
      builder.partial(block, data);
    }
    return bits;
  }

  private long bitBase(int block) {
    return (block % builder.chunkRatio()) * (builder.blockSize / builder.logicalSectorSize);
  }

  /** Copies the block's present sectors into the model. */
  private VhdxChainModel refresh(int block) {
    byte[] bits = bitmaps.get(block / builder.chunkRatio());
    long base = bitBase(block);
    long sector = builder.logicalSectorSize;
    for (long s = 0; s < builder.blockSize / sector; s++) {
      long bit = base + s;
      if ((bits[(int) (bit >>> 3)] >>> (bit & 7) & 1) != 0) {
        copy(block * builder.blockSize + s * sector, sector);
      }
    }
    return this;
  }

  /** Copies this layer's stamp over a virtual range of the model, clipped to the disk. */
  private void copy(long start, long length) {
    long end = Math.min(start + length, flat.length);
    if (end > start) {
      System.arraycopy(stamp(tag, start, (int) (end - start)), 0, flat, (int) start, (int) (end - start));
    }
  }

  /**
   * Sets the parent locator's {@code relative_path}, or removes it.
   *
   * @param path the value as Windows stores it, or null
   * @return this
   */
  public VhdxChainModel relativePath(@Nullable String path) {
    return locator(ParentLocatorLayout.RELATIVE_PATH, path);
  }

  /**
   * Sets a parent locator entry, or removes it.
   *
   * @param key the key
   * @param value the value, or null to remove the key
   * @return this
   */
  public VhdxChainModel locator(String key, @Nullable String value) {
    if (value == null) {
      builder.locator.remove(key);
    } else {
      builder.locator.put(key, value);
    }
    return this;
  }

  /**
   * The DataWriteGuid of the current header (header 2).
   *
   * @return the GUID
   */
  public UUID dataWriteGuid() {
    return builder.header2.dataWriteGuid;
  }

  /**
   * Sets both headers' DataWriteGuid.
   *
   * @param guid the GUID
   * @return this
   */
  public VhdxChainModel dataWriteGuid(UUID guid) {
    builder.header1.dataWriteGuid = guid;
    builder.header2.dataWriteGuid = guid;
    return this;
  }

  /**
   * The locator text of a GUID, {@code {lowercase-guid}} as Windows writes it.
   *
   * @param guid the GUID
   * @return the text
   */
  public static String text(UUID guid) {
    return Guids.text(guid);
  }

  /**
   * The virtual disk as a reader of this file (and its parents) must return it.
   *
   * @return a copy of the flattened content
   */
  public byte[] content() {
    return flat.clone();
  }

  /**
   * Writes the file, sparse.
   *
   * @param path where
   * @return {@code path}
   * @throws IOException if it cannot be written
   */
  public Path write(Path path) throws IOException {
    return builder.write(path);
  }
}
