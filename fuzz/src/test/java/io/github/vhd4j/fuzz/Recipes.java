package io.github.vhd4j.fuzz;

import static io.github.vhd4j.fuzz.DynamicHeaderParseFuzzTest.ALIGN_4K;
import static io.github.vhd4j.fuzz.DynamicHeaderParseFuzzTest.BAT_ENTRY;
import static io.github.vhd4j.fuzz.DynamicHeaderParseFuzzTest.BAT_PADDING;
import static io.github.vhd4j.fuzz.DynamicHeaderParseFuzzTest.DROP_BLOCK;
import static io.github.vhd4j.fuzz.DynamicHeaderParseFuzzTest.DUPLICATE_BLOCK;
import static io.github.vhd4j.fuzz.DynamicHeaderParseFuzzTest.GAP_BEFORE_BLOCKS;
import static io.github.vhd4j.fuzz.DynamicHeaderParseFuzzTest.HEADER_OFFSET_MOVE;
import static io.github.vhd4j.fuzz.DynamicHeaderParseFuzzTest.HEADER_RESERVED_BUILDER;
import static io.github.vhd4j.fuzz.DynamicHeaderParseFuzzTest.H_BLOCK_SIZE;
import static io.github.vhd4j.fuzz.DynamicHeaderParseFuzzTest.H_CHECKSUM;
import static io.github.vhd4j.fuzz.DynamicHeaderParseFuzzTest.H_COOKIE;
import static io.github.vhd4j.fuzz.DynamicHeaderParseFuzzTest.H_MAX_ENTRIES;
import static io.github.vhd4j.fuzz.DynamicHeaderParseFuzzTest.H_MAX_ENTRIES_SPECIAL;
import static io.github.vhd4j.fuzz.DynamicHeaderParseFuzzTest.H_NEXT;
import static io.github.vhd4j.fuzz.DynamicHeaderParseFuzzTest.H_RESERVED;
import static io.github.vhd4j.fuzz.DynamicHeaderParseFuzzTest.H_TABLE_OFFSET;
import static io.github.vhd4j.fuzz.DynamicHeaderParseFuzzTest.H_VERSION;
import static io.github.vhd4j.fuzz.DynamicHeaderParseFuzzTest.MAX_ENTRIES_SMALL;
import static io.github.vhd4j.fuzz.DynamicHeaderParseFuzzTest.NO_HEAD_COPY;
import static io.github.vhd4j.fuzz.DynamicHeaderParseFuzzTest.PARENT_NAME_RAW;
import static io.github.vhd4j.fuzz.DynamicHeaderParseFuzzTest.SHIFT_BLOCK;
import static io.github.vhd4j.fuzz.DynamicHeaderParseFuzzTest.TABLE_OFFSET_MOVE;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The committed seeds of the structured targets, as {@link Recipe}s: a base of every kind, size and
 * block size with data, and one recipe per pitfall case that the target's mutations can express
 * (the raw targets carry every case as an image; see {@link Seeds}).
 */
final class Recipes {
  /** Recipe flag: recompute checksums after the mutations. */
  static final int FIX = 1;
  static final int CHS = 2;
  static final int CURRENT = 4;
  static final int NO_RECOVERY = 8;

  // Base kinds per target (index into the target's kind list) and table indexes (see Bases).
  private static final int F_FIXED = 0;
  private static final int F_DYNAMIC = 1;
  private static final int F_DIFF = 2;
  private static final int S_4M = 6;
  private static final int S_64M = 7;
  private static final int S_1G = 8;
  private static final int S_8G = 9;
  private static final int S_136G = 10;
  private static final int S_2040G = 11;
  private static final int FX_32K = 5;
  private static final int BS_512 = 0;
  private static final int BS_4K = 2;
  private static final int BS_64K = 4;
  private static final int BS_2M = 6;

  private Recipes() {}

  private static byte[] r(int kind, int size, int bs, int content, int flags, Recipe.Op... ops) {
    return new Recipe(kind, size, bs, content, flags, List.of(ops)).encode();
  }

  private static Recipe.Op op(int code, long value) {
    return new Recipe.Op(code, value, new byte[0]);
  }

