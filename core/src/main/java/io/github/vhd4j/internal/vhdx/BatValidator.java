package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.internal.Fmt;
import io.github.vhd4j.internal.Problems;
import io.github.vhd4j.internal.Sectors;
import io.github.vhd4j.internal.vhdx.layout.BatLayout;
import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Validates every entry of a BAT (MS-VHDX 2.5) in one pass over the table in chunks, whatever its
 * size. Each entry is classified by its index (every {@code CR + 1}th entry is a chunk's sector
 * bitmap entry), never by counting entries of some state, so no payload entry can pass for a
 * bitmap entry. Checked: reserved bits 3-19 (2.5.1), payload states (2.5.1.1) and bitmap states
 * (2.5.1.2), present blocks and bitmaps at FileOffsetMB 1 or more, inside the file and clear of
 * the header section, log, regions and each other (2.5.1; a bitmap over the file's MiBs finds
 * overlaps), a sector bitmap for every chunk holding a partially present block, and file offsets
 * left in entries that are not present, which are reported and never read.
 *
 * <p>A table of millions of bad entries costs a counter per problem past the per-code cap: no
 * message is built for those.
 */
final class BatValidator {
  private static final long MIB = BatLayout.MIB;

  /**
   * What the validation leaves for the table.
   *
   * @param summary one bit per {@link BatTable#GROUP} payload blocks that are not all of the
   *     disk's default
   * @param damage what lenient mode keeps but cannot read, or null
   */
  record Result(long[] summary, @Nullable BatDamage damage) {}

  private final Problems p;
  private final long tableOffset;
  private final BatEntries entries;
  private final List<long[]> occupied;
  private final long chunkRatio;
  private final int crShift;
  private final boolean differencing;
  private final long blockSize;
  private final long virtualSize;
  private final long payloadBlocks;
  private final long limit;
  private final long fileMibs;
  private final FileMibs claimed;
  private final FileMibs shared;
  private final long[] summary;
  /** Codes of which one unrecoverable error was kept whatever the cap. */
  private final Set<ProblemCode> keptUnrecoverable = EnumSet.noneOf(ProblemCode.class);
  private boolean inUse;
  /** The chunk whose partially present blocks wait for its bitmap entry, or -1. */
  private long pendingChunk = -1;
  private long pendingIndex;

  private BatValidator(VhdxParseContext ctx, long tableOffset, VhdxGeometry g, BatEntries entries,
      List<long[]> occupied) {
    this.p = ctx.p;
    this.tableOffset = tableOffset;
    this.entries = entries;
    this.occupied = occupied;
    this.chunkRatio = g.chunkRatio();
    this.crShift = Long.numberOfTrailingZeros(chunkRatio);
    this.differencing = g.differencing();
    this.blockSize = g.blockSize();
    this.virtualSize = g.virtualSize();
    this.payloadBlocks = g.payloadBlocks();
    this.limit = BatTable.limit(ctx.length);
    this.fileMibs = BatTable.mibs(limit);
    this.claimed = new FileMibs(fileMibs);
    this.shared = new FileMibs(fileMibs);
    long groups = (payloadBlocks + BatTable.GROUP - 1) >>> BatTable.GROUP_SHIFT;
    this.summary = new long[(int) ((groups + 63) >>> 6)];
  }

  /**
   * Validates a table; problems go to the parse's collector.
   *
   * @param ctx the parse
   * @param tableOffset the BAT region's file offset
   * @param geometry the disk's numbers
   * @param entries the table's entries
   * @param occupied file ranges {@code [start, end)} of the header section, log and regions
   * @return the summary and damage for the table
   * @throws IOException if the file cannot be read
   */
  static Result validate(VhdxParseContext ctx, long tableOffset, VhdxGeometry geometry, BatEntries entries,
      List<long[]> occupied) throws IOException {
    return new BatValidator(ctx, tableOffset, geometry, entries, occupied).run();
  }

  private Result run() throws IOException {
    BatCursor c = new BatCursor(entries);
    long stride = chunkRatio + 1;
    for (long from = 0; from < entries.count; ) {
      int n = c.fill(from);
      // The entry's chunk and place in it, by index: a place of CR is the chunk's bitmap entry.
      long chunk = from / stride;
      long place = from - chunk * stride;
      for (int k = 0; k < n; k++) {
        long e = c.at(k);
        // Zero is NOT_PRESENT without an offset: nothing to check, whatever the entry's kind.
        if (e != 0) {
          entry(from + k, chunk, place, e);
        }
        if (++place == stride) {
          place = 0;
          chunk++;
        }
      }
      from += n;
    }
    flush(Long.MAX_VALUE);
    boolean overlaps = !shared.isEmpty();
    BatDamage damage = inUse || overlaps ? new BatDamage(occupied, overlaps ? shared : null) : null;
    return new Result(summary, damage);
  }

