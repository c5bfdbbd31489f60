package io.github.vhd4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.DynamicHeader;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.testing.TestImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Entry point: dynamic header and block allocation table parsing, with structured inputs. A
 * {@link Recipe} picks a valid dynamic or differencing image and mutates it in two ways: through
 * the builder (moving the header or the table, resizing the table, padding, gaps, 4 KiB alignment,
 * dropping blocks, table entries pointing anywhere, duplicated or shifted blocks, parent fields,
 * truncation) and as raw patches of header fields (cookie, next offset, table offset, version,
 * maximum table entries, block size, checksum, reserved bytes, any byte). When the recipe says so
 * the checksums are recomputed after the mutations; otherwise the header keeps the checksum of the
 * unmutated header, or an explicit fuzzer value.
 *
 * <p>Besides the {@link Battery}: whatever opens strictly has a header equal to an independent
 * decoding, a valid header checksum, a block size within the documented cap and a table that fits
 * the file and covers the disk; and when only consistent (builder) mutations were made, the content
 * equals what the image was built with.
 */
class DynamicHeaderParseFuzzTest {
  // Builder mutations: the image stays self-consistent.
  static final int TABLE_OFFSET_MOVE = 0;
  static final int HEADER_OFFSET_MOVE = 1;
  static final int MAX_ENTRIES_SMALL = 2;
  static final int BAT_PADDING = 3;
  static final int GAP_BEFORE_BLOCKS = 4;
  static final int ALIGN_4K = 5;
  static final int DROP_BLOCK = 6;
  static final int PARENT_UUID = 7;
  static final int PARENT_TIMESTAMP = 8;
  static final int PARENT_NAME_RAW = 9;
  static final int HEADER_RESERVED_BUILDER = 10;
  // Mutations that make the layout disagree with the content the builder put there.
  static final int BAT_ENTRY = 11;
  static final int DUPLICATE_BLOCK = 12;
  static final int SHIFT_BLOCK = 13;
  static final int FILE_LENGTH = 14;
  static final int NO_HEAD_COPY = 15;
  // Raw patches of header fields, at the header's offset after serialisation.
  static final int H_COOKIE = 16;
  static final int H_NEXT = 17;
  static final int H_TABLE_OFFSET = 18;
  static final int H_VERSION = 19;
  static final int H_MAX_ENTRIES = 20;
  static final int H_BLOCK_SIZE = 21;
  static final int H_CHECKSUM = 22;
  static final int H_RESERVED = 23;
  static final int H_BYTE = 24;
  static final int H_BLOCK_SIZE_POW2 = 25;
  static final int H_MAX_ENTRIES_SPECIAL = 26;
  static final int OPS = 27;

  /** Table sizes that break int arithmetic or allocation when trusted. */
  static final long[] SPECIAL_ENTRIES = {0x40000001L, 0xFFFFFFFFL, 0x80000000L, 0x7FFFFFFFL, 0x10000001L,
      (1L << 28) + 1, 1L << 28, 0};

