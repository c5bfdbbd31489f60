package io.github.vhd4j.fuzz;

import static io.github.vhd4j.fuzz.VhdxInput.DIFFERENCING;
import static io.github.vhd4j.fuzz.VhdxInput.DIFFERENCING_4K;
import static io.github.vhd4j.fuzz.VhdxInput.DIRTY;
import static io.github.vhd4j.fuzz.VhdxInput.DYNAMIC;
import static io.github.vhd4j.fuzz.VhdxInput.DYNAMIC_4K;
import static io.github.vhd4j.fuzz.VhdxInput.FIXED;
import static io.github.vhd4j.fuzz.VhdxInput.FIXED_4K;
import static io.github.vhd4j.fuzz.VhdxMutations.BAT_ENTRY;
import static io.github.vhd4j.fuzz.VhdxMutations.BITMAP_ENTRY;
import static io.github.vhd4j.fuzz.VhdxMutations.BLOCK;
import static io.github.vhd4j.fuzz.VhdxMutations.COPY;
import static io.github.vhd4j.fuzz.VhdxMutations.ENTRY;
import static io.github.vhd4j.fuzz.VhdxMutations.EXTRA_ITEM;
import static io.github.vhd4j.fuzz.VhdxMutations.EXTRA_REGION;
import static io.github.vhd4j.fuzz.VhdxMutations.HEADER_FIELD;
import static io.github.vhd4j.fuzz.VhdxMutations.HEADER_GUID;
import static io.github.vhd4j.fuzz.VhdxMutations.HEADER_VERSION;
import static io.github.vhd4j.fuzz.VhdxMutations.ITEM_FIELD;
import static io.github.vhd4j.fuzz.VhdxMutations.LAYOUT;
import static io.github.vhd4j.fuzz.VhdxMutations.LENGTH;
import static io.github.vhd4j.fuzz.VhdxMutations.LOCATOR;
import static io.github.vhd4j.fuzz.VhdxMutations.METADATA_FIELD;
import static io.github.vhd4j.fuzz.VhdxMutations.METADATA_VALUE;
import static io.github.vhd4j.fuzz.VhdxMutations.PLACE;
import static io.github.vhd4j.fuzz.VhdxMutations.RAW;
import static io.github.vhd4j.fuzz.VhdxMutations.REGION_FIELD;
import static io.github.vhd4j.fuzz.VhdxMutations.SEQUENCE;

import io.github.vhd4j.internal.vhdx.layout.BatLayout;
import io.github.vhd4j.internal.vhdx.layout.Guids;
import io.github.vhd4j.internal.vhdx.layout.HeaderLayout;
import io.github.vhd4j.internal.vhdx.layout.LogLayout;
import io.github.vhd4j.internal.vhdx.layout.MetadataLayout;
import io.github.vhd4j.internal.vhdx.layout.RegionTableLayout;
import io.github.vhd4j.testing.BuiltVhdx;
import io.github.vhd4j.testing.SparseImage;
import io.github.vhd4j.testing.VhdxBuilder;
import io.github.vhd4j.testing.VhdxLogBuilder;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The committed seeds of the VHDX image targets ({@link VhdxOpenFuzzTest},
 * {@link VhdxStorageDifferentialFuzzTest}): {@code recipes/} holds a base of every kind over the
 * sizes and block sizes that matter (chunk boundaries, odd sizes, the 64 TiB cap) and one recipe
 * per case of vhdx.md's bug list that mutations can express; {@code crafted/} holds
 * whole files in {@link SparseCodec}'s encoding, made field by field with the builder's
 * corruptors: 4096-byte sectors, differencing disks with partial blocks, dirty logs, equal-sequence
 * headers, damaged copies. Deterministic: regenerating changes no byte.
 */
final class VhdxSeeds {
  static final int FIX = Recipes.FIX;
  private static final long MIB = VhdxBuilder.MIB;
  // Indexes into VhdxInput.SIZES and BLOCK_SIZES.
  static final int S_1M = 0;
  static final int S_3M_ODD = 1;
  static final int S_8M = 2;
  static final int S_64M = 3;
  static final int S_4G = 4;
  static final int S_32G = 5;
  static final int S_1T = 6;
  static final int S_64T = 7;
  static final int B_1M = 0;
  static final int B_2M = 1;
  static final int B_32M = 3;
  static final int B_256M = 4;

  private VhdxSeeds() {}

  static byte[] r(int kind, int size, int bs, int content, int flags, Recipe.Op... ops) {
    return new Recipe(kind, size, bs, content, flags, List.of(ops)).encode();
  }

