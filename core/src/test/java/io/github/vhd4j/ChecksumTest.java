package io.github.vhd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.internal.ContentDigester;
import io.github.vhd4j.testing.MemoryChannel;
import io.github.vhd4j.testing.TestImage;
import io.github.vhd4j.testing.VhdxBuilder;
import io.github.vhd4j.testing.VhdxChainModel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link DiskImages#checksum}: the digest equals a {@link MessageDigest} over every byte the image
 * reads, for fixed, dynamic and differencing VHD and VHDX images, on the reader-thread path and
 * the single-thread path alike; the manifest's entries recompute from the content; and the
 * options refuse what they must.
 */
class ChecksumTest {
  private static final int MIB = 1 << 20;

  @TempDir
  Path dir;

  private static String hex(String algorithm, byte[] content, int from, int to) throws NoSuchAlgorithmException {
    MessageDigest md = MessageDigest.getInstance(algorithm);
    md.update(content, from, to - from);
    return HexFormat.of().formatHex(md.digest());
  }

  private static String hex(String algorithm, byte[] content) throws NoSuchAlgorithmException {
    return hex(algorithm, content, 0, content.length);
  }

  private static byte[] readAll(DiskImage img) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(img.getSize()));
    img.readFully(0, b);
    return b.array();
  }

  /** 21 MiB + 1.5 KiB in 2 MiB blocks: data in blocks 0, 4 and the short last one, the rest unstored. */
  private static TestImage sparseVhd() {
    return TestImage.dynamic(21L * MIB + 1536, 2L * MIB).random(1000, 5000, 1).random(9L * MIB - 7, 3 * MIB / 2, 2)
        .random(21L * MIB + 512, 512, 3);
  }

  /** Both paths: a reader thread (the image is larger than two pieces) and none. */
  private static ContentChecksum checksum(DiskImage img, ChecksumOptions o, boolean helper) throws IOException {
    return ContentDigester.digest(img, o, ProgressListener.none(), null, helper);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void shouldHashADynamicVhdAsItsContentReadInFull(boolean helper) throws Exception {
    TestImage t = sparseVhd();
    try (VhdImage img = Vhd.open(ByteBuffer.wrap(t.toBytes()))) {
      assertTrue(img.map().stream().anyMatch(e -> !e.data()), "the image has unstored runs");
      byte[] content = readAll(img);
      assertArrayEquals(t.expectedContent(), content);
      ContentChecksum sum = checksum(img, ChecksumOptions.defaults(), helper);
      assertEquals(hex("SHA-256", content), sum.digest());
      assertEquals(ChecksumAlgorithm.SHA256, sum.algorithm());
      assertEquals(img.getSize(), sum.size());
      assertEquals(0, sum.blockSize());
      assertEquals(List.of(), sum.blocks());
      assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(content), sum.digestBytes());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"SHA256", "SHA512", "MD5"})
  void shouldHashWithEachAlgorithm(String name) throws Exception {
    ChecksumAlgorithm a = ChecksumAlgorithm.valueOf(name);
    TestImage t = sparseVhd();
    try (VhdImage img = Vhd.open(ByteBuffer.wrap(t.toBytes()))) {
      ContentChecksum sum = DiskImages.checksum(img, ChecksumOptions.defaults().withAlgorithm(a),
          ProgressListener.none());
      assertEquals(hex(a.jcaName(), t.expectedContent()), sum.digest());
      assertEquals(2 * a.digestLength(), sum.digest().length());
    }
  }

  @Test
  void shouldHashAFixedVhd() throws Exception {
    TestImage t = TestImage.fixed(10L * MIB).random(3, 7 * MIB, 4);
    try (VhdImage img = Vhd.open(ByteBuffer.wrap(t.toBytes()))) {
      assertEquals(hex("SHA-256", t.expectedContent()),
          DiskImages.checksum(img, ChecksumOptions.defaults(), ProgressListener.none()).digest());
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void shouldHashADifferencingVhdFlattened(boolean helper) throws Exception {
    TestImage parent = TestImage.dynamic(12L * MIB, 2L * MIB).random(0, 5 * MIB, 6);
    parent.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(parent, "base.vhd", 2L * MIB).fill(MIB, 4096, 0x22)
        .random(10L * MIB, MIB, 7);
    Path path = child.writeTo(dir.resolve("child.vhd"));
    try (VhdImage img = Vhd.open(path)) {
      byte[] content = readAll(img);
      assertArrayEquals(child.expectedContent(parent.expectedContent()), content);
      assertEquals(hex("SHA-256", content), checksum(img, ChecksumOptions.defaults(), helper).digest());
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void shouldHashAVhdxChainFlattened(boolean helper) throws Exception {
    VhdxChainModel base = VhdxChainModel.base(24L * MIB, MIB, 512, 0).full(0).full(3).full(17);
    VhdxChainModel child = base.child(1).full(1).present(3, 5, 3).full(23);
    base.write(dir.resolve("parent.vhdx"));
    Path c = child.write(dir.resolve("child.avhdx"));
    try (VhdxImage img = Vhdx.open(c)) {
      assertArrayEquals(child.content(), readAll(img));
      assertEquals(hex("SHA-512", child.content()),
          checksum(img, ChecksumOptions.defaults().withAlgorithm(ChecksumAlgorithm.SHA512), helper).digest());
    }
  }

  @Test
  void shouldHashAFixedVhdx() throws Exception {
    VhdxBuilder b = VhdxBuilder.fixed(12L * MIB, 2L * MIB);
    byte[] data = VhdxChainModel.stamp(5, 2L * MIB, 2 * MIB);
    b.block(1, data);
    Path p = b.write(dir.resolve("fixed.vhdx"));
    try (DiskImage img = DiskImages.open(p)) {
      byte[] content = readAll(img);
      assertArrayEquals(data, Arrays.copyOfRange(content, 2 * MIB, 4 * MIB), "the block is read");
      assertEquals(hex("SHA-256", content),
          DiskImages.checksum(img, ChecksumOptions.defaults(), ProgressListener.none()).digest());
    }
  }

  /**
   * Every entry is the digest of its range of the content, the entries tile the disk in order,
   * the last one is short (3 MiB blocks do not divide 21 MiB + 1.5 KiB), and {@code data} is false
   * exactly for the blocks the map shows no stored byte in.
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void shouldListAManifestThatRecomputesFromTheContent(boolean helper) throws Exception {
    TestImage t = sparseVhd();
    long blockSize = 3L * MIB;
    try (VhdImage img = Vhd.open(ByteBuffer.wrap(t.toBytes()))) {
      byte[] content = t.expectedContent();
      ContentChecksum sum = checksum(img, ChecksumOptions.defaults().withBlockSize(blockSize), helper);
      assertEquals(hex("SHA-256", content), sum.digest(), "the whole digest is unchanged by a manifest");
      assertEquals(blockSize, sum.blockSize());
      List<BlockChecksum> blocks = sum.blocks();
      assertEquals(8, blocks.size());
      long at = 0;
      for (BlockChecksum b : blocks) {
        assertEquals(at, b.offset());
        assertEquals(Math.min(blockSize, content.length - at), b.length());
        assertEquals(hex("SHA-256", content, (int) b.offset(), (int) b.end()), b.digest(), "block at " + at);
        long start = b.offset();
        boolean stored = img.map(b.offset(), b.length()).stream().anyMatch(Extent::data);
        assertEquals(stored, b.data(), "block at " + start);
        at = b.end();
      }
      assertEquals(content.length, at);
      assertEquals(1536, blocks.get(7).length(), "the last block is short");
      assertFalse(blocks.get(4).data(), "12-15 MiB is unstored");
      assertTrue(blocks.get(0).data());
    }
  }

  /** Fully unstored blocks share one digest, which is that of zeros, computed or not. */
  @Test
  void shouldGiveUnstoredBlocksTheDigestOfZeros() throws Exception {
    TestImage t = TestImage.dynamic(16L * MIB, 2L * MIB).random(4L * MIB, 100, 8);
    try (VhdImage img = Vhd.open(ByteBuffer.wrap(t.toBytes()))) {
      ContentChecksum sum = DiskImages.checksum(img, ChecksumOptions.defaults().withBlockSize(MIB),
          ProgressListener.none());
      String zeros = hex("SHA-256", new byte[MIB]);
      List<BlockChecksum> blocks = sum.blocks();
      assertEquals(16, blocks.size());
      for (BlockChecksum b : blocks) {
        if (b.offset() == 4L * MIB) {
          assertTrue(b.data());
          assertNotEquals(zeros, b.digest());
        } else {
          assertEquals(b.offset() == 5L * MIB, b.data(), "the other half of the stored 2 MiB block is stored zeros");
          assertEquals(zeros, b.digest(), "block at " + b.offset());
        }
      }
    }
  }

  @Test
  void shouldStreamTheManifestInOrderOnTheCallersThread() throws Exception {
    TestImage t = sparseVhd();
    List<BlockChecksum> streamed = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    try (VhdImage img = Vhd.open(ByteBuffer.wrap(t.toBytes()))) {
      ChecksumOptions o = ChecksumOptions.defaults().withBlockSize(512 * 1024);
      ContentChecksum sum = DiskImages.checksumBlocks(img, o, b -> {
        streamed.add(b);
        threads.add(Thread.currentThread());
      });
      assertEquals(List.of(), sum.blocks(), "streamed, not collected");
      assertEquals(DiskImages.checksum(img, o, ProgressListener.none()).blocks(), streamed);
      assertEquals(43, streamed.size());
      assertTrue(threads.stream().allMatch(x -> x == Thread.currentThread()));
    }
  }

  @Test
  void shouldReportProgressUpToTheSize() throws Exception {
    TestImage t = sparseVhd();
    List<long[]> reports = new ArrayList<>();
    try (VhdImage img = Vhd.open(ByteBuffer.wrap(t.toBytes()))) {
      DiskImages.checksum(img, ChecksumOptions.defaults(), (done, total) -> reports.add(new long[] {done, total}));
      long size = img.getSize();
      assertTrue(reports.size() > 2, "several reports: " + reports.size());
      for (int i = 0; i < reports.size(); i++) {
        assertEquals(size, reports.get(i)[1]);
        assertTrue(i == 0 || reports.get(i)[0] >= reports.get(i - 1)[0], "never decreasing");
      }
      assertArrayEquals(new long[] {size, size}, reports.get(reports.size() - 1));
    }
  }

  /** A consumer's exception ends the checksum, and the reader thread has stopped: the image still reads. */
  @Test
  void shouldStopWhenTheConsumerThrows() throws Exception {
    TestImage t = sparseVhd();
    IllegalStateException thrown = new IllegalStateException("enough");
    try (VhdImage img = Vhd.open(ByteBuffer.wrap(t.toBytes()))) {
      List<BlockChecksum> seen = new ArrayList<>();
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> DiskImages.checksumBlocks(img,
          ChecksumOptions.defaults().withBlockSize(MIB), b -> {
            seen.add(b);
            if (seen.size() == 3) {
              throw thrown;
            }
          }));
      assertSame(thrown, e);
      assertEquals(3, seen.size());
      assertEquals(hex("SHA-256", t.expectedContent()),
          DiskImages.checksum(img, ChecksumOptions.defaults(), ProgressListener.none()).digest());
    }
  }

  /** A read that fails on the reader thread is thrown on the caller's, as the exception it was. */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void shouldThrowTheReadFailure(boolean helper) throws Exception {
    TestImage t = sparseVhd();
    IOException broken = new IOException("device gone");
    boolean[] failing = new boolean[1];
    MemoryChannel memory = new MemoryChannel(t.toBytes(), Integer.MAX_VALUE);
    SeekableByteChannel channel = new SeekableByteChannel() {
      @Override
      public int read(ByteBuffer dst) throws IOException {
        if (failing[0]) {
          throw broken;
        }
        return memory.read(dst);
      }

      @Override
      public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
      }

      @Override
      public long position() throws IOException {
        return memory.position();
      }

      @Override
      public SeekableByteChannel position(long p) throws IOException {
        memory.position(p);
        return this;
      }

      @Override
      public long size() throws IOException {
        return memory.size();
      }

      @Override
      public SeekableByteChannel truncate(long size) {
        throw new NonWritableChannelException();
      }

      @Override
      public boolean isOpen() {
        return true;
      }

      @Override
      public void close() {}
    };
    try (DiskImage img = DiskImages.open(channel, "disk.vhd", OpenOptions.defaults())) {
      img.map();
      failing[0] = true;
      assertSame(broken, assertThrows(IOException.class, () -> checksum(img, ChecksumOptions.defaults(), helper)));
    }
  }

  @Test
  void shouldRefuseAClosedImage() throws Exception {
    Path path = sparseVhd().writeTo(dir.resolve("disk.vhd"));
    DiskImage img = Vhd.open(path);
    img.close();
    assertThrows(IllegalStateException.class,
        () -> DiskImages.checksum(img, ChecksumOptions.defaults(), ProgressListener.none()));
  }

  @Test
  void shouldRefuseBadOptions() {
    assertThrows(IllegalArgumentException.class, () -> ChecksumOptions.defaults().withBlockSize(-512));
    assertThrows(IllegalArgumentException.class, () -> ChecksumOptions.defaults().withBlockSize(1000));
    assertThrows(IllegalArgumentException.class, () -> ChecksumOptions.defaults().withBlockSize(100));
    assertThrows(NullPointerException.class, () -> ChecksumOptions.defaults().withAlgorithm(null));
    assertEquals(512, ChecksumOptions.defaults().withBlockSize(512).blockSize());
    assertFalse(ChecksumOptions.defaults().hasManifest());
    assertEquals(ChecksumAlgorithm.SHA512, ChecksumAlgorithm.named("SHA-512"));
    assertEquals(ChecksumAlgorithm.MD5, ChecksumAlgorithm.named("md5"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChecksumAlgorithm.named("crc32"));
    assertTrue(e.getMessage().contains("crc32"), e.getMessage());
  }

  /** A manifest too long to collect is refused before anything is read; streamed, it is not. */
  @Test
  void shouldRefuseToCollectAnOverlongManifest() throws Exception {
    TestImage t = TestImage.dynamic(1L << 30, 2L * MIB);
    List<long[]> reports = new ArrayList<>();
    try (VhdImage img = Vhd.open(ByteBuffer.wrap(t.toBytes()))) {
      ChecksumOptions o = ChecksumOptions.defaults().withBlockSize(512);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> DiskImages.checksum(img, o, (done, total) -> reports.add(new long[] {done})));
      assertTrue(e.getMessage().contains("2097152 blocks"), e.getMessage());
      assertEquals(List.of(), reports, "nothing was hashed");
      long[] count = new long[1];
      ContentChecksum sum = DiskImages.checksumBlocks(img, o.withBlockSize(MIB), b -> count[0]++);
      assertEquals(1024, count[0]);
      assertEquals(hex("SHA-256", new byte[1 << 30]), sum.digest());
    }
  }

  @Test
  void shouldExposeTheDigestAsBytes() {
    ContentChecksum c = new ContentChecksum(ChecksumAlgorithm.MD5, "00ff10", 3, 0, List.of());
    assertArrayEquals(new byte[] {0, (byte) 0xff, 0x10}, c.digestBytes());
    BlockChecksum b = new BlockChecksum(512, 512, "a0", true);
    assertArrayEquals(new byte[] {(byte) 0xa0}, b.digestBytes());
    assertEquals(1024, b.end());
  }
}
