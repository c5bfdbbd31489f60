package io.github.vhd4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.BlockChecksum;
import io.github.vhd4j.ChecksumAlgorithm;
import io.github.vhd4j.ChecksumOptions;
import io.github.vhd4j.ContentChecksum;
import io.github.vhd4j.DiskImage;
import io.github.vhd4j.DiskImages;
import io.github.vhd4j.Extent;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ProgressListener;
import io.github.vhd4j.StorageMode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link DiskImages#checksum} against {@code qemu-img convert -O raw}: for VHD and VHDX files
 * qemu-img made and qemu-io wrote (dynamic and mostly unallocated, and fixed), the digest of the
 * whole disk equals the digest of the raw file qemu-img writes, hashed here in Java, and every
 * entry of a manifest equals the digest of its range of that file.
 */
@RequiresPeers({Peers.QEMU_IMG, Peers.QEMU_IO})
class ChecksumPeerTest {
  private static final long MIB = 1L << 20;

  @TempDir
  Path dir;

  @BeforeAll
  static void requirePeers() {
    Peers.require(Peers.QEMU_IMG, Peers.QEMU_IO);
  }

  /**
   * One image qemu makes.
   *
   * @param name names the case and the file
   * @param vhdx VHDX, else VHD
   * @param fixed subformat fixed, else dynamic
   * @param size the virtual size asked of qemu-img create
   * @param writes qemu-io commands
   */
  record Case(String name, boolean vhdx, boolean fixed, long size, List<String> writes) {
    Path make(Path dir) throws IOException {
      Path img = dir.resolve(name + (vhdx ? ".vhdx" : ".vhd"));
      if (vhdx) {
        QemuVhdx.create(img, size, fixed, 2 * MIB, true);
        QemuVhdx.io(img, writes);
      } else {
        Qemu.create(img, size, fixed, false);
        List<String> cmd = new ArrayList<>(List.of(Peers.QEMU_IO, "-f", "vpc"));
        for (String w : writes) {
          cmd.add("-c");
          cmd.add(w);
        }
        cmd.add(img.toString());
        Peers.exec(cmd.toArray(String[]::new));
      }
      return img;
    }

    Path raw(Path img, Path raw) throws IOException {
      Peers.exec(Peers.QEMU_IMG, "convert", "-f", vhdx ? "vhdx" : "vpc", "-O", "raw", img.toString(),
          raw.toString());
      return raw;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** Writes at the start, across a block boundary, deep inside, and at the last sector. */
  private static List<String> writes(long size) {
    return List.of("write -P 0x5a 0 4096", "write -P 0x11 " + (2 * MIB - 512) + " 8192",
        "write -P 0xc3 " + (17 * MIB + 4096) + " " + MIB, "write -P 0x7e " + (size - 512) + " 512");
  }

  static Stream<Case> cases() {
    long size = 48 * MIB;
    return Stream.of(new Case("sparse-dynamic-vhd", false, false, size, writes(size)),
        new Case("empty-dynamic-vhd", false, false, size, List.of()),
        new Case("fixed-vhd", false, true, 24 * MIB, writes(24 * MIB)),
        new Case("sparse-dynamic-vhdx", true, false, size, writes(size)),
        new Case("fixed-vhdx", true, true, 24 * MIB, writes(24 * MIB)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void shouldEqualTheDigestOfQemuImgsRawOutput(Case c) throws Exception {
    Path img = c.make(dir);
    Path raw = c.raw(img, dir.resolve(c.name() + ".raw"));
    long blockSize = 512 * 1024;
    for (StorageMode storage : StorageMode.values()) {
      try (DiskImage image = DiskImages.open(img, OpenOptions.defaults().withStorage(storage))) {
        assertEquals(Files.size(raw), image.getSize(), "virtual size");
        if (c.name().startsWith("sparse") || c.name().startsWith("empty")) {
          assertTrue(image.map().stream().anyMatch(e -> !e.data()), "the image has unstored runs: " + image.map());
        }
        for (ChecksumAlgorithm a : ChecksumAlgorithm.values()) {
          ContentChecksum sum = DiskImages.checksum(image, ChecksumOptions.defaults().withAlgorithm(a),
              ProgressListener.none());
          assertEquals(digest(raw, a, 0, Files.size(raw)), sum.digest(), c + " " + a + " " + storage);
        }
        ContentChecksum withManifest = DiskImages.checksum(image,
            ChecksumOptions.defaults().withBlockSize(blockSize), ProgressListener.none());
        assertManifest(raw, image, withManifest.blocks(), blockSize);
      }
    }
  }

  /** Each block's digest is that of its range of the raw file; {@code data} is what the map says. */
  private static void assertManifest(Path raw, DiskImage image, List<BlockChecksum> blocks, long blockSize)
      throws IOException {
    long size = Files.size(raw);
    assertEquals((size + blockSize - 1) / blockSize, blocks.size());
    for (BlockChecksum b : blocks) {
      assertEquals(digest(raw, ChecksumAlgorithm.SHA256, b.offset(), b.length()), b.digest(),
          "block at " + b.offset());
      assertEquals(image.map(b.offset(), b.length()).stream().anyMatch(Extent::data), b.data(),
          "block at " + b.offset());
    }
  }

  /** The digest of a range of a file, read in pieces (the whole file is never held). */
  private static String digest(Path file, ChecksumAlgorithm a, long offset, long length) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      MessageDigest md = MessageDigest.getInstance(a.jcaName());
      ByteBuffer buf = ByteBuffer.allocate(1 << 20);
      for (long p = offset; p < offset + length; ) {
        buf.clear().limit((int) Math.min(buf.capacity(), offset + length - p));
        int n = ch.read(buf, p);
        if (n < 0) {
          throw new IOException("short file");
        }
        buf.flip();
        md.update(buf);
        p += n;
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IOException(e);
    }
  }
}