  static Recipe.Op op(int code, long value) {
    return new Recipe.Op(code, value, new byte[0]);
  }

  static Recipe.Op op(int code, long value, byte[] bytes) {
    return new Recipe.Op(code, value, bytes);
  }

  /** A raw seed: kind {@link VhdxInput#RAW}, then the file. */
  static byte[] raw(SparseImage file) {
    return SparseCodec.encode(new byte[] {(byte) VhdxInput.RAW}, file);
  }

  // -----------------------------------------------------------------------------------------------

  static Map<String, byte[]> recipes() {
    Map<String, byte[]> out = new TreeMap<>();
    String[] kinds = {"fixed", "dynamic", "differencing", "fixed-4k", "dynamic-4k", "differencing-4k", "dirty"};
    int[][] shapes = {{S_1M, B_1M}, {S_3M_ODD, B_1M}, {S_8M, B_2M}, {S_64M, B_32M}, {S_4G, B_256M}, {S_4G, B_32M},
        {S_32G, B_256M}, {S_1T, B_256M}, {S_64T, B_256M}, {S_1M, B_256M}};
    for (int kind = 0; kind < kinds.length; kind++) {
      for (int[] s : shapes) {
        boolean fixed = kind == FIXED || kind == FIXED_4K;
        if (fixed && s[0] >= S_32G) {
          continue;
        }
        out.put("base-" + kinds[kind] + "-" + s[0] + "-" + s[1], r(kind, s[0], s[1], 1 + kind + s[0] * 7, 0));
      }
      out.put("base-" + kinds[kind] + "-empty", r(kind, S_8M, B_1M, 0, 0));
    }
    pitfalls(out);
    return out;
  }

  /**
   * The differential target's recipes: fewer than the open target's, since each input runs through
   * every engine; one base of each kind and the cases about where bytes are read from.
   */
  static Map<String, byte[]> differential() {
    Map<String, byte[]> out = new TreeMap<>();
    for (Map.Entry<String, byte[]> e : recipes().entrySet()) {
      String n = e.getKey();
      if (n.matches("base-.*-(2-1|4-3|7-4)") || n.matches("X(03|04|05|06|07|08|09|16|20|27|31|33|35|36|37|40)-.*")) {
        out.put(n, e.getValue());
      }
    }
    return out;
  }