  @VhdFuzzTest
  void shouldParseAnyHeaderFields(byte[] input) throws IOException {
    Recipe recipe = Recipe.decode(input);
    Bases.Base base = Bases.build(recipe, Bases.DYNAMIC, Bases.DIFFERENCING);
    TestImage t = base.image();
    byte[] originalHeader = header(t.toBytes(), t.headerOffset);
    long originalChecksum = ByteBuffer.wrap(originalHeader).getInt(36) & 0xFFFFFFFFL;
    boolean consistent = true;
    boolean headerFieldOps = false;
    long fileDelta = 0;
    List<Recipe.Op> patches = new ArrayList<>();
    for (Recipe.Op op : recipe.ops()) {
      long v = op.value();
      long entries = t.entries();
      switch (op.code() % OPS) {
        case TABLE_OFFSET_MOVE -> {
          t.tableOffset = op.bits(0, 8) * 512 + (op.bits(63, 1) == 1 ? op.bits(8, 9) : 0);
          // The builder then places blocks off sector boundaries, where no table entry can point.
          consistent &= t.tableOffset % 512 == 0;
        }
        case HEADER_OFFSET_MOVE -> t.headerOffset = 512 + op.bits(0, 6) * 512;
        case MAX_ENTRIES_SMALL -> t.maxTableEntries = Math.floorMod(v, 2 * entries + 8);
        case BAT_PADDING -> t.batPadding = (int) v;
        case GAP_BEFORE_BLOCKS -> {
          t.gapBeforeBlocks = op.bits(0, 4) * 512 + (op.bits(63, 1) == 1 ? op.bits(4, 9) : 0);
          consistent &= t.gapBeforeBlocks % 512 == 0;
        }
        case ALIGN_4K -> t.alignBlocks4k = true;
        case DROP_BLOCK -> {
          List<Integer> allocated = new ArrayList<>(t.blocks.keySet());
          if (!allocated.isEmpty()) {
            t.blocks.remove(allocated.get((int) Math.floorMod(v, (long) allocated.size())));
          }
        }
        case PARENT_UUID -> t.parentUuid = v == 0 ? new UUID(0, 0) : new UUID(v, v * 31);
        case PARENT_TIMESTAMP -> t.parentTimestamp = v & 0xFFFFFFFFL;
        case PARENT_NAME_RAW -> t.parentNameRaw = op.bytes();
        case HEADER_RESERVED_BUILDER -> t.headerReserved1 = v & 0xFFFFFFFFL;
        case BAT_ENTRY -> {
          t.batOverride.put((int) Math.floorMod(v, entries + 2), (int) (v >>> 32));
          consistent = false;
        }
        case DUPLICATE_BLOCK, SHIFT_BLOCK -> {
          List<Integer> allocated = new ArrayList<>(t.blocks.keySet());
          if (!allocated.isEmpty()) {
            int from = allocated.get((int) Math.floorMod(v, (long) allocated.size()));
            int to = op.code() % OPS == SHIFT_BLOCK ? from : (int) Math.floorMod(v >>> 16, entries + 1);
            long delta = op.code() % OPS == SHIFT_BLOCK ? Math.floorMod(v >>> 32, 17L) - 8 : 0;
            t.batOverride.put(to, (int) (t.blockOffset(from) / 512 + delta));
            consistent = false;
          }
        }
        case FILE_LENGTH -> {
          fileDelta = Math.floorMod(v, 16384L) - 8192;
          consistent = false;
        }
        case NO_HEAD_COPY -> t.headCopy = false;
        default -> {
          patches.add(op);
          headerFieldOps = true;
        }
      }
    }
    if (!recipe.fixChecksums() && !headerFieldOps) {
      // Builder changes get the old header's checksum: stale unless nothing in the header moved.
      t.headerChecksum = originalChecksum;
    }
    // TestImage writes overrides only into the table it serialises (entries padded to a sector).
    long slots = (t.entries() * 4 + 511) / 512 * 128;
    t.batOverride.keySet().removeIf(index -> index >= slots);
    byte[] bytes = t.toBytes();
    long h = t.headerOffset;
    boolean explicitChecksum = false;
    for (Recipe.Op op : patches) {
      long v = op.value();
      switch (op.code() % OPS) {
        case H_COOKIE -> put(bytes, h, Arrays.copyOf(op.bytes(), 8));
        case H_NEXT -> put(bytes, h + 8, TestImage.u64(v));
        case H_TABLE_OFFSET -> put(bytes, h + 16, TestImage.u64(v));
        case H_VERSION -> put(bytes, h + 24, TestImage.u32(v));
        case H_MAX_ENTRIES -> put(bytes, h + 28, TestImage.u32(v));
        case H_BLOCK_SIZE -> put(bytes, h + 32, TestImage.u32(v));
        case H_CHECKSUM -> {
          put(bytes, h + 36, TestImage.u32(v));
          explicitChecksum = true;
        }
        case H_RESERVED -> put(bytes, h + 768 + op.bits(0, 8), new byte[] {(byte) op.bits(8, 8)});
        case H_BYTE -> put(bytes, h + op.bits(0, 10), new byte[] {(byte) op.bits(10, 8)});
        case H_BLOCK_SIZE_POW2 -> put(bytes, h + 32, TestImage.u32(1L << op.bits(0, 5)));
        default -> put(bytes, h + 28, TestImage.u32(SPECIAL_ENTRIES[(int) op.bits(0, 3)]));
      }
      if (op.code() % OPS != H_NEXT && op.code() % OPS != H_CHECKSUM && op.code() % OPS != H_RESERVED) {
        consistent = false;
      }
    }
    if (recipe.fixChecksums()) {
      byte[] kept = explicitChecksum ? Arrays.copyOfRange(bytes, (int) h + 36, (int) h + 40) : null;
      TestImage.fixChecksums(bytes);
      if (kept != null) {
        put(bytes, h + 36, kept);
      }
    }
    if (fileDelta != 0) {
      bytes = Arrays.copyOf(bytes, (int) Math.max(0, bytes.length + fileDelta));
    }

    byte[] file = bytes;
    Battery.run(Bases.memory(file), List.of(file), base.options(), Inputs.random(file));
    Outcome<VhdImage> strict = Outcome.of(() -> Vhd.open(ByteBuffer.wrap(file), base.options()));
    if (!strict.ok()) {
      return;
    }
    try (VhdImage img = strict.value()) {
      checkHeader(file, img);
      if (consistent) {
        Bases.assertContent(img, base);
      }
    }
  }

