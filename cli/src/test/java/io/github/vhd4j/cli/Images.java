package io.github.vhd4j.cli;

import io.github.vhd4j.testing.TestImage;
import java.io.IOException;
import java.nio.file.Path;

/** Test images shared by the command tests. */
final class Images {
  static final long MIB = 1L << 20;

  private Images() {}

  /**
   * An 8 MiB dynamic disk with 2 MiB blocks; block 0 holds 4 KiB of 0x5a at offset 0 and block 2
   * holds random bytes at 4 MiB + 512. File: footer copy, header, one-sector table at 1536, block 0
   * at 2048, block 2 after it, footer at the end.
   */
  static TestImage smallDynamic() {
    return TestImage.dynamic(8 * MIB, 2 * MIB).fill(0, 4096, 0x5a).random(4 * MIB + 512, 8192, 7);
  }

  /** A base image and a differencing child over it, written to {@code dir} as base.vhd and child.vhd. */
  static Chain chain(Path dir) throws IOException {
    TestImage base = TestImage.dynamic(8 * MIB, 2 * MIB).fill(0, 2 * (int) MIB, 0x11).fill(6 * MIB, 4096, 0x22);
    TestImage child = TestImage.differencing(base, "base.vhd", 2 * MIB).fill(1024, 1024, 0x33);
    Path basePath = base.writeTo(dir.resolve("base.vhd"));
    Path childPath = child.writeTo(dir.resolve("child.vhd"));
    return new Chain(base, child, basePath, childPath);
  }

  record Chain(TestImage base, TestImage child, Path basePath, Path childPath) {
    byte[] content() {
      return child.expectedContent(base.expectedContent());
    }
  }
}