  /** The bug list's cases (vhdx.md section 11) that recipe mutations express, named after them. */
  private static void pitfalls(Map<String, byte[]> out) {
    // METADATA_VALUE: bits 0-2 select the value, bit 3 the form.
    out.put("X01-block-size-0", r(DYNAMIC, S_8M, B_1M, 3, 0, op(METADATA_VALUE, 0 | 1 << 3)));
    out.put("X01-block-size-3m", r(DYNAMIC, S_8M, B_1M, 3, 0, op(METADATA_VALUE, 0 | 1 << 3 | (3 * MIB) << 4)));
    out.put("X01-block-size-512m", r(DYNAMIC, S_8M, B_1M, 3, 0, op(METADATA_VALUE, 0 | 29L << 4)));
    out.put("X01-logical-sector-0", r(DYNAMIC, S_8M, B_1M, 3, 0, op(METADATA_VALUE, 2 | 2 << 3)));
    out.put("X01-logical-sector-1024", r(DYNAMIC, S_8M, B_1M, 3, 0, op(METADATA_VALUE, 2 | 3 << 3)));
    out.put("X02-size-2p52-plus-2m", r(DYNAMIC, S_8M, B_1M, 3, 0, op(ITEM_FIELD, 1 | 6 << 4)));
    out.put("X02-size-64t-plus-2m", r(DYNAMIC, S_8M, B_1M, 3, 0, op(ITEM_FIELD, 1 | 5 << 4)));
    // ENTRY: block in bits 0-31, state 32-34, offset form bit 35, MiBs from bit 36.
    out.put("X03-fully-present-offset-0", r(DYNAMIC, S_8M, B_1M, 0, 0, op(ENTRY, 1 | 6L << 32)));
    out.put("X04-not-present-garbage-offset", r(DYNAMIC, S_8M, B_1M, 3, 0, op(ENTRY, 2 | 0L << 32 | 5L << 36)));
    out.put("X05-zero-block", r(DYNAMIC, S_8M, B_1M, 3, 0, op(ENTRY, 1 | 2L << 32)));
    out.put("X06-undefined-in-child", r(DIFFERENCING, S_8M, B_1M, 3, 0, op(ENTRY, 2 | 1L << 32)));
    out.put("X06-unmapped-in-child", r(DIFFERENCING, S_8M, B_1M, 3, 0, op(ENTRY, 0 | 3L << 32)));
    out.put("X07-fixed-past-chunk", r(FIXED, S_4G, B_256M, 5, 0));
    out.put("X08-dynamic-past-chunk", r(DYNAMIC, S_4G, B_32M, 6, 0));
    out.put("X08-dynamic-4k-past-chunk", r(DYNAMIC_4K, S_32G, B_256M, 6, 0));
    out.put("X09-dirty-log", r(DIRTY, S_8M, B_1M, 4, 0));
    out.put("X11-log-guid-no-entries", r(DYNAMIC, S_8M, B_1M, 3, 0, op(HEADER_GUID, 3 << 1 | 1 << 3 | 0x1234L << 4)));
    out.put("X16-torn-header-2", r(DYNAMIC, S_8M, B_1M, 3, 0, op(HEADER_FIELD, 1 | 1 << 1 | 0x77L << 5)));
    out.put("X16-torn-header-1", r(DYNAMIC, S_8M, B_1M, 3, 0, op(HEADER_FIELD, 0 | 0 << 1 | 0x77L << 5)));
    out.put("X18-equal-sequence-identical", r(DYNAMIC, S_8M, B_1M, 3, 0, op(COPY, 0)));
    out.put("X18-equal-sequence-different", r(DYNAMIC, S_8M, B_1M, 3, 0, op(SEQUENCE, 1 | 1 << 1),
        op(HEADER_GUID, 1 | 0 << 1 | 1 << 3 | 0x99L << 4)));
    out.put("X19-sequence-max", r(DYNAMIC, S_8M, B_1M, 3, 0, op(SEQUENCE, 1 | 2 << 1)));
    out.put("X20-region-table-1-damaged", r(DYNAMIC, S_8M, B_1M, 3, 0, op(REGION_FIELD, 0 | 0 << 1 | 1 << 2 | 7L << 8)));
    out.put("X20-region-tables-differ", r(DYNAMIC, S_8M, B_1M, 3, 0,
        op(REGION_FIELD, 1 | 1 << 1 | 0 << 2 | 2 << 5 | 1 << 7 | 0L << 8)));
    out.put("X21-region-overlap", r(DYNAMIC, S_8M, B_1M, 3, 0, op(EXTRA_REGION, 0 | 1 << 3 | 1L << 25 | 2L << 27)));
    out.put("X21-region-in-header-section", r(DYNAMIC, S_8M, B_1M, 3, 0,
        op(EXTRA_REGION, 0 | 1 << 3 | 1L << 25 | 1L << 26 | (64L << 10) << 27)));
    out.put("X21-region-duplicate-bat", r(DYNAMIC, S_8M, B_1M, 3, 0, op(EXTRA_REGION, 1 | 1 << 3)));
    out.put("X22-unknown-required-region", r(DYNAMIC, S_8M, B_1M, 3, 0, op(EXTRA_REGION, 0 | 1 << 3 | 1L << 23)));
    out.put("X22-unknown-required-item", r(DYNAMIC, S_8M, B_1M, 3, 0, op(EXTRA_ITEM, 3 | 4 << 4, new byte[8])));
    out.put("X23-size-item-outside-region", r(DYNAMIC, S_8M, B_1M, 3, 0,
        op(METADATA_FIELD, 1 | 1 << 1 | 0 << 5 | (2 * MIB) << 8)));
    out.put("X24-overlapping-items", r(DYNAMIC, S_8M, B_1M, 3, 0,
        op(METADATA_FIELD, 1 | 1 << 1 | 0 << 5 | (64L << 10) << 8)));
    out.put("X25-unknown-item-empty", r(DYNAMIC, S_8M, B_1M, 3, 0, op(EXTRA_ITEM, 3)));
    out.put("X25-user-item", r(DYNAMIC, S_8M, B_1M, 3, 0, op(EXTRA_ITEM, 3 | 1 << 4, new byte[] {1, 2, 3})));
    out.put("X26-size-not-sector-multiple", r(DYNAMIC, S_8M, B_1M, 3, 0, op(ITEM_FIELD, 1 | 2 << 4)));
    out.put("X27-odd-sector-count", r(DYNAMIC, S_3M_ODD, B_1M, 3, 0));
    out.put("X28-size-0", r(DYNAMIC, S_8M, B_1M, 3, 0, op(ITEM_FIELD, 1 | 0 << 4)));
    out.put("X29-4k-sectors", r(DYNAMIC_4K, S_64M, B_1M, 9, 0));
    out.put("X30-physical-1024", r(DYNAMIC, S_8M, B_1M, 3, 0, op(ITEM_FIELD, 4 | 3 << 3)));
    out.put("X31-bat-reserved-bits", r(DYNAMIC, S_8M, B_1M, 0, 0, op(BAT_ENTRY, 2 | 6L << 24 | 6L << 27 | 1L << 39)));
    out.put("X32-state-4", r(DYNAMIC, S_8M, B_1M, 3, 0, op(ENTRY, 3 | 4L << 32)));
    out.put("X32-state-5", r(DYNAMIC, S_8M, B_1M, 3, 0, op(ENTRY, 3 | 5L << 32)));
    out.put("X33-state-7-dynamic", r(DYNAMIC, S_8M, B_1M, 0, 0, op(BLOCK, 1 | 1L << 32)));
    out.put("X34-partial-without-bitmap", r(DIFFERENCING, S_8M, B_1M, 0, 0, op(BLOCK, 1 | 1L << 32),
        op(BITMAP_ENTRY, 0)));
    out.put("X35-partial-alternating", r(DIFFERENCING, S_8M, B_1M, 0, 0,
        op(BLOCK, 1 | 1L << 32 | 4L << 34 | 3L << 46, new byte[255])));
    out.put("X36-duplicate-offsets", r(DYNAMIC, S_8M, B_1M, 0, 0, op(BLOCK, 0, new byte[] {9}),
        op(BAT_ENTRY, 2 | 6L << 24 | 4L << 27)));
    out.put("X37-truncated", r(DYNAMIC, S_8M, B_1M, 11, 0, op(LENGTH, 4 << 2 | 1 << 16)));
    out.put("X37-disk2vhd-tail-512", r(DYNAMIC, S_8M, B_1M, 11, 0, op(LAYOUT, 1 | 1 << 1 | 1 << 3 | 3 << 5 | 1 << 7)));
    out.put("X37-last-block-cut", r(FIXED, S_3M_ODD, B_1M, 2, 0, op(LENGTH, 1 | (MIB - 512) << 2)));
    out.put("X38-present-past-chunk-ratio", r(DYNAMIC, S_4G, B_256M, 0, 0, op(BLOCK, 16, new byte[] {7})));
    out.put("X40-block-past-4g", r(DYNAMIC, S_8M, B_1M, 0, 0, op(PLACE, 4100 * MIB, new byte[] {1, 2, 3}),
        op(PLACE, 4101 * MIB - 1, new byte[] {4}), op(ENTRY, 1 | 6L << 32 | 1L << 35 | 4100L << 36)));
    out.put("X44-wrong-linkage", r(DIFFERENCING, S_8M, B_1M, 3, 0, op(LOCATOR, 0 | 0 << 2 | 2 << 5)));
    out.put("X44-linkage2-zero", r(DIFFERENCING, S_8M, B_1M, 3, 0, op(LOCATOR, 0 | 1 << 2 | 2 << 5)));
    out.put("X45-locator-count-0", r(DIFFERENCING, S_8M, B_1M, 3, 0, op(ITEM_FIELD, 5)));
    out.put("X45-locator-count-257", r(DIFFERENCING, S_8M, B_1M, 3, 0, op(ITEM_FIELD, 5 | 257L << 10)));
    out.put("X45-locator-odd-length", r(DIFFERENCING, S_8M, B_1M, 3, 0,
        op(ITEM_FIELD, 5 | 1 << 7 | 2 << 8 | 3L << 10)));
    out.put("X47-has-parent-without-locator", r(DIFFERENCING, S_8M, B_1M, 3, 0, op(LOCATOR, 3)));
    out.put("X47-locator-without-parent", r(DYNAMIC, S_8M, B_1M, 3, 0, op(LOCATOR, 3 | 1 << 5)));
    out.put("V10-header-reserved", r(DYNAMIC, S_8M, B_1M, 3, FIX, op(HEADER_FIELD, 1 | 7 << 1 | 5L << 16)));
    out.put("V06-version-2", r(DYNAMIC, S_8M, B_1M, 3, 0, op(HEADER_VERSION, 1 | 2 << 1)));
    out.put("V07-log-version-dirty", r(DIRTY, S_8M, B_1M, 4, 0, op(HEADER_VERSION, 1 | 1 << 1 | 1L << 17 | 1L << 18)));
    out.put("V15-region-required-reserved", r(DYNAMIC, S_8M, B_1M, 3, 0, op(LAYOUT, 1 | 3 << 1 | 1 << 3 | 3 << 5)));
    out.put("V15-qemu-required-0", r(DYNAMIC, S_8M, B_1M, 3, 0, op(LAYOUT, 0 | 0 << 1 | 0 << 3 | 3 << 5)));
    out.put("V24-metadata-signature", r(DYNAMIC, S_8M, B_1M, 3, 0, op(METADATA_FIELD, 0 | 0 << 1 | 0x55L << 8)));
    out.put("V44-incomplete-file", r(DYNAMIC, S_8M, B_1M, 3, 0, op(EXTRA_ITEM, 1 | 4 << 4)));
    out.put("raw-patch-bat", r(DYNAMIC, S_8M, B_1M, 3, 0, op(RAW, 7 | 8 << 4, new byte[] {6, 0, 0x30, 0, 0, 0, 0, 0})));
  }

