package io.github.vhd4j.conformance;

import io.github.vhd4j.internal.vhdx.layout.Guids;
import io.github.vhd4j.internal.vhdx.layout.RegionTableLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The block table of a VHDX file, decoded here from MS-VHDX and the layout descriptors alone (no
 * vhd4j parser): region table 1 names the BAT region, payload block b's entry is
 * {@code b + floor(b / chunkRatio)} (MS-VHDX 2.5), the state is bits 0-2 and the file offset bits
 * 20-63. The allocation map it implies is what vhd4j's map must say for a file without a parent.
 */
final class VhdxBat {
  /** One payload block's entry. */
  record Entry(long block, int state, long fileOffset) {}

  /** MS-VHDX 2.5.1.1: the payload state whose data is in the file. */
  static final int FULLY_PRESENT = 6;

  private static final long CHUNK_SECTORS = 1L << 23;
  private static final long OFFSET_MASK = -(1L << 20);

  private VhdxBat() {}

  /** The BAT region's file offset, from region table 1. */
  static long batOffset(FileChannel ch) throws IOException {
    ByteBuffer t = ByteBuffer.allocate(RegionTableLayout.SIZE).order(ByteOrder.LITTLE_ENDIAN);
    ch.read(t, RegionTableLayout.offset(1));
    long n = RegionTableLayout.ENTRY_COUNT.u32(t);
    for (int i = 0; i < n; i++) {
      ByteBuffer e = t.slice(RegionTableLayout.entryIndex(i), RegionTableLayout.ENTRY_SIZE)
          .order(ByteOrder.LITTLE_ENDIAN);
      if (Guids.get(e, RegionTableLayout.GUID).equals(Guids.BAT_REGION)) {
        return RegionTableLayout.FILE_OFFSET.u64(e);
      }
    }
    throw new IOException("no BAT region in region table 1");
  }

  /** Every payload block's entry, in block order. */
  static List<Entry> payload(Path file, long virtualSize, long blockSize, int sectorSize) throws IOException {
    long chunkRatio = CHUNK_SECTORS * sectorSize / blockSize;
    long blocks = (virtualSize + blockSize - 1) / blockSize;
    List<Entry> out = new ArrayList<>();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long bat = batOffset(ch);
      long entries = blocks + (blocks - 1) / chunkRatio;
      ByteBuffer table = ByteBuffer.allocate(Math.toIntExact(entries * 8)).order(ByteOrder.LITTLE_ENDIAN);
      ch.read(table, bat);
      for (long b = 0; b < blocks; b++) {
        long e = table.getLong(Math.toIntExact((b + b / chunkRatio) * 8));
        out.add(new Entry(b, (int) (e & 7), e & OFFSET_MASK));
      }
    }
    return out;
  }

  /**
   * The map a disk without a parent has: data where a block is FULLY_PRESENT (at its file offset),
   * zeros for every other state; the last block cut at the virtual end. Merged as {@link Run} merges.
   */
  static List<Run> runs(List<Entry> entries, long virtualSize, long blockSize) {
    List<Run> runs = new ArrayList<>();
    for (Entry e : entries) {
      long start = e.block() * blockSize;
      long length = Math.min(blockSize, virtualSize - start);
      boolean data = e.state() == FULLY_PRESENT;
      runs.add(new Run(start, length, data, data ? e.fileOffset() : -1));
    }
    return Run.merge(runs);
  }
}
