package io.github.vhd4j.fuzz;

import io.github.vhd4j.testing.TestImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * A valid two-level chain every differencing target builds on, byte-for-byte deterministic so that
 * committed seeds (children that name this parent's UUID) keep matching it: {@code grandparent.vhd}
 * (dynamic, 4 KiB blocks) under {@code parent.vhd} (differencing, 8 KiB blocks, so that a child's
 * reads cross two different block grids). Both are 256 KiB disks with data in several blocks and
 * partial bitmaps.
 */
final class ChainFixture {
  static final UUID GRANDPARENT_UUID = UUID.fromString("6a1c5eed-0000-4000-8000-000000000001");
  static final UUID PARENT_UUID = UUID.fromString("6a1c5eed-0000-4000-8000-000000000002");
  static final long TIMESTAMP = 0x2A000000L;
  static final long SIZE = 256 * 1024;
  static final String PARENT = "parent.vhd";
  static final String GRANDPARENT = "grandparent.vhd";

  private ChainFixture() {}

  static TestImage grandparent() {
    TestImage g = TestImage.dynamic(SIZE, 4096);
    g.uuid = GRANDPARENT_UUID;
    g.timestamp = TIMESTAMP;
    g.random(0, 20_000, 1);
    g.fill(100_000, 5_000, 0x11);
    g.random(SIZE - 9_000, 9_000, 2);
    return g;
  }

  static TestImage parent() {
    TestImage p = TestImage.differencing(grandparent(), GRANDPARENT, 8192);
    p.uuid = PARENT_UUID;
    p.timestamp = TIMESTAMP + 1;
    p.fill(4_096, 3_000, 0x22);
    p.random(60_000, 20_000, 3);
    p.fill(SIZE - 1_024, 512, 0x33);
    return p;
  }

  /** The virtual content of {@code parent.vhd} read through its chain. */
  static byte[] parentContent() {
    return parent().expectedContent(grandparent().expectedContent());
  }

  /** A differencing child of {@code parent.vhd} with block size {@code blockSize}, no data yet. */
  static TestImage child(long blockSize) {
    TestImage c = TestImage.differencing(parent(), PARENT, blockSize);
    c.parentTimestamp = TIMESTAMP + 1;
    c.timestamp = TIMESTAMP + 2;
    c.uuid = UUID.fromString("6a1c5eed-0000-4000-8000-000000000003");
    return c;
  }

  /** Writes both files into {@code dir} (once per directory) and returns the parent's path. */
  static synchronized Path install(Path dir) {
    try {
      Path parent = dir.resolve(PARENT);
      if (!Files.exists(parent)) {
        grandparent().writeTo(dir.resolve(GRANDPARENT));
        parent().writeTo(parent);
      }
      return parent;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