  // -----------------------------------------------------------------------------------------------

  /** Whole crafted files, encoded raw. */
  static Map<String, byte[]> crafted() {
    Map<String, byte[]> out = new TreeMap<>();
    VhdxBuilder s4k = VhdxBuilder.dynamic(40L << 30, 32 * MIB);
    s4k.logicalSectorSize = 4096;
    VhdxInput.identify(s4k, 1);
    s4k.block(0, VhdxLogBuilder.pattern(1));
    s4k.block(1024, VhdxLogBuilder.pattern(2));
    s4k.block(1023, VhdxLogBuilder.pattern(3));
    out.put("sectors-4k-past-32g-chunk", raw(s4k.build().file));

    VhdxBuilder d = VhdxBuilder.differencing(8 * MIB, MIB, VhdxFixture.PARENT_512);
    VhdxInput.identify(d, 2);
    d.locator.put("relative_path", VhdxFixture.NAME_512);
    d.partial(0, VhdxLogBuilder.pattern(4));
    d.sectors(0, 0, 1).sectors(0, 3, 2).sectors(0, 7, 1);
    d.partial(5, new byte[(int) MIB]);
    d.sectors(5, 2040, 8);
    d.block(2, VhdxLogBuilder.pattern(5));
    d.entry(3, BatLayout.PAYLOAD_ZERO, 0);
    out.put("differencing-partial-blocks", raw(d.build().file));

    VhdxBuilder d4 = VhdxBuilder.differencing(8 * MIB, 2 * MIB, VhdxFixture.PARENT_4K);
    d4.logicalSectorSize = 4096;
    VhdxInput.identify(d4, 3);
    d4.partial(1, VhdxLogBuilder.pattern(6));
    d4.sectors(1, 0, 1);
    out.put("differencing-4k-partial", raw(d4.build().file));

    BuiltVhdx eq = base(4);
    eq.file.put(HeaderLayout.offset(2), eq.file.read(HeaderLayout.offset(1), HeaderLayout.SIZE));
    out.put("equal-sequence-identical-headers", raw(eq.file));

    BuiltVhdx torn = base(5);
    torn.header(2).set(HeaderLayout.SEQUENCE_NUMBER, 9);
    out.put("damaged-header-2", raw(torn.file));

    BuiltVhdx rt = base(6);
    rt.regionTable(1).set(RegionTableLayout.ENTRY_COUNT, 3);
    out.put("damaged-region-table-1", raw(rt.file));

    BuiltVhdx both = base(7);
    both.header(1).set(HeaderLayout.VERSION, 0);
    both.regionTable(2).set(RegionTableLayout.RESERVED, 1);
    out.put("damaged-header-1-and-region-table-2", raw(both.file));

    BuiltVhdx meta = base(8);
    meta.metadataEntry(Guids.VIRTUAL_DISK_SIZE, MetadataLayout.LENGTH, 4);
    out.put("metadata-size-item-short", raw(meta.file));

    out.put("dirty-log-wrapped", raw(dirtyWrapped()));
    return out;
  }

