package io.github.vhd4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.Footer;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.testing.TestImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Entry point: footer parsing, with structured inputs. A {@link Recipe} picks a valid fixed,
 * dynamic or differencing image (the parent comes from {@link ChainFixture} through a resolver)
 * and sets footer fields to fuzzer-chosen values: cookie, features, version, data offset, time
 * stamp, creator, sizes, geometry, disk type, checksum, UUID, saved state, reserved bytes, the head
 * copy (absent, stale, damaged), the tail (absent, 511 bytes), and the file length. When the recipe
 * says so (flag bit 0) the checksums are recomputed after the mutations; otherwise the footer keeps
 * the checksum of the unmutated one, or an explicit fuzzer value.
 *
 * <p>Besides the {@link Battery}, the footer the library reports is compared with an independent
 * decoding of the footer in effect, the size with the size policy's rule applied to the decoded
 * fields, and the content with what the image was built with; and what the specification forbids
 * (a damaged footer with no valid copy, an unknown disk type, a size that is not whole sectors) must
 * not open strictly.
 */
class FooterParseFuzzTest {
  static final int COOKIE = 0;
  static final int FEATURES = 1;
  static final int VERSION = 2;
  static final int DATA_OFFSET = 3;
  static final int TIMESTAMP = 4;
  static final int CREATOR_APP = 5;
  static final int CREATOR_VERSION = 6;
  static final int CREATOR_OS = 7;
  static final int ORIGINAL_SIZE = 8;
  static final int CURRENT_SIZE = 9;
  static final int CURRENT_SIZE_SECTORS = 10;
  static final int GEOMETRY = 11;
  static final int DISK_TYPE = 12;
  static final int DISK_TYPE_SMALL = 13;
  static final int CHECKSUM = 14;
  static final int UUID_FIELD = 15;
  static final int SAVED_STATE = 16;
  static final int RESERVED_BYTE = 17;
  static final int HEAD_COPY = 18;
  static final int NO_TAIL_FOOTER = 19;
  static final int SHORT_FOOTER = 20;
  static final int FILE_LENGTH = 21;
  static final int OPS = 22;

  /** HEAD_COPY values (mod 4). */
  static final int HEAD_NONE = 0;
  static final int HEAD_SAME = 1;
  static final int HEAD_STALE = 2;
  static final int HEAD_DAMAGED = 3;

  @VhdFuzzTest
  void shouldParseAnyFooterFields(byte[] input) throws IOException {
    Recipe recipe = Recipe.decode(input);
    Bases.Base base = Bases.build(recipe, Bases.FIXED, Bases.DYNAMIC, Bases.DIFFERENCING);
    TestImage t = base.image();
    long headerOffset = t.headerOffset;
    if (base.kind() != Bases.FIXED) {
      // The footer's size fields must not move the table: freeze its entry count.
      t.maxTableEntries = t.entries();
    }
    byte[] original = t.footerBytes(base.kind() == Bases.FIXED ? -1L : headerOffset);
    long fileDelta = 0;
    // The type code is patched into the bytes: the builder lays a file out by its type.
    long typeCode = -1;
    for (Recipe.Op op : recipe.ops()) {
      long v = op.value();
      switch (op.code() % OPS) {
        case COOKIE -> t.cookie = Arrays.copyOf(op.bytes(), 8);
        case FEATURES -> t.features = v & 0xFFFFFFFFL;
        case VERSION -> t.formatVersion = v & 0xFFFFFFFFL;
        case DATA_OFFSET -> t.footerDataOffset = v;
        case TIMESTAMP -> t.timestamp = v & 0xFFFFFFFFL;
        case CREATOR_APP -> t.creatorApp = fourCc(v);
        case CREATOR_VERSION -> t.creatorVersion = v & 0xFFFFFFFFL;
        case CREATOR_OS -> t.creatorOs = fourCc(v);
        case ORIGINAL_SIZE -> t.originalSize = v;
        case CURRENT_SIZE -> t.currentSize = v;
        case CURRENT_SIZE_SECTORS -> t.currentSize = (v & 0xFFFFF) * 512 + (v >>> 63);
        case GEOMETRY -> {
          t.cylinders = (int) op.bits(0, 16);
          t.heads = (int) op.bits(16, 8);
          t.sectorsPerTrack = (int) op.bits(24, 8);
        }
        case DISK_TYPE -> typeCode = v & 0xFFFFFFFFL;
        case DISK_TYPE_SMALL -> typeCode = v & 7;
        case CHECKSUM -> t.footerChecksum = v & 0xFFFFFFFFL;
        case UUID_FIELD -> t.uuid = v == 0 ? new UUID(0, 0) : new UUID(v, ~v);
        case SAVED_STATE -> t.savedState = (int) (v & 0xFF);
        case RESERVED_BYTE -> t.footerReserved[(int) Math.floorMod(v, 427L)] = (byte) (v >>> 16);
        case HEAD_COPY -> {
          switch ((int) (v & 3)) {
            case HEAD_NONE -> t.headCopy = false;
            case HEAD_SAME -> {
              t.headCopy = true;
              t.headCopyOverride = null;
            }
            case HEAD_STALE -> t.headCopyOverride = original.clone();
            default -> {
              t.headCopyOverride = original.clone();
              t.headCopyOverride[(int) op.bits(8, 9)] ^= (byte) (1 + op.bits(17, 7));
            }
          }
        }
        case NO_TAIL_FOOTER -> t.tailFooter = false;
        case SHORT_FOOTER -> t.shortFooter = true;
        default -> fileDelta = Math.floorMod(v, 8192L) - 4096;
      }
    }
    if (recipe.fixChecksums()) {
      t.footerChecksum = null;
    } else if (!hasChecksumOp(recipe)) {
      t.footerChecksum = TestImage.checksum(original, 64);
    }
    byte[] bytes = t.toBytes();
    if (typeCode >= 0) {
      byte[] code = TestImage.u32(typeCode);
      if (t.tailFooter) {
        System.arraycopy(code, 0, bytes, (int) t.tailFooterOffset() + 60, 4);
      }
      if (base.kind() != Bases.FIXED && t.headCopy && t.headCopyOverride == null) {
        System.arraycopy(code, 0, bytes, 60, 4);
      }
      if (recipe.fixChecksums()) {
        TestImage.fixChecksums(bytes);
      }
    }
    if (fileDelta != 0) {
      bytes = Arrays.copyOf(bytes, (int) Math.max(0, bytes.length + fileDelta));
    }

    Battery.Result result =
        Battery.run(Bases.memory(bytes), List.of(bytes), base.options(), Inputs.random(bytes));
    checkFooter(bytes, base, t.diskType, result);
  }

