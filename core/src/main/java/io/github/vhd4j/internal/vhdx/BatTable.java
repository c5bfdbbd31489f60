package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.internal.Fmt;
import io.github.vhd4j.internal.ImageLayer;
import io.github.vhd4j.internal.Site;
import io.github.vhd4j.internal.vhdx.layout.BatLayout;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * A validated BAT (MS-VHDX 2.5) as the block resolver: payload block {@code b} is entry
 * {@code b + b / CR} in fixed, dynamic and differencing files alike, and chunk {@code c}'s sector
 * bitmap is entry {@code c * (CR + 1) + CR}.
 *
 * <p>Only NOT_PRESENT reads the parent, and only in a differencing disk; UNDEFINED, ZERO,
 * UNMAPPED and the draft UNMAPPED value 5 read zeros, their file offset never used (MS-VHDX
 * 2.5.1.1); FULLY_PRESENT is data; PARTIALLY_PRESENT is data decided per sector by its chunk's
 * bitmap, or plain data in a disk without a parent (what lenient mode makes of it). State 4 is
 * refused at the read. Every present block and bitmap is checked against the file again when it
 * is resolved, so no entry, even one changed in the file since the open, can send a read to the
 * header section or past the file's end; what only the whole table shows (an overlap) comes from
 * the validation, for the blocks lenient mode kept.
 *
 * <p>For bulk walks the validation also left a summary: one bit per {@link #GROUP} payload blocks
 * that are not all of the disk's default (zeros, or the parent in a differencing disk), so a
 * walk over a 64 TiB disk with a few blocks reads a few pages of the table.
 */
final class BatTable extends VhdxTable {
  /**
   * Where every block and bitmap must end: 256 TiB, FileOffsetMB at most 0x0FFFFFFF, the bound
   * Microsoft's own reader sets (OpenVMM bat.rs).
   */
  static final long MAX_FILE_END = 1L << 48;
  /** log2 of the payload blocks one summary bit covers. */
  static final int GROUP_SHIFT = 9;
  /** The payload blocks one summary bit covers. */
  static final int GROUP = 1 << GROUP_SHIFT;

  private static final long MIB = BatLayout.MIB;
  /** A verdict beside {@link BatDamage}'s: the object is not inside the file. */
  private static final byte OUTSIDE = -1;

  private final BatEntries entries;
  private final long count;
  private final int crShift;
  private final long chunkRatio;
  private final long sectorsPerBlock;
  private final boolean differencing;
  private final long blockSize;
  private final int blockShift;
  private final long virtualSize;
  private final int payloadBlocks;
  private final long limit;
  private final long tableOffset;
  private final String resource;
  private final long[] summary;
  private final @Nullable BatDamage damage;

  /**
   * Assembles a validated table.
   *
   * @param geometry the disk's numbers
   * @param entries the entries
   * @param tableOffset the BAT region's file offset, for problems
   * @param length the length blocks must lie within
   * @param resource the file's name, for problems
   * @param summary one bit per {@link #GROUP} payload blocks that are not all of the default
   * @param damage what lenient mode kept but cannot read, or null
   */
  BatTable(VhdxGeometry geometry, BatEntries entries, long tableOffset, long length, String resource,
      long[] summary, @Nullable BatDamage damage) {
    super(geometry);
    this.entries = entries;
    this.count = entries.count;
    this.chunkRatio = geometry.chunkRatio();
    this.crShift = Long.numberOfTrailingZeros(chunkRatio);
    this.sectorsPerBlock = geometry.sectorsPerBlock();
    this.differencing = geometry.differencing();
    this.blockSize = geometry.blockSize();
    this.blockShift = Long.numberOfTrailingZeros(blockSize);
    this.virtualSize = geometry.virtualSize();
    this.payloadBlocks = Math.toIntExact(geometry.payloadBlocks());
    this.limit = limit(length);
    this.tableOffset = tableOffset;
    this.resource = resource;
    this.summary = summary;
    this.damage = damage;
  }

  /**
   * Where blocks and bitmaps must end in a file of {@code length} bytes.
   *
   * @param length the file's length
   * @return the smaller of the length and {@link #MAX_FILE_END}
   */
  static long limit(long length) {
    return Math.min(length, MAX_FILE_END);
  }

  /**
   * The MiBs {@code bytes} bytes span.
   *
   * @param bytes a non-negative length
   * @return the length divided by 1 MiB, rounded up
   */
  static long mibs(long bytes) {
    return (bytes + MIB - 1) >>> 20;
  }

  /**
   * Tells whether a payload state reads the disk's default, what bulk walks skip: NOT_PRESENT in a
   * differencing disk (the parent), every state that reads zeros in any other.
   *
   * @param state bits 0-2 of the entry
   * @param differencing whether the disk has a parent
   * @return true for a default block
   */
  static boolean isDefault(int state, boolean differencing) {
    return differencing ? state == BatLayout.PAYLOAD_NOT_PRESENT : state <= BatLayout.PAYLOAD_UNMAPPED || state == 5;
  }

  /**
   * The bytes of block {@code block} the disk uses: the block size, or less for a last block cut
   * at the virtual end (older QEMU wrote files that end there).
   *
   * @param block the payload block
   * @return the bytes
   */
  long extent(long block) {
    return Math.min(blockSize, virtualSize - (block << blockShift));
  }

  /**
   * The entry index of a payload block.
   *
   * @param block the block
   * @return {@code block + block / CR}
   */
  long index(long block) {
    return block + (block >>> crShift);
  }

  @Override
  public long payloadEntry(int block) throws IOException {
    return entries.get(index(checkBlock(block)));
  }

  @Override
  public long bitmapEntry(int chunk) throws IOException {
    long i = BatLayout.bitmapIndex(chunk, chunkRatio);
    return chunk < 0 || i >= count ? 0 : entries.get(i);
  }

  @Override
  public long locate(int block) throws IOException {
    return resolve(checkBlock(block), entries.get(index(block)));
  }

  @Override
  public long bitmapOffset(int block) throws IOException {
    return bitmapBlock(checkBlock(block)) + BatLayout.bitmapByte(block, chunkRatio, sectorsPerBlock);
  }

  private int checkBlock(int block) {
    if (block < 0 || block >= payloadBlocks) {
      throw new IllegalArgumentException("block " + block + " of " + payloadBlocks);
    }
    return block;
  }

  private long resolve(int block, long e) throws IOException {
    switch (BatLayout.state(e)) {
      case BatLayout.PAYLOAD_NOT_PRESENT:
        return differencing ? ImageLayer.PARENT : ImageLayer.ZERO;
      case BatLayout.PAYLOAD_FULLY_PRESENT:
        return present(block, e, false);
      case BatLayout.PAYLOAD_PARTIALLY_PRESENT:
        return present(block, e, differencing);
      case 4:
        throw damaged(ProblemCode.VHDX_BAT_STATE, index(block), "a defined state", Fmt.hex64(e),
            "block " + block + " has the reserved state 4");
      default:
        return ImageLayer.ZERO;
    }
  }

  private long present(int block, long e, boolean partial) throws IOException {
    long off = BatLayout.fileOffset(e);
    byte why = check(off, extent(block), blockSize);
    if (why != BatDamage.NONE) {
      throw unreadable(why, index(block), off, "block " + block);
    }
    if (partial) {
      bitmapBlock(block);
    }
    return partial ? off | ImageLayer.PARTIAL : off;
  }

  /** The file offset of the sector bitmap block of {@code block}'s chunk, checked readable. */
  private long bitmapBlock(int block) throws IOException {
    long chunk = block >>> crShift;
    long i = BatLayout.bitmapIndex(chunk, chunkRatio);
    long e = i < count ? entries.get(i) : 0;
    int state = BatLayout.state(e);
    if (!differencing || state != BatLayout.BITMAP_PRESENT && state != BatLayout.PAYLOAD_PARTIALLY_PRESENT) {
      throw damaged(ProblemCode.VHDX_BITMAP_MISSING, i, "a present sector bitmap", Fmt.hex64(e),
          "block " + block + " is partially present but chunk " + chunk + " has no sector bitmap");
    }
    long off = BatLayout.fileOffset(e);
    byte why = check(off, BatLayout.BITMAP_BLOCK, BatLayout.BITMAP_BLOCK);
    if (why != BatDamage.NONE) {
      throw unreadable(why, i, off, "the sector bitmap of chunk " + chunk + " (for block " + block + ")");
    }
    return off;
  }

  /**
   * Tells whether {@code [off, off + ext)} may be read: {@link #OUTSIDE} unless it lies in the file
   * after the header section, else what the validation found about all {@code size} bytes.
   */
  private byte check(long off, long ext, long size) {
    if (off < MIB || off > limit - ext) {
      return OUTSIDE;
    }
    BatDamage d = damage;
    return d == null ? BatDamage.NONE : d.reason(off, Math.min(off + size, mibs(limit) << 20));
  }

  private VhdFormatException unreadable(byte why, long index, long off, String what) {
    if (why == OUTSIDE) {
      return damaged(ProblemCode.VHDX_BAT_OFFSET, index, "an object in [1 MiB, " + limit + ")", Fmt.num(off),
          what + (off >= 0 && off < MIB ? " lies in the header section" : " lies outside the file"));
    }
    return damaged(ProblemCode.VHDX_BAT_OVERLAP, index, "an object clear of every other", Fmt.num(off),
        what + (why == BatDamage.IN_USE ? " overlaps the header section, the log or a region"
            : " overlaps another block or sector bitmap"));
  }

  private VhdFormatException damaged(ProblemCode code, long index, String expected, String actual, String why) {
    Site site = BatLayout.entry(tableOffset, index);
    return new VhdFormatException(new Problem(code, Severity.ERROR, resource, site.structure(), site.field(),
        site.offset(), expected, actual, why + "; the image was opened despite it, but this block cannot be read"));
  }

  /** Tells whether an entry resolves to {@code empty} without reading anything else. */
  private boolean resolvesTo(long e, long empty) {
    int state = BatLayout.state(e);
    if (state == BatLayout.PAYLOAD_NOT_PRESENT) {
      return empty == (differencing ? ImageLayer.PARENT : ImageLayer.ZERO);
    }
    return empty == ImageLayer.ZERO && (state <= BatLayout.PAYLOAD_UNMAPPED || state == 5);
  }

  @Override
  public ImageLayer.Scan scan(long empty) {
    BatCursor cursor = new BatCursor(entries);
    // The summary knows the default only; a walk skipping anything else looks at every entry.
    boolean skip = empty == (differencing ? ImageLayer.PARENT : ImageLayer.ZERO);
    return new ImageLayer.Scan() {
      @Override
      public int next(int from, int to) throws IOException {
        int b = Math.max(from, 0);
        int end = Math.min(to, payloadBlocks);
        while (b < end) {
          int stop = end;
          if (skip) {
            int g = b >>> GROUP_SHIFT;
            long next = (long) (g + 1) << GROUP_SHIFT;
            if ((summary[g >>> 6] & 1L << g) == 0) {
              b = (int) Math.min(next, end);
              continue;
            }
            stop = (int) Math.min(next, end);
          }
          long last = index(stop - 1) + 1;
          for (; b < stop; b++) {
            if (!resolvesTo(cursor.get(index(b), last), empty)) {
              return b;
            }
          }
        }
        return to;
      }

      @Override
      public long locate(int block) throws IOException {
        long i = index(checkBlock(block));
        return resolve(block, cursor.get(i, i + 1));
      }

      @Override
      public long empty() {
        return empty;
      }
    };
  }
}
