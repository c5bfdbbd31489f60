package io.github.vhd4j.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The seeded recipe list of the generated corpus: how each image is made by qemu-img and which
 * writes qemu-io applies to it. Everything derives from one seed, so a failure printed with its seed
 * reproduces with {@code -Dvhd4j.conformance.seed=N}.
 */
final class Corpus {
  static final long KIB = 1L << 10;
  static final long MIB = 1L << 20;
  static final long GIB = 1L << 30;
  /** 0xFF000000 sectors: the largest vpc image qemu-img creates (2040 GiB). */
  static final long MAX_SIZE = 0xFF000000L * 512;
  /** 65535 x 16 x 255 sectors: the largest CHS capacity. */
  static final long MAX_CHS = 65535L * 16 * 255 * 512;
  /** 65535 x 16 x 63 sectors: from here the geometry switches to 255 sectors per track. */
  static final long CHS_255_THRESHOLD = 65535L * 16 * 63 * 512;
  /** qemu-img's dynamic block size. */
  static final long BLOCK = 2 * MIB;

  /**
   * How one image is made.
   *
   * @param index position in the corpus (names the image: imgNNN)
   * @param convert made by {@code qemu-img convert} from a sparse raw file instead of {@code create}
   * @param fixed subformat fixed (else dynamic)
   * @param forceSize create option force_size=on
   * @param requestedSize the size given to qemu-img (convert: the raw file's length)
   * @param imageSeed seeds this image's raw content and writes
   */
  record Recipe(int index, boolean convert, boolean fixed, boolean forceSize, long requestedSize, long imageSeed) {
    String name() {
      return String.format("img%03d", index);
    }

    @Override
    public String toString() {
      return name() + ": qemu-img " + (convert ? "convert" : "create") + " -o "
          + Qemu.createOptions(fixed, forceSize) + " size " + requestedSize + " (image seed " + imageSeed + ")";
    }
  }

  private Corpus() {}

  static List<Recipe> generate(long seed, int count) {
    Random rng = new Random(seed);
    List<Recipe> out = new ArrayList<>();
    // The edges every run must cover, whatever the seed: zero and one-sector disks, sizes that
    // CHS rounding changes, the 255-sectors-per-track threshold, the largest CHS capacity, the
    // 2040 GiB maximum (dynamic and fixed, both sparse), and images made by convert.
    add(out, rng, false, false, false, 0);
    add(out, rng, false, false, true, 0);
    add(out, rng, false, false, false, 512);
    add(out, rng, false, true, false, 512);
    add(out, rng, false, false, true, 512);
    add(out, rng, false, true, true, 512);
    add(out, rng, false, false, false, 1000 + rng.nextInt(24));         // not a sector multiple
    add(out, rng, false, true, true, 3 * MIB + 512);
    add(out, rng, false, false, false, 64 * MIB);                       // CHS: 67,125,248
    add(out, rng, false, false, true, MAX_SIZE);
    add(out, rng, false, false, false, MAX_SIZE);
    add(out, rng, false, true, true, MAX_SIZE);
    add(out, rng, false, false, false, MAX_CHS);
    add(out, rng, false, false, false, 127 * GIB);
    add(out, rng, false, false, false, CHS_255_THRESHOLD - 512L * (1 + rng.nextInt(1000)));
    add(out, rng, false, false, false, CHS_255_THRESHOLD + 512L * rng.nextInt(1000));
    add(out, rng, false, true, false, GIB);                             // CHS: 1,073,995,776
    add(out, rng, true, false, false, sectors(rng, 8 * MIB, 48 * MIB));
    add(out, rng, true, true, false, sectors(rng, 1 * MIB, 24 * MIB));
    add(out, rng, true, false, true, sectors(rng, 1 * MIB, 24 * MIB));
    add(out, rng, true, true, true, sectors(rng, 512, 4 * MIB));
    while (out.size() < count) {
      boolean fixed = rng.nextInt(10) < 3;
      boolean force = rng.nextInt(10) < 4;
      boolean convert = rng.nextInt(4) == 0;
      add(out, rng, convert, fixed, force, pickSize(rng, fixed || convert));
    }
    return out;
  }