  private static byte[] header(byte[] file, long offset) {
    return Arrays.copyOfRange(file, (int) offset, (int) offset + 1024);
  }

  private static void put(byte[] file, long at, byte[] value) {
    for (int i = 0; i < value.length; i++) {
      if (at + i >= 0 && at + i < file.length) {
        file[(int) (at + i)] = value[i];
      }
    }
  }

  /** The header of a strictly opened image, against an independent decoding of the file. */
  private static void checkHeader(byte[] file, VhdImage img) {
    DynamicHeader got = img.getDynamicHeader();
    assertNotNull(got);
    byte[] raw = Decode.header(file, got.offset());
    assertNotNull(raw, "the header at " + got.offset() + " is not inside the file");
    assertEquals(img.getFooter().dataOffset(), got.offset(), "the header is not where the footer points");
    assertTrue(Decode.headerChecksumOk(raw), "a header with a wrong checksum opened strictly");
    Decode.HeaderFields want = Decode.HeaderFields.of(raw);
    assertEquals(want.next(), got.dataOffset(), "dataOffset");
    assertEquals(want.tableOffset(), got.tableOffset(), "tableOffset");
    assertEquals(want.version(), got.headerVersion(), "headerVersion");
    assertEquals(want.maxTableEntries(), got.maxTableEntries(), "maxTableEntries");
    assertEquals(want.blockSize(), got.blockSize(), "blockSize");
    assertEquals(want.checksum(), got.checksum(), "checksum");
    assertEquals(want.parentUuid(), got.parentUuid(), "parentUuid");
    assertEquals(want.parentTimestamp(), got.parentTimestamp(), "parentTimestamp");
    assertEquals(8, got.parentLocators().size(), "eight locator entries");
    assertTrue(got.blockSize() <= Vhd.MAX_BLOCK_SIZE, "block size above the cap opened: " + got.blockSize());
    assertTrue(got.tableOffset() >= 0 && got.tableOffset() + 4 * got.maxTableEntries() <= file.length,
        "the table does not fit in the file");
    long blocks = (img.getSize() + got.blockSize() - 1) / got.blockSize();
    assertTrue(got.maxTableEntries() >= blocks, "a table of " + got.maxTableEntries() + " entries for "
        + blocks + " blocks opened");
    assertFalse(got.maxTableEntries() > Vhd.MAX_TABLE_ENTRIES, "table above the cap opened");
  }
}
