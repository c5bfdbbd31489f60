package io.github.vhd4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.StorageMode;
import io.github.vhd4j.ValidationReport;
import io.github.vhd4j.Vhdx;
import io.github.vhd4j.VhdxImage;
import io.github.vhd4j.testing.MemoryChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Entry point: every storage engine on the same VHDX file (a {@link VhdxInput}), as
 * {@link StorageDifferentialFuzzTest} does for VHD: file channels (from a path and a caller's),
 * memory mapping in 1 GiB chunks and in chunks as small as the mapping budget allows (a few KiB, so
 * that structure and block reads cross chunks), heap and direct buffers (whole, and in the same
 * small chunks) and a channel with short reads. Each goes
 * through the {@link VhdxBattery}, and all must agree: the same outcome or the same failure,
 * strictly and leniently, the same records, warnings and map, the same check reports; equal maps
 * plus each engine's reads matching its map mean equal bytes.
 *
 * <p>Files longer than {@link VhdxOpenFuzzTest#MEMORY_CAP} (sparse) skip the engines that hold the
 * file in one array; the short-read channel then reads the sparse runs. Parents are found through
 * the same resolver by every engine, and opened with the engine's storage options.
 */
class VhdxStorageDifferentialFuzzTest {
  private static final int SHORT_READ = 4093;

  /** One engine: a name and how it opens and checks the file. */
  private record Engine(String name, boolean wholeArray, Opener opener, Checker checker) {}

  private interface Opener {
    VhdxImage open(Path file, VhdxInput.Case c, OpenOptions options) throws IOException;
  }

  private interface Checker {
    ValidationReport check(Path file, VhdxInput.Case c, CheckOptions options) throws IOException;
  }

  private static final List<Engine> ENGINES = List.of(
      new Engine("FileChannel from a path", false, (f, c, o) -> Vhdx.open(f, o), (f, c, o) -> Vhdx.check(f, o)),
      new Engine("mapped, 1 GiB chunks", false, (f, c, o) -> Vhdx.open(f, mapped(o, 1L << 30)),
          (f, c, o) -> Vhdx.check(f, o.withOpenOptions(mapped(o.openOptions(), 1L << 30)))),
      new Engine("mapped, small chunks", false, (f, c, o) -> Vhdx.open(f, mapped(o, smallChunk(c))),
          (f, c, o) -> Vhdx.check(f, o.withOpenOptions(mapped(o.openOptions(), smallChunk(c))))),
      new Engine("heap ByteBuffer", true, (f, c, o) -> Vhdx.open(ByteBuffer.wrap(c.file().toBytes()), o),
          (f, c, o) -> Vhdx.check(ByteBuffer.wrap(c.file().toBytes()), o)),
      new Engine("direct ByteBuffer", true, (f, c, o) -> Vhdx.open(direct(c.file().toBytes()), o),
          (f, c, o) -> Vhdx.check(direct(c.file().toBytes()), o)),
      new Engine("heap ByteBuffer in small chunks", true,
          (f, c, o) -> Vhdx.open(ByteBuffer.wrap(c.file().toBytes()), mapped(o, smallChunk(c))),
          (f, c, o) -> Vhdx.check(ByteBuffer.wrap(c.file().toBytes()),
              o.withOpenOptions(mapped(o.openOptions(), smallChunk(c))))),
      new Engine("SeekableByteChannel with short reads", false,
          (f, c, o) -> Vhdx.open(c.file().length() <= VhdxOpenFuzzTest.MEMORY_CAP
              ? new MemoryChannel(c.file().toBytes(), SHORT_READ) : new MemoryChannel(c.file(), SHORT_READ), "channel", o),
          (f, c, o) -> Vhdx.check(f, o)));

  /**
   * The smallest chunk, from 512 bytes up, that maps the whole chain (the file and the parents it
   * may open, which are mapped too) in at most 1,024 mappings: a few KiB for a builder-made file, so
   * that tables, metadata and log entries still cross chunks, while an input costs a few thousand
   * mappings rather than tens of thousands (8,192 per file made this target three times slower).
   */
  static long smallChunk(VhdxInput.Case c) {
    long chunk = 512;
    while (VhdxBattery.chainLength(c) / chunk > 1024) {
      chunk *= 2;
    }
    return chunk;
  }

  static OpenOptions mapped(OpenOptions o, long chunk) {
    return o.withStorage(StorageMode.MAPPED).withMapChunkSize(chunk);
  }

  private static ByteBuffer direct(byte[] b) {
    ByteBuffer d = ByteBuffer.allocateDirect(b.length);
    d.put(b).flip();
    return d;
  }

  @VhdFuzzTest
  void shouldAgreeAcrossStorageEngines(byte[] data) throws IOException {
    VhdxInput.Case c = VhdxInput.decode(data);
    Path file = c.file().write(Scratch.dir("vhdx-differential").resolve("image.vhdx"));
    boolean small = c.file().length() <= VhdxOpenFuzzTest.MEMORY_CAP;
    VhdxBattery.Result first = null;
    String firstName = null;
    for (Engine e : ENGINES) {
      if (e.wholeArray() && !small) {
        continue;
      }
      VhdxBattery.Result r = VhdxBattery.run(source(e, file, c), c, Inputs.random(data));
      if (first == null) {
        first = r;
        firstName = e.name();
      } else {
        VhdxBattery.Result f = first;
        String n = firstName;
        assertEquals(first, r, () -> e.name() + " disagrees with " + n + ": " + RecordDiff.first(f, r));
      }
    }
    // The caller's channel: the image must leave it open.
    List<FileChannel> channels = new ArrayList<>();
    VhdxBattery.Result r = VhdxBattery.run(new BatterySource<VhdxImage>() {
      @Override
      public VhdxImage open(OpenOptions options) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        channels.add(ch);
        return Vhdx.open(ch, "channel", options);
      }

      @Override
      public ValidationReport check(CheckOptions options) throws IOException {
        return Vhdx.check(file, options);
      }

      @Override
      public void release() throws IOException {
        for (FileChannel ch : channels) {
          assertTrue(ch.isOpen(), "the image closed the caller's channel");
          ch.close();
        }
      }
    }, c, Inputs.random(data));
    VhdxBattery.Result f = first;
    String n = firstName;
    assertEquals(first, r, () -> "the caller's FileChannel disagrees with " + n + ": " + RecordDiff.first(f, r));
  }

  private static BatterySource<VhdxImage> source(Engine e, Path file, VhdxInput.Case c) {
    return new BatterySource<VhdxImage>() {
      @Override
      public VhdxImage open(OpenOptions options) throws IOException {
        return e.opener().open(file, c, options);
      }

      @Override
      public ValidationReport check(CheckOptions options) throws IOException {
        return e.checker().check(file, c, options);
      }
    };
  }
}
