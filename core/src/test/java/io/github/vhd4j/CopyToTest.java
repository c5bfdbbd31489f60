package io.github.vhd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.testing.TestImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link DiskImages#copyTo}: every guest byte of a range, in order, zeros included. */
class CopyToTest {
  private static final int MIB = 1 << 20;

  /** 12 MiB in 2 MiB blocks: data in blocks 0 and 4, the rest unallocated (zeros). */
  private static TestImage image() {
    return TestImage.dynamic(12L * MIB, 2L * MIB).random(1000, 5000, 1).random(9L * MIB - 7, 3 * MIB / 2, 2);
  }

  @Test
  void shouldWriteEveryByteOfTheRangeInOrder() throws IOException {
    TestImage t = image();
    byte[] expected = t.expectedContent();
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    List<long[]> reports = new ArrayList<>();
    // Writes in order are what a channel without positions sees; record where each write starts.
    List<Integer> starts = new ArrayList<>();
    WritableByteChannel out = new WritableByteChannel() {
      private final WritableByteChannel inner = Channels.newChannel(sink);

      @Override
      public int write(ByteBuffer src) throws IOException {
        starts.add(sink.size());
        return inner.write(src);
      }

      @Override
      public boolean isOpen() {
        return true;
      }

      @Override
      public void close() {}
    };

    long n;
    try (VhdImage img = Vhd.open(ByteBuffer.wrap(t.toBytes()))) {
      n = DiskImages.copyTo(img, 500, 10L * MIB, out, (done, total) -> reports.add(new long[] {done, total}));
    }

    assertEquals(10L * MIB, n);
    assertArrayEquals(Arrays.copyOfRange(expected, 500, 500 + 10 * MIB), sink.toByteArray());
    for (int i = 1; i < starts.size(); i++) {
      assertTrue(starts.get(i) > starts.get(i - 1), "writes in order: " + starts);
    }
    assertArrayEquals(new long[] {10L * MIB, 10L * MIB}, reports.get(reports.size() - 1));
  }

  @Test
  void shouldCutTheRangeAtTheEndOfTheDisk() throws IOException {
    TestImage t = image();
    ByteArrayOutputStream sink = new ByteArrayOutputStream();

    try (VhdImage img = Vhd.open(ByteBuffer.wrap(t.toBytes()))) {
      assertEquals(MIB, DiskImages.copyTo(img, 11L * MIB, Long.MAX_VALUE, Channels.newChannel(sink),
          ProgressListener.none()));
      assertEquals(0, DiskImages.copyTo(img, 20L * MIB, 5, Channels.newChannel(sink), ProgressListener.none()));
      assertThrows(IllegalArgumentException.class,
          () -> DiskImages.copyTo(img, -1, 5, Channels.newChannel(sink), ProgressListener.none()));
      assertThrows(IllegalArgumentException.class,
          () -> DiskImages.copyTo(img, 0, -5, Channels.newChannel(sink), ProgressListener.none()));
    }

    assertArrayEquals(Arrays.copyOfRange(t.expectedContent(), 11 * MIB, 12 * MIB), sink.toByteArray());
  }

  @Test
  void shouldThrowTheChannelsOwnFailureUnchanged() throws IOException {
    IOException full = new IOException("No space left on device");
    WritableByteChannel failing = new WritableByteChannel() {
      @Override
      public int write(ByteBuffer src) throws IOException {
        throw full;
      }

      @Override
      public boolean isOpen() {
        return true;
      }

      @Override
      public void close() {}
    };

    try (VhdImage img = Vhd.open(ByteBuffer.wrap(image().toBytes()))) {
      IOException e = assertThrows(IOException.class,
          () -> DiskImages.copyTo(img, 0, MIB, failing, ProgressListener.none()));
      assertSame(full, e);
    }
  }
}