  private static boolean hasChecksumOp(Recipe r) {
    return r.ops().stream().anyMatch(op -> op.code() % OPS == CHECKSUM);
  }

  private static String fourCc(long v) {
    return new String(ByteBuffer.allocate(4).putInt((int) v).array(), StandardCharsets.ISO_8859_1);
  }

  /** The footer-specific oracles, on top of the battery's. */
  private static void checkFooter(byte[] bytes, Bases.Base base, long builtType, Battery.Result result)
      throws IOException {
    byte[] tail = Decode.tailFooter(bytes);
    boolean tailValid = tail != null && Decode.checksumOk(tail);
    Outcome<VhdImage> strict = Outcome.of(() -> Bases.memory(bytes).open(base.options()));
    try {
      if (tail != null && tailValid) {
        Decode.FooterFields f = Decode.FooterFields.of(tail);
        boolean typeKnown = f.diskType() >= 2 && f.diskType() <= 4;
        if (!typeKnown) {
          assertFalse(strict.ok(), "a footer with disk type " + f.diskType() + " opened");
          assertTrue(strict.failure() instanceof VhdFormatException
              && ((VhdFormatException) strict.failure()).getCode() == ProblemCode.FOOTER_DISK_TYPE,
              "an unknown disk type must fail as FOOTER_DISK_TYPE: " + strict.failure());
        } else if (f.currentSize() % 512 != 0) {
          assertFalse(strict.ok(),
              "a current size of " + f.currentSize() + " (not whole sectors) opened strictly");
        }
      }
      if (tail != null && !tailValid && base.kind() == Bases.FIXED) {
        assertFalse(strict.ok(),
            "a fixed disk with a damaged footer (no copy to fall back to) opened strictly");
      }
      if (!strict.ok()) {
        return;
      }
      VhdImage img = strict.value();
      boolean headUsed =
          img.getWarnings().stream().anyMatch(p -> p.code() == ProblemCode.FOOTER_HEAD_COPY_USED);
      byte[] inEffect = headUsed ? Decode.headFooter(bytes) : tail;
      assertTrue(inEffect != null && Decode.checksumOk(inEffect),
          "strict open used a footer that is missing or damaged (head copy used: " + headUsed + ")");
      assertFalse(tailValid && headUsed, "the head copy replaced a valid tail footer");
      Decode.FooterFields want = Decode.FooterFields.of(inEffect);
      assertFooter(want, img.getFooter());
      assertEquals(want.virtualSize(base.options().sizePolicy()), img.getSize(), "virtual size for " + want);
      if (want.diskType() == builtType) {
        Bases.assertContent(img, base);
      }
    } finally {
      if (strict.ok()) {
        strict.value().close();
      }
    }
    assertEquals(result.strict(), strict.failureSignature(), "two strict opens of the same bytes differ");
  }

  static void assertFooter(Decode.FooterFields want, Footer got) {
    String where = " of " + want;
    assertEquals(want.features(), got.features(), "features" + where);
    assertEquals(want.version(), got.formatVersion(), "formatVersion" + where);
    assertEquals(want.dataOffset(), got.dataOffset(), "dataOffset" + where);
    assertEquals(want.timestamp(), got.timestamp(), "timestamp" + where);
    assertEquals(want.creatorApp(), got.creatorApplication(), "creatorApplication" + where);
    assertEquals(want.creatorVersion(), got.creatorVersion(), "creatorVersion" + where);
    assertEquals(want.creatorOs(), got.creatorHostOs(), "creatorHostOs" + where);
    assertEquals(want.originalSize(), got.originalSize(), "originalSize" + where);
    assertEquals(want.currentSize(), got.currentSize(), "currentSize" + where);
    assertEquals(want.cylinders(), got.geometry().cylinders(), "cylinders" + where);
    assertEquals(want.heads(), got.geometry().heads(), "heads" + where);
    assertEquals(want.sectorsPerTrack(), got.geometry().sectorsPerTrack(), "sectorsPerTrack" + where);
    assertEquals(want.diskType(), got.diskType().code(), "diskType" + where);
    assertEquals(want.checksum(), got.checksum(), "checksum" + where);
    assertEquals(want.uuid(), got.uniqueId(), "uniqueId" + where);
    assertEquals(want.savedState(), got.savedState(), "savedState" + where);
  }
}
