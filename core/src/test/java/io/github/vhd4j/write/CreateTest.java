package io.github.vhd4j.write;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.DiskType;
import io.github.vhd4j.DynamicHeader;
import io.github.vhd4j.Footer;
import io.github.vhd4j.Geometry;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ParentLocator;
import io.github.vhd4j.Severity;
import io.github.vhd4j.SizeMode;
import io.github.vhd4j.ValidationReport;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.testing.VhdAssertions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Vhd#create}: the bytes of new images (pitfalls §5 G-77, F: CHS rounding and exact
 * sizes, Azure), checked field by field and by the library's own strict checker.
 */
class CreateTest {
  @TempDir Path dir;

  private static ByteBuffer bytes(Path p) throws IOException {
    return ByteBuffer.wrap(Files.readAllBytes(p));
  }

  private void assertClean(Path p) throws IOException {
    ValidationReport r = Vhd.check(p, CheckOptions.defaults()
        .withOpenOptions(OpenOptions.defaults().withParentDirectories(List.of(dir))));
    assertTrue(r.problems().stream().noneMatch(x -> x.severity() != Severity.INFO), () -> p + ": " + r.problems());
  }

  @Test
  void shouldRoundDynamicSizesUpToChsLikeQemuImg() throws IOException {
    Path p = dir.resolve("d.vhd");
    try (VhdImage img = Vhd.create(p, CreateOptions.dynamic(64L << 20))) {
      // qemu-img create -f vpc x.vhd 64M: 964/8/17 = 67,125,248 bytes (iotest 266).
      assertEquals(67_125_248L, img.getSize());
      assertEquals(new Geometry(964, 8, 17), img.getFooter().geometry());
      assertEquals(DiskType.DYNAMIC, img.getDiskType());
      assertEquals(2L << 20, img.getBlockSize());
    }
    ByteBuffer b = bytes(p);
    long entries = (67_125_248L + (2 << 20) - 1) / (2 << 20);
    // Layout: footer copy, header at 512, table at 1536 padded with 0xFF to a sector, tail footer.
    assertEquals(1536 + 512 + 512, b.capacity());
    assertEquals(-1L, b.getLong(512 + 8), "header data offset: all 64 bits set");
    assertEquals(1536L, b.getLong(512 + 16));
    assertEquals(entries, b.getInt(512 + 28));
    for (int i = 1536; i < 2048; i++) {
      assertEquals((byte) 0xFF, b.get(i), "table byte " + i);
    }
    assertArrayEquals(Arrays.copyOfRange(b.array(), 0, 512), Arrays.copyOfRange(b.array(), 2048, 2560),
        "head and tail footers are identical");
    assertEquals("vhdj", new String(b.array(), 28, 4, StandardCharsets.US_ASCII));
    assertClean(p);
  }

  @Test
  void shouldKeepExactSizesAndUseTheMaximumGeometryWhenChsCannotAddressThem() throws IOException {
    Path p = dir.resolve("e.vhd");
    try (VhdImage img = Vhd.create(p, CreateOptions.dynamic(64L << 20).withSizeMode(SizeMode.EXACT))) {
      assertEquals(64L << 20, img.getSize());
      assertEquals(64L << 20, img.getFooter().currentSize());
      assertTrue(img.getFooter().geometry().isMaximum(), img.getFooter().geometry().toString());
    }
    // 16/63 x 1040 cylinders addresses 536,739,840 bytes exactly: the real geometry is kept.
    Path q = dir.resolve("e2.vhd");
    long exact = 1040L * 16 * 63 * 512;
    try (VhdImage img = Vhd.create(q, CreateOptions.fixed(exact).withSizeMode(SizeMode.EXACT))) {
      assertEquals(exact, img.getSize());
      assertEquals(new Geometry(1040, 16, 63), img.getFooter().geometry());
    }
    assertClean(p);
    assertClean(q);
    assertThrows(IllegalArgumentException.class, () -> CreateOptions.dynamic(1000).withSizeMode(SizeMode.EXACT));
  }

  @Test
  void shouldKeepRequestedSizesAboveTheChsLimitInChsMode() throws IOException {
    Path p = dir.resolve("big.vhd");
    long size = 130L << 30;
    try (VhdImage img = Vhd.create(p, CreateOptions.dynamic(size))) {
      assertEquals(size, img.getSize());
      assertTrue(img.getFooter().geometry().isMaximum());
    }
    assertClean(p);
  }

  @Test
  void shouldCreateFixedDisksAsSparseFilesWithOneFooter() throws IOException {
    Path p = dir.resolve("f.vhd");
    try (VhdImage img = Vhd.create(p, CreateOptions.fixed(10L << 20))) {
      assertEquals(DiskType.FIXED, img.getDiskType());
      assertEquals(img.getSize() + 512, Files.size(p));
      byte[] all = VhdAssertions.readAll(img);
      assertArrayEquals(new byte[all.length], all);
      assertEquals(-1L, img.getFooter().dataOffset());
    }
    assertClean(p);
  }

