package io.github.vhd4j.internal.vhd;

import static io.github.vhd4j.testing.VhdAssertions.assertNotReported;
import static io.github.vhd4j.testing.VhdAssertions.assertReported;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.github.vhd4j.DiskType;
import io.github.vhd4j.Footer;
import io.github.vhd4j.Geometry;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.SizeInfo;
import io.github.vhd4j.SizePolicy;
import io.github.vhd4j.SizeSource;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.internal.vhd.layout.FooterLayout;
import io.github.vhd4j.testing.TestImage;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The size policy between current size and geometry, a fixed disk's data and the dynamic cap. */
class SizeResolverTest {
  /** 16 heads, 63 sectors, 20 cylinders: 10,321,920 bytes, below the 10 MiB current size. */
  private static final Geometry SMALL = new Geometry(20, 16, 63);

  private static TestImage sizedBy(String creator) {
    TestImage t = TestImage.dynamic(10 << 20, 2 << 20);
    t.creatorApp = creator;
    t.cylinders = SMALL.cylinders();
    t.heads = SMALL.heads();
    t.sectorsPerTrack = SMALL.sectorsPerTrack();
    return t;
  }

  private static SizeInfo sizes(TestImage t, OpenOptions options) {
    Parsing p = Parsing.open(t.toBytes(), options);
    FooterCandidate c = p.tail();
    return SizeResolver.sizes(p.ctx, FooterLayout.decode(c.buf, DiskType.DYNAMIC), c);
  }

  @Test
  void shouldSizeVirtualPcImagesByTheirGeometry() {
    SizeInfo s = sizes(sizedBy("vpc "), OpenOptions.defaults());
    assertEquals(SizeSource.CHS, s.source());
    assertEquals(SMALL.capacity(), s.virtualSize());
    assertEquals(10 << 20, s.currentSize());
  }

  @Test
  void shouldSizeOtherImagesByTheirCurrentSizeUnlessThePolicySaysOtherwise() {
    assertEquals(SizeSource.CURRENT_SIZE, sizes(sizedBy("win "), OpenOptions.defaults()).source());
    SizeInfo chs = sizes(sizedBy("win "), OpenOptions.defaults().withSizePolicy(SizePolicy.CHS));
    assertEquals(SizeSource.CHS, chs.source());
    assertEquals(SizePolicy.CHS, chs.policy());
    assertEquals(SizeSource.CURRENT_SIZE,
        sizes(sizedBy("vpc "), OpenOptions.defaults().withSizePolicy(SizePolicy.CURRENT_SIZE)).source());
  }

  @Test
  void shouldNoteTheSourceItDidNotUseAtItsOffset() {
    TestImage t = sizedBy("vpc ");
    Parsing p = Parsing.open(t.toBytes());
    FooterCandidate c = p.tail();
    SizeResolver.sizes(p.ctx, FooterLayout.decode(c.buf, DiskType.DYNAMIC), c);
    assertReported(p.list(), ProblemCode.SIZE_SOURCES_DIFFER, Severity.INFO, "footer", "geometry",
        t.tailFooterOffset() + 56);
  }

  /** A fixed disk of 1 MiB of data whose footer claims {@code current} bytes. */
  private static Parsing fixed(long current, OpenOptions options) {
    TestImage t = TestImage.fixed(1 << 20);
    t.currentSize = current;
    return Parsing.open(t.toBytes(), options);
  }

  private static SizeInfo fixedLayout(Parsing p) {
    FooterCandidate c = p.tail();
    Footer f = FooterLayout.decode(c.buf, DiskType.FIXED);
    return SizeResolver.fixedLayout(p.ctx, f, SizeResolver.sizes(p.ctx, f, c), c.offset);
  }

  @Test
  void shouldSizeAFixedDiskWithExtraDataByTheFileOnlyWhenLenient() {
    Parsing strict = fixed(512 << 10, OpenOptions.defaults());
    SizeInfo s = fixedLayout(strict);
    assertEquals(512 << 10, s.virtualSize());
    assertReported(strict.list(), ProblemCode.FIXED_SIZE_MISMATCH, Severity.ERROR, "footer", "currentSize",
        (1 << 20) + 48);
    assertEquals(null, strict.problems.firstUnrecoverableError());
    SizeInfo lenient = fixedLayout(fixed(512 << 10, OpenOptions.defaults().withLenient(true)));
    assertEquals(SizeSource.FILE_LENGTH, lenient.source());
    assertEquals(1 << 20, lenient.virtualSize());
  }

  @Test
  void shouldRefuseATruncatedFixedDisk() {
    Parsing p = fixed(2 << 20, OpenOptions.defaults().withLenient(true));
    SizeInfo s = fixedLayout(p);
    assertEquals(2 << 20, s.virtualSize());
    assertEquals(ProblemCode.FIXED_SIZE_MISMATCH, p.problems.firstUnrecoverableError().code());
  }

  @Test
  void shouldLeaveAFixedDiskThatFitsAlone() {
    Parsing p = fixed(1 << 20, OpenOptions.defaults());
    FooterCandidate c = p.tail();
    Footer f = FooterLayout.decode(c.buf, DiskType.FIXED);
    SizeInfo before = SizeResolver.sizes(p.ctx, f, c);
    assertSame(before, SizeResolver.fixedLayout(p.ctx, f, before, c.offset));
    assertNotReported(p.list(), ProblemCode.FIXED_SIZE_MISMATCH);
  }

  @Test
  void shouldCapDynamicDisksAt2040GiB() {
    TestImage t = TestImage.dynamic(2 << 20, 1 << 20);
    Parsing p = Parsing.open(t.toBytes());
    FooterCandidate c = p.tail();
    ByteBuffer b = ByteBuffer.allocate(512).put(0, c.buf, 0, 512);
    FooterLayout.CURRENT_SIZE.putU64(b, Vhd.MAX_DYNAMIC_SIZE + 512);
    Footer f = FooterLayout.decode(b, DiskType.DYNAMIC);
    SizeResolver.sparseLimit(p.ctx, f, SizeResolver.sizes(p.ctx, f, c), c);
    assertReported(p.list(), ProblemCode.SIZE_LIMIT, Severity.ERROR, "footer", "currentSize",
        t.tailFooterOffset() + 48);
  }
}
