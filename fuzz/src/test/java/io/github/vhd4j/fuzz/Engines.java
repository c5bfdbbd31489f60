package io.github.vhd4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.StorageMode;
import io.github.vhd4j.ValidationReport;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.testing.MemoryChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Every storage engine the library has, as seen through the public API. The differential target
 * opens the same bytes through each and requires the same answers: file-channel reads (from a
 * path or a caller's channel), memory mapping in 1 GiB chunks and in 512-byte chunks (every read
 * crosses chunks), and in-memory images read whole or in 512-byte chunks.
 */
final class Engines {
  /** Bytes per read of the in-memory channel: odd, so that short reads split sectors. */
  private static final int SHORT_READ = 4093;

  /** Opens the image held in {@code file}, whose bytes are {@code bytes}. */
  interface Opener {
    VhdImage open(Path file, byte[] bytes, OpenOptions options) throws IOException;
  }

  /** Checks the image held in {@code file}, whose bytes are {@code bytes}. */
  interface Checker {
    ValidationReport check(Path file, byte[] bytes, CheckOptions options) throws IOException;
  }

  /** One engine: a name for messages and a source of the given bytes through it. */
  interface Engine {
    String name();

    /** The bytes (also stored in {@code file}) as this engine reads them. */
    BatterySource<VhdImage> source(Path file, byte[] bytes);
  }

  static final List<Engine> ALL = List.of(
      simple("FileChannel from a path", (f, b, o) -> Vhd.open(f, o), (f, b, c) -> Vhd.check(f, c)),
      new CallerFileChannel(),
      simple("heap ByteBuffer", (f, b, o) -> Vhd.open(ByteBuffer.wrap(b), o),
          (f, b, c) -> Vhd.check(ByteBuffer.wrap(b), c)),
      simple("direct ByteBuffer", (f, b, o) -> Vhd.open(direct(b), o), (f, b, c) -> Vhd.check(direct(b), c)),
      simple("SeekableByteChannel with short reads", (f, b, o) -> Vhd.open(new MemoryChannel(b, SHORT_READ), "channel", o),
          (f, b, c) -> Vhd.check(new MemoryChannel(b, SHORT_READ), "channel", c)),
      simple("mapped, 1 GiB chunks", (f, b, o) -> Vhd.open(f, mapped(o, 1L << 30)),
          (f, b, c) -> Vhd.check(f, c.withOpenOptions(mapped(c.openOptions(), 1L << 30)))),
      simple("mapped, 512-byte chunks", (f, b, o) -> Vhd.open(f, mapped(o, 512)),
          (f, b, c) -> Vhd.check(f, c.withOpenOptions(mapped(c.openOptions(), 512)))),
      simple("heap ByteBuffer in 512-byte chunks", (f, b, o) -> Vhd.open(ByteBuffer.wrap(b), mapped(o, 512)),
          (f, b, c) -> Vhd.check(ByteBuffer.wrap(b), c.withOpenOptions(mapped(c.openOptions(), 512)))));

  /** The same options with memory mapping in chunks of {@code chunk} bytes. */
  static OpenOptions mapped(OpenOptions o, long chunk) {
    return o.withStorage(StorageMode.MAPPED).withMapChunkSize(chunk);
  }

  private Engines() {}

  /** An engine whose images own everything they open. */
  static Engine simple(String name, Opener opener, Checker checker) {
    return new Engine() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public BatterySource<VhdImage> source(Path file, byte[] bytes) {
        return new BatterySource<VhdImage>() {
          @Override
          public VhdImage open(OpenOptions options) throws IOException {
            return opener.open(file, bytes, options);
          }

          @Override
          public ValidationReport check(CheckOptions options) throws IOException {
            return checker.check(file, bytes, options);
          }
        };
      }
    };
  }

  private static ByteBuffer direct(byte[] b) {
    ByteBuffer d = ByteBuffer.allocateDirect(b.length);
    d.put(b).flip();
    return d;
  }

  /** A FileChannel the caller opens and keeps: the image must leave it open. */
  private static final class CallerFileChannel implements Engine {
    @Override
    public String name() {
      return "caller's FileChannel";
    }

    @Override
    public BatterySource<VhdImage> source(Path file, byte[] bytes) {
      return new BatterySource<VhdImage>() {
        private final List<FileChannel> channels = new ArrayList<>();

        @Override
        public VhdImage open(OpenOptions options) throws IOException {
          FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
          channels.add(ch);
          return Vhd.open(ch, "channel", options);
        }

        @Override
        public ValidationReport check(CheckOptions options) throws IOException {
          try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ValidationReport r = Vhd.check(ch, "channel", options);
            assertTrue(ch.isOpen(), "check closed the caller's channel");
            return r;
          }
        }

        @Override
        public void release() throws IOException {
          for (FileChannel ch : channels) {
            assertTrue(ch.isOpen(), "the image closed the caller's channel");
            ch.close();
          }
        }
      };
    }
  }
}
