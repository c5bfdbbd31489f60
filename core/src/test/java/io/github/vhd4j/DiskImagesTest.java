package io.github.vhd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.testing.ForeignImages;
import io.github.vhd4j.testing.MemoryChannel;
import io.github.vhd4j.testing.QemuImg;
import io.github.vhd4j.testing.TestImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DiskImages}: the probe names every format by its signature, a VHD opens and checks as
 * {@link Vhd} opens and checks it, and the formats vhd4j does not read are refused by name.
 */
class DiskImagesTest {
  private static final long MIB = 1 << 20;

  @TempDir Path dir;

  /** One file per format the probe names but vhd4j does not open, built from the format's layout. */
  private Map<DiskFormat, Path> foreignFiles() throws IOException {
    Map<DiskFormat, Path> m = new LinkedHashMap<>();
    m.put(DiskFormat.VHDX, Files.write(dir.resolve("x.vhdx"), ForeignImages.vhdx()));
    m.put(DiskFormat.QCOW2, Files.write(dir.resolve("x.qcow2"), ForeignImages.qcow2(MIB)));
    m.put(DiskFormat.VMDK, Files.write(dir.resolve("x.vmdk"), ForeignImages.vmdkSparse(MIB)));
    m.put(DiskFormat.VDI, Files.write(dir.resolve("x.vdi"), ForeignImages.vdi(MIB)));
    m.put(DiskFormat.ISO, Files.write(dir.resolve("x.iso"), ForeignImages.iso()));
    return m;
  }

