package io.github.vhd4j.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.testing.BuiltVhdx;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the VHDX divergence tests share: the peers they need and what each reads, a scratch
 * directory, a small disk to damage, and the ways 7-Zip answers. {@link VhdxDivergenceTest} and
 * {@link VhdxStructureDivergenceTest} hold the cases of {@code conformance/DIVERGENCES.md} from 20
 * on; each names the peers it needs with {@link RequiresPeers}, which is not inherited.
 */
abstract class VhdxDivergenceCases {
  static final long MIB = VhdxSamples.MIB;
  static final long GIB = 1024 * MIB;

  @TempDir
  Path dir;

  @BeforeAll
  static void requirePeers() {
    Peers.require(Peers.QEMU_IMG, Peers.QEMU_IO, Peers.SEVEN_ZIP, Peers.VHDIINFO, Peers.PYVHDI);
  }

  /** An 8 MiB dynamic disk in 1 MiB blocks: 4 KiB of data in block 0, block 2 full. */
  static VhdxSamples.Modelled disk() {
    return VhdxSamples.Modelled.dynamic(8 * MIB, MIB, 512).full(0, 4096, 1).full(2, (int) MIB, 2);
  }

  Path write(String name, VhdxSamples.Modelled m) throws IOException {
    return m.write(dir.resolve(name));
  }

  /** The disk of {@link #disk()} built, changed by {@code change} (checksums left as they fall), written. */
  Path changed(String name, VhdxSamples.Modelled m, Consumer<BuiltVhdx> change) throws IOException {
    BuiltVhdx v = m.builder.build();
    change.accept(v);
    return v.write(dir.resolve(name));
  }

  VhdxPeerRuns.Read qemu(Path img) throws IOException {
    return VhdxPeerRuns.qemu(img, dir.resolve("qemu.raw"));
  }

  static VhdxReaders.SevenZip sevenZip(Path img) throws IOException {
    return VhdxReaders.sevenZip(img);
  }

  /**
   * What each reader made of one image, all run before a case asserts. A case looks only at the readers it
   * is about; the others cost little on these few-MiB files and answer a file they cannot read with a
   * refusal, not an exception (qemu-img refuses a differencing VHDX at open). Cases 25, 32 and 44 ask
   * their peers by hand: a whole read of those disks is too large or beside the point.
   */
  record Readings(VhdxPeerRuns.Read qemu, VhdxPeerRuns.Read libvhdi, VhdxReaders.SevenZip sevenZip,
      VhdxPeerRuns.Ours strict, VhdxPeerRuns.Ours lenient) {}

  /** The readers on {@code chain}, nearest first: libvhdi is handed the parents, the others find them themselves. */
  Readings readings(Path... chain) throws IOException {
    Path img = chain[0];
    return new Readings(qemu(img), VhdxPeerRuns.libvhdi(chain), sevenZip(img), VhdxPeerRuns.vhd4j(img, false),
        VhdxPeerRuns.vhd4j(img, true));
  }

  /** 7-Zip refused to open the file as a VHDX at all. */
  static void assertSevenZipRefuses(VhdxReaders.SevenZip z) {
    assertEquals(2, z.code(), z::describe);
    assertTrue(z.messages().contains("Cannot open the file as [VHDX] archive"), z::describe);
    assertEquals(0, z.print().size(), "nothing extracted");
  }

  /** 7-Zip extracted {@code content} but exited 2 with {@code message}. */
  static void assertSevenZipComplains(VhdxReaders.SevenZip z, String message, byte[] content) {
    assertEquals(2, z.code(), z::describe);
    assertTrue(z.messages().contains(message), z::describe);
    assertNull(z.print().difference(ContentPrint.of(content)), "7-Zip's content");
  }

  static void assertSevenZipReads(VhdxReaders.SevenZip z, byte[] content) {
    assertEquals(0, z.code(), z::describe);
    assertNull(z.print().difference(ContentPrint.of(content)), "7-Zip's content");
  }

  static ProblemCode code(VhdxPeerRuns.Ours ours) {
    return assertInstanceOf(VhdFormatException.class, ours.refused()).getCode();
  }

  static boolean warns(VhdxPeerRuns.Ours ours, ProblemCode code) {
    return ours.warnings().stream().anyMatch(p -> p.code() == code);
  }
}
