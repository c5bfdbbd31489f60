package io.github.vhd4j.fuzz;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ValidationReport;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Entry point: {@code Vhd.open} and {@code Vhd.check} on arbitrary bytes, from memory (a heap,
 * windowed or direct buffer) and from a temporary file, in strict and lenient mode. Whatever
 * opens is read completely in random-sized chunks (sampled when larger than 2 MiB), its map is
 * walked and tied to the file bytes, and the check reports (shallow and deep) are related to the
 * open outcome; see {@link Battery} and {@link Oracles}. Only a {@code VhdException} may come out.
 *
 * <p>From a file, a differencing disk looks for its parent beside it, where it can find only
 * itself (a cycle) or nothing.
 */
class ImageOpenFuzzTest {

  @VhdFuzzTest
  void shouldOpenReadMapAndCheckAnyBytes(byte[] data) throws IOException {
    SplittableRandom rnd = Inputs.random(data);
    List<byte[]> files = List.of(data);

    ByteBuffer buffer = Inputs.buffer(data, rnd);
    Battery.run(new BatterySource<VhdImage>() {
      @Override
      public VhdImage open(OpenOptions options) throws IOException {
        return Vhd.open(buffer.duplicate(), options);
      }

      @Override
      public ValidationReport check(CheckOptions options) throws IOException {
        return Vhd.check(buffer.duplicate(), options);
      }
    }, files, OpenOptions.defaults(), rnd);

    Path file = Scratch.dir("open").resolve("image.vhd");
    Files.write(file, data);
    Battery.run(Battery.source(file), files, OpenOptions.defaults(), rnd);
  }
}
