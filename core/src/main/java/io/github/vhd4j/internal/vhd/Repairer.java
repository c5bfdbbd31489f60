package io.github.vhd4j.internal.vhd;

import io.github.vhd4j.DiskType;
import io.github.vhd4j.DynamicHeader;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.RepairAction;
import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.internal.storage.FileChannelStorage;
import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.vhd.layout.DynamicHeaderLayout;
import io.github.vhd4j.internal.vhd.layout.FooterLayout;
import io.github.vhd4j.internal.vhd.layout.TableLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Repairs what can be repaired without guessing: a lost or damaged tail footer (from the copy at
 * offset 0), a damaged copy (from the tail footer), a 511-byte footer (padded), wrong footer and
 * header checksums when the fields themselves validate, and table entries pointing outside the
 * file (cleared: those blocks are unreadable anyway). Everything else (overlapping blocks, a
 * header that does not parse) is left alone and still reported by check.
 *
 * <p>The order keeps the file openable at every step: table entries and header first, then the
 * copy at offset 0, and the tail footer last, forced after each.
 */
public final class Repairer {
  /** A table entry of a block not stored, as the file holds it. */
  private static final byte[] UNUSED_ENTRY = ByteBuffer.allocate(TableLayout.ENTRY_SIZE).putInt(TableLayout.UNUSED)
      .array();

  private Repairer() {}

  /**
   * Repairs an image file, or only lists what it would do.
   *
   * @param path the image
   * @param dryRun true to change nothing
   * @param locking hold the file exclusively to repair it, or with a reader's lock to plan
   * @return the actions, in the order they are (or would be) applied; empty when nothing needs it
   * @throws io.github.vhd4j.ImageInUseException if another process uses the image (nothing changes)
   * @throws VhdFormatException if the image is damaged beyond what lenient opening can read
   * @throws IOException if the file cannot be read or written
   */
  public static List<RepairAction> repair(Path path, boolean dryRun, boolean locking) throws IOException {
    try (Storage storage = dryRun ? FileChannelStorage.open(path, locking)
        : FileChannelStorage.openWritable(path, locking)) {
      Gate.Admitted parsed = Gate.admit(storage, path.toString(), path, OpenOptions.defaults(), Gate.Use.REPAIR);
      List<RepairAction> actions = new ArrayList<>();
      Plan plan = new Plan(storage, dryRun, actions);
      plan(parsed.layer(), parsed.problems().list(), plan);
      if (!dryRun) {
        storage.force();
      }
      return actions;
    }
  }

  /** Applies (or records) one write at a time, forcing after each so the order holds on disk. */
  private static final class Plan {
    final Storage storage;
    final boolean dryRun;
    final List<RepairAction> actions;

    Plan(Storage storage, boolean dryRun, List<RepairAction> actions) {
      this.storage = storage;
      this.dryRun = dryRun;
      this.actions = actions;
    }

    void write(String structure, long offset, byte[] bytes, String why) throws IOException {
      writeUnforced(structure, offset, bytes, why);
      force();
    }

    /** Writes without forcing, for a batch of independent changes forced together. */
    void writeUnforced(String structure, long offset, byte[] bytes, String why) throws IOException {
      actions.add(new RepairAction(structure, offset, why));
      if (!dryRun) {
        storage.write(offset, ByteBuffer.wrap(bytes), 0, bytes.length);
      }
    }

    void force() throws IOException {
      if (!dryRun) {
        storage.force();
      }
    }
  }