  @Test
  void shouldMakeAzureDisksFixedExactAndWholeMebibytes() throws IOException {
    Path p = dir.resolve("azure.vhd");
    try (VhdImage img = Vhd.create(p, CreateOptions.azure(20L << 20))) {
      assertEquals(DiskType.FIXED, img.getDiskType());
      assertEquals(20L << 20, img.getSize());
      assertEquals(20L << 20, img.getFooter().currentSize());
    }
    assertEquals((20L << 20) + 512, Files.size(p));
    assertClean(p);
    assertThrows(IllegalArgumentException.class, () -> CreateOptions.azure((20L << 20) + 512));
    assertThrows(IllegalArgumentException.class, () -> CreateOptions.azure(1L << 20));
    assertThrows(IllegalArgumentException.class,
        () -> CreateOptions.azure(20L << 20).withSizeMode(SizeMode.CHS));
  }

  @ParameterizedTest
  @ValueSource(longs = {512, 4096, 64 << 10, 512 << 10, 2 << 20, 16 << 20, 256 << 20})
  void shouldCreateEveryPowerOfTwoBlockSize(long blockSize) throws IOException {
    Path p = dir.resolve("b" + blockSize + ".vhd");
    long size = 40L << 20;
    try (VhdImage img = Vhd.create(p, CreateOptions.dynamic(size).withBlockSize(blockSize)
        .withSizeMode(SizeMode.EXACT))) {
      DynamicHeader h = img.getDynamicHeader();
      assertNotNull(h);
      assertEquals(blockSize, h.blockSize());
      assertEquals((size + blockSize - 1) / blockSize, h.maxTableEntries());
      img.write(size - 700, ByteBuffer.wrap(new byte[] {1, 2, 3}));
      assertArrayEquals(new byte[] {1, 2, 3}, VhdAssertions.read(img, size - 700, 3));
    }
    assertClean(p);
    assertThrows(IllegalArgumentException.class, () -> CreateOptions.dynamic(size).withBlockSize(blockSize * 3));
  }

  @Test
  void shouldRefuseTheAlignedLayoutForFixedDisks() {
    assertThrows(IllegalArgumentException.class, () -> CreateOptions.fixed(1 << 20).withAligned(true));
  }

  @Test
  void shouldRefuseBlockSizesOutsideTheRange() {
    assertThrows(IllegalArgumentException.class, () -> CreateOptions.dynamic(1 << 20).withBlockSize(256));
    assertThrows(IllegalArgumentException.class, () -> CreateOptions.dynamic(1 << 20).withBlockSize(512L << 20));
  }

  @Test
  void shouldCreateEmptyImages() throws IOException {
    for (CreateOptions o : List.of(CreateOptions.fixed(0), CreateOptions.dynamic(0))) {
      Path p = dir.resolve("empty-" + o.diskType() + ".vhd");
      try (VhdImage img = Vhd.create(p, o)) {
        assertEquals(0, img.getSize());
      }
      try (VhdImage img = Vhd.open(p)) {
        assertEquals(0, img.getSize());
        assertEquals(o.diskType(), img.getDiskType());
      }
      assertClean(p);
    }
  }

  @Test
  void shouldCreateTheLargestDynamicDisk() throws IOException {
    Path p = dir.resolve("max.vhd");
    try (VhdImage img = Vhd.create(p, CreateOptions.dynamic(Vhd.MAX_DYNAMIC_SIZE))) {
      assertEquals(Vhd.MAX_DYNAMIC_SIZE, img.getSize());
      img.write(Vhd.MAX_DYNAMIC_SIZE - 512, ByteBuffer.wrap(VhdAssertions.filled(512, 0x5A)));
    }
    try (VhdImage img = Vhd.open(p)) {
      assertArrayEquals(VhdAssertions.filled(512, 0x5A), VhdAssertions.read(img, Vhd.MAX_DYNAMIC_SIZE - 512, 512));
      assertEquals(1_044_480L, img.getDynamicHeader().maxTableEntries());
    }
    assertClean(p);
    assertThrows(IllegalArgumentException.class, () -> CreateOptions.dynamic(Vhd.MAX_DYNAMIC_SIZE + 512));
    assertThrows(IllegalArgumentException.class,
        () -> Vhd.create(dir.resolve("x.vhd"), CreateOptions.dynamic(Vhd.MAX_DYNAMIC_SIZE).withBlockSize(512)));
    assertTrue(Files.notExists(dir.resolve("x.vhd")), "a refused creation leaves no file");
  }