  private void entry(long i, long chunk, long place, long e) {
    flush(i);
    if ((e & BatLayout.RESERVED_MASK) != 0 && admit(ProblemCode.VHDX_BAT_RESERVED, true, Severity.ERROR)) {
      add(ProblemCode.VHDX_BAT_RESERVED, true, Severity.ERROR, i, "reserved bits 3-19 zero", Fmt.hex64(e),
          "lenient mode ignores them");
    }
    if (place == chunkRatio) {
      bitmap(i, chunk, e);
    } else {
      payload(i, (chunk << crShift) + place, e);
    }
  }

  /** Reports the pending chunk's missing bitmap once its bitmap entry lies before {@code i}. */
  private void flush(long i) {
    if (pendingChunk < 0 || BatLayout.bitmapIndex(pendingChunk, chunkRatio) >= i) {
      return;
    }
    long bitmapAt = BatLayout.bitmapIndex(pendingChunk, chunkRatio);
    if (admit(ProblemCode.VHDX_BITMAP_MISSING, false, Severity.ERROR)) {
      add(ProblemCode.VHDX_BITMAP_MISSING, false, Severity.ERROR, pendingIndex,
          "entry[" + bitmapAt + "] in state 6 (SB_BLOCK_PRESENT)", "no sector bitmap",
          "a partially present block needs its chunk's sector bitmap (chunk " + pendingChunk + ")");
    }
    pendingChunk = -1;
  }

  private void payload(long i, long block, long e) {
    if (block >= payloadBlocks) {
      // The padding after a differencing disk's last block: never read.
      return;
    }
    int state = BatLayout.state(e);
    if (!BatTable.isDefault(state, differencing)) {
      long g = block >>> BatTable.GROUP_SHIFT;
      summary[(int) (g >>> 6)] |= 1L << g;
    }
    switch (state) {
      case BatLayout.PAYLOAD_NOT_PRESENT, BatLayout.PAYLOAD_UNDEFINED, BatLayout.PAYLOAD_ZERO,
          BatLayout.PAYLOAD_UNMAPPED -> stale(i, state, e);
      case 4 -> {
        if (admit(ProblemCode.VHDX_BAT_STATE, false, Severity.ERROR)) {
          add(ProblemCode.VHDX_BAT_STATE, false, Severity.ERROR, i, "a payload state 0-3, 6 or 7", "4",
              "state 4 is reserved");
        }
      }
      case 5 -> {
        if (admit(ProblemCode.VHDX_BAT_STATE, true, Severity.ERROR)) {
          add(ProblemCode.VHDX_BAT_STATE, true, Severity.ERROR, i, "a payload state 0-3, 6 or 7", "5",
              "state 5 is reserved (UNMAPPED in a draft); lenient mode reads it as UNMAPPED: zeros");
        }
      }
      case BatLayout.PAYLOAD_FULLY_PRESENT -> present(i, block, e, false);
      default -> {
        if (!differencing && admit(ProblemCode.VHDX_BAT_STATE, true, Severity.ERROR)) {
          add(ProblemCode.VHDX_BAT_STATE, true, Severity.ERROR, i, "a payload state 0-3 or 6", "7",
              "PARTIALLY_PRESENT in a disk without a parent; lenient mode reads it as FULLY_PRESENT");
        }
        present(i, block, e, differencing);
      }
    }
  }

  /** Reports a file offset left in an entry whose state never reads it (MS-VHDX 2.5.1.1). */
  private void stale(long i, int state, long e) {
    if (BatLayout.fileOffset(e) == 0) {
      return;
    }
    // ZERO and NOT_PRESENT must carry 0 (Hyper-V refuses a ZERO entry with one); UNDEFINED and
    // UNMAPPED may point at old contents.
    boolean reserved = state == BatLayout.PAYLOAD_NOT_PRESENT || state == BatLayout.PAYLOAD_ZERO;
    Severity severity = reserved ? Severity.WARNING : Severity.INFO;
    if (admit(ProblemCode.VHDX_BAT_STALE_OFFSET, true, severity)) {
      add(ProblemCode.VHDX_BAT_STALE_OFFSET, true, severity, i, reserved ? "FileOffsetMB 0" : null,
          Fmt.num(BatLayout.fileOffset(e)), "state " + state + " (" + stateName(state)
              + ") carries a file offset; it is never read");
    }
  }

  private static String stateName(int state) {
    return switch (state) {
      case BatLayout.PAYLOAD_NOT_PRESENT -> "NOT_PRESENT";
      case BatLayout.PAYLOAD_UNDEFINED -> "UNDEFINED";
      case BatLayout.PAYLOAD_ZERO -> "ZERO";
      default -> "UNMAPPED";
    };
  }

  private void present(long i, long block, long e, boolean partial) {
    if (partial && pendingChunk != block >>> crShift) {
      pendingChunk = block >>> crShift;
      pendingIndex = i;
    }
    object(i, BatLayout.fileOffset(e), Math.min(blockSize, virtualSize - block * blockSize), blockSize);
  }