  private static void plan(Layer l, List<Problem> problems, Plan plan) throws IOException {
    Storage s = l.storage;
    long len = s.size();
    // The footer to keep: as chosen by lenient opening (the copy when the tail is unusable).
    byte[] footer = new byte[FooterLayout.SIZE];
    long chosenAt = l.headCopyUsed ? 0 : l.footerOffset;
    int chosenLen = l.headCopyUsed ? FooterLayout.SIZE : l.footerLength;
    s.read(chosenAt, ByteBuffer.wrap(footer), 0, chosenLen);
    boolean footerChanged = false;
    if (has(problems, ProblemCode.FOOTER_CHECKSUM, FooterLayout.CHECKSUM.at(chosenAt))) {
      FooterLayout.seal(ByteBuffer.wrap(footer));
      footerChanged = true;
    }
    if (l.type != DiskType.FIXED) {
      DynamicHeader h = l.header;
      // Table entries outside the file: cleared, so the blocks read as zeros (or the parent)
      // instead of failing; their data is not in the file.
      // From the parser's per-block verdicts, not from the problem list, whose entries are
      // capped and summarised for images with many bad entries. The table in memory keeps the
      // old entries: those blocks count as damaged, so nothing below reads them.
      DamagedBlocks damaged = l.damaged;
      if (damaged != null) {
        int length = l.bat.length();
        BlockTable.Scan scan = l.bat.scan();
        for (int i = scan.next(0, length); i < length; i = scan.next(i + 1, length)) {
          if (damaged.reason(i, scan.entry(i)) == DamagedBlocks.OUTSIDE_FILE) {
            plan.writeUnforced(TableLayout.STRUCTURE, TableLayout.entryOffset(h.tableOffset(), i), UNUSED_ENTRY,
                "clear the entry of block " + i + ", which points outside the file");
          }
        }
      }
      plan.force();
      if (has(problems, ProblemCode.HEADER_CHECKSUM, DynamicHeaderLayout.CHECKSUM.at(h.offset()))) {
        byte[] header = new byte[DynamicHeaderLayout.SIZE];
        s.read(h.offset(), ByteBuffer.wrap(header), 0, header.length);
        DynamicHeaderLayout.seal(ByteBuffer.wrap(header));
        plan.write(DynamicHeaderLayout.STRUCTURE, h.offset(), header, "recompute the dynamic header checksum");
      }
      byte[] copy = new byte[FooterLayout.SIZE];
      s.read(0, ByteBuffer.wrap(copy), 0, copy.length);
      if (!Arrays.equals(copy, footer)) {
        plan.write(FooterLayout.COPY_STRUCTURE, 0, footer, l.headCopyUsed
            ? "recompute the checksum of the footer copy at offset 0"
            : "rewrite the footer copy at offset 0 from the footer at the end of the file");
      }
    }
    // The tail footer: where it was, or after the last structure when it is lost.
    long tailAt;
    String why;
    if (l.headCopyUsed) {
      long used = usedEnd(l);
      tailAt = len - FooterLayout.SIZE >= used ? len - FooterLayout.SIZE : used;
      why = "rewrite the lost or damaged footer at the end of the file from the copy at offset 0";
    } else {
      tailAt = l.footerOffset;
      why = l.footerLength < FooterLayout.SIZE ? "complete the 511-byte footer to 512 bytes"
          : footerChanged ? "recompute the footer checksum" : null;
    }
    if (why != null) {
      plan.write(FooterLayout.STRUCTURE, tailAt, footer, why);
    }
  }

  /**
   * The end of the last structure the image uses (header, table, locators, blocks), counting only
   * structures that lie inside the file: a locator that points past the end (lenient mode keeps
   * it, as a warning) must not make the repair write a footer terabytes away.
   */
  private static long usedEnd(Layer l) throws IOException {
    long len = l.storage.size();
    long end = l.metadataEnd(len);
    long stride = l.bitmapBytes + l.blockSize;
    int length = l.bat.length();
    BlockTable.Scan scan = l.bat.scan();
    for (int i = scan.next(0, length); i < length; i = scan.next(i + 1, length)) {
      int entry = scan.entry(i);
      if (!l.isBad(i, entry)) {
        end = within(end, TableLayout.blockOffset(entry) + stride, len);
      }
    }
    return end;
  }

  /** {@code max(end, candidate)}, ignoring a candidate past the file's length. */
  private static long within(long end, long candidate, long len) {
    return candidate <= len ? Math.max(end, candidate) : end;
  }

  private static boolean has(List<Problem> problems, ProblemCode code, long offset) {
    for (Problem x : problems) {
      if (x.code() == code && x.offset() == offset) {
        return true;
      }
    }
    return false;
  }
}