  // -----------------------------------------------------------------------------------------------

  private static Recipe.Op logEntry(long seqMode, long tailMode, long tailSectors, long guid, long flushed, long last) {
    return op(VhdxLogInput.ENTRY, seqMode | tailMode << 6 | tailSectors << 8 | guid << 21 | flushed << 23 | last << 26);
  }

  private static Recipe.Op logEntryAt(long sectors, long flushed, long last) {
    return op(VhdxLogInput.ENTRY, flushed << 23 | last << 26 | 1L << 29 | sectors << 30);
  }

  private static Recipe.Op logData(long target, long sector, long patchAt, byte[] patch) {
    return op(VhdxLogInput.DATA, target | sector << 4 | patchAt << 25, patch);
  }

  /** The seeds of {@link VhdxLogReplayFuzzTest}: the log cases of vhdx.md (X-9 to X-15, V17-V23). */
  static Map<String, byte[]> logs() {
    Map<String, byte[]> out = new TreeMap<>();
    // Targets (VhdxLogInput): 0 BAT, 1 metadata, 2 region table 1, 3 region table 2, 4 header 1,
    // 5 identifier, 6 the log, 7 the last block, 8 the file's end, 9 past it, 10 the metadata items.
    byte[] present = {6, 0, 0x40, 0, 0, 0, 0, 0};
    Recipe.Op place = op(VhdxLogInput.PLACE, 0, java.util.Arrays.copyOf(VhdxLogBuilder.pattern(3), 255));
    out.put("X09-bat-page-makes-block-present", r(0, 2, 0, 0, 0, place, logEntry(0, 0, 0, 0, 1, 2),
        logData(0, 0, 8, present)));
    out.put("X09-4k-sectors", r(1, 2, 0, 0, 0, place, logEntry(0, 0, 0, 0, 1, 2), logData(0, 0, 8, present)));
    out.put("X09-2m-log", r(0, 2, 0, 0, 2, place, logEntry(0, 0, 0, 0, 1, 2),
        logData(0, 0, 8, new byte[] {6, 0, 0x50, 0, 0, 0, 0, 0})));
    out.put("X09-with-data", r(0, 2, 1, 5, 0, logEntry(0, 0, 0, 0, 1, 0), logData(10, 0, 100, new byte[] {1, 2, 3})));
    out.put("X11-no-entries", r(0, 1, 0, 3, 0));
    out.put("X12a-tail-outside-run", r(0, 2, 0, 0, 0, place, logEntry(0, 2, 100, 0, 1, 2), logData(0, 0, 8, present)));
    out.put("X12b-sequence-gap", r(0, 2, 0, 0, 0, place, logEntry(0, 0, 0, 0, 1, 2), logData(0, 0, 8, present),
        logEntry(1, 1, 0, 0, 1, 2), logData(7, 0, 0, new byte[] {9})));
    out.put("X12c-data-signature", r(0, 2, 0, 0, 0, place, logEntry(0, 0, 0, 0, 1, 2), logData(0, 0, 8, present),
        op(VhdxLogInput.EDIT_BEFORE, 8 | 4096L << 8 | 0x41L << 28)));
    out.put("X12d-old-entry-before-tail", r(0, 2, 0, 0, 0, place, logEntry(0, 0, 0, 0, 1, 2),
        logData(0, 0, 8, present), logEntry(0, 2, 2, 0, 1, 2), logData(0, 0, 16, present)));
    out.put("X12-wrapped-sequence", r(0, 2, 0, 0, 0, place, logEntryAt(255, 1, 2), logData(0, 0, 8, present),
        logEntry(0, 1, 0, 0, 1, 2), logData(0, 0, 16, present)));
    out.put("X13-target-in-header", r(0, 2, 0, 3, 0, logEntry(0, 0, 0, 0, 1, 0), logData(4, 0, 0, new byte[] {1})));
    out.put("X13-target-identifier", r(0, 2, 0, 3, 0, logEntry(0, 0, 0, 0, 1, 0), logData(5, 0, 0, new byte[] {1})));
    out.put("X13-target-log", r(0, 2, 0, 3, 0, logEntry(0, 0, 0, 0, 1, 0), logData(6, 8, 0, new byte[] {1})));
    out.put("X13-zero-length-huge", r(0, 2, 0, 3, 0, logEntry(0, 0, 0, 0, 1, 0),
        op(VhdxLogInput.ZERO, 7 | 1L << 12 | (1L << 50) << 13)));
    out.put("X13-last-file-offset-huge", r(0, 2, 0, 3, 0, logEntry(0, 0, 0, 0, 1, 5), logData(7, 0, 0, new byte[] {1})));
    out.put("X13-past-end-grows-file", r(0, 2, 0, 3, 0, logEntry(0, 0, 0, 0, 1, 2), logData(9, 0, 0, new byte[] {1})));
    out.put("X14-flushed-past-end", r(0, 2, 0, 3, 0, logEntry(0, 0, 0, 0, 2, 0), logData(7, 0, 0, new byte[] {1})));
    out.put("X15-stale-entries-clean-header", r(0, 2, 0, 0, 0, op(VhdxLogInput.HEADER, 0), place,
        logEntry(0, 0, 0, 0, 1, 2), logData(0, 0, 8, present)));
    out.put("X15-other-guid", r(0, 2, 0, 0, 0, place, logEntry(0, 0, 0, 2, 1, 2), logData(0, 0, 8, present)));
    out.put("V07-log-version", r(0, 2, 0, 0, 0, op(VhdxLogInput.HEADER, 1 | 2 << 1 | 1 << 3), place,
        logEntry(0, 0, 0, 0, 1, 2), logData(0, 0, 8, present)));
    out.put("V09-log-length-0", r(0, 2, 0, 3, 0, op(VhdxLogInput.HEADER, 1 | 3 << 1)));
    out.put("V18-descriptor-count-huge", r(0, 2, 0, 3, 0, logEntry(0, 0, 0, 0, 1, 0), logData(7, 0, 0, new byte[] {1}),
        op(VhdxLogInput.EDIT_BEFORE, 2 | 0xFFFFFFFFL << 8)));
    out.put("V18-entry-length-huge", r(0, 2, 0, 3, 0, logEntry(0, 0, 0, 0, 1, 0), logData(7, 0, 0, new byte[] {1}),
        op(VhdxLogInput.EDIT_BEFORE, 0 | 0x40000000L << 8)));
    out.put("V18-checksum-stale", r(0, 2, 0, 3, 0, logEntry(0, 0, 0, 0, 1, 0), logData(7, 0, 0, new byte[] {1}),
        op(VhdxLogInput.EDIT_AFTER, 5 | 0x100000L << 8)));
    out.put("V20-padding", r(0, 2, 0, 0, 0, place, logEntry(0, 0, 0, 0, 1, 2), logData(0, 0, 8, present),
        op(VhdxLogInput.PADDING, 2)));
    out.put("V46-flushed-unaligned", r(0, 2, 0, 3, 0, logEntry(0, 0, 0, 0, 4, 0), logData(7, 0, 0, new byte[] {1})));
    return out;
  }