  @Test
  void shouldNameEachFormatBySignature() throws IOException {
    for (Map.Entry<DiskFormat, Path> e : foreignFiles().entrySet()) {
      ProbeResult found = DiskImages.probe(e.getValue());
      assertEquals(new ProbeResult(e.getValue().toString(), e.getKey(), Files.size(e.getValue())), found);
      assertEquals(e.getKey() == DiskFormat.VHDX, found.isReadable(), e.getKey().name());
    }
    Path descriptor = Files.write(dir.resolve("d.vmdk"), ForeignImages.vmdkDescriptor(MIB));
    assertEquals(DiskFormat.VMDK, DiskImages.probe(descriptor).format());
    Path cow = Files.write(dir.resolve("cow.vmdk"), "COWD".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertEquals(DiskFormat.VMDK, DiskImages.probe(cow).format());
  }

  @Test
  void shouldNameAVhdWhetherValidOrDamaged() throws IOException {
    Path fixed = TestImage.fixed(MIB).random(0, 4096, 1).writeTo(dir.resolve("f.vhd"));
    Path dynamic = TestImage.dynamic(4 * MIB, 2 * MIB).random(0, 4096, 2).writeTo(dir.resolve("d.vhd"));
    TestImage bad = TestImage.fixed(MIB);
    bad.footerChecksum = 1L;
    Path damaged = bad.writeTo(dir.resolve("bad.vhd"));

    for (Path p : List.of(fixed, dynamic, damaged)) {
      ProbeResult found = DiskImages.probe(p);
      assertEquals(DiskFormat.VHD, found.format(), p.toString());
      assertTrue(found.isReadable());
      assertEquals(Files.size(p), found.length());
    }
  }

  @Test
  void shouldPreferTheVhdFooterOverASignatureInTheGuestData() throws IOException {
    // A fixed VHD made from an ISO starts with the ISO; one made from a QCOW2 file with its magic.
    Path iso = TestImage.fixed(64 * 1024).write(0, ForeignImages.iso()).writeTo(dir.resolve("iso.vhd"));
    Path qcow = TestImage.fixed(MIB).write(0, ForeignImages.qcow2(MIB)).writeTo(dir.resolve("qcow.vhd"));

    assertEquals(DiskFormat.VHD, DiskImages.probe(iso).format());
    assertEquals(DiskFormat.VHD, DiskImages.probe(qcow).format());
    try (DiskImage image = DiskImages.open(iso)) {
      assertEquals(DiskFormat.VHD, image.getFormat());
    }
  }

  @Test
  void shouldCallAFileWithoutSignatureRaw() throws IOException {
    Path zeros = Files.write(dir.resolve("zeros.img"), new byte[4096]);
    Path empty = Files.write(dir.resolve("empty.img"), new byte[0]);
    Path tiny = Files.write(dir.resolve("tiny.img"), new byte[] {'Q', 'F', 'I'});
    // Shorter than the ISO signature needs: the signature is not read past the end.
    byte[] iso = ForeignImages.iso();
    Path cutIso = Files.write(dir.resolve("cut.iso"), java.util.Arrays.copyOf(iso, 16 * 2048 + 4));

    for (Path p : List.of(zeros, empty, tiny, cutIso)) {
      assertEquals(new ProbeResult(p.toString(), DiskFormat.RAW, Files.size(p)), DiskImages.probe(p), p.toString());
    }
  }

  @Test
  void shouldRefuseFormatsItDoesNotReadByName() throws IOException {
    for (Map.Entry<DiskFormat, Path> e : foreignFiles().entrySet()) {
      if (e.getKey().isReadable()) {
        continue;
      }
      Path p = e.getValue();
      UnsupportedFormatException open = assertThrows(UnsupportedFormatException.class, () -> DiskImages.open(p));
      UnsupportedFormatException check = assertThrows(UnsupportedFormatException.class, () -> DiskImages.check(p));
      for (UnsupportedFormatException x : List.of(open, check)) {
        assertEquals(e.getKey(), x.getFormat());
        assertEquals(p.toString(), x.getResource());
      }
    }
    Path qcow = dir.resolve("x.qcow2");
    assertEquals("a QCOW2 image; vhd4j reads VHD and VHDX images (" + qcow + ")",
        assertThrows(UnsupportedFormatException.class, () -> DiskImages.open(qcow)).getMessage());
    // A VHDX is read: this one is only a file type identifier, shorter than a VHDX's header section.
    Path vhdx = dir.resolve("x.vhdx");
    assertEquals(ProblemCode.VHDX_FILE_TOO_SMALL,
        assertThrows(VhdFormatException.class, () -> DiskImages.open(vhdx)).getCode());
    assertEquals(ProblemCode.VHDX_FILE_TOO_SMALL, DiskImages.check(vhdx).problems().get(0).code());
    assertEquals("an ISO 9660 image; vhd4j reads VHD and VHDX images (x.iso)",
        new UnsupportedFormatException(DiskFormat.ISO, "x.iso").getMessage());
  }

  @Test
  void shouldReportRawDataAndDamageExactlyAsVhdDoes() throws IOException {
    Path zeros = Files.write(dir.resolve("zeros.img"), new byte[4096]);
    Path tiny = Files.write(dir.resolve("tiny.img"), new byte[100]);
    TestImage bad = TestImage.fixed(MIB);
    bad.footerChecksum = 1L;
    Path damaged = bad.writeTo(dir.resolve("bad.vhd"));

    for (Path p : List.of(zeros, tiny, damaged)) {
      VhdFormatException viaVhd = assertThrows(VhdFormatException.class, () -> Vhd.open(p));
      VhdFormatException viaDisk = assertThrows(VhdFormatException.class, () -> DiskImages.open(p));
      assertEquals(viaVhd.getMessage(), viaDisk.getMessage());
      assertEquals(viaVhd.getCode(), viaDisk.getCode());
      assertEquals(Vhd.check(p).problems(), DiskImages.check(p).problems());
      assertEquals(Vhd.check(p, CheckOptions.defaults().withDeep(true)).problems(),
          DiskImages.check(p, CheckOptions.defaults().withDeep(true)).problems());
    }
    assertEquals(ProblemCode.FOOTER_COOKIE, assertThrows(VhdFormatException.class, () -> DiskImages.open(zeros))
        .getCode());
    assertEquals(ProblemCode.FOOTER_CHECKSUM, assertThrows(VhdFormatException.class, () -> DiskImages.open(damaged))
        .getCode());
  }

  @Test
  void shouldOpenAVhdChainAsDiskImages() throws IOException {
    TestImage base = TestImage.dynamic(4 * MIB, 512 * 1024).random(0, 300_000, 3);
    base.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(base, "base.vhd", 512 * 1024).random(100_000, 50_000, 4);
    Path childPath = child.writeTo(dir.resolve("child.vhd"));
    byte[] expected = child.expectedContent(base.expectedContent());

    try (DiskImage image = DiskImages.open(childPath, OpenOptions.defaults());
        VhdImage direct = Vhd.open(childPath)) {
      VhdImage vhd = assertInstanceOf(VhdImage.class, image);
      assertEquals(DiskFormat.VHD, image.getFormat());
      assertEquals(childPath.toString(), image.getResource());
      assertEquals(childPath, image.getPath());
      assertEquals(direct.getSize(), image.getSize());
      assertEquals(Files.size(childPath), image.getFileSize());
      assertEquals(direct.getSizeInfo(), image.getSizeInfo());
      assertEquals(direct.getWarnings(), image.getWarnings());
      assertEquals(direct.map(), image.map());
      assertEquals(direct.map(MIB, MIB), image.map(MIB, MIB));
      List<Extent> streamed = new java.util.ArrayList<>();
      image.forEachExtent(0, image.getSize(), streamed::add);
      assertEquals(direct.map(), streamed);

      List<DiskImage> chain = image.getLayers();
      assertEquals(2, chain.size());
      assertEquals(vhd.getChain(), chain);
      assertSame(image, chain.get(0));
      DiskImage parent = image.getParent();
      assertSame(vhd.getParent(), parent);
      assertSame(chain.get(1), parent);
      assertEquals(dir.resolve("base.vhd").toString(), parent.getResource());
      assertNull(parent.getParent());

      ByteBuffer all = ByteBuffer.allocate(expected.length);
      image.readFully(0, all);
      assertArrayEquals(expected, all.array());
      ByteBuffer some = ByteBuffer.allocate(1000);
      assertEquals(1000, image.read(99_500, some));
      assertArrayEquals(java.util.Arrays.copyOfRange(expected, 99_500, 100_500), some.array());
      assertArrayEquals(expected, image.newInputStream().readAllBytes());
      ByteBuffer viaChannel = ByteBuffer.allocate(expected.length);
      try (var channel = image.newChannel()) {
        while (viaChannel.hasRemaining() && channel.read(viaChannel) > 0) {
          // Until the channel is exhausted.
        }
      }
      assertArrayEquals(expected, viaChannel.array());
      // A file channel lends no memory; mapped storage (the mmap module's run of this suite) does.
      ByteBuffer view = image.view(0, 512);
      if (view != null) {
        byte[] viewed = new byte[512];
        view.get(viewed);
        assertArrayEquals(java.util.Arrays.copyOf(expected, 512), viewed);
      }
      // The parent is the child's: closing it alone changes nothing.
      parent.close();
      assertEquals(1, image.read(0, ByteBuffer.allocate(1)));
    }
  }

  @Test
  void shouldLendAViewOfAnInMemoryImage() throws IOException {
    TestImage fixed = TestImage.fixed(64 * 1024).random(0, 64 * 1024, 5);
    try (DiskImage image = Vhd.open(ByteBuffer.wrap(fixed.toBytes()))) {
      ByteBuffer view = image.view(4096, 512);
      assertTrue(view != null && view.isReadOnly());
      byte[] got = new byte[512];
      view.get(got);
      assertArrayEquals(java.util.Arrays.copyOfRange(fixed.expectedContent(), 4096, 4608), got);
    }
  }

  @Test
  void shouldProbeAndOpenChannels() throws IOException {
    Path vhd = TestImage.fixed(MIB).random(0, 4096, 6).writeTo(dir.resolve("c.vhd"));
    byte[] qcow = ForeignImages.qcow2(MIB);
    try (FileChannel ch = FileChannel.open(vhd, StandardOpenOption.READ)) {
      assertEquals(new ProbeResult("disk", DiskFormat.VHD, Files.size(vhd)), DiskImages.probe(ch, "disk"));
      try (DiskImage image = DiskImages.open(ch, "disk", OpenOptions.defaults())) {
        assertEquals("disk", image.getResource());
        assertNull(image.getPath());
        assertEquals(MIB, image.getSize());
      }
      assertTrue(ch.isOpen(), "the caller's channel stays open");
    }
    MemoryChannel memory = new MemoryChannel(qcow, 7);
    assertEquals(DiskFormat.QCOW2, DiskImages.probe(memory, "q").format());
    UnsupportedFormatException e = assertThrows(UnsupportedFormatException.class,
        () -> DiskImages.open(new MemoryChannel(qcow, 7), "q", OpenOptions.defaults()));
    assertEquals("a QCOW2 image; vhd4j reads VHD and VHDX images (q)", e.getMessage());
  }

  @Test
  void shouldProbeWithoutLockingWhenAsked() throws IOException {
    Path vhd = TestImage.fixed(MIB).writeTo(dir.resolve("l.vhd"));
    assertEquals(DiskFormat.VHD, DiskImages.probe(vhd, OpenOptions.defaults().withLocking(false)).format());
    try (DiskImage image = DiskImages.open(vhd, OpenOptions.defaults().withLocking(false))) {
      assertEquals(MIB, image.getSize());
    }
  }

  @Test
  void shouldConvertAndCopyAnyDiskImage() throws IOException {
    TestImage source = TestImage.dynamic(2 * MIB, 512 * 1024).random(1000, 70_000, 7);
    Path in = source.writeTo(dir.resolve("in.vhd"));
    try (DiskImage image = DiskImages.open(in)) {
      Vhd.convert(image, dir.resolve("out.vhd"), CreateOptions.fixed(0).withSizeMode(SizeMode.EXACT),
          ProgressListener.none());
      DiskImages.convertToRaw(image, dir.resolve("out.raw"), Durability.NONE, ProgressListener.none());
      DiskImages.convertToRaw(image, dir.resolve("out2.raw"), OpenOptions.defaults(), ProgressListener.none());
      java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream();
      assertEquals(image.getSize(), DiskImages.copyTo(image, 0, Long.MAX_VALUE,
          java.nio.channels.Channels.newChannel(sink), ProgressListener.none()));
      assertArrayEquals(source.expectedContent(), sink.toByteArray());
    }
    assertArrayEquals(source.expectedContent(), Files.readAllBytes(dir.resolve("out.raw")));
    assertArrayEquals(source.expectedContent(), Files.readAllBytes(dir.resolve("out2.raw")));
    try (DiskImage converted = DiskImages.open(dir.resolve("out.vhd"))) {
      assertArrayEquals(source.expectedContent(), converted.newInputStream().readAllBytes());
    }
  }

  @Test
  void shouldNameTheFormatsOfImagesQemuMade() throws Exception {
    QemuImg.require();
    Map<String, DiskFormat> expected = new LinkedHashMap<>();
    expected.put("qcow2", DiskFormat.QCOW2);
    expected.put("vmdk", DiskFormat.VMDK);
    expected.put("vdi", DiskFormat.VDI);
    expected.put("vhdx", DiskFormat.VHDX);
    expected.put("vpc", DiskFormat.VHD);
    expected.put("raw", DiskFormat.RAW);
    for (Map.Entry<String, DiskFormat> e : expected.entrySet()) {
      Path p = QemuImg.create(e.getKey(), dir.resolve("q." + e.getKey()), 4 * MIB, null);
      assertEquals(e.getValue(), DiskImages.probe(p).format(), e.getKey());
    }
    // A VMDK whose data is in a second file: the descriptor is a text file.
    Path flat = QemuImg.create("vmdk", dir.resolve("flat.vmdk"), 4 * MIB, "subformat=monolithicFlat");
    assertEquals(DiskFormat.VMDK, DiskImages.probe(flat).format());
    assertEquals(DiskFormat.RAW, DiskImages.probe(dir.resolve("flat-flat.vmdk")).format());
    Path stream = QemuImg.create("vmdk", dir.resolve("s.vmdk"), 4 * MIB, "subformat=streamOptimized");
    assertEquals(DiskFormat.VMDK, DiskImages.probe(stream).format());

    for (String format : List.of("qcow2", "vmdk", "vdi")) {
      Path p = dir.resolve("q." + format);
      assertEquals(expected.get(format), assertThrows(UnsupportedFormatException.class,
          () -> DiskImages.open(p)).getFormat());
    }
    try (DiskImage image = DiskImages.open(dir.resolve("q.vpc"))) {
      assertInstanceOf(VhdImage.class, image);
    }
    try (DiskImage image = DiskImages.open(dir.resolve("q.vhdx"))) {
      assertInstanceOf(VhdxImage.class, image);
      assertEquals(4 * MIB, image.getSize());
    }
  }

  @Test
  void shouldDescribeEveryFormat() {
    for (DiskFormat f : DiskFormat.values()) {
      assertFalse(f.displayName().isEmpty());
      assertTrue(f.description().endsWith(f == DiskFormat.RAW ? "raw data" : f.displayName() + " image"), f.name());
      assertEquals(f == DiskFormat.VHD || f == DiskFormat.VHDX, f.isReadable(), f.name());
    }
    assertThrows(IllegalArgumentException.class, () -> new ProbeResult("x", DiskFormat.RAW, -1));
  }
}
