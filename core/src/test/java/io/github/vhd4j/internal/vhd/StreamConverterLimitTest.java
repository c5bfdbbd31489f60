package io.github.vhd4j.internal.vhd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.ProgressListener;
import io.github.vhd4j.SizeMode;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.VhdLimitException;
import io.github.vhd4j.testing.TestChannels;
import io.github.vhd4j.testing.VhdAssertions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end of a stream longer than the target can hold: the real limits (2040 GiB, 32 TiB) are
 * lowered here, the only difference from {@link StreamConverter#toVhd(ReadableByteChannel, Path,
 * CreateOptions, ProgressListener)}.
 */
class StreamConverterLimitTest {
  private static final int MIB = 1 << 20;

  @TempDir Path dir;

  private static ReadableByteChannel bytes(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return Channels.newChannel(new ByteArrayInputStream(b));
  }

  @Test
  void shouldStopReadingAndRemoveTheOutputOnceTheInputPassesTheLimit() {
    Path out = dir.resolve("o.vhd");
    long[] read = {0};
    // An endless input: it must be cut at the limit, not read to an end it never reaches.
    ReadableByteChannel endless = TestChannels.readable(dst -> {
      int n = dst.remaining();
      dst.put(new byte[n]).put(dst.position() - 1, (byte) 1);
      read[0] += n;
      return n;
    });

    VhdLimitException e = assertThrows(VhdLimitException.class, () -> StreamConverter.toVhd(endless, out,
        CreateOptions.dynamic(0).withSizeMode(SizeMode.EXACT), ProgressListener.none(), 5L * MIB));

    assertEquals(ProblemCode.SIZE_LIMIT, e.getCode());
    assertEquals(5L * MIB, e.getLimit());
    assertEquals("input.length: the input holds more than 5242880 bytes, more than a dynamic disk of"
        + " 2097152-byte blocks can hold (5242880 bytes)", e.getDetail());
    assertTrue(read[0] <= 6L * MIB, "read " + read[0]);
    assertFalse(Files.exists(out));
  }

  @Test
  void shouldAcceptAnInputOfExactlyTheLimitAndRefuseOneByteMore() throws IOException {
    Path fits = dir.resolve("fits.vhd");
    Path over = dir.resolve("over.vhd");
    CreateOptions fixed = CreateOptions.fixed(0).withSizeMode(SizeMode.EXACT);

    StreamConverter.toVhd(bytes(3 * MIB), fits, fixed, ProgressListener.none(), 3L * MIB);
    VhdLimitException e = assertThrows(VhdLimitException.class,
        () -> StreamConverter.toVhd(bytes(3 * MIB + 1), over, fixed, ProgressListener.none(), 3L * MIB));

    try (VhdImage img = Vhd.open(fits)) {
      assertEquals(3L * MIB, img.getSize());
    }
    assertTrue(e.getDetail().contains("a fixed disk can hold (3145728 bytes)"), e.getDetail());
    assertFalse(Files.exists(over));
  }

  @Test
  void shouldRefuseWhenChsRoundingPassesTheLimit() throws IOException {
    Path out = dir.resolve("chs.vhd");
    // 3 MiB + 512 needs a geometry of more sectors than that: CHS rounds it up past a limit of
    // exactly the input's length.
    long length = 3L * MIB + 512;

    VhdLimitException e = assertThrows(VhdLimitException.class, () -> StreamConverter.toVhd(
        bytes((int) length), out, CreateOptions.dynamic(0).withSizeMode(SizeMode.CHS), ProgressListener.none(),
        length));

    assertTrue(e.getRequested() > length, "rounded up to " + e.getRequested());
    assertTrue(e.getDetail().startsWith("input.length: the input rounded up to a CHS geometry is "), e.getDetail());
    assertFalse(Files.exists(out));
  }

  @Test
  void shouldTakeTheTableLimitOfSmallBlocksAsTheDynamicLimit() {
    assertEquals(Vhd.MAX_TABLE_ENTRIES * 512, StreamConverter.capacity(CreateOptions.dynamic(0).withBlockSize(512)));
    assertEquals(Vhd.MAX_DYNAMIC_SIZE, StreamConverter.capacity(CreateOptions.dynamic(0)));
    assertEquals(CreateOptions.MAX_FIXED_SIZE, StreamConverter.capacity(CreateOptions.fixed(0)));
  }

  @Test
  void shouldKeepTheLastBlocksBitmapToTheDisksEnd() throws IOException {
    // 2 MiB blocks, 5 MiB + 512 bytes of data: the third block holds 1 MiB + 512 bytes, 2049 sectors.
    byte[] b = new byte[5 * MIB + 512];
    new Random(3).nextBytes(b);
    Path out = dir.resolve("tail.vhd");

    StreamConverter.toVhd(Channels.newChannel(new ByteArrayInputStream(b)), out,
        CreateOptions.dynamic(0).withSizeMode(SizeMode.EXACT), ProgressListener.none(), Long.MAX_VALUE);

    try (VhdImage img = Vhd.open(out)) {
      assertArrayEquals(b, VhdAssertions.readAll(img));
      long table = img.getDynamicHeader().tableOffset();
      // Block 2 is the third stored: its bitmap is the third, one stride of bitmap and data apart.
      ByteBuffer bitmap = ByteBuffer.allocate(512);
      try (var ch = java.nio.channels.FileChannel.open(out)) {
        ch.read(bitmap, 1536 + 2L * (512 + 2 * MIB));
        ByteBuffer entry = ByteBuffer.allocate(4);
        ch.read(entry, table + 8);
        assertEquals((1536 + 2L * (512 + 2 * MIB)) / 512, entry.getInt(0) & 0xFFFFFFFFL);
      }
      byte[] expected = new byte[512];
      Arrays.fill(expected, 0, 256, (byte) 0xFF);
      expected[256] = (byte) 0x80;
      assertArrayEquals(expected, bitmap.array());
    }
  }
}
