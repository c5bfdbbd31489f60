package com.example.modular;

import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.Problem;
import io.github.vhd4j.SizeMode;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.mmap.MappedStorage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/** Creates a dynamic disk, writes to it, and reads it back through memory mapping. */
public final class RoundTrip {
  /** The new disk's size: 4 MiB. */
  public static final long SIZE = 4L << 20;

  /** Where the payload is written: inside the second 2 MiB block. */
  public static final long AT = (2L << 20) + 4096;

  private RoundTrip() {}

  /**
   * What reading the disk back returned.
   *
   * @param content every byte of the virtual disk
   * @param warnings the warnings of the mapped open (a storage fallback would be one)
   */
  public record Result(byte[] content, List<Problem> warnings) {}

  /**
   * Creates {@code disk.vhd} in a directory, writes a payload at {@link #AT} and reads the whole
   * disk back with mapped storage.
   *
   * @param dir the directory
   * @param payload the bytes to write
   * @return the disk's content and the open's warnings
   * @throws IOException if creating, writing or reading fails
   */
  public static Result run(Path dir, byte[] payload) throws IOException {
    Path disk = dir.resolve("disk.vhd");
    try (VhdImage image = Vhd.create(disk, CreateOptions.dynamic(SIZE).withSizeMode(SizeMode.EXACT))) {
      image.write(AT, ByteBuffer.wrap(payload));
    }
    try (VhdImage image = Vhd.open(disk, MappedStorage.options())) {
      ByteBuffer all = ByteBuffer.allocate((int) image.getSize());
      image.readFully(0, all);
      return new Result(all.array(), image.getWarnings());
    }
  }
}
