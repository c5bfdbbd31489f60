package io.github.vhd4j.hadoop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.DiskFormat;
import io.github.vhd4j.DiskImage;
import io.github.vhd4j.DiskImages;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ParentHint;
import io.github.vhd4j.ParentNotFoundException;
import io.github.vhd4j.ParentReference;
import io.github.vhd4j.ProbeResult;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.ValidationReport;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.VhdImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HadoopImagesTest {
  private static final Configuration CONF = new Configuration();

  @TempDir java.nio.file.Path dir;

  /** A 16 MiB dynamic disk with random data in blocks 0, 2 and 5 (2 MiB blocks). */
  static java.nio.file.Path dynamic(java.nio.file.Path file, long seed) throws IOException {
    try (VhdImage img = Vhd.create(file, CreateOptions.dynamic(16 << 20))) {
      Random r = new Random(seed);
      for (int block : new int[] {0, 2, 5}) {
        byte[] b = new byte[1 << 20];
        r.nextBytes(b);
        img.write((long) block << 21, ByteBuffer.wrap(b));
      }
    }
    return file;
  }

  static Path hadoop(java.nio.file.Path p) {
    return new Path(p.toUri());
  }

  static byte[] content(DiskImage img) throws IOException {
    ByteBuffer all = ByteBuffer.allocate(Math.toIntExact(img.getSize()));
    img.readFully(0, all);
    return all.array();
  }

  @Test
  void shouldReadTheSameBytesAsALocalOpen() throws IOException {
    java.nio.file.Path file = dynamic(dir.resolve("a.vhd"), 1);
    try (HadoopImage opened = HadoopImages.open(hadoop(file), CONF, OpenOptions.defaults());
        DiskImage local = DiskImages.open(file)) {
      assertEquals(local.getSize(), opened.image().getSize());
      assertEquals(local.map(), opened.image().map());
      assertArrayEquals(content(local), content(opened.image()));
      assertTrue(opened.bytesRead() >= 3 << 20, "bytes read: " + opened.bytesRead());
      assertTrue(opened.source().name().startsWith("file:"), opened.source().name());
    }
  }

  @Test
  void shouldOpenAChainWhoseParentIsBesideTheChild() throws IOException {
    java.nio.file.Path base = dynamic(dir.resolve("base.vhd"), 2);
    java.nio.file.Path child = dir.resolve("child.vhd");
    try (VhdImage c = Vhd.create(child, CreateOptions.differencing(base))) {
      c.write(3 << 20, ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
    }
    try (HadoopImage opened = HadoopImages.open(hadoop(child), CONF, OpenOptions.defaults());
        DiskImage local = DiskImages.open(child)) {
      assertEquals(2, opened.image().getLayers().size());
      assertArrayEquals(content(local), content(opened.image()));
      assertEquals(1, opened.resolver().openedSources().size());
      assertTrue(opened.resolver().bytesRead() > 0);
    }
  }

  @Test
  void shouldRefuseAParentOutsideTheChildsDirectoryUnlessAllowed() throws IOException {
    Files.createDirectories(dir.resolve("bases"));
    Files.createDirectories(dir.resolve("kids"));
    java.nio.file.Path base = dynamic(dir.resolve("bases/base.vhd"), 3);
    java.nio.file.Path child = dir.resolve("kids/child.vhd");
    Vhd.create(child, CreateOptions.differencing(base)).close();

    ParentNotFoundException refused = assertThrows(ParentNotFoundException.class,
        () -> HadoopImages.open(hadoop(child), CONF, OpenOptions.defaults()).close());
    assertTrue(refused.getMessage().contains("outside"), refused.getMessage());

    HadoopOptions allowed = HadoopOptions.defaults().withParentDirectories(List.of(hadoop(dir.resolve("bases"))));
    try (HadoopImage opened = HadoopImages.open(hadoop(child), CONF, OpenOptions.defaults(), allowed)) {
      assertEquals(2, opened.image().getLayers().size());
    }
  }

  @Test
  void shouldReportAMissingParent() throws IOException {
    java.nio.file.Path base = dynamic(dir.resolve("base.vhd"), 4);
    java.nio.file.Path child = dir.resolve("child.vhd");
    Vhd.create(child, CreateOptions.differencing(base)).close();
    Files.delete(base);
    assertThrows(ParentNotFoundException.class,
        () -> HadoopImages.open(hadoop(child), CONF, OpenOptions.defaults()).close());
    ValidationReport report = HadoopImages.check(hadoop(child), CONF, CheckOptions.defaults());
    assertTrue(report.hasErrors());
  }

  @Test
  void shouldCheckAndProbeADamagedImage() throws IOException {
    java.nio.file.Path file = dynamic(dir.resolve("bad.vhd"), 5);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      // The footer's checksum field, at offset 64 of the last 512 bytes.
      ch.write(ByteBuffer.wrap(new byte[] {0x12, 0x34, 0x56, 0x78}), Files.size(file) - 512 + 64);
    }
    ProbeResult probe = HadoopImages.probe(hadoop(file), CONF);
    assertEquals(DiskFormat.VHD, probe.format());
    ValidationReport report = HadoopImages.check(hadoop(file), CONF, CheckOptions.defaults());
    assertTrue(report.contains(ProblemCode.FOOTER_CHECKSUM), report.problems().toString());
  }

  @Test
  void shouldRefuseHintsThatClimbOrAreAbsolute() throws IOException {
    java.nio.file.Path child = dynamic(dir.resolve("c.vhd"), 6);
    dynamic(dir.resolve("p.vhd"), 7);
    HadoopSourceResolver resolver = HadoopSourceResolver.create(CONF, HadoopOptions.defaults());
    ParentReference ref = new ParentReference(hadoop(child).toString(), null, new UUID(0, 0), 0, "p.vhd", List.of(),
        List.of());
    String escape = "../" + dir.getFileName() + "/../../" + dir.getParent().getFileName() + "/" + dir.getFileName()
        + "/p.vhd";
    // Climbs out and back in: normalized, it is beside the child again, and allowed.
    try (var s = resolver.open(ref, new ParentHint(escape, true, "test"))) {
      assertTrue(s != null && s.name().endsWith("/p.vhd"));
    }
    assertThrows(AccessDeniedException.class, () -> resolver.open(ref, new ParentHint("../p.vhd", true, "test")));
    assertThrows(AccessDeniedException.class,
        () -> resolver.open(ref, new ParentHint("../../../../../../../../../../../../../x", true, "test")));
    assertThrows(AccessDeniedException.class,
        () -> resolver.open(ref, new ParentHint("/etc/passwd", false, "MacX")));
    assertNull(resolver.open(ref, new ParentHint("missing.vhd", true, "test")));
    // An absolute path inside an allowed directory is opened.
    HadoopSourceResolver allowing = HadoopSourceResolver.create(CONF,
        HadoopOptions.defaults().withParentDirectories(List.of(hadoop(dir))));
    try (var s = allowing.open(ref, new ParentHint(dir.resolve("p.vhd").toString(), false, "MacX"))) {
      assertTrue(s != null);
    }
  }

  @Test
  void shouldNormalizePaths() {
    assertEquals("/a/c", HadoopSourceResolver.normalize("/a/b/../c"));
    assertEquals("/a/b", HadoopSourceResolver.normalize("//a/./b/"));
    assertEquals("/", HadoopSourceResolver.normalize("/a/.."));
    assertNull(HadoopSourceResolver.normalize("/a/../.."));
    assertEquals("/", HadoopSourceResolver.parentOf("/x.vhd"));
    assertEquals("/d/e", HadoopSourceResolver.parentOf("/d/e/x.vhd"));
  }

  @Test
  void sourceShouldReadHeapAndDirectBuffersAndCountBytes() throws IOException {
    java.nio.file.Path file = dir.resolve("raw.bin");
    byte[] bytes = new byte[200_000];
    new Random(8).nextBytes(bytes);
    Files.write(file, bytes);
    FileSystem fs = FileSystem.get(file.toUri(), CONF);
    HadoopSource s = HadoopSource.open(fs, hadoop(file), HadoopOptions.defaults());
    try (s) {
      assertEquals(bytes.length, s.size());
      assertFalse(s.readsByteBuffers(), "the checksummed local file system has no ByteBuffer preads");
      ByteBuffer heap = ByteBuffer.allocate(1000);
      assertEquals(1000, s.read(5000, heap));
      ByteBuffer direct = ByteBuffer.allocateDirect(150_000);
      int n = 0;
      while (direct.hasRemaining()) {
        n += s.read(10_000 + n, direct);
      }
      direct.flip();
      byte[] got = new byte[direct.remaining()];
      direct.get(got);
      assertArrayEquals(java.util.Arrays.copyOfRange(bytes, 10_000, 160_000), got);
      assertEquals(-1, s.read(bytes.length, ByteBuffer.allocate(1)));
      assertEquals(151_000, s.bytesRead());
    }
    assertThrows(ClosedChannelException.class, () -> s.read(0, ByteBuffer.allocate(1)));
  }

  @Test
  void shouldFailToOpenAFileThatIsNoImage() throws IOException {
    java.nio.file.Path file = dir.resolve("zeros.bin");
    Files.write(file, new byte[4096]);
    assertThrows(VhdFormatException.class, () -> HadoopImages.open(hadoop(file), CONF, OpenOptions.defaults()).close());
  }
}
