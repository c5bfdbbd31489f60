package io.github.vhd4j.fuzz;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ValidationReport;
import io.github.vhd4j.Vhdx;
import io.github.vhd4j.VhdxImage;
import io.github.vhd4j.testing.MemoryChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Entry point: {@code Vhdx.open} and {@code Vhdx.check} on any VHDX file a {@link VhdxInput} makes
 * (a builder-made base mutated field by field through the layout descriptors and as raw bytes, or
 * a whole raw file), from memory or from a file (the input picks one), in strict and lenient mode.
 * Whatever opens is read (whole up to 256 KiB, sampled beyond) in random chunks, its map is walked and tied to the file
 * bytes as its log's replay leaves them, and check's report is related to the open; see
 * {@link VhdxBattery} and {@link VhdxOracles}. Only a {@code VhdException} may come out; a
 * differencing disk finds {@link VhdxFixture}'s parents through its resolver.
 *
 * <p>In memory, a file of at most {@link #MEMORY_CAP} bytes is one buffer (heap, windowed or
 * direct); a longer (sparse) one is read through a channel over its runs, and checked by path.
 */
class VhdxOpenFuzzTest {
  static final long MEMORY_CAP = 32L << 20;

  @VhdFuzzTest
  void shouldOpenReadMapAndCheckAnyVhdx(byte[] data) throws IOException {
    VhdxInput.Case c = VhdxInput.decode(data);
    SplittableRandom rnd = Inputs.random(data);
    Path file = c.file().write(Scratch.dir("vhdx-open").resolve("image.vhdx"));
    // One source per input, chosen by the input: the differential target compares them all.
    VhdxBattery.run(rnd.nextBoolean() ? memory(c, file, rnd) : VhdxBattery.source(file), c, rnd);
  }

  private static BatterySource<VhdxImage> memory(VhdxInput.Case c, Path file, SplittableRandom rnd) {
    if (c.file().length() > MEMORY_CAP) {
      return new BatterySource<VhdxImage>() {
        @Override
        public VhdxImage open(OpenOptions options) throws IOException {
          return Vhdx.open(new MemoryChannel(c.file(), 1 << 16), "channel", options);
        }

        @Override
        public ValidationReport check(CheckOptions options) throws IOException {
          return Vhdx.check(file, options);
        }
      };
    }
    ByteBuffer buffer = Inputs.buffer(c.file().toBytes(), rnd);
    return new BatterySource<VhdxImage>() {
      @Override
      public VhdxImage open(OpenOptions options) throws IOException {
        return Vhdx.open(buffer.duplicate(), options);
      }

      @Override
      public ValidationReport check(CheckOptions options) throws IOException {
        return Vhdx.check(buffer.duplicate(), options);
      }
    };
  }
}