  @Test
  void shouldNeverTouchAnExistingFile() throws IOException {
    Path p = dir.resolve("precious.vhd");
    Files.write(p, new byte[] {42});
    assertThrows(FileAlreadyExistsException.class, () -> Vhd.create(p, CreateOptions.dynamic(1 << 20)));
    assertArrayEquals(new byte[] {42}, Files.readAllBytes(p));
  }

  @Test
  void shouldUseTheGivenOrARandomUuid() throws IOException {
    UUID id = UUID.fromString("01234567-89ab-cdef-0123-456789abcdef");
    try (VhdImage a = Vhd.create(dir.resolve("a.vhd"), CreateOptions.dynamic(1 << 20).withUniqueId(id));
        VhdImage b = Vhd.create(dir.resolve("b.vhd"), CreateOptions.dynamic(1 << 20));
        VhdImage c = Vhd.create(dir.resolve("c.vhd"), CreateOptions.dynamic(1 << 20))) {
      assertEquals(id, a.getFooter().uniqueId());
      assertTrue(!b.getFooter().uniqueId().equals(c.getFooter().uniqueId()));
      assertTrue(b.getFooter().uniqueId().getMostSignificantBits() != 0);
    }
  }

  @Test
  void shouldLayOutAlignedImagesLikeHyperV() throws IOException {
    Path p = dir.resolve("aligned.vhd");
    try (VhdImage img = Vhd.create(p, CreateOptions.dynamic(16L << 20).withAligned(true).withBlockSize(1 << 20))) {
      for (long pos : new long[] {5L << 20, 0, 9L << 20}) {
        img.write(pos + 7, ByteBuffer.wrap(new byte[] {9}));
      }
      for (var e : img.map()) {
        if (e.data()) {
          assertEquals(0, e.fileOffset() % 4096, e.toString());
        }
      }
    }
    ByteBuffer b = bytes(p);
    // The table (16 entries = 64 bytes) is padded with 0xFF to the 4 KiB boundary.
    for (int i = 1536 + 64; i < 4096; i++) {
      assertEquals((byte) 0xFF, b.get(i), "table padding byte " + i);
    }
    assertClean(p);
  }

  @Test
  void shouldLinkADifferencingDiskToItsParent() throws IOException {
    Path base = dir.resolve("base.vhd");
    byte[] pattern = VhdAssertions.filled(4096, 0x33);
    Footer parentFooter;
    try (VhdImage img = Vhd.create(base, CreateOptions.dynamic(8L << 20))) {
      img.write(1 << 20, ByteBuffer.wrap(pattern));
      parentFooter = img.getFooter();
    }
    Path sub = Files.createDirectories(dir.resolve("children"));
    Path child = sub.resolve("child.vhd");
    try (VhdImage img = Vhd.create(child, CreateOptions.differencing(base))) {
      assertEquals(DiskType.DIFFERENCING, img.getDiskType());
      assertEquals(img.getParent().getSize(), img.getSize());
      assertArrayEquals(pattern, VhdAssertions.read(img, 1 << 20, 4096));
      DynamicHeader h = img.getDynamicHeader();
      assertEquals(parentFooter.uniqueId(), h.parentUuid());
      assertEquals(parentFooter.timestamp(), h.parentTimestamp());
      assertEquals("base.vhd", h.parentName());
      List<ParentLocator> locs = h.parentLocators().stream().filter(l -> l.platformCode() != 0).toList();
      assertEquals(List.of(ParentLocator.Platform.W2RU, ParentLocator.Platform.W2KU, ParentLocator.Platform.MACX),
          locs.stream().map(ParentLocator::platform).toList());
      assertEquals("..\\base.vhd", locs.get(0).path());
      assertEquals(base.toAbsolutePath().toString().replace('/', '\\'), locs.get(1).path());
      assertEquals(base.toAbsolutePath().toString(), locs.get(2).path());
      for (ParentLocator l : locs) {
        assertEquals(0, l.dataSpace() % 512, "data space in bytes, a multiple of 512");
      }
    }
    // A child of the child makes a chain of three; each level reads through.
    Path grandchild = sub.resolve("grandchild.vhd");
    // Opening the child for its UUID follows it to base.vhd, outside the child's directory: the
    // caller allows that directory, as for any open.
    try (VhdImage img = Vhd.create(grandchild, CreateOptions.differencing(child)
        .withOpenOptions(OpenOptions.defaults().withParentDirectories(List.of(dir))))) {
      assertEquals(3, img.getChain().size());
      assertEquals(".\\child.vhd", img.getDynamicHeader().parentLocators().get(0).path());
      assertArrayEquals(pattern, VhdAssertions.read(img, 1 << 20, 4096));
    }
    assertClean(child);
    assertClean(grandchild);
  }
}
