package io.github.vhd4j.internal.vhd;

import static io.github.vhd4j.testing.VhdAssertions.assertReported;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.internal.vhd.layout.BatmapLayout;
import io.github.vhd4j.testing.TestImage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** blktap's batmap after the table: recognised, validated, and made a metadata region. */
class BatmapParserTest {
  /**
   * 32 entries of 2 MiB: the table ends at 2048, where the batmap header goes; its map at 2560, and
   * room for two sectors of map before the footer at 4096.
   */
  private static final long HEADER_AT = 2048;
  private static final long MAP_AT = 2560;
  private static final int ENTRIES = 32;

  private static byte[] image(long version, int mapSectors, long checksum) {
    TestImage t = TestImage.dynamic(64 << 20, 2 << 20);
    t.gapBeforeBlocks = 2048;
    ByteBuffer h = ByteBuffer.allocate(512);
    BatmapLayout.COOKIE.putBytes(h, BatmapLayout.COOKIE_VALUE);
    BatmapLayout.BATMAP_OFFSET.putU64(h, MAP_AT);
    BatmapLayout.BATMAP_SIZE.putU32(h, mapSectors);
    BatmapLayout.BATMAP_VERSION.putU32(h, version);
    BatmapLayout.CHECKSUM.putU32(h, checksum);
    byte[] map = new byte[512];
    map[0] = (byte) 0x80;
    return t.patch(HEADER_AT, h.array()).patch(MAP_AT, map).toBytes();
  }

  private static List<long[]> parse(Parsing p) throws Exception {
    List<long[]> regions = new ArrayList<>();
    BatmapParser.parse(p.ctx, HEADER_AT, ENTRIES, p.tail().offset, regions);
    return regions;
  }

  @Test
  void shouldAddAValidBatmapsHeaderAndMap() throws Exception {
    Parsing p = Parsing.open(image(0x00010002L, 1, ~0x80L & 0xFFFFFFFFL));
    List<long[]> regions = parse(p);
    assertEquals(2, regions.size());
    assertArrayEquals(new long[] {HEADER_AT, HEADER_AT + 512}, regions.get(0));
    assertArrayEquals(new long[] {MAP_AT, MAP_AT + 512}, regions.get(1));
    assertEquals(0, p.list().size(), p.list()::toString);
  }

  @Test
  void shouldSumSignedBytesForVersion1Point1() throws Exception {
    Parsing p = Parsing.open(image(0x00010001L, 1, ~(long) (byte) 0x80 & 0xFFFFFFFFL));
    parse(p);
    assertEquals(0, p.list().size(), p.list()::toString);
  }

  @Test
  void shouldReportEachFieldAtItsOffset() throws Exception {
    Parsing p = Parsing.open(image(0x00020000L, 2, 0));
    parse(p);
    assertReported(p.list(), ProblemCode.BATMAP, Severity.WARNING, "batmap", "batmapVersion", HEADER_AT + 20);
    Problem size = assertReported(p.list(), ProblemCode.BATMAP, Severity.WARNING, "batmap", "batmapSize",
        HEADER_AT + 16);
    assertEquals("1 sectors", size.expected());
    assertReported(p.list(), ProblemCode.BATMAP, Severity.WARNING, "batmap", "checksum", HEADER_AT + 24);
  }

  @Test
  void shouldIgnoreAMapOutsideTheFile() throws Exception {
    Parsing p = Parsing.open(image(0x00010002L, 1 << 20, 0));
    List<long[]> regions = parse(p);
    assertEquals(1, regions.size(), "only the header is metadata");
    assertReported(p.list(), ProblemCode.BATMAP, Severity.WARNING, "batmap", "batmapOffset", HEADER_AT + 8);
  }

  @Test
  void shouldFindNothingWithoutTheCookie() throws Exception {
    Parsing p = Parsing.open(TestImage.dynamic(64 << 20, 2 << 20).toBytes());
    assertEquals(0, parse(p).size());
    assertEquals(0, p.list().size());
  }
}
