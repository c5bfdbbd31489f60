package io.github.vhd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.internal.vhdx.layout.BatLayout;
import io.github.vhd4j.testing.BuiltVhdx;
import io.github.vhd4j.testing.VhdxBuilder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mapping allocates nothing per block: a disk whose every block is present, in file order, maps to
 * one extent, and the walk that finds it keeps its runs in arrays reused window after window (the
 * 64 TiB disk of jmh/RESULTS.md has two million blocks).
 */
class MapAllocationTest {
  private static final long MIB = 1 << 20;

  @TempDir Path dir;

  @Test
  void shouldMapEveryPresentBlockWithoutAllocatingPerBlock() throws IOException {
    long size = 64 * 1024 * MIB;
    Path img = allPresent(dir.resolve("all.vhdx"), size, MIB);
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    try (DiskImage image = DiskImages.open(img)) {
      List<Extent> first = image.map();
      assertEquals(1, first.size(), first::toString);
      assertEquals(size, first.get(0).length());
      assertTrue(first.get(0).data());
      long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
      List<Extent> again = image.map();
      long allocated = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
      assertEquals(first, again);
      // 65,536 blocks: a run object per block alone would be over 2 MiB.
      assertTrue(allocated < 256 * 1024, "mapping 65,536 present blocks allocated " + allocated + " bytes");
    }
  }

  /** A dynamic VHDX of {@code block}-byte blocks, every one fully present, in order, in a sparse file. */
  private static Path allPresent(Path target, long size, long block) throws IOException {
    VhdxBuilder spec = VhdxBuilder.dynamic(size, block);
    BuiltVhdx built = spec.build();
    long dataStart = built.file.length();
    long chunkRatio = spec.chunkRatio();
    long count = spec.batEntries();
    built.file.setLength(dataStart + BatLayout.payloadBlocks(size, block) * block);
    built.file.write(target);
    try (FileChannel ch = FileChannel.open(target, StandardOpenOption.WRITE)) {
      ByteBuffer table = ByteBuffer.allocate((int) (BatLayout.ENTRY_SIZE * count)).order(ByteOrder.LITTLE_ENDIAN);
      for (long i = 0; i < count; i++) {
        long payload = i - i / (chunkRatio + 1);
        table.putLong(BatLayout.isBitmapIndex(i, chunkRatio) ? 0
            : BatLayout.entry(BatLayout.PAYLOAD_FULLY_PRESENT, dataStart + payload * block));
      }
      table.flip();
      while (table.hasRemaining()) {
        ch.write(table, built.batOffset + table.position());
      }
    }
    return target;
  }
}