  // -----------------------------------------------------------------------------------------------

  private static Recipe.Op put(int key, int value) {
    return op(VhdxLocatorInput.PUT, key | value << 4);
  }

  private static Recipe.Op putRaw(int key, int value, String raw) {
    return op(VhdxLocatorInput.PUT, key | value << 4, raw.getBytes(java.nio.charset.StandardCharsets.UTF_16LE));
  }

  private static byte[] locator(int type, Recipe.Op... ops) {
    return r(0, type, 0, 0, 0, ops);
  }

  /** The seeds of {@link VhdxLocatorFuzzTest}: real locators and the cases of X-45 and V34. */
  static Map<String, byte[]> locators() {
    Map<String, byte[]> out = new TreeMap<>();
    // KEYS: 0 parent_linkage, 1 parent_linkage2, 2 relative_path, 3 volume_path, 4 absolute_win32_path.
    // VALUES: 0 the 512-byte parent's GUID, 2 the zero GUID, 3 not a GUID, 4 a relative path, 6 an absolute one.
    Recipe.Op linkage = put(0, 0);
    Recipe.Op relative = put(2, 4);
    out.put("windows-10-order", locator(0, linkage, put(4, 6), relative, putRaw(3, 8,
        "\\\\?\\Volume{1b3e2c4d-0000-0000-0000-100000000000}\\parent512.vhdx"), put(1, 2)));
    out.put("linkage-and-relative", locator(0, linkage, relative));
    java.util.List<byte[][]> hyperv = java.util.List.of(
        new byte[][] {"parent_linkage".getBytes(java.nio.charset.StandardCharsets.UTF_16LE),
            Guids.text(VhdxFixture.PARENT_512).toUpperCase(java.util.Locale.ROOT)
                .getBytes(java.nio.charset.StandardCharsets.UTF_16LE)},
        new byte[][] {"relative_path".getBytes(java.nio.charset.StandardCharsets.UTF_16LE),
            ".\\parent512.vhdx".getBytes(java.nio.charset.StandardCharsets.UTF_16LE)});
    ByteBuffer item = VhdxLocatorInput.layout(Guids.VHDX_LOCATOR_TYPE, hyperv);
    byte[] raw = new byte[item.capacity() + 1];
    raw[0] = 1;
    item.get(0, raw, 1, item.capacity());
    out.put("raw-uppercase-guid", raw);
    out.put("X45-count-0", locator(0, linkage, relative, op(VhdxLocatorInput.FIELD, 2 << 1)));
    out.put("X45-count-257", locator(0, linkage, relative, op(VhdxLocatorInput.REPEAT, 255)));
    out.put("X45-count-256-duplicates", locator(0, linkage, relative, op(VhdxLocatorInput.REPEAT, 254)));
    out.put("X45-odd-key-length", locator(0, linkage, relative, op(VhdxLocatorInput.FIELD, 1 | 1 << 1 | 2 << 10 | 3 << 13)));
    out.put("X45-offset-past-item", locator(0, linkage, relative,
        op(VhdxLocatorInput.FIELD, 1 | 1 << 1 | 1 << 10 | 1 << 12 | 0x7FFF0L << 16)));
    out.put("X45-embedded-nul", locator(0, linkage, putRaw(2, 8, "par\0ent.vhdx")));
    byte[] lone = "parent_.vhdx".getBytes(java.nio.charset.StandardCharsets.UTF_16LE);
    lone[12] = 0;
    lone[13] = (byte) 0xD8;
    out.put("X45-unpaired-surrogate", locator(0, linkage, op(VhdxLocatorInput.PUT, 2 | 8 << 4, lone)));
    out.put("X45-duplicate-keys", locator(0, linkage, relative, put(2, 5)));
    out.put("V34-wrong-type", locator(1, linkage, relative));
    out.put("V34-reserved", locator(0, linkage, relative, op(VhdxLocatorInput.FIELD, 1 << 1 | 1L << 16)));
    out.put("V34-no-linkage", locator(0, relative));
    out.put("V34-linkage-not-guid", locator(0, put(0, 3), relative));
    out.put("V34-no-path", locator(0, linkage));
    out.put("V34-zero-linkage2", locator(0, linkage, put(1, 2), relative));
    out.put("V34-item-cut", locator(0, linkage, relative, op(VhdxLocatorInput.LENGTH, 6 << 1)));
    return out;
  }