  private static void add(List<Recipe> out, Random rng, boolean convert, boolean fixed, boolean force, long size) {
    out.add(new Recipe(out.size(), convert, fixed, force, size, rng.nextLong()));
  }

  /** A whole number of sectors in [min, max). */
  static long sectors(Random rng, long min, long max) {
    return (min + (long) (rng.nextDouble() * (max - min))) / 512 * 512;
  }

  /** Mostly small (fast to hash in full), some around a gigabyte, a few huge sparse ones. */
  private static long pickSize(Random rng, boolean small) {
    int kind = rng.nextInt(100);
    if (kind < 15) {
      long[] picks = {512, 1024, 4096, 65536, MIB, 2 * MIB, 3 * MIB + 512, 2 * MIB - 512};
      return picks[rng.nextInt(picks.length)];
    }
    if (kind < 65) {
      return sectors(rng, 512, 64 * MIB);
    }
    if (kind < 75) {
      // Sizes that are no sector multiple: qemu-img rounds them up, then to CHS.
      return 1 + (long) (rng.nextDouble() * 16 * MIB);
    }
    if (kind < 88 || small) {
      return sectors(rng, 64 * MIB, 600 * MIB);
    }
    long[] huge = {127 * GIB, MAX_CHS, 500 * GIB, 1024 * GIB, MAX_SIZE, sectors(rng, 4 * GIB, MAX_SIZE)};
    return huge[rng.nextInt(huge.length)];
  }

  /**
   * The qemu-io writes for an image of {@code size} bytes (qemu's virtual size): none to eight,
   * from one sector to several blocks, at the first and last sector, across block boundaries, at
   * random places, and some not sector-aligned.
   */
  static List<Qemu.Write> writes(Recipe r, long size) {
    Random rng = new Random(r.imageSeed() ^ 0x5DEECE66DL);
    List<Qemu.Write> out = new ArrayList<>();
    if (size < 512) {
      return out;
    }
    long sectorsTotal = size / 512;
    int n = rng.nextInt(9);
    for (int i = 0; i < n; i++) {
      int kind = rng.nextInt(100);
      long off;
      long len;
      if (kind < 18) {
        off = 0;
        len = 512 * (1 + rng.nextInt(8));
      } else if (kind < 36) {
        len = 512 * (1 + rng.nextInt(8));
        off = Math.max(0, (sectorsTotal - len / 512)) * 512;
      } else if (kind < 62) {
        long boundaries = Math.max(1, size / BLOCK);
        long boundary = (1 + (long) (rng.nextDouble() * boundaries)) * BLOCK;
        long[] lens = {512, 4096, 65536, 3 * MIB, 5 * MIB};
        len = lens[rng.nextInt(lens.length)];
        off = Math.max(0, boundary - len / 2) / 512 * 512;
      } else if (kind < 88) {
        long[] lens = {512, 1024, 4096, 65536, MIB, 5 * MIB};
        len = lens[rng.nextInt(lens.length)];
        off = (long) (rng.nextDouble() * sectorsTotal) * 512;
      } else {
        // Byte-granular: qemu-io reads, modifies and writes the sectors around it.
        len = 1 + rng.nextInt(5000);
        off = (long) (rng.nextDouble() * size);
      }
      len = Math.min(len, size - off);
      if (len <= 0) {
        continue;
      }
      out.add(new Qemu.Write(off, len, 1 + rng.nextInt(255)));
    }
    return out;
  }

  /** For images made by convert: the raw source's data chunks, random bytes at random places. */
  static List<long[]> sourceChunks(Recipe r) {
    Random rng = new Random(r.imageSeed());
    List<long[]> out = new ArrayList<>();
    long size = r.requestedSize();
    int n = 1 + rng.nextInt(6);
    for (int i = 0; i < n && size > 0; i++) {
      long len = Math.min(size, 512L * (1 + rng.nextInt(2 * 4096)));
      long off = (long) (rng.nextDouble() * (size - len + 1)) / 512 * 512;
      out.add(new long[] {off, len, rng.nextLong()});
    }
    return out;
  }
}
