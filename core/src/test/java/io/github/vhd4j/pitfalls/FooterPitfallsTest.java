package io.github.vhd4j.pitfalls;

import static io.github.vhd4j.testing.VhdAssertions.*;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.DiskType;
import io.github.vhd4j.Footer;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.ValidationReport;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.testing.TestImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pitfall catalogue (pitfalls.md §5), section A: the footer, cases 1-16.
 *
 * <p>Not applicable to reading, so not tested here:
 * <ul>
 *   <li>case 13, second half: a writable open requiring an explicit repair() that rewrites the EOF
 *       footer from the head copy. The library has no writable open and no repair() yet; only the
 *       read-only recovery through the head copy is tested.
 *   <li>case 11, "opens read-only": every open is read-only; the saved-state flag is tested instead.
 * </ul>
 */
class FooterPitfallsTest {
  private static final OpenOptions STRICT = OpenOptions.defaults();
  private static final OpenOptions LENIENT = OpenOptions.defaults().withLenient(true);
  private static final int MIB = 1 << 20;

  // ---- case 1: F-short-file ---------------------------------------------------------------------

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1})
  void shouldRejectFileTooSmallForAnyFooter(int length) throws IOException {
    byte[] file = new byte[length];
    assertOpenFails(file, STRICT, ProblemCode.FILE_TOO_SMALL, "file", "length", -1);
    assertOpenFails(file, LENIENT, ProblemCode.FILE_TOO_SMALL, "file", "length", -1);
    assertChecked(file, ProblemCode.FILE_TOO_SMALL, Severity.ERROR, "file", "length", -1);
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {511, 512})
  void shouldRejectZeroFileWithNoFooterCookie(int length) throws IOException {
    // 511 bytes could hold a short footer, 512 a full one; both start at offset 0 here.
    byte[] file = new byte[length];
    assertOpenFails(file, STRICT, ProblemCode.FOOTER_COOKIE, "footer", "cookie", 0);
    assertOpenFails(file, LENIENT, ProblemCode.FOOTER_COOKIE, "footer", "cookie", 0);
    assertChecked(file, ProblemCode.FOOTER_COOKIE, Severity.ERROR, "footer", "cookie", 0);
  }

  // ---- case 2: F-bad-cookie ---------------------------------------------------------------------

  @Test
  void shouldRejectBadCookieInBothFooterCopies() throws IOException {
    TestImage t = TestImage.dynamic(4 * MIB, 2 * MIB).fill(0, 4096, 0x5A);
    t.cookie = "conectiy".getBytes(StandardCharsets.US_ASCII);
    byte[] file = t.toBytes();
    long tail = t.tailFooterOffset();
    // A typed cookie error, not "raw data": the image is neither opened nor silently passed through.
    assertOpenFails(file, STRICT, ProblemCode.FOOTER_COOKIE, "footer", "cookie", tail);
    assertOpenFails(file, LENIENT, ProblemCode.FOOTER_COOKIE, "footer", "cookie", tail);
    assertChecked(file, ProblemCode.FOOTER_COOKIE, Severity.ERROR, "footer", "cookie", tail);
  }

  // ---- case 3: F-checksum -----------------------------------------------------------------------

  @Test
  void shouldRejectFooterChecksumMismatchAndDowngradeItOnlyWhenLenient() throws IOException {
    TestImage t = TestImage.fixed(MIB).random(0, MIB, 3);
    byte[] file = t.toBytes();
    int tail = (int) t.tailFooterOffset();
    long good = ByteBuffer.wrap(file).getInt(tail + 64) & 0xFFFFFFFFL;
    // Flip the low byte of the checksum (footer offset 0x40, big-endian, so byte 0x43).
    file[tail + 0x43] ^= (byte) 0xFF;

    VhdFormatException e =
        assertOpenFails(file, STRICT, ProblemCode.FOOTER_CHECKSUM, "footer", "checksum", tail + 64);
    assertEquals(String.format("0x%08x", good), e.getExpected(), "expected value is the real sum");
    assertChecked(file, ProblemCode.FOOTER_CHECKSUM, Severity.ERROR, "footer", "checksum", tail + 64);
    // Lenient may downgrade it, but never silently.
    try (VhdImage img = open(file, LENIENT)) {
      assertWarned(img, ProblemCode.FOOTER_CHECKSUM, Severity.ERROR, "footer", "checksum", tail + 64);
      assertContent(t.expectedContent(), img);
    }
  }

  // ---- case 4: F-version ------------------------------------------------------------------------

  @ParameterizedTest(name = "version 0x{0}")
  @ValueSource(strings = {"00020000", "00000001"})
  void shouldRejectFooterFormatVersion(String hex) throws IOException {
    TestImage t = TestImage.fixed(MIB).random(0, 4096, 4);
    t.formatVersion = Long.parseLong(hex, 16);
    byte[] file = t.toBytes();
    long at = t.tailFooterOffset() + 12;
    assertOpenFails(file, STRICT, ProblemCode.FOOTER_VERSION, "footer", "formatVersion", at);
    // Another major version may lay the structures out differently: not even lenient guesses.
    assertOpenFails(file, LENIENT, ProblemCode.FOOTER_VERSION, "footer", "formatVersion", at);
    assertChecked(file, ProblemCode.FOOTER_VERSION, Severity.ERROR, "footer", "formatVersion", at);
  }

  // ---- case 5: F-type ---------------------------------------------------------------------------

  @ParameterizedTest(name = "disk type {0}")
  @ValueSource(longs = {0, 1, 5, 6, 7, 0xFFFFFFFFL})
  void shouldRejectUnknownDiskTypeOfFixedImage(long type) throws IOException {
    TestImage t = TestImage.fixed(MIB).random(0, 4096, 5);
    long tail = t.tailFooterOffset();
    t.patchAndFix(tail + 60, TestImage.u32(type));
    byte[] file = t.toBytes();
    assertOpenFails(file, STRICT, ProblemCode.FOOTER_DISK_TYPE, "footer", "diskType", tail + 60);
    assertOpenFails(file, LENIENT, ProblemCode.FOOTER_DISK_TYPE, "footer", "diskType", tail + 60);
    assertChecked(file, ProblemCode.FOOTER_DISK_TYPE, Severity.ERROR, "footer", "diskType", tail + 60);
  }

  @ParameterizedTest(name = "disk type {0}")
  @ValueSource(longs = {0, 1, 5, 0xFFFFFFFFL})
  void shouldRejectUnknownDiskTypeInBothCopiesOfDynamicImage(long type) throws IOException {
    TestImage t = TestImage.dynamic(4 * MIB, 2 * MIB).fill(0, 4096, 0x11);
    long tail = t.tailFooterOffset();
    t.patchAndFix(60, TestImage.u32(type)).patchAndFix(tail + 60, TestImage.u32(type));
    byte[] file = t.toBytes();
    assertOpenFails(file, STRICT, ProblemCode.FOOTER_DISK_TYPE, "footer", "diskType", tail + 60);
    assertChecked(file, ProblemCode.FOOTER_DISK_TYPE, Severity.ERROR, "footer", "diskType", tail + 60);
  }

  // ---- case 6: F-fixed-dataoffset ---------------------------------------------------------------

  @ParameterizedTest(name = "data offset {0}")
  @ValueSource(longs = {0x200, 0})
  void shouldRejectFixedDiskDataOffsetOtherThanAllOnes(long dataOffset) throws IOException {
    TestImage t = TestImage.fixed(MIB).random(0, MIB, 6);
    t.footerDataOffset = dataOffset;
    byte[] file = t.toBytes();
    long at = t.tailFooterOffset() + 16;
    assertOpenFails(file, STRICT, ProblemCode.FOOTER_DATA_OFFSET, "footer", "dataOffset", at);
    assertChecked(file, ProblemCode.FOOTER_DATA_OFFSET, Severity.ERROR, "footer", "dataOffset", at);
    // A fixed disk never follows the offset, so its content stays unambiguous.
    try (VhdImage img = open(file, LENIENT)) {
      assertWarned(img, ProblemCode.FOOTER_DATA_OFFSET, Severity.ERROR, "footer", "dataOffset", at);
      assertEquals(DiskType.FIXED, img.getDiskType());
      assertContent(t.expectedContent(), img);
    }
  }

  // ---- case 7: F-dyn-dataoffset -----------------------------------------------------------------

  static Stream<Arguments> badDynamicDataOffsets() {
    TestImage probe = dynamicWithData();
    long eofMinus512 = probe.tailFooterOffset();
    return Stream.of(
        Arguments.of("0", 0L),
        Arguments.of("0x100", 0x100L),
        Arguments.of("0x201 (misaligned, header really at 0x200)", 0x201L),
        Arguments.of("all ones", -1L),
        Arguments.of("EOF-512 (the tail footer)", eofMinus512),
        Arguments.of("beyond EOF", eofMinus512 + 4096),
        Arguments.of("2^40", 1L << 40));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badDynamicDataOffsets")
  void shouldRejectDynamicDiskDataOffsetNotPointingAtHeader(String name, long dataOffset) throws IOException {
    TestImage t = dynamicWithData();
    t.footerDataOffset = dataOffset;
    byte[] file = t.toBytes();
    long at = t.tailFooterOffset() + 16;
    assertOpenFails(file, STRICT, ProblemCode.FOOTER_DATA_OFFSET, "footer", "dataOffset", at);
    assertThrows(VhdFormatException.class, () -> open(file, LENIENT).close());
    assertChecked(file, ProblemCode.FOOTER_DATA_OFFSET, Severity.ERROR, "footer", "dataOffset", at);
  }

  // ---- case 8: F-features -----------------------------------------------------------------------

  @ParameterizedTest(name = "features 0x{0}")
  @ValueSource(strings = {"2", "3"})
  void shouldAcceptStandardFeatureBits(String hex) throws IOException {
    TestImage t = TestImage.fixed(MIB).random(0, MIB, 8);
    t.features = Long.parseLong(hex, 16);
    byte[] file = t.toBytes();
    try (VhdImage img = open(file, STRICT)) {
      assertNotReported(img.getWarnings(), ProblemCode.FOOTER_FEATURES);
      assertEquals(t.features, img.getFooter().features());
      assertContent(t.expectedContent(), img);
    }
  }

  @ParameterizedTest(name = "features 0x{0}")
  @ValueSource(strings = {"0", "102", "FFFF0002"})
  void shouldWarnAboutMissingReservedOrUnknownFeatureBits(String hex) throws IOException {
    TestImage t = TestImage.fixed(MIB).random(0, MIB, 8);
    t.features = Long.parseLong(hex, 16);
    byte[] file = t.toBytes();
    long at = t.tailFooterOffset() + 8;
    try (VhdImage img = open(file, STRICT)) {
      assertWarned(img, ProblemCode.FOOTER_FEATURES, Severity.WARNING, "footer", "features", at);
      assertEquals(t.features, img.getFooter().features());
      assertContent(t.expectedContent(), img);
    }
    assertChecked(file, ProblemCode.FOOTER_FEATURES, Severity.WARNING, "footer", "features", at);
  }

  // ---- case 9: F-reserved-nonzero ---------------------------------------------------------------

  @ParameterizedTest(name = "footer byte {0} = 0x{1}")
  @MethodSource("reservedBytes")
  void shouldOnlyWarnAboutNonZeroReservedFooterByte(int footerByte, int value) throws IOException {
    TestImage t = TestImage.fixed(MIB).random(0, MIB, 9);
    t.footerReserved[footerByte - 85] = (byte) value; // checksum computed with the byte set
    byte[] file = t.toBytes();
    long at = t.tailFooterOffset() + footerByte;
    try (VhdImage img = open(file, STRICT)) {
      assertWarned(img, ProblemCode.FOOTER_RESERVED, Severity.WARNING, "footer", "reserved", at);
      assertContent(t.expectedContent(), img);
    }
    ValidationReport report = check(file);
    assertReported(report.problems(), ProblemCode.FOOTER_RESERVED, Severity.WARNING, "footer", "reserved",
        at);
    assertFalse(report.hasErrors(), report::toString);
  }

  static Stream<Arguments> reservedBytes() {
    return Stream.of(Arguments.of(0x55, 1), Arguments.of(0x1FF, 0xAA));
  }

  // ---- case 10: F-tap-hidden-checksum -----------------------------------------------------------

  @Test
  void shouldRejectTapHiddenByteChecksumStrictlyAndAcceptItLeniently() throws IOException {
    TestImage t = dynamicWithData();
    t.creatorApp = "tap\0";
    t.creatorVersion = 0x00010001L;
    // Early tapdisk: checksum computed with the hidden byte (0x55) still zero, then the byte set.
    t.footerChecksum = TestImage.checksum(t.footerBytes(t.headerOffset), 64);
    t.footerReserved[0] = 1;
    byte[] file = t.toBytes();
    long tail = t.tailFooterOffset();

    VhdFormatException e =
        assertOpenFails(file, STRICT, ProblemCode.FOOTER_CHECKSUM, "footer", "checksum", tail + 64);
    assertTrue(e.getMessage().contains("hidden"), () -> "should explain the tap quirk: " + e.getMessage());
    assertChecked(file, ProblemCode.FOOTER_CHECKSUM, Severity.ERROR, "footer", "checksum", tail + 64);
    try (VhdImage img = open(file, LENIENT)) {
      assertWarned(img, ProblemCode.FOOTER_CHECKSUM, Severity.ERROR, "footer", "checksum", tail + 64);
      assertWarned(img, ProblemCode.FOOTER_RESERVED, Severity.WARNING, "footer", "reserved", tail + 85);
      assertContent(t.expectedContent(), img);
    }
  }

  // ---- case 11: F-saved-state -------------------------------------------------------------------

  @Test
  void shouldOpenSavedStateDiskAndExposeTheFlag() throws IOException {
    TestImage t = dynamicWithData();
    t.savedState = 1;
    byte[] file = t.toBytes();
    try (VhdImage img = open(file, STRICT)) {
      assertEquals(1, img.getFooter().savedState());
      assertTrue(img.getFooter().isSavedState());
      Problem p = findProblem(img.getWarnings(), ProblemCode.FOOTER_SAVED_STATE, "footer", "savedState",
          t.tailFooterOffset() + 84);
      assertTrue(p.severity() != Severity.ERROR, p::toString);
      assertContent(t.expectedContent(), img);
    }
  }

  @Test
  void shouldWarnAboutInvalidSavedStateValue() throws IOException {
    TestImage t = dynamicWithData();
    t.savedState = 2;
    byte[] file = t.toBytes();
    long at = t.tailFooterOffset() + 84;
    try (VhdImage img = open(file, STRICT)) {
      assertWarned(img, ProblemCode.FOOTER_SAVED_STATE, Severity.WARNING, "footer", "savedState", at);
      assertEquals(2, img.getFooter().savedState());
      assertContent(t.expectedContent(), img);
    }
    assertChecked(file, ProblemCode.FOOTER_SAVED_STATE, Severity.WARNING, "footer", "savedState", at);
  }

  // ---- case 12: F-copy-mismatch -----------------------------------------------------------------

  @Test
  void shouldPreferEofFooterWhenHeadCopyDiffersOnlyInTimestamp() throws IOException {
    TestImage t = dynamicWithData();
    t.headCopyOverride = headCopyWith(t, 24, TestImage.u32(t.timestamp + 3600));
    byte[] file = t.toBytes();
    try (VhdImage img = open(file, STRICT)) {
      assertWarned(img, ProblemCode.FOOTER_COPY_MISMATCH, Severity.WARNING, "footerCopy", "timestamp", 24);
      assertEquals(t.timestamp, img.getFooter().timestamp(), "the EOF footer wins");
      assertContent(t.expectedContent(), img);
    }
    ValidationReport report = check(file);
    assertReported(report.problems(), ProblemCode.FOOTER_COPY_MISMATCH, Severity.WARNING, "footerCopy",
        "timestamp", 24);
    assertFalse(report.hasErrors(), report::toString);
  }

  @Test
  void shouldRejectHeadCopyOfAnotherDiskType() throws IOException {
    TestImage t = dynamicWithData();
    t.headCopyOverride = headCopyWith(t, 60, TestImage.u32(TestImage.DIFFERENCING));
    byte[] file = t.toBytes();
    assertOpenFails(file, STRICT, ProblemCode.FOOTER_COPY_MISMATCH, "footerCopy", "diskType", 60);
    assertChecked(file, ProblemCode.FOOTER_COPY_MISMATCH, Severity.ERROR, "footerCopy", "diskType", 60);
    try (VhdImage img = open(file, LENIENT)) {
      assertWarned(img, ProblemCode.FOOTER_COPY_MISMATCH, Severity.ERROR, "footerCopy", "diskType", 60);
      assertEquals(DiskType.DYNAMIC, img.getDiskType(), "the EOF footer wins");
      assertContent(t.expectedContent(), img);
    }
  }

  /**
   * A copy that describes another size is what a resize interrupted between its two footer writes
   * leaves; QEMU and 7-Zip then read the copy's size. Opening keeps the footer's size and warns;
   * check reports the disagreement as an error.
   */
  @Test
  void shouldOpenWithTheFootersSizeWhenHeadCopyDescribesAnotherSize() throws IOException {
    TestImage t = dynamicWithData();
    t.headCopyOverride = headCopyWith(t, 48, TestImage.u64(8L * MIB));
    byte[] file = t.toBytes();
    assertChecked(file, ProblemCode.FOOTER_COPY_MISMATCH, Severity.ERROR, "footerCopy", "currentSize", 48);
    for (OpenOptions o : List.of(STRICT, LENIENT)) {
      try (VhdImage img = open(file, o)) {
        assertWarned(img, ProblemCode.FOOTER_COPY_MISMATCH, Severity.WARNING, "footerCopy", "currentSize", 48);
        assertEquals(4L * MIB, img.getFooter().currentSize(), "the EOF footer wins");
        assertContent(t.expectedContent(), img);
      }
    }
  }

  @Test
  void shouldReportAnUnusableHeadCopyAsAnErrorInCheckOnly() throws IOException {
    TestImage t = dynamicWithData();
    byte[] file = t.toBytes();
    Arrays.fill(file, 0, 512, (byte) 0);
    assertChecked(file, ProblemCode.FOOTER_COPY_INVALID, Severity.ERROR, "footerCopy", "cookie", 0);
    try (VhdImage img = open(file, STRICT)) {
      assertWarned(img, ProblemCode.FOOTER_COPY_INVALID, Severity.WARNING, "footerCopy", "cookie", 0);
      assertContent(t.expectedContent(), img);
    }
    file = t.toBytes();
    file[100] ^= 1;
    assertChecked(file, ProblemCode.FOOTER_COPY_INVALID, Severity.ERROR, "footerCopy", "checksum", 64);
  }

  // ---- case 13: F-eof-footer-lost ---------------------------------------------------------------

  @Test
  void shouldRecoverThroughHeadCopyWhenTailFooterIsOverwritten() throws IOException {
    TestImage t = dynamicWithData();
    byte[] file = t.toBytes();
    // blktap's kill_footer: the EOF footer overwritten with 0xC7 while the disk is open.
    Arrays.fill(file, file.length - 512, file.length, (byte) 0xC7);
    assertHeadCopyRecovery(t, file);
  }

  @Test
  void shouldRecoverThroughHeadCopyWhenTailFooterIsTruncated() throws IOException {
    TestImage t = dynamicWithData();
    // DiscUtils' FooterMissing: the file was extended for a block but the footer never written.
    t.fileLength = t.tailFooterOffset();
    byte[] file = t.toBytes();
    assertEquals(t.tailFooterOffset(), file.length);
    assertHeadCopyRecovery(t, file);
  }

  private static void assertHeadCopyRecovery(TestImage t, byte[] file) throws IOException {
    long lostTail = file.length - 512;
    try (VhdImage img = open(file, STRICT)) {
      assertWarned(img, ProblemCode.FOOTER_HEAD_COPY_USED, Severity.WARNING, "footerCopy", "cookie", 0);
      assertEquals(DiskType.DYNAMIC, img.getDiskType());
      assertEquals(t.uuid, img.getFooter().uniqueId());
      assertContent(t.expectedContent(), img);
    }
    // check() still reports the damaged tail as an error.
    ValidationReport report = check(file);
    assertReported(report.problems(), ProblemCode.FOOTER_COOKIE, Severity.ERROR, "footer", "cookie",
        lostTail);
    assertTrue(report.hasErrors());
    // Without recovery, strict open refuses and names the tail.
    assertOpenFails(file, STRICT.withFooterRecovery(false), ProblemCode.FOOTER_COOKIE, "footer", "cookie",
        lostTail);
  }

  // ---- case 14: F-nested-vhd --------------------------------------------------------------------

  @Test
  void shouldReadFixedDiskWhoseGuestDataStartsWithDynamicFooterCopy() throws IOException {
    TestImage inner = TestImage.dynamic(4 * MIB, 2 * MIB);
    byte[] innerBytes = inner.toBytes();
    // Guest sector 0: a valid dynamic footer copy (type 3, data offset 0x200); sectors 1-2 its
    // valid cxsparse header; sector 3 its table.
    byte[] embedded = Arrays.copyOf(innerBytes, 2048);
    assertEquals("conectix", new String(embedded, 0, 8, StandardCharsets.US_ASCII));
    assertEquals("cxsparse", new String(embedded, 512, 8, StandardCharsets.US_ASCII));
    TestImage fx = TestImage.fixed(8 * MIB).random(4096, 8192, 14);
    fx.write(0, embedded);
    byte[] file = fx.toBytes();

    try (VhdImage img = open(file, STRICT)) {
      assertEquals(DiskType.FIXED, img.getDiskType(), "an offset-0-first reader would see a dynamic disk");
      assertEquals(8L * MIB, img.getSize());
      assertEquals(fx.uuid, img.getFooter().uniqueId());
      ByteBuffer sector0 = ByteBuffer.allocate(512);
      img.readFully(0, sector0);
      assertArrayEquals(Arrays.copyOf(innerBytes, 512), sector0.array(), "sector 0 = the embedded bytes");
      assertContent(fx.expectedContent(), img);
    }
    ValidationReport report = check(file);
    assertFalse(report.hasErrors(), report::toString);
  }

  // ---- case 15: F-null-uuid ---------------------------------------------------------------------

  @Test
  void shouldAcceptNullUuidWithWarning() throws IOException {
    for (TestImage t : List.of(TestImage.fixed(MIB).random(0, MIB, 15), dynamicWithData())) {
      t.uuid = new UUID(0, 0);
      byte[] file = t.toBytes();
      long at = t.tailFooterOffset() + 68;
      try (VhdImage img = open(file, STRICT)) {
        assertWarned(img, ProblemCode.FOOTER_UUID, Severity.WARNING, "footer", "uniqueId", at);
        assertEquals(new UUID(0, 0), img.getFooter().uniqueId());
        assertContent(t.expectedContent(), img);
      }
      assertChecked(file, ProblemCode.FOOTER_UUID, Severity.WARNING, "footer", "uniqueId", at);
    }
  }

  // ---- case 16: F-timestamps --------------------------------------------------------------------

  static Stream<Arguments> timestamps() {
    long now = System.currentTimeMillis() / 1000 - Footer.VHD_EPOCH_SECONDS;
    return Stream.of(
        Arguments.of("zero (2000-01-01)", 0L, false),
        Arguments.of("0xFFFFFFFF (year 2136)", 0xFFFFFFFFL, true),
        Arguments.of("now + 10 years", now + 10L * 365 * 86_400, true),
        Arguments.of("local time 3 h ahead of UTC", now + 3 * 3600, false),
        Arguments.of("local time 5 h behind UTC", now - 5 * 3600, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("timestamps")
  void shouldOpenAnyTimestampAndExposeTheRawValue(String name, long raw, boolean future) throws IOException {
    TestImage t = TestImage.fixed(MIB).random(0, 4096, 16);
    t.timestamp = raw;
    byte[] file = t.toBytes();
    long at = t.tailFooterOffset() + 24;
    try (VhdImage img = open(file, STRICT)) {
      assertEquals(raw, img.getFooter().timestamp(), "the raw unsigned value is exposed");
      assertEquals(Instant.ofEpochSecond(Footer.VHD_EPOCH_SECONDS + raw), img.getFooter().timestampInstant());
      if (future) {
        assertWarned(img, ProblemCode.FOOTER_TIMESTAMP, Severity.WARNING, "footer", "timestamp", at);
      } else {
        assertNotReported(img.getWarnings(), ProblemCode.FOOTER_TIMESTAMP);
      }
      assertContent(t.expectedContent(), img);
    }
    assertFalse(check(file).hasErrors());
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** DY(4M, 2M) with block 0 allocated and partly written. */
  private static TestImage dynamicWithData() {
    return TestImage.dynamic(4 * MIB, 2 * MIB).random(1000, 70_000, 42);
  }

  /** The image's footer with {@code value} written at {@code offset} and the checksum fixed. */
  private static byte[] headCopyWith(TestImage t, int offset, byte[] value) {
    byte[] f = t.footerBytes(t.headerOffset);
    System.arraycopy(value, 0, f, offset, value.length);
    ByteBuffer.wrap(f).putInt(64, (int) TestImage.checksum(f, 64));
    return f;
  }


  /**
   * Case 3, corollary: when the footer's checksum fails and no copy can stand in, strict opening
   * names the checksum, not whatever the unverified fields lead to (here an absurd current size
   * that would otherwise be reported as too many blocks). The check report still lists both.
   */
  @Test
  void shouldNameTheFooterChecksumWhenItsFieldsAreUnverified() throws IOException {
    TestImage t = TestImage.dynamic(4 * MIB, 2 * MIB).random(0, 4096, 3);
    t.headCopy = false;
    long tail = t.tailFooterOffset();
    t.patch(tail + 48, TestImage.u64(1L << 50));
    byte[] file = t.toBytes();
    OpenOptions noRecovery = OpenOptions.defaults().withFooterRecovery(false);
    assertOpenFails(file, noRecovery, ProblemCode.FOOTER_CHECKSUM, "footer", "checksum", tail + 64);
    ValidationReport report = check(file);
    assertReported(report.problems(), ProblemCode.FOOTER_CHECKSUM, Severity.ERROR, "footer", "checksum", tail + 64);
    assertTrue(report.problems().stream().anyMatch(pr -> pr.code() == ProblemCode.SIZE_LIMIT
        || pr.code() == ProblemCode.TOO_MANY_BLOCKS || pr.code() == ProblemCode.BAT_TOO_SMALL),
        report::toString);
  }
}
