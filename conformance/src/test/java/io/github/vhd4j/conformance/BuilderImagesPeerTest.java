package io.github.vhd4j.conformance;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.vhd4j.DiskType;
import io.github.vhd4j.conformance.PeerVerifier.Outcome;
import io.github.vhd4j.conformance.PeerVerifier.Peer;
import io.github.vhd4j.conformance.PeerVerifier.Subject;
import io.github.vhd4j.conformance.PeerVerifier.Verdict;
import io.github.vhd4j.testing.TestImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The other direction: images vhd4j's side produces, read by every peer. Until the writer lands
 * (#6) the producers are the test builder (bitmap-exact, as the writer will be) and
 * {@code vhd convert -O raw}; each subject is verified twice, against the builder's expected content
 * and against the raw file {@code vhd convert} made of it.
 *
 * <p>Differencing writes cover whole 4 KiB pages and reads go through libvhdi in 64 KiB pieces:
 * libvhdi's wrong answers for partly written pages and for single large reads are pinned on their
 * own in {@link DivergenceTest}, so that here any other disagreement shows.
 */
@RequiresPeers({Peers.QEMU_IMG, Peers.SEVEN_ZIP, Peers.VHDIINFO, Peers.PYVHDI})
class BuilderImagesPeerTest {
  private static final long KIB = 1024;
  private static final long MIB = KIB * KIB;

  @TempDir
  static Path dir;

  @BeforeAll
  static void requirePeers() {
    Peers.require(PeerVerifier.tools());
  }

  /**
   * The producers. TODO(#6): add the writer's images here, each with its expected content: vhd
   * create fixed and dynamic (every block size), differencing children written through the API,
   * vhd convert -O fixed|dynamic from raw and from VHD, resized, compacted and committed images.
   */
  static List<PeerVerifier.Producer> producers() {
    List<PeerVerifier.Producer> out = new ArrayList<>();
    out.add(d -> builder(d, "fixed-1M", pattern(TestImage.fixed(MIB), MIB)));
    out.add(d -> builder(d, "fixed-3M+512", pattern(TestImage.fixed(3 * MIB + 512), 3 * MIB + 512)));
    for (long bs : new long[] {512, 4 * KIB, 512 * KIB, 2 * MIB, 4 * MIB}) {
      long size = bs < 64 * KIB ? 2 * MIB : 20 * MIB;
      out.add(d -> builder(d, "dynamic-bs" + bs, pattern(TestImage.dynamic(size, bs), size)));
    }
    for (int depth = 1; depth <= 3; depth++) {
      int n = depth;
      out.add(d -> chain(d, "chain" + n, n, 2 * MIB));
    }
    out.add(d -> chain(d, "chain2-bs512K", 2, 512 * KIB));
    return out;
  }

  /** Data at the first and last sector, across block boundaries and in the middle. */
  private static TestImage pattern(TestImage t, long size) {
    // Block boundaries far enough apart for an 8 KiB write across each (block sizes of 512 B and
    // 4 KiB: every few blocks).
    long step = Math.max(t.diskType == TestImage.FIXED ? 2 * MIB : t.blockSize, 8 * KIB);
    t.random(0, 4096, 1);
    t.fill(size - 512, 512, 0xEE);
    for (long b = step; b + 8192 < size && b <= 4 * step; b += step) {
      t.random(b - 4096, 8192, b);
    }
    t.fill(size / 2 / 4096 * 4096, 12288, 0x5A);
    return t;
  }

  private static Subject builder(Path d, String name, TestImage t) throws IOException {
    Path img = t.writeTo(d.resolve(name + ".vhd"));
    Path raw = d.resolve(name + ".expected.raw");
    Files.write(raw, t.expectedContent());
    DiskType type = t.diskType == TestImage.FIXED ? DiskType.FIXED : DiskType.DYNAMIC;
    return new Subject(img, List.of(img), raw, type, type == DiskType.FIXED ? 0 : t.blockSize, name);
  }

  /** A base with data throughout, and {@code depth} children each writing whole pages of its own. */
  private static Subject chain(Path d, String name, int depth, long bs) throws IOException {
    long size = 12 * MIB;
    TestImage base = TestImage.dynamic(size, bs).random(0, (int) size, 99);
    List<Path> files = new ArrayList<>();
    String baseName = name + "-0.vhd";
    files.add(base.writeTo(d.resolve(baseName)));
    byte[] content = base.expectedContent();
    TestImage parent = base;
    String parentName = baseName;
    for (int level = 1; level <= depth; level++) {
      TestImage child = TestImage.differencing(parent, parentName, bs);
      child.fill(4096L * level, 4096, 0x10 + level);                       // one page inside block 0
      child.random(bs - 4096, 8192, level);                                  // across a block boundary
      child.fill(size - 4096, 4096, 0x20 + level);                          // last page
      child.fill(4 * MIB + 65536L * level, 65536, 0x30 + level);
      String childName = name + "-" + level + ".vhd";
      files.add(0, child.writeTo(d.resolve(childName)));
      content = child.expectedContent(content);
      parent = child;
      parentName = childName;
    }
    Path raw = d.resolve(name + ".expected.raw");
    Files.write(raw, content);
    return new Subject(files.get(0), List.copyOf(files), raw, DiskType.DIFFERENCING, bs, name);
  }

  /**
   * What each peer is expected to answer. Differences are the documented ones (DIVERGENCES.md):
   * QEMU opens a differencing disk as a dynamic one (its reads and map see the child's blocks
   * only); below 4 KiB blocks QEMU takes the sector bitmap to be 0 bytes long (so it reads every
   * block one sector early) and libvhdi refuses the bitmap size.
   */
  static Map<Peer, Verdict> expected(Subject s) {
    Map<Peer, Verdict> m = new EnumMap<>(Peer.class);
    for (Peer p : Peer.values()) {
      m.put(p, Verdict.AGREES);
    }
    if (s.type() == DiskType.DIFFERENCING) {
      m.put(Peer.QEMU_COMPARE, Verdict.DIFFERS);
      m.put(Peer.QEMU_MAP, Verdict.DIFFERS);
    }
    if (s.blockSize() > 0 && s.blockSize() < 4096) {
      m.put(Peer.QEMU_COMPARE, Verdict.DIFFERS);
      m.put(Peer.QEMU_MAP, Verdict.DIFFERS);
      m.put(Peer.LIBVHDI, Verdict.REFUSES);
    }
    return m;
  }

  @TestFactory
  Stream<DynamicTest> shouldBeReadByEveryPeerAsBuilt() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    int i = 0;
    for (PeerVerifier.Producer p : producers()) {
      Path d = Files.createDirectories(dir.resolve("p" + i++));
      Subject s = p.produce(d);
      tests.add(DynamicTest.dynamicTest(s.description(), () -> assertVerdicts(s, expected(s), d)));
      tests.add(DynamicTest.dynamicTest(s.description() + " via vhd convert -O raw", () -> {
        Path converted = d.resolve(s.description() + ".vhd-convert.raw");
        VhdCli.Result r = VhdCli.run("convert", "-O", "raw", s.image().toString(), converted.toString());
        assertEquals(0, r.code(), r::describe);
        assertEquals(-1L, Files.mismatch(s.expectedRaw(), converted), "vhd convert -O raw vs the builder's content");
        Subject c = new Subject(s.image(), s.chain(), converted, s.type(), s.blockSize(),
            s.description() + " (vhd convert -O raw)");
        assertVerdicts(c, expected(s), d);
      }));
    }
    return tests.stream();
  }

  static void assertVerdicts(Subject s, Map<Peer, Verdict> expected, Path work) throws IOException {
    Map<Peer, Outcome> got = PeerVerifier.verify(s, work);
    assertAll(s.description(), expected.entrySet().stream().map(e ->
        () -> assertEquals(e.getValue(), got.get(e.getKey()).verdict(), () -> got.get(e.getKey()).toString())));
  }
}