  private static Recipe.Op op(int code, long value, byte[] bytes) {
    return new Recipe.Op(code, value, bytes);
  }

  private static long fourCc(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1)).getInt() & 0xFFFFFFFFL;
  }

  private static long geometry(int c, int h, int s) {
    return c | (long) h << 16 | (long) s << 24;
  }

  // -----------------------------------------------------------------------------------------------

  static Map<String, byte[]> footer() {
    Map<String, byte[]> out = new TreeMap<>();
    for (int size = 0; size < Bases.FIXED_SIZES.length; size++) {
      out.put("base-fixed-" + Bases.FIXED_SIZES[size], r(F_FIXED, size, 0, 5, FIX));
    }
    for (int kind : new int[] {F_DYNAMIC, F_DIFF}) {
      for (int size = 0; size < Bases.SPARSE_SIZES.length; size++) {
        for (int bs : new int[] {BS_512, BS_4K, BS_64K, BS_2M}) {
          out.put("base-" + (kind == F_DYNAMIC ? "dynamic-" : "differencing-") + Bases.SPARSE_SIZES[size] + "-bs"
              + Bases.BLOCK_SIZES[bs], r(kind, size, bs, 3 + size, FIX));
        }
      }
    }
    out.put("A02-footer-bad-cookie", r(F_DYNAMIC, S_4M, BS_2M, 0, FIX,
        op(FooterParseFuzzTest.COOKIE, 0, "conectiy".getBytes(StandardCharsets.US_ASCII))));
    out.put("A03-footer-checksum", r(F_FIXED, FX_32K, 0, 9, 0,
        op(FooterParseFuzzTest.CHECKSUM, 0xDEADBEEFL)));
    out.put("A03-footer-checksum-stale", r(F_DYNAMIC, S_4M, BS_4K, 9, 0,
        op(FooterParseFuzzTest.TIMESTAMP, 1)));
    out.put("A04-footer-version", r(F_FIXED, 3, 0, 0, FIX, op(FooterParseFuzzTest.VERSION, 0x00020000L)));
    out.put("A05-footer-disk-type-0", r(F_FIXED, 3, 0, 0, FIX, op(FooterParseFuzzTest.DISK_TYPE, 0)));
    out.put("A05-footer-disk-type-5", r(F_DYNAMIC, S_4M, BS_2M, 0, FIX,
        op(FooterParseFuzzTest.DISK_TYPE, 5)));
    out.put("A05-footer-disk-type-ffffffff", r(F_FIXED, 3, 0, 0, FIX,
        op(FooterParseFuzzTest.DISK_TYPE, 0xFFFFFFFFL)));
    out.put("A06-fixed-data-offset", r(F_FIXED, 3, 0, 0, FIX, op(FooterParseFuzzTest.DATA_OFFSET, 0x200)));
    for (long off : new long[] {0, 0x201, -1L, 1L << 40}) {
      out.put("A07-dynamic-data-offset-" + Long.toHexString(off), r(F_DYNAMIC, S_4M, BS_2M, 0, FIX,
          op(FooterParseFuzzTest.DATA_OFFSET, off)));
    }
    out.put("A08-footer-features-0", r(F_FIXED, 3, 0, 0, FIX, op(FooterParseFuzzTest.FEATURES, 0)));
    out.put("A08-footer-features-upper", r(F_FIXED, 3, 0, 0, FIX,
        op(FooterParseFuzzTest.FEATURES, 0xFFFF0002L)));
    out.put("A09-footer-reserved-hidden-byte", r(F_FIXED, 3, 0, 1, FIX,
        op(FooterParseFuzzTest.RESERVED_BYTE, 1L << 16)));
    out.put("A10-tap-hidden-byte-unsummed", r(F_DYNAMIC, S_4M, BS_4K, 3, 0,
        op(FooterParseFuzzTest.CREATOR_APP, fourCc("tap\0")),
        op(FooterParseFuzzTest.CREATOR_VERSION, 0x00010001L),
        op(FooterParseFuzzTest.RESERVED_BYTE, 1L << 16)));
    out.put("A11-saved-state-1", r(F_FIXED, 3, 0, 0, FIX, op(FooterParseFuzzTest.SAVED_STATE, 1)));
    out.put("A11-saved-state-2", r(F_FIXED, 3, 0, 0, FIX, op(FooterParseFuzzTest.SAVED_STATE, 2)));
    out.put("A12-copy-mismatch-timestamp", r(F_DYNAMIC, S_4M, BS_4K, 4, FIX,
        op(FooterParseFuzzTest.TIMESTAMP, 0x2B000000L),
        op(FooterParseFuzzTest.HEAD_COPY, FooterParseFuzzTest.HEAD_STALE)));
    out.put("A12-copy-mismatch-type", r(F_DYNAMIC, S_4M, BS_4K, 4, FIX,
        op(FooterParseFuzzTest.DISK_TYPE_SMALL, 4),
        op(FooterParseFuzzTest.HEAD_COPY, FooterParseFuzzTest.HEAD_STALE)));
    out.put("A13-eof-footer-lost", r(F_DYNAMIC, S_4M, BS_4K, 5, FIX,
        op(FooterParseFuzzTest.NO_TAIL_FOOTER, 1)));
    out.put("A13-eof-footer-damaged-head-valid", r(F_DYNAMIC, S_4M, BS_4K, 5, 0,
        op(FooterParseFuzzTest.ORIGINAL_SIZE, 5),
        op(FooterParseFuzzTest.HEAD_COPY, FooterParseFuzzTest.HEAD_STALE)));
    out.put("A13-eof-footer-damaged-no-recovery", r(F_DYNAMIC, S_4M, BS_4K, 5, NO_RECOVERY,
        op(FooterParseFuzzTest.ORIGINAL_SIZE, 5),
        op(FooterParseFuzzTest.HEAD_COPY, FooterParseFuzzTest.HEAD_STALE)));
    out.put("A13-eof-footer-and-copy-damaged", r(F_DYNAMIC, S_4M, BS_4K, 5, 0,
        op(FooterParseFuzzTest.ORIGINAL_SIZE, 5),
        op(FooterParseFuzzTest.HEAD_COPY, FooterParseFuzzTest.HEAD_DAMAGED)));
    out.put("A13-short-footer", r(F_DYNAMIC, S_4M, BS_4K, 5, FIX, op(FooterParseFuzzTest.SHORT_FOOTER, 1)));
    out.put("A15-null-uuid", r(F_FIXED, 3, 0, 0, FIX, op(FooterParseFuzzTest.UUID_FIELD, 0)));
    out.put("A16-timestamp-max", r(F_FIXED, 3, 0, 0, FIX, op(FooterParseFuzzTest.TIMESTAMP, 0xFFFFFFFFL)));
    out.put("F60-virtual-pc-chs", r(F_DYNAMIC, S_136G, BS_2M, 0, FIX,
        op(FooterParseFuzzTest.CREATOR_APP, fourCc("vpc ")),
        op(FooterParseFuzzTest.GEOMETRY, geometry(65278, 16, 255))));
    out.put("F61-hyper-v-current-size", r(F_DYNAMIC, S_136G, BS_2M, 0, FIX,
        op(FooterParseFuzzTest.CREATOR_APP, fourCc("win ")),
        op(FooterParseFuzzTest.GEOMETRY, geometry(65278, 16, 255))));
    out.put("F62-disk2vhd-max-chs", r(F_DYNAMIC, S_1G, BS_2M, 0, FIX,
        op(FooterParseFuzzTest.CREATOR_APP, fourCc("d2v\0")),
        op(FooterParseFuzzTest.CURRENT_SIZE, 263_454_720L),
        op(FooterParseFuzzTest.GEOMETRY, geometry(65535, 16, 255))));
    out.put("F63-azure-wa", r(F_DYNAMIC, S_8G, BS_2M, 0, FIX,
        op(FooterParseFuzzTest.CREATOR_APP, fourCc("wa\0\0")),
        op(FooterParseFuzzTest.CURRENT_SIZE, 0x140000000L),
        op(FooterParseFuzzTest.GEOMETRY, geometry(10402, 16, 63))));
    out.put("F64-zero-geometry", r(F_FIXED, 3, 0, 0, FIX, op(FooterParseFuzzTest.CREATOR_APP, 0),
        op(FooterParseFuzzTest.CREATOR_OS, 0), op(FooterParseFuzzTest.TIMESTAMP, 0),
        op(FooterParseFuzzTest.GEOMETRY, 0)));
    out.put("F65-vbox-non-chs", r(F_DYNAMIC, S_1G, BS_2M, 0, FIX | CHS,
        op(FooterParseFuzzTest.CREATOR_APP, fourCc("vbox")),
        op(FooterParseFuzzTest.GEOMETRY, geometry(2080, 16, 63))));
    out.put("F66-geometry-too-large", r(F_FIXED, FX_32K, 0, 6, FIX,
        op(FooterParseFuzzTest.GEOMETRY, geometry(1000, 16, 63))));
    out.put("F66-geometry-too-large-chs-policy", r(F_DYNAMIC, S_4M, BS_4K, 6, FIX | CHS,
        op(FooterParseFuzzTest.GEOMETRY, geometry(1000, 16, 63))));
    out.put("F67-unaligned-size", r(F_DYNAMIC, S_4M, BS_2M, 0, FIX,
        op(FooterParseFuzzTest.CURRENT_SIZE, 1_048_577L)));
    out.put("F68-zero-size", r(F_DYNAMIC, 0, BS_2M, 0, FIX));
    out.put("F69-max-size-plus-one-sector", r(F_DYNAMIC, S_2040G, BS_2M, 0, FIX,
        op(FooterParseFuzzTest.CURRENT_SIZE, 0xFF000000L * 512 + 512)));
    out.put("F70-fixed-size-larger-than-file", r(F_FIXED, FX_32K, 0, 2, FIX,
        op(FooterParseFuzzTest.CURRENT_SIZE, 32 * 1024 + (2 << 20))));
    out.put("F70-fixed-size-smaller-than-file", r(F_FIXED, FX_32K, 0, 2, FIX,
        op(FooterParseFuzzTest.CURRENT_SIZE, 32 * 1024 - 512)));
    out.put("F71-chs-rounded-size", r(F_DYNAMIC, 5, BS_2M, 0, FIX,
        op(FooterParseFuzzTest.CREATOR_APP, fourCc("vpc "))));
    out.put("F72-130GiB-max-chs", r(F_DYNAMIC, S_136G, BS_2M, 0, FIX | CURRENT,
        op(FooterParseFuzzTest.CREATOR_APP, fourCc("qemu")), op(FooterParseFuzzTest.CURRENT_SIZE, 130L << 30),
        op(FooterParseFuzzTest.GEOMETRY, geometry(65535, 16, 255))));
    return out;
  }

  // -----------------------------------------------------------------------------------------------

  private static final int H_DYNAMIC = 0;
  private static final int H_DIFF = 1;

  static Map<String, byte[]> header() {
    Map<String, byte[]> out = new TreeMap<>();
    for (int kind : new int[] {H_DYNAMIC, H_DIFF}) {
      for (int size = 0; size < Bases.SPARSE_SIZES.length; size++) {
        for (int bs = 0; bs < Bases.BLOCK_SIZES.length; bs += 2) {
          out.put("base-" + (kind == H_DYNAMIC ? "dynamic-" : "differencing-") + Bases.SPARSE_SIZES[size] + "-bs"
              + Bases.BLOCK_SIZES[bs], r(kind, size, bs, 11 + size, FIX));
        }
      }
    }
    out.put("B17-header-cookie", r(H_DYNAMIC, S_4M, BS_2M, 0, FIX,
        op(H_COOKIE, 0, "cxsparsf".getBytes(StandardCharsets.US_ASCII))));
    out.put("B18-header-checksum", r(H_DYNAMIC, S_4M, BS_4K, 3, 0, op(H_CHECKSUM, 0x12345678L)));
    out.put("B18-header-checksum-stale", r(H_DYNAMIC, S_4M, BS_4K, 3, 0, op(H_NEXT, 0x400)));
    out.put("B19-header-version-10001", r(H_DYNAMIC, S_4M, BS_2M, 0, FIX, op(H_VERSION, 0x00010001L)));
    out.put("B19-header-version-0", r(H_DYNAMIC, S_4M, BS_2M, 0, FIX, op(H_VERSION, 0)));
    out.put("B20-block-size-zero", r(H_DYNAMIC, S_64M, BS_2M, 0, FIX, op(H_BLOCK_SIZE, 0)));
    for (long bs : new long[] {0x80, 0x1FF, 0x12345678L, 0x600}) {
      out.put("B21-block-size-invalid-" + Long.toHexString(bs), r(H_DYNAMIC, S_64M, BS_2M, 0, FIX,
          op(H_BLOCK_SIZE, bs)));
    }
    out.put("B22-block-size-512", r(H_DYNAMIC, 2, BS_512, 22, FIX));
    out.put("B22-block-size-512-differencing", r(H_DIFF, 3, BS_512, 22, FIX));
    for (long bs : new long[] {1L << 31, 1L << 30, 1L << 28}) {
      out.put("B23-block-size-huge-" + Long.toHexString(bs), r(H_DYNAMIC, S_64M, BS_2M, 0, FIX,
          op(H_BLOCK_SIZE, bs)));
    }
    for (long next : new long[] {0x200, 0, 0xFFFFFFFFL, 0x400}) {
      out.put("B24-header-next-" + Long.toHexString(next), r(H_DYNAMIC, S_4M, BS_4K, 4, FIX,
          op(H_NEXT, next)));
    }
    for (long off : new long[] {0, 0x200, 0x601, 1L << 40}) {
      out.put("B25-table-offset-" + Long.toHexString(off), r(H_DYNAMIC, S_4M, BS_4K, 4, FIX,
          op(H_TABLE_OFFSET, off)));
    }
    out.put("B25-table-after-locators", r(H_DIFF, 3, BS_4K, 4, FIX, op(TABLE_OFFSET_MOVE, 16)));
    out.put("B25-header-moved", r(H_DYNAMIC, S_4M, BS_4K, 4, FIX, op(HEADER_OFFSET_MOVE, 9)));
    out.put("B26-header-reserved-300", r(H_DYNAMIC, S_4M, BS_2M, 0, FIX, op(H_RESERVED, 1 << 8)));
    out.put("B26-header-reserved-23c", r(H_DYNAMIC, S_4M, BS_2M, 0, FIX, op(HEADER_RESERVED_BUILDER, 1)));
    out.put("B27-parent-fields-on-dynamic", r(H_DYNAMIC, S_4M, BS_4K, 3, FIX,
        op(DynamicHeaderParseFuzzTest.PARENT_UUID, 0x1234),
        op(PARENT_NAME_RAW, 0, "\0g\0h\0o\0s\0t".getBytes(StandardCharsets.ISO_8859_1))));
    out.put("C28-afl5-max-table-entries", r(H_DYNAMIC, 3, BS_512, 0, FIX, op(H_MAX_ENTRIES_SPECIAL, 0),
        op(NO_HEAD_COPY, 0)));
    out.put("C29-max-entries-ffffffff", r(H_DYNAMIC, S_4M, BS_2M, 0, FIX, op(H_MAX_ENTRIES_SPECIAL, 1)));
    out.put("C29-max-entries-80000000", r(H_DYNAMIC, S_4M, BS_2M, 0, FIX, op(H_MAX_ENTRIES_SPECIAL, 2)));
    out.put("C30-bat-too-small", r(H_DYNAMIC, S_64M, BS_2M, 0, FIX, op(MAX_ENTRIES_SMALL, 31)));
    out.put("C31-bat-too-large", r(H_DYNAMIC, S_64M, BS_2M, 0, FIX, op(MAX_ENTRIES_SMALL, 33)));
    out.put("C31-bat-too-large-raw", r(H_DYNAMIC, S_64M, BS_2M, 0, FIX, op(H_MAX_ENTRIES, 1000)));
    out.put("C33-entry-past-eof", r(H_DYNAMIC, 2, BS_4K, 5, FIX, op(BAT_ENTRY, 0x00100000L << 32 | 1)));
    out.put("C34-entry-high", r(H_DYNAMIC, 2, BS_4K, 5, FIX, op(BAT_ENTRY, 0x00800000L << 32)));
    out.put("C34-entry-fffffffe", r(H_DYNAMIC, 2, BS_4K, 5, FIX, op(BAT_ENTRY, 0xFFFFFFFEL << 32)));
    out.put("C35-duplicate-blocks", r(H_DYNAMIC, 2, BS_4K, 5, FIX, op(DUPLICATE_BLOCK, 3 << 16)));
    out.put("C35-overlapping-blocks", r(H_DYNAMIC, 2, BS_4K, 5, FIX, op(SHIFT_BLOCK, 9L << 32)));
    for (long v : new long[] {0, 1, 3}) {
      out.put("C36-entry-into-metadata-" + v, r(H_DYNAMIC, 2, BS_4K, 5, FIX, op(BAT_ENTRY, v << 32)));
    }
    out.put("C37-bat-padding-zero", r(H_DYNAMIC, S_4M, BS_64K, 5, FIX, op(BAT_PADDING, 0)));
    out.put("C38-gaps-and-alignment", r(H_DYNAMIC, 2, BS_4K, 7, FIX, op(GAP_BEFORE_BLOCKS, 3),
        op(ALIGN_4K, 0)));
    out.put("D-dropped-block", r(H_DIFF, 3, BS_4K, 8, FIX, op(DROP_BLOCK, 0)));
    return out;
  }

  // -----------------------------------------------------------------------------------------------

  private static final int NO_UUID_CHECK = ParentLocatorParseFuzzTest.NO_UUID_CHECK;
  private static final int ALLOW_DIRECTORY = ParentLocatorParseFuzzTest.ALLOW_DIRECTORY;

  /** A LOCATOR op value: slot, index into CODES, template, encoding, trailing NULs. */
  private static long loc(int slot, int code, int template, int encoding, int nuls) {
    return slot | (long) code << 3 | (long) template << 8 | (long) encoding << 14 | (long) nuls << 17;
  }

  private static final int W2RU = 0;
  private static final int W2KU = 1;
  private static final int WI2R = 2;
  private static final int WI2K = 3;
  private static final int MACX = 4;
  private static final int MAC = 5;
  private static final int UTF16LE = 0;
  private static final int UTF16BE = 1;
  private static final int UTF8 = 2;
  private static final int LATIN1 = 3;

  static Map<String, byte[]> locators() {
    Map<String, byte[]> out = new TreeMap<>();
    for (int size = 0; size < 4; size++) {
      for (int bs = 0; bs < 4; bs++) {
        out.put("base-" + size + "-" + bs, r(0, size, bs, 1 + size + bs, FIX));
      }
    }
    int locator = ParentLocatorParseFuzzTest.LOCATOR;
    int remove = ParentLocatorParseFuzzTest.LOCATOR_REMOVE;
    String[] t = ParentLocatorParseFuzzTest.TEMPLATES;
    for (int i = 0; i < t.length; i++) {
      out.put("escape-w2ru-" + i, r(0, 0, 1, 3, FIX, op(remove, 0),
          op(locator, loc(1, W2RU, i, UTF16LE, 0))));
      out.put("escape-macx-" + i, r(0, 0, 1, 3, FIX | ALLOW_DIRECTORY, op(remove, 0), op(remove, 1),
          op(locator, loc(2, MACX, i, UTF8, 0))));
      out.put("escape-name-" + i, r(0, 0, 1, 3, FIX, op(remove, 0), op(remove, 1),
          op(ParentLocatorParseFuzzTest.PARENT_NAME, (long) i << 8)));
    }
    out.put("E49-parent-uuid-mismatch", r(0, 0, 1, 2, FIX, op(ParentLocatorParseFuzzTest.PARENT_UUID, 1)));
    out.put("E49-uuid-check-off-wrong-parent", r(0, 0, 1, 2, FIX | NO_UUID_CHECK, op(remove, 0),
        op(locator, loc(1, W2RU, 10, UTF16LE, 0))));
    out.put("E50-parent-timestamp-mismatch", r(0, 0, 1, 2, FIX,
        op(ParentLocatorParseFuzzTest.PARENT_TIMESTAMP, 0x2A000100L)));
    out.put("E51-cycle-to-itself", r(0, 0, 1, 2, FIX, op(remove, 0),
        op(locator, loc(1, W2RU, 13, UTF16LE, 0))));
    out.put("E52-windows-locators", r(0, 0, 1, 2, FIX));
    out.put("E53-locator-utf16be", r(0, 0, 1, 2, FIX, op(remove, 0),
        op(locator, loc(1, W2RU, 1, UTF16BE, 0))));
    out.put("E53-locator-odd-length", r(0, 0, 1, 2, FIX, op(remove, 0),
        op(ParentLocatorParseFuzzTest.LOCATOR_LENGTH, 1 | 1 << 3 | 127 << 8)));
    out.put("E53-locator-bom", r(0, 0, 1, 2, FIX, op(remove, 0), op(locator, loc(1, W2RU, 1, 4, 0))));
    out.put("E53-locator-trailing-nuls", r(0, 0, 1, 2, FIX, op(remove, 0),
        op(locator, loc(1, W2RU, 1, 5, 3))));
    byte[] surrogates = new byte[255];
    for (int i = 0; i < surrogates.length; i += 2) {
      surrogates[i] = (byte) 0xD8;
    }
    out.put("E53-parent-name-unpaired-surrogates", r(0, 0, 1, 2, FIX,
        op(ParentLocatorParseFuzzTest.PARENT_NAME_RAW, 0, surrogates)));
    for (long space : new long[] {1, 512, 1000}) {
      out.put("E54-data-space-" + space, r(0, 0, 1, 2, FIX,
          op(ParentLocatorParseFuzzTest.LOCATOR_SPACE, 1 | space << 8)));
    }
    out.put("E55-locator-length-ffffffff", r(0, 0, 1, 2, FIX,
        op(ParentLocatorParseFuzzTest.LOCATOR_LENGTH, 1 | 2 << 3)));
    out.put("E55-locator-length-80000000", r(0, 0, 1, 2, FIX,
        op(ParentLocatorParseFuzzTest.LOCATOR_LENGTH, 1 | 3 << 3)));
    out.put("E55-locator-beyond-eof", r(0, 0, 1, 2, FIX,
        op(ParentLocatorParseFuzzTest.LOCATOR_OFFSET, 1 | 5 << 3)));
    out.put("E55-locator-over-bat", r(0, 0, 1, 2, FIX,
        op(ParentLocatorParseFuzzTest.LOCATOR_OFFSET, 1 | 3 << 3)));
    out.put("E55-locator-over-header", r(0, 0, 1, 2, FIX,
        op(ParentLocatorParseFuzzTest.LOCATOR_OFFSET, 1 | 2 << 3)));
    out.put("E56-platform-codes", r(0, 0, 1, 2, FIX, op(locator, loc(0, WI2K, 2, LATIN1, 0)),
        op(locator, loc(1, WI2R, 1, LATIN1, 0)), op(locator, loc(2, MAC, 0, UTF8, 0)),
        op(locator, loc(3, MACX, 17, UTF8, 0)), op(locator, loc(4, 7, 0, UTF16LE, 0)),
        op(locator, loc(5, 8, 0, UTF16LE, 0))));
    out.put("E56-macx-allowed-directory", r(0, 0, 1, 2, FIX | ALLOW_DIRECTORY, op(remove, 0), op(remove, 1),
        op(locator, loc(3, MACX, 18, UTF8, 0))));
    out.put("E57-child-larger-than-parent", r(0, 2, 1, 2, FIX));
    out.put("E58-null-parent-uuid", r(0, 0, 1, 2, FIX, op(ParentLocatorParseFuzzTest.PARENT_UUID, 2)));
    out.put("E58-null-parent-uuid-check-off", r(0, 0, 1, 2, FIX | NO_UUID_CHECK,
        op(ParentLocatorParseFuzzTest.PARENT_UUID, 2)));
    out.put("E59-no-locators-no-name", r(0, 0, 1, 2, FIX, op(remove, 0), op(remove, 1),
        op(ParentLocatorParseFuzzTest.PARENT_NAME_RAW, 0, new byte[0])));
    out.put("stale-header-checksum", r(0, 0, 1, 2, 0, op(locator, loc(2, W2RU, 0, UTF16LE, 0))));
    return out;
  }
}
