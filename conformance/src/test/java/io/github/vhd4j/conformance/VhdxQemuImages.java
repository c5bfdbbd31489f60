package io.github.vhd4j.conformance;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * VHDX files qemu-img makes and qemu-io writes, for the VHDX conformance tests: fixed and dynamic,
 * blocks of 1, 32 and 256 MiB, disks past 4 and 8 GiB written across the chunk boundaries (a
 * chunk is 4 GiB with 512-byte sectors), zeroed and discarded ranges. QEMU makes 512-byte sectors
 * only. Every file is sparse: the multi-GiB disks hold a few MiB.
 */
final class VhdxQemuImages {
  static final long KIB = 1024;
  static final long MIB = KIB * KIB;
  static final long GIB = MIB * KIB;

  private VhdxQemuImages() {}

  /** What a qemu-io command does. */
  enum Kind { WRITE, ZERO, DISCARD }

  /** One qemu-io command. */
  record Io(Kind kind, long offset, long length, int pattern) {
    static Io write(long offset, long length, int pattern) {
      return new Io(Kind.WRITE, offset, length, pattern);
    }

    static Io zero(long offset, long length) {
      return new Io(Kind.ZERO, offset, length, 0);
    }

    static Io discard(long offset, long length) {
      return new Io(Kind.DISCARD, offset, length, 0);
    }

    String command() {
      return switch (kind) {
        case WRITE -> String.format("write -P 0x%02x %d %d", pattern, offset, length);
        case ZERO -> "write -z " + offset + " " + length;
        case DISCARD -> "discard " + offset + " " + length;
      };
    }
  }

  /**
   * One file.
   *
   * @param name names the case (and the file)
   * @param fixed subformat fixed, else dynamic
   * @param size the virtual size
   * @param blockSize the block size
   * @param blockStateZero for fixed files, QEMU's block_state_zero
   * @param io what qemu-io does to it, in order
   * @param wholeRead whether reading the whole disk is cheap: false for a fixed file whose blocks
   *     are FULLY_PRESENT over GiBs of file holes (reading holes costs about a second per 400 MiB),
   *     which is compared in windows around every write instead
   */
  record Case(String name, boolean fixed, long size, long blockSize, boolean blockStateZero, List<Io> io,
      boolean wholeRead) {
    Path make(Path dir) throws IOException {
      Path img = dir.resolve(name + ".vhdx");
      QemuVhdx.create(img, size, fixed, blockSize, blockStateZero);
      QemuVhdx.io(img, io.stream().map(Io::command).toList());
      return img;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * Writes for a small disk of block size {@code b} and size {@code s}: the first block, a write
   * across the first block boundary, zeros written inside data and into an unwritten block, a
   * discard, and the last sector.
   */
  static List<Io> smallIo(long b, long s) {
    List<Io> io = new ArrayList<>();
    for (Io w : List.of(Io.write(0, 64 * KIB, 0x11), Io.write(b - 512, 1024, 0x22), Io.write(2 * b + 4096, 8192, 0x33),
        Io.zero(2 * b + 8192, 4096), Io.zero(4 * b, 64 * KIB), Io.discard(b, b))) {
      if (w.offset() + w.length() <= s - 512) {
        io.add(w);
      }
    }
    io.add(Io.write(s - 512, 512, 0x44));
    return io;
  }

  /**
   * Writes for a disk past 8 GiB: just before and after each chunk boundary (4 GiB, 8 GiB), in the
   * block right after the first block of chunk 1, a zeroed block after 8 GiB, a discard before
   * 4 GiB and the last sector.
   */
  static List<Io> bigIo(long b, long s) {
    return List.of(
        Io.write(0, 4096, 0x51),
        Io.write(4 * GIB - 512, 1024, 0x52),
        Io.write(4 * GIB + b, 4096, 0x53),
        Io.write(8 * GIB - 4096, 8192, 0x54),
        Io.zero(8 * GIB + b, b),
        Io.discard(4 * GIB - 2 * b, b),
        Io.write(s - 512, 512, 0x55));
  }

  private static Case small(String name, boolean fixed, long size, long b, boolean zero, boolean wholeRead) {
    return new Case(name, fixed, size, b, zero, smallIo(b, size), wholeRead);
  }

  /** Every case: the small ones, then those past 4 GiB. */
  static List<Case> all() {
    return List.of(
        small("dynamic-1M", false, 64 * MIB, MIB, false, true),
        small("dynamic-32M", false, 200 * MIB, 32 * MIB, false, true),
        small("dynamic-256M", false, 600 * MIB, 256 * MIB, false, true),
        small("fixed-1M-zero", true, 64 * MIB, MIB, true, true),
        small("fixed-1M-nozero", true, 64 * MIB, MIB, false, true),
        small("fixed-32M-zero", true, 200 * MIB, 32 * MIB, true, true),
        small("fixed-32M-nozero", true, 96 * MIB, 32 * MIB, false, true),
        small("fixed-256M-zero", true, 600 * MIB, 256 * MIB, true, true),
        small("fixed-256M-nozero", true, 300 * MIB, 256 * MIB, false, true),
        new Case("odd-sectors", false, MIB + 512, MIB, false, List.of(Io.write(MIB, 512, 0x2a)), true),
        new Case("dynamic-9G-1M", false, 9 * GIB, MIB, false, bigIo(MIB, 9 * GIB), true),
        new Case("dynamic-9G-32M", false, 9 * GIB, 32 * MIB, false, bigIo(32 * MIB, 9 * GIB), true),
        new Case("fixed-5G-1M-zero", true, 5 * GIB, MIB, true, bigIo5(MIB), true),
        fixedPastOneChunk());
  }

  /** Writes for a 5 GiB fixed disk: across 4 GiB and in the block after the first of chunk 1. */
  private static List<Io> bigIo5(long b) {
    return List.of(
        Io.write(0, 4096, 0x61),
        Io.write(4 * GIB - 512, 1024, 0x62),
        Io.write(4 * GIB + b, 4096, 0x63),
        Io.write(5 * GIB - 512, 512, 0x64));
  }

  /**
   * A 5 GiB fixed disk whose blocks are all FULLY_PRESENT (block_state_zero=off), written across
   * 4 GiB: the file is 5 GiB of holes, so it is compared in windows (vhdx.md X-7).
   */
  static Case fixedPastOneChunk() {
    return new Case("fixed-5G-1M-nozero", true, 5 * GIB, MIB, false, bigIo5(MIB), false);
  }
}
