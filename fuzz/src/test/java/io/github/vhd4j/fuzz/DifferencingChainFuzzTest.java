package io.github.vhd4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.vhd4j.DiskType;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ParentNotFoundException;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.testing.TestImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Entry point: differencing chains opened from files, with the built-in resolver confined to the
 * child's directory (a fresh scratch directory holding only the chain).
 *
 * <ul>
 *   <li>{@link #shouldReadFuzzedChildOverValidParent}: the fuzzed bytes are {@code child.vhd} next
 *       to {@link ChainFixture}'s valid {@code parent.vhd} and {@code grandparent.vhd}; seeds are
 *       valid children of that parent. The {@link Battery} ties every read, at every depth, to the
 *       files; whatever opens has a chain that stays inside the directory.
 *   <li>{@link #shouldReadValidChildOverFuzzedParent}: the fuzzed bytes are {@code parent.vhd};
 *       the harness builds a valid {@code child.vhd} that names the parent's UUID and writes some
 *       sectors (bitmap-exact). When the parent opens on its own (and is not itself a differencing
 *       disk), the chain must open too, and read the child's sectors where their bits are set and
 *       the parent's bytes (zeros past its end) everywhere else; when the parent does not open, the
 *       chain must fail to find a parent.
 * </ul>
 */
class DifferencingChainFuzzTest {

  @VhdFuzzTest
  void shouldReadFuzzedChildOverValidParent(byte[] data) throws IOException {
    Path dir = Scratch.dir("chain-child");
    ChainFixture.install(dir);
    Path child = dir.resolve("child.vhd");
    Files.write(child, data);
    Battery.run(Battery.source(child), List.of(data), OpenOptions.defaults(), Inputs.random(data));
    assertConfined(child, dir, OpenOptions.defaults());
  }

  @VhdFuzzTest
  void shouldReadValidChildOverFuzzedParent(byte[] data) throws IOException {
    Path dir = Scratch.dir("chain-parent");
    Path parentFile = dir.resolve("parent.vhd");
    Path childFile = dir.resolve("child.vhd");
    // No child yet: a differencing parent must not find the previous input's child beside it.
    Files.deleteIfExists(childFile);
    Files.write(parentFile, data);
    SplittableRandom rnd = Inputs.random(data);

    // The parent alone, as the chain will see it: what it reads decides what the child reads.
    Outcome<VhdImage> alone = Outcome.of(() -> Vhd.open(parentFile));
    try {
      UUID uuid = alone.ok() ? alone.value().getFooter().uniqueId() : tailUuid(data);
      // A child cannot name a parent whose UUID is null (that marks a raw parent): name another.
      boolean nullUuid = uuid.getMostSignificantBits() == 0 && uuid.getLeastSignificantBits() == 0;
      if (nullUuid) {
        uuid = UUID.fromString("6a1c5eed-0000-4000-8000-0000000000ff");
      }
      long parentSize = alone.ok() ? alone.value().getSize() : 0;
      long size = parentSize > 0 && parentSize <= (1 << 20) && parentSize % 512 == 0 ? parentSize : 256 * 1024;
      if (rnd.nextInt(4) == 0) {
        size = Math.min(1 << 20, size + 512 * (1 + rnd.nextInt(64)));
      }
      TestImage child = TestImage.dynamic(size, 4096);
      child.diskType = TestImage.DIFFERENCING;
      child.uuid = UUID.fromString("6a1c5eed-0000-4000-8000-00000000c41d");
      child.parentUuid = uuid;
      child.parentTimestamp = alone.ok() ? alone.value().getFooter().timestamp() : 0;
      child.parentName = "parent.vhd";
      child.addLocator(0, TestImage.W2RU, TestImage.utf16le(".\\parent.vhd"));
      for (int i = 0, n = 1 + rnd.nextInt(6); i < n; i++) {
        long off = rnd.nextLong(size);
        byte[] b = new byte[(int) Math.min(size - off, 1 + rnd.nextInt(9000))];
        rnd.nextBytes(b);
        child.write(off, b);
      }
      byte[] childBytes = child.toBytes();
      Files.write(childFile, childBytes);

      Battery.run(Battery.source(childFile), List.of(childBytes), OpenOptions.defaults(), rnd);
      assertConfined(childFile, dir, OpenOptions.defaults());

      Outcome<VhdImage> chain = Outcome.of(() -> Vhd.open(childFile));
      try {
        boolean parentIsLeaf = alone.ok() && alone.value().getDiskType() != DiskType.DIFFERENCING;
        if (parentIsLeaf && nullUuid) {
          assertTrue(!chain.ok() && chain.failure() instanceof ParentNotFoundException,
              "a parent with a null UUID matched a child that names another UUID: " + chain);
        } else if (parentIsLeaf) {
          assertTrue(chain.ok(), "the parent opens on its own but not under a valid child: " + chain);
          assertChildOverParent(chain.value(), child, alone.value());
        } else if (!alone.ok()) {
          assertTrue(!chain.ok() && chain.failure() instanceof ParentNotFoundException,
              "the parent does not open on its own (" + alone.failure() + ") but the chain gave " + chain);
        }
      } finally {
        if (chain.ok()) {
          chain.value().close();
        }
      }
    } finally {
      if (alone.ok()) {
        alone.value().close();
      }
    }
  }

  /** The UUID field of the last 512 bytes (whatever they hold). */
  private static UUID tailUuid(byte[] data) {
    if (data.length < 512) {
      return new UUID(0, 0);
    }
    ByteBuffer b = ByteBuffer.wrap(data, data.length - 512 + 68, 16);
    return new UUID(b.getLong(), b.getLong());
  }

  /** Every image of an opened chain lies in {@code dir}, the child's own directory. */
  static void assertConfined(Path child, Path dir, OpenOptions options) throws IOException {
    Outcome<VhdImage> o = Outcome.of(() -> Vhd.open(child, options.withLenient(true)));
    if (!o.ok()) {
      return;
    }
    try (VhdImage img = o.value()) {
      Path real = dir.toRealPath();
      for (VhdImage layer : img.getChain()) {
        Path p = layer.getPath();
        assertTrue(p != null && p.toRealPath().getParent().equals(real),
            "a chain layer outside the child's directory: " + p);
      }
    }
  }

  /** Child sectors whose bit is set read from the child; the rest read as the parent alone does. */
  private static void assertChildOverParent(VhdImage chain, TestImage child, VhdImage parent)
      throws IOException {
    long size = chain.getSize();
    assertEquals(child.currentSize, size, "the chain's size is the child's");
    byte[] got = new byte[(int) size];
    chain.readFully(0, ByteBuffer.wrap(got));
    byte[] fromParent = new byte[(int) Math.min(size, parent.getSize())];
    parent.readFully(0, ByteBuffer.wrap(fromParent));
    byte[] want = child.expectedContent(fromParent);
    if (!Arrays.equals(want, got)) {
      int i = Arrays.mismatch(want, got);
      fail("byte " + i + " of the chain reads " + got[i] + ", expected " + want[i] + " (from the "
          + (isSet(child, i) ? "child" : "parent") + ")");
    }
  }

  private static boolean isSet(TestImage child, long at) {
    TestImage.Block b = child.blocks.get((int) (at / child.blockSize));
    int in = (int) (at % child.blockSize);
    return b != null && (b.bitmap[in >>> 12] & (0x80 >>> ((in >>> 9) & 7))) != 0;
  }
}
