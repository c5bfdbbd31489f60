package io.github.vhd4j;

import static io.github.vhd4j.testing.VhdAssertions.assertContent;
import static io.github.vhd4j.testing.VhdAssertions.assertNotReported;
import static io.github.vhd4j.testing.VhdAssertions.assertOpenFails;
import static io.github.vhd4j.testing.VhdAssertions.assertReported;
import static io.github.vhd4j.testing.VhdAssertions.check;
import static io.github.vhd4j.testing.VhdAssertions.open;

import io.github.vhd4j.testing.TestImage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * blktap's batmap ({@code "tdbatmap"} header right after the padded table, then a map with one
 * bit per block): recognised as metadata, validated, never needed for reads.
 */
class BatmapTest {
  private static final long MIB = 1 << 20;
  /** 32 entries of 2 MiB: the table is 128 bytes, padded to the sector [1536, 2048). */
  private static final long HEADER_AT = 2048;
  private static final long MAP_AT = 2560;

  /** A blktap-style dynamic disk with a batmap header at 2048 and its one-sector map at 2560. */
  private static TestImage tapImage(long version, byte[] map, Long checksumOverride) {
    TestImage t = TestImage.dynamic(64 * MIB, 2 * MIB).fill(0, 4096, 0x5A).fill(10 * MIB, 512, 0x6B);
    t.creatorApp = "tap\0";
    t.creatorVersion = 0x00010003L;
    t.gapBeforeBlocks = 1024;
    long sum = 0;
    for (byte b : map) {
      sum += version == 0x00010001L ? b : b & 0xFF;
    }
    ByteBuffer h = ByteBuffer.allocate(512);
    h.put(0, "tdbatmap".getBytes(StandardCharsets.US_ASCII));
    h.putLong(8, MAP_AT);
    h.putInt(16, 1);
    h.putInt(20, (int) version);
    h.putInt(24, (int) (checksumOverride != null ? checksumOverride : ~sum));
    t.patch(HEADER_AT, h.array());
    t.patch(MAP_AT, map);
    return t;
  }

  private static byte[] map() {
    byte[] map = new byte[512];
    map[0] = (byte) 0x80; // block 0 fully written (blktap's big-endian bit order)
    map[1] = (byte) 0xF0;
    return map;
  }

  @Test
  void shouldAcceptValidBatmapAndReadAroundIt() throws Exception {
    TestImage t = tapImage(0x00010002L, map(), null);
    byte[] file = t.toBytes();
    assertNotReported(check(file).problems(), ProblemCode.BATMAP);
    assertNotReported(check(file).problems(), ProblemCode.BAT_ENTRY_IN_METADATA);
    try (VhdImage img = open(file, OpenOptions.defaults())) {
      assertContent(t.expectedContent(), img);
    }
  }

  @Test
  void shouldSumSignedBytesForVersion11() throws Exception {
    byte[] map = map();
    map[2] = (byte) 0xFF; // counts as -1 in version 1.1, 255 in later versions
    assertNotReported(check(tapImage(0x00010001L, map, null).toBytes()).problems(), ProblemCode.BATMAP);
  }

  @Test
  void shouldWarnAboutWrongChecksumButStillOpen() throws Exception {
    byte[] file = tapImage(0x00010002L, map(), 0x12345678L).toBytes();
    assertReported(check(file).problems(), ProblemCode.BATMAP, Severity.WARNING, "batmap", "checksum",
        HEADER_AT + 24);
    try (VhdImage img = open(file, OpenOptions.defaults())) {
      assertReported(img.getWarnings(), ProblemCode.BATMAP, Severity.WARNING, "batmap", "checksum", HEADER_AT + 24);
    }
  }

  @Test
  void shouldWarnAboutMapOutsideTheFileAndVersionTooNew() throws Exception {
    TestImage t = tapImage(0x00010007L, map(), null);
    t.patch(HEADER_AT + 8, TestImage.u64(1L << 40));
    var problems = check(t.toBytes()).problems();
    assertReported(problems, ProblemCode.BATMAP, Severity.WARNING, "batmap", "batmapOffset", HEADER_AT + 8);
    assertReported(problems, ProblemCode.BATMAP, Severity.WARNING, "batmap", "batmapVersion", HEADER_AT + 20);
  }

  @Test
  void shouldRefuseBlockPlacedOverTheBatmap() throws Exception {
    TestImage t = tapImage(0x00010002L, map(), null);
    // Block 0 pointed at the batmap header: it would be read from (and written over) metadata.
    t.batOverride.put(0, (int) (HEADER_AT / 512));
    assertOpenFails(t.toBytes(), OpenOptions.defaults(), ProblemCode.BAT_ENTRY_IN_METADATA, "bat", "entry[0]", 1536);
  }

  @Test
  void shouldIgnoreBlockBitmapsThatAreNotBatmaps() throws Exception {
    // QEMU places the first block right after the table; its all-ones bitmap is not a batmap.
    TestImage t = TestImage.dynamic(64 * MIB, 2 * MIB).fill(0, 512, 1);
    t.blocks.get(0).bitmap[0] = (byte) 0xFF;
    assertNotReported(check(t.toBytes()).problems(), ProblemCode.BATMAP);
  }
}