  /**
   * The input of {@link VhdxLocatorFuzzTest} that found a library defect (round VHDX 1): a 64 KiB
   * item of 256 entries whose keys and values are distinct windows of about 60 KiB of the same
   * text, which the parser decoded into 31 MiB of strings; it now refuses more text than the item
   * holds. {@link SeedGenerator} writes it among the target's regression inputs.
   */
  static byte[] overlappingLocator() {
    int size = Inputs.MAX_INPUT - 1;
    int n = io.github.vhd4j.internal.vhdx.layout.ParentLocatorLayout.MAX_ENTRIES;
    ByteBuffer b = ByteBuffer.allocate(size).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    Guids.put(b, io.github.vhd4j.internal.vhdx.layout.ParentLocatorLayout.LOCATOR_TYPE, Guids.VHDX_LOCATOR_TYPE);
    b.putShort(io.github.vhd4j.internal.vhdx.layout.ParentLocatorLayout.KEY_VALUE_COUNT.offset(), (short) n);
    int text = io.github.vhd4j.internal.vhdx.layout.ParentLocatorLayout.entryIndex(n);
    for (int at = text; at + 1 < size; at += 2) {
      b.putChar(at, (char) (0x100 + 'A' + (at / 2) % 26));
    }
    int length = (size - text - 4 * n) & ~1;
    for (int i = 0; i < n; i++) {
      int e = io.github.vhd4j.internal.vhdx.layout.ParentLocatorLayout.entryIndex(i);
      b.putInt(e, text + 2 * i);
      b.putInt(e + 4, text + 2 * (i + n));
      b.putShort(e + 8, (short) length);
      b.putShort(e + 10, (short) length);
    }
    byte[] out = new byte[size + 1];
    out[0] = 1;
    b.get(0, out, 1, size);
    return out;
  }