  private void bitmap(long i, long chunk, long e) {
    int state = BatLayout.state(e);
    if (state == BatLayout.BITMAP_NOT_PRESENT) {
      if (BatLayout.fileOffset(e) != 0 && admit(ProblemCode.VHDX_BAT_STALE_OFFSET, true, Severity.WARNING)) {
        add(ProblemCode.VHDX_BAT_STALE_OFFSET, true, Severity.WARNING, i, "FileOffsetMB 0",
            Fmt.num(BatLayout.fileOffset(e)), "a sector bitmap entry that is not present carries a file offset;"
                + " it is never read");
      }
      return;
    }
    if (!differencing) {
      if (admit(ProblemCode.VHDX_BITMAP_STATE, true, Severity.ERROR)) {
        add(ProblemCode.VHDX_BITMAP_STATE, true, Severity.ERROR, i, "0 (SB_BLOCK_NOT_PRESENT)",
            Integer.toString(state), "a disk without a parent has no sector bitmaps; this entry is never read");
      }
      return;
    }
    if (state != BatLayout.BITMAP_PRESENT) {
      boolean asPresent = state == BatLayout.PAYLOAD_PARTIALLY_PRESENT;
      if (admit(ProblemCode.VHDX_BITMAP_STATE, true, Severity.ERROR)) {
        add(ProblemCode.VHDX_BITMAP_STATE, true, Severity.ERROR, i, "0 or 6", Integer.toString(state),
            asPresent ? "lenient mode reads 7 as 6 (present), as Windows does"
                : "lenient mode reads it as not present");
      }
      if (!asPresent) {
        return;
      }
    }
    if (pendingChunk == chunk) {
      pendingChunk = -1;
    }
    object(i, BatLayout.fileOffset(e), BatLayout.BITMAP_BLOCK, BatLayout.BITMAP_BLOCK);
  }

  /**
   * Checks a present block or bitmap at {@code off}: {@code ext} bytes of it must lie in the file
   * (a last block may end at the virtual end), all {@code size} of them clear of everything else.
   */
  private void object(long i, long off, long ext, long size) {
    if (off == 0) {
      if (admit(ProblemCode.VHDX_BAT_OFFSET, true, Severity.ERROR)) {
        add(ProblemCode.VHDX_BAT_OFFSET, true, Severity.ERROR, i, "FileOffsetMB 1 or more", "0",
            "a present block at offset 0 would read the file identifier");
      }
      return;
    }
    if (off < 0 || off > limit - ext) {
      if (admit(ProblemCode.VHDX_BAT_OFFSET, true, Severity.ERROR)) {
        add(ProblemCode.VHDX_BAT_OFFSET, true, Severity.ERROR, i, ext + " bytes ending by " + limit,
            Long.toUnsignedString(off), off < 0 || off >= BatTable.MAX_FILE_END - ext
                ? "beyond the 256 TiB a VHDX file can reach (FileOffsetMB at most 0x0FFFFFFF)"
                : off >= limit ? "lies past the file's end" : "passes the file's end (a truncated file?)");
      }
      return;
    }
    long end = Math.min(off + size, fileMibs << 20);
    for (int k = 0; k < occupied.size(); k++) {
      long[] r = occupied.get(k);
      if (Sectors.overlaps(off, end, r[0], r[1])) {
        inUse = true;
        if (admit(ProblemCode.VHDX_BAT_OVERLAP, true, Severity.ERROR)) {
          add(ProblemCode.VHDX_BAT_OVERLAP, true, Severity.ERROR, i, "clear of [" + r[0] + ", " + r[1] + ")",
              "[" + off + ", " + end + ")", "overlaps the header section, the log or a region");
        }
        break;
      }
    }
    if (claimed.claim(off >>> 20, BatTable.mibs(end), shared)
        && admit(ProblemCode.VHDX_BAT_OVERLAP, true, Severity.ERROR)) {
      add(ProblemCode.VHDX_BAT_OVERLAP, true, Severity.ERROR, i, "clear of every other block and bitmap",
          "[" + off + ", " + end + ")", "overlaps a block or sector bitmap of an earlier entry");
    }
  }

  /**
   * Counts a problem and tells whether to record it: under the per-code cap, or the first
   * unrecoverable error of its code, which lenient mode must see whatever came before it.
   */
  private boolean admit(ProblemCode code, boolean recoverable, Severity severity) {
    boolean under = p.admit(code, severity);
    boolean unrecoverable = severity == Severity.ERROR && !recoverable;
    return unrecoverable ? keptUnrecoverable.add(code) | under : under;
  }

  private void add(ProblemCode code, boolean recoverable, Severity severity, long i, @Nullable String expected,
      String actual, String note) {
    p.addAdmitted(p.make(severity, code, BatLayout.entry(tableOffset, i), expected, actual, note), recoverable);
  }
}
