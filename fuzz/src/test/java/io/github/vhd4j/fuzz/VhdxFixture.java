package io.github.vhd4j.fuzz;

import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.testing.SparseImage;
import io.github.vhd4j.testing.VhdxBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The two VHDX parents every fuzzed differencing disk can name, byte-for-byte deterministic so
 * that committed seeds keep matching them: 8 MiB dynamic disks with 1 MiB blocks, one of 512-byte
 * and one of 4096-byte logical sectors, with data in four blocks (whole blocks, a few sectors, a
 * block's last bytes). Children find them through a resolver that offers both, whatever their
 * locators say; the one whose DataWriteGuid matches is taken.
 */
final class VhdxFixture {
  static final UUID PARENT_512 = UUID.fromString("5eed0512-0000-4000-8000-000000000002");
  static final UUID PARENT_4K = UUID.fromString("5eed4096-0000-4000-8000-000000000002");
  static final long PARENT_SIZE = 8L << 20;
  static final String NAME_512 = "parent512.vhdx";
  static final String NAME_4K = "parent4k.vhdx";

  private static Map<Path, SparseImage> installed;

  /** A parent's file and what it reads as. */
  record Parent(SparseImage file, VhdxContent content) {}

  private VhdxFixture() {}

  /** A parent: DataWriteGuid {@code dataWrite}, the given logical sector size. */
  static Parent parent(UUID dataWrite, long sectorSize) {
    VhdxBuilder b = VhdxBuilder.dynamic(PARENT_SIZE, VhdxBuilder.MIB);
    b.logicalSectorSize = sectorSize;
    VhdxInput.identify(b, dataWrite.getLeastSignificantBits());
    b.header1.dataWriteGuid = dataWrite;
    b.header2.dataWriteGuid = dataWrite;
    b.creator = "vhd4j fuzz parent";
    VhdxContent c = new VhdxContent(PARENT_SIZE, VhdxBuilder.MIB, sectorSize, null);
    SplittableRandom rnd = new SplittableRandom(sectorSize);
    c.full(b, 0, 0, bytes(rnd, (int) VhdxBuilder.MIB));
    c.full(b, 2, 0, bytes(rnd, 20_000));
    c.full(b, 5, (int) VhdxBuilder.MIB - 5_000, bytes(rnd, 5_000));
    c.full(b, 7, 4096, bytes(rnd, 70_000));
    return new Parent(b.build().file, c);
  }

  private static final Parent P512 = parent(PARENT_512, 512);
  private static final Parent P4K = parent(PARENT_4K, 4096);

  /** What the parent with logical sector size {@code sectorSize} reads as. */
  static VhdxContent content(long sectorSize) {
    return (sectorSize == 4096 ? P4K : P512).content();
  }

  private static byte[] bytes(SplittableRandom rnd, int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }

  /** Writes both parents (once per JVM) and returns their files by path. */
  static synchronized Map<Path, SparseImage> install() {
    if (installed == null) {
      Path dir = Scratch.dir("vhdx-parents");
      try {
        installed = Map.of(P512.file().write(dir.resolve(NAME_512)), P512.file(),
            P4K.file().write(dir.resolve(NAME_4K)), P4K.file());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return installed;
  }

  /** Options whose resolver offers both parents, whatever the child's locator says. */
  static OpenOptions options() {
    List<Path> both = List.copyOf(new java.util.TreeSet<>(install().keySet()));
    return OpenOptions.defaults().withParentResolver(reference -> both);
  }
}