  private static BuiltVhdx base(int seed) {
    VhdxBuilder b = VhdxBuilder.dynamic(16 * MIB, 2 * MIB);
    VhdxInput.identify(b, seed);
    b.block(1, VhdxLogBuilder.pattern(seed));
    return b.build();
  }

  /** A dirty file whose two-entry sequence wraps past the log's end and writes a BAT page and zeros. */
  private static SparseImage dirtyWrapped() {
    VhdxBuilder b = VhdxBuilder.dynamic(16 * MIB, 2 * MIB);
    VhdxInput.identify(b, 9);
    b.block(0, VhdxLogBuilder.pattern(9));
    BuiltVhdx first = b.build();
    long end = first.file.length();
    byte[] page = first.file.read(first.batOffset, LogLayout.SECTOR);
    java.nio.ByteBuffer.wrap(page).order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .putLong(8, BatLayout.entry(BatLayout.PAYLOAD_FULLY_PRESENT, end));
    b.place(end, VhdxLogBuilder.pattern(10));
    UUID guid = VhdxInput.LOG_GUID;
    VhdxLogBuilder log = new VhdxLogBuilder(guid, (int) MIB);
    log.at(MIB - LogLayout.SECTOR);
    long tail = log.position();
    log.entry(100).zero(first.batOffset + 2 * LogLayout.SECTOR, LogLayout.SECTOR).flushed(end).write();
    log.entry(101).tail(tail).data(first.batOffset, page).flushed(end).last(end + 2 * MIB).write();
    b.logBytes = log.bytes();
    b.logGuid(guid);
    return b.build().file;
  }
}
