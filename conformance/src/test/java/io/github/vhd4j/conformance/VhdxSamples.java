package io.github.vhd4j.conformance;

import io.github.vhd4j.internal.vhdx.layout.Guids;
import io.github.vhd4j.internal.vhdx.layout.ParentLocatorLayout;
import io.github.vhd4j.testing.BuiltVhdx;
import io.github.vhd4j.testing.VhdxBuilder;
import io.github.vhd4j.testing.VhdxLogBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * VHDX files QEMU cannot make, built with the core test builder ({@link VhdxBuilder}), each with
 * the content a right reader returns, kept in step with the builder by {@link Modelled}: 4 KiB
 * logical sectors, differencing chains whose blocks are partly present, a dirty log.
 */
final class VhdxSamples {
  static final long MIB = VhdxBuilder.MIB;

  private VhdxSamples() {}

  /** Bytes that differ from sector to sector and from seed to seed, never zero in a sector's first byte. */
  static byte[] pattern(int length, int seed) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (seed * 131 + (i >>> 9) * 7 + (i & 0x1ff) + 1);
      if ((i & 0x1ff) == 0 && b[i] == 0) {
        b[i] = 1;
      }
    }
    return b;
  }

  /**
   * A builder and the guest content of the chain it tops, changed together. The content starts as
   * the parent's (or zeros) and every block or sector the builder stores replaces it there.
   */
  static final class Modelled {
    final VhdxBuilder builder;
    final byte[] content;
    final int blockSize;
    final int sectorSize;

    Modelled(VhdxBuilder builder, @Nullable Modelled parent) {
      this.builder = builder;
      this.content = parent == null ? new byte[Math.toIntExact(builder.virtualSize)] : parent.content.clone();
      this.blockSize = Math.toIntExact(builder.blockSize);
      this.sectorSize = Math.toIntExact(builder.logicalSectorSize);
    }

    /** A dynamic disk. */
    static Modelled dynamic(long size, long blockSize, int sectorSize) {
      VhdxBuilder b = VhdxBuilder.dynamic(size, blockSize);
      b.logicalSectorSize = sectorSize;
      return new Modelled(b, null);
    }

    /** A differencing child of {@code parent}, found as {@code parentName} beside it. */
    static Modelled child(Modelled parent, String parentName) {
      VhdxBuilder b = VhdxBuilder.differencing(parent.builder.virtualSize, parent.builder.blockSize,
          parent.builder.header2.dataWriteGuid);
      b.logicalSectorSize = parent.builder.logicalSectorSize;
      b.locator.put(ParentLocatorLayout.RELATIVE_PATH, ".\\" + parentName);
      return new Modelled(b, parent);
    }

    /** Block {@code block} FULLY_PRESENT, holding {@code length} patterned bytes from its start, zeros after. */
    Modelled full(int block, int length, int seed) {
      byte[] data = pattern(length, seed);
      builder.block(block, data);
      int at = block * blockSize;
      int end = Math.min(content.length, at + blockSize);
      Arrays.fill(content, at, end, (byte) 0);
      System.arraycopy(data, 0, content, at, Math.min(length, end - at));
      return this;
    }

    /**
     * Block {@code block} PARTIALLY_PRESENT: the whole block holds patterned bytes, and only the
     * sectors of the runs ({@code first, count} pairs) are marked present in the bitmap.
     */
    Modelled partial(int block, int seed, long... runs) {
      byte[] data = pattern(blockSize, seed);
      builder.partial(block, data);
      for (int r = 0; r < runs.length; r += 2) {
        builder.sectors(block, runs[r], runs[r + 1]);
        int from = (int) runs[r] * sectorSize;
        int n = (int) runs[r + 1] * sectorSize;
        System.arraycopy(data, from, content, block * blockSize + from, n);
      }
      return this;
    }

    Path write(Path file) throws IOException {
      return builder.write(file);
    }
  }

  /**
   * A dirty VHDX: a 16 MiB dynamic disk in 1 MiB blocks with data in blocks 0, 3 and 5, whose
   * on-disk BAT marks blocks 3 and 5 NOT_PRESENT while its log (one entry, the whole BAT sector)
   * makes them present, and whose headers name the log's GUID. Ignoring the log loses blocks 3 and 5.
   */
  record Dirty(Path file, byte[] content, byte[] stale) {}

  static Dirty dirty(Path file) throws IOException {
    UUID logGuid = UUID.randomUUID();
    Modelled m = Modelled.dynamic(16 * MIB, MIB, 512).full(0, 4096, 1).full(3, (int) MIB, 3).full(5, 512, 5);
    m.builder.logGuid(logGuid);
    BuiltVhdx v = m.builder.build();
    long length = v.file.length();
    VhdxLogBuilder log = new VhdxLogBuilder(logGuid, (int) MIB);
    log.entry(1).data(v.batOffset, v.file.read(v.batOffset, VhdxLogBuilder.SECTOR)).flushed(length).last(length)
        .write();
    v.file.put(v.logOffset, log.bytes());
    v.batEntry(3, 0).batEntry(5, 0);
    byte[] stale = m.content.clone();
    Arrays.fill(stale, (int) (3 * MIB), (int) (4 * MIB), (byte) 0);
    Arrays.fill(stale, (int) (5 * MIB), (int) (6 * MIB), (byte) 0);
    return new Dirty(v.write(file), m.content, stale);
  }

  /** The text form of a GUID as locators carry it. */
  static String guid(UUID id) {
    return Guids.text(id);
  }
}
