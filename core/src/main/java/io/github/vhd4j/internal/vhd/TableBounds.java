package io.github.vhd4j.internal.vhd;

import static io.github.vhd4j.internal.Fmt.hex64;

import io.github.vhd4j.Footer;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.internal.Limits;
import io.github.vhd4j.internal.Problems;
import io.github.vhd4j.internal.Sectors;
import io.github.vhd4j.internal.Site;
import io.github.vhd4j.internal.StopParsing;
import io.github.vhd4j.internal.vhd.layout.DynamicHeaderLayout;
import io.github.vhd4j.internal.vhd.layout.FooterLayout;
import io.github.vhd4j.internal.vhd.layout.TableLayout;

/**
 * Where the block allocation table lies and how many entries it has, from the header's table
 * offset and max table entries, bounded by the file before anything is allocated from them: the
 * whole table must fit before where blocks end, clear of the footer copy and the header, and cover
 * the disk's size.
 */
final class TableBounds {
  /** The table's file offset. */
  final long offset;
  /** Its number of entries. */
  final long entries;
  /** Its entries' bytes, without the padding. */
  final long bytes;
  /** Where the table ends, padded to a whole sector. */
  final long regionEnd;
  /** The blocks the disk's chosen size needs. */
  final long needed;

  private TableBounds(long offset, long entries, long needed) {
    this.offset = offset;
    this.entries = entries;
    this.bytes = entries * TableLayout.ENTRY_SIZE;
    this.regionEnd = offset + TableLayout.paddedBytes(entries);
    this.needed = needed;
  }

  /**
   * Checks the table's bounds.
   *
   * @param ctx the parse
   * @param h the dynamic header
   * @param f the footer
   * @param virtual the disk's chosen size
   * @param dataEnd where structures must end
   * @return the table's bounds
   * @throws StopParsing when the table cannot be read or does not cover the disk
   */
  static TableBounds check(ParseContext ctx, DynamicHeaderParser.Header h, Footer f, long virtual, long dataEnd) {
    Problems p = ctx.p;
    long blockSize = h.blockSize();
    long neededVirtual = Sectors.ceilDiv(virtual, blockSize);
    long neededCurrent = Sectors.ceilDiv(f.currentSize(), blockSize);
    if (neededVirtual > 0xFFFFFFFFL) {
      throw p.fatal(ProblemCode.TOO_MANY_BLOCKS, h.place().site(DynamicHeaderLayout.BLOCK_SIZE),
          "at most 4294967295 blocks", Long.toString(neededVirtual), "the disk is too large for its block size");
    }
    TableBounds t = new TableBounds(placement(p, h, dataEnd), DynamicHeaderLayout.MAX_TABLE_ENTRIES.u32(h.buf()),
        neededVirtual);
    t.clearOfMetadata(p, h);
    t.coverage(p, h, f, virtual, blockSize, neededCurrent);
    return t;
  }

  /**
   * Bounds the entry count by the file first, since it decides how much memory the table takes,
   * then the table offset; an empty disk (current size 0, as qemu-img create makes it) has a table
   * of no entries, which may start exactly where the footer does.
   *
   * @return the table offset
   */
  private static long placement(Problems p, DynamicHeaderParser.Header h, long dataEnd) {
    Site entriesSite = h.place().site(DynamicHeaderLayout.MAX_TABLE_ENTRIES);
    Site offsetSite = h.place().site(DynamicHeaderLayout.TABLE_OFFSET);
    long tableOffset = DynamicHeaderLayout.TABLE_OFFSET.u64(h.buf());
    long maxEntries = DynamicHeaderLayout.MAX_TABLE_ENTRIES.u32(h.buf());
    if (maxEntries * TableLayout.ENTRY_SIZE > dataEnd) {
      throw p.fatal(ProblemCode.BAT_OUTSIDE_FILE, entriesSite,
          "at most " + dataEnd / TableLayout.ENTRY_SIZE + " (what a " + dataEnd + "-byte file can hold)",
          Long.toString(maxEntries), "the block allocation table cannot fit in the file");
    }
    if (maxEntries > Limits.MAX_TABLE_ENTRIES) {
      throw p.limit(ProblemCode.BAT_LIMIT, entriesSite, maxEntries, Limits.MAX_TABLE_ENTRIES,
          "block allocation table above this library's cap");
    }
    if (tableOffset < 0 || tableOffset > dataEnd || tableOffset == dataEnd && maxEntries > 0) {
      throw p.fatal(ProblemCode.HEADER_TABLE_OFFSET, offsetSite, "inside the file, before " + dataEnd,
          hex64(tableOffset), null);
    }
    if (tableOffset % Sectors.SIZE != 0) {
      p.error(ProblemCode.HEADER_TABLE_OFFSET, true, offsetSite, "a multiple of 512", hex64(tableOffset), null);
    }
    if (maxEntries * TableLayout.ENTRY_SIZE > dataEnd - tableOffset) {
      throw p.fatal(ProblemCode.BAT_OUTSIDE_FILE, entriesSite,
          "at most " + (dataEnd - tableOffset) / TableLayout.ENTRY_SIZE + " (entries that fit between the table offset "
              + tableOffset + " and " + dataEnd + ")",
          Long.toString(maxEntries), "the block allocation table does not fit in the file");
    }
    return tableOffset;
  }

  private void clearOfMetadata(Problems p, DynamicHeaderParser.Header h) {
    long hdrEnd = h.offset() + DynamicHeaderLayout.SIZE;
    if (Sectors.overlaps(offset, regionEnd, h.offset(), hdrEnd) || Sectors.overlaps(offset, regionEnd, 0,
        FooterLayout.SIZE)) {
      throw p.fatal(ProblemCode.HEADER_TABLE_OFFSET, h.place().site(DynamicHeaderLayout.TABLE_OFFSET),
          "a table clear of the footer copy [0, " + FooterLayout.SIZE + ") and the header [" + h.offset() + ", "
              + hdrEnd + ")",
          hex64(offset), "the block allocation table overlaps metadata");
    }
  }

  private void coverage(Problems p, DynamicHeaderParser.Header h, Footer f, long virtual, long blockSize,
      long neededCurrent) {
    Site entriesSite = h.place().site(DynamicHeaderLayout.MAX_TABLE_ENTRIES);
    if (entries < needed) {
      throw p.fatal(ProblemCode.BAT_TOO_SMALL, entriesSite, "at least " + needed, Long.toString(entries),
          "the table covers " + entries * blockSize + " bytes of a " + virtual + "-byte disk");
    }
    if (entries < neededCurrent) {
      p.warning(ProblemCode.BAT_TOO_SMALL, entriesSite, "at least " + neededCurrent, Long.toString(entries),
          "the table covers the chosen size but not the whole current size " + f.currentSize());
    } else if (entries > neededCurrent) {
      p.warning(ProblemCode.BAT_TOO_LARGE, entriesSite, Long.toString(neededCurrent), Long.toString(entries),
          "entries beyond the disk's last block are ignored");
    }
  }
}
