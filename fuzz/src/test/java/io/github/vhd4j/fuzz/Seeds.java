package io.github.vhd4j.fuzz;

import io.github.vhd4j.testing.TestImage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The raw seed images, built with the core test-jar's {@link TestImage}: one image of every disk
 * type and block size, and one image per case of the pitfall catalogue, sections A to F
 * ({@code ../shared/reference/pitfalls.md} section 5), named after the case. {@link SeedGenerator}
 * writes them into the inputs directories; they are committed.
 *
 * <p>Every image fits in {@link Inputs#MAX_INPUT} bytes, the size the fuzzer may generate, so
 * cases the catalogue states with megabyte blocks are scaled down (4 KiB blocks where data is
 * needed); the property each case is about is kept. UUIDs derive from the seed's name, so
 * regenerating gives the same bytes.
 */
final class Seeds {
  private static final long K = 1024;
  private static final long M = 1024 * 1024;

  private Seeds() {}

  static UUID uuid(String name) {
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
  }

  private static TestImage fx(String name, long size) {
    TestImage t = TestImage.fixed(size);
    t.uuid = uuid(name);
    return t;
  }

  private static TestImage dy(String name, long size, long blockSize) {
    TestImage t = TestImage.dynamic(size, blockSize);
    t.uuid = uuid(name);
    return t;
  }

  /** Appends the image's footer to bytes cut short by {@link TestImage#fileLength}. */
  private static byte[] withTail(TestImage t, byte[] bytes) {
    byte[] out = Arrays.copyOf(bytes, bytes.length + 512);
    System.arraycopy(t.footerBytes(t.headerOffset), 0, out, bytes.length, 512);
    return out;
  }

  // -----------------------------------------------------------------------------------------------
  // One image of every disk type and block size

  static Map<String, byte[]> builderImages() {
    Map<String, byte[]> out = new TreeMap<>();
    for (long size : new long[] {0, 512, 4 * K, 34 * K, 60 * K}) {
      String name = "fixed-" + size;
      TestImage t = fx(name, size);
      if (size > 0) {
        t.random(0, (int) Math.min(size, 3000), size);
      }
      out.put(name, t.toBytes());
    }
    // Every power-of-two block size from one sector to the 256 MiB cap: small ones with data in
    // a few blocks (bitmap-exact, some partial), large ones empty (one block would not fit).
    for (int shift = 9; shift <= 28; shift++) {
      long bs = 1L << shift;
      String name = "dynamic-bs" + bs;
      long size = bs <= 8 * K ? 64 * K : Math.max(4 * M, 2 * bs);
      TestImage t = dy(name, size, bs);
      if (bs <= 8 * K) {
        t.random(0, 700, shift);
        t.fill(3 * bs + 100, (int) bs, 0x5A);
        t.random(size - 600, 600, shift + 1);
      }
      out.put(name, t.toBytes());
      String diff = "differencing-bs" + bs;
      TestImage d = ChainFixture.child(bs);
      d.uuid = uuid(diff);
      if (bs <= 8 * K) {
        d.random(1000, 1200, shift);
        d.fill(ChainFixture.SIZE - 512, 512, 0xD1);
      }
      out.put(diff, d.toBytes());
    }
    TestImage empty = dy("dynamic-empty-0", 0, 2 * M);
    out.put("dynamic-empty-0", empty.toBytes());
    TestImage big = dy("dynamic-2040GiB-bs256M", 0xFF000000L * 512, 256 * M);
    out.put("dynamic-2040GiB-bs256M", big.toBytes());
    TestImage hyperv = dy("dynamic-hyperv-layout", 64 * K, 4 * K);
    hyperv.alignBlocks4k = true;
    hyperv.creatorApp = "win ";
    hyperv.random(0, 9000, 7);
    out.put("dynamic-hyperv-layout", hyperv.toBytes());
    TestImage shortFooter = dy("dynamic-short-footer", 32 * K, 4 * K);
    shortFooter.shortFooter = true;
    shortFooter.random(5000, 3000, 8);
    out.put("dynamic-short-footer", shortFooter.toBytes());
    return out;
  }

  // -----------------------------------------------------------------------------------------------
  // Pitfall catalogue, sections A to F

  static Map<String, byte[]> pitfalls() {
    Map<String, byte[]> out = new TreeMap<>();
    footer(out);
    header(out);
    table(out);
    blocks(out);
    chain(out, "image.vhd");
    size(out);
    return out;
  }

  private static void footer(Map<String, byte[]> out) {
    out.put("A01-short-file-1", new byte[1]);
    out.put("A01-short-file-511", new byte[511]);
    out.put("A01-short-file-512", new byte[512]);

    TestImage a02 = dy("A02", 4 * M, 2 * M);
    a02.cookie = "conectiy".getBytes(StandardCharsets.US_ASCII);
    out.put("A02-footer-bad-cookie", a02.toBytes());

    TestImage a03 = fx("A03", 32 * K);
    a03.random(0, 4096, 3);
    byte[] b03 = a03.toBytes();
    b03[(int) a03.tailFooterOffset() + 67] ^= 1;
    out.put("A03-footer-checksum", b03);

    for (long v : new long[] {0x00020000L, 0x00000001L}) {
      TestImage t = fx("A04", 4 * K);
      t.formatVersion = v;
      out.put("A04-footer-version-" + Long.toHexString(v), t.toBytes());
    }
    for (long type : new long[] {0, 1, 5, 6, 7, 0xFFFFFFFFL}) {
      TestImage t = fx("A05", 4 * K);
      t.diskType = type;
      out.put("A05-footer-disk-type-" + Long.toHexString(type), t.toBytes());
    }
    for (long off : new long[] {0x200, 0}) {
      TestImage t = fx("A06", 4 * K);
      t.footerDataOffset = off;
      out.put("A06-fixed-data-offset-" + Long.toHexString(off), t.toBytes());
    }
    TestImage a07base = dy("A07", 4 * M, 2 * M);
    long eof = a07base.toBytes().length;
    for (long off : new long[] {0, 0x100, 0x201, -1L, eof - 512, eof + 4096}) {
      TestImage t = dy("A07", 4 * M, 2 * M);
      t.footerDataOffset = off;
      out.put("A07-dynamic-data-offset-" + Long.toHexString(off), t.toBytes());
    }
    for (long f : new long[] {0x0, 0x3, 0x102, 0xFFFF0002L}) {
      TestImage t = fx("A08", 4 * K);
      t.features = f;
      out.put("A08-footer-features-" + Long.toHexString(f), t.toBytes());
    }
    TestImage a09 = fx("A09", 4 * K);
    a09.footerReserved[0] = 1;
    out.put("A09-footer-reserved-hidden-byte", a09.toBytes());
    TestImage a09b = fx("A09", 4 * K);
    a09b.footerReserved[0x1FF - 85] = (byte) 0xAA;
    out.put("A09-footer-reserved-last-byte", a09b.toBytes());

    TestImage a10 = dy("A10", 4 * M, 2 * M);
    a10.creatorApp = "tap\0";
    a10.creatorVersion = 0x00010001L;
    long sum = TestImage.checksum(a10.footerBytes(a10.headerOffset), 64);
    a10.footerReserved[0] = 1;
    a10.footerChecksum = sum;
    out.put("A10-tap-hidden-checksum", a10.toBytes());

    for (int s : new int[] {1, 2}) {
      TestImage t = fx("A11", 4 * K);
      t.savedState = s;
      out.put("A11-saved-state-" + s, t.toBytes());
    }
    TestImage a12 = dy("A12", 4 * M, 2 * M);
    long ts = a12.timestamp;
    a12.timestamp = ts + 100;
    a12.headCopyOverride = a12.footerBytes(a12.headerOffset);
    a12.timestamp = ts;
    out.put("A12-copy-mismatch-timestamp", a12.toBytes());
    TestImage a12b = dy("A12", 4 * M, 2 * M);
    a12b.currentSize = 2 * M;
    a12b.maxTableEntries = 2L;
    a12b.headCopyOverride = a12b.footerBytes(a12b.headerOffset);
    a12b.currentSize = 4 * M;
    out.put("A12-copy-mismatch-current-size", a12b.toBytes());

    TestImage a13 = dy("A13", 64 * K, 4 * K);
    a13.random(4096, 4096, 13);
    byte[] b13 = a13.toBytes();
    Arrays.fill(b13, b13.length - 512, b13.length, (byte) 0xC7);
    out.put("A13-eof-footer-killed", b13);
    TestImage a13b = dy("A13", 64 * K, 4 * K);
    a13b.random(4096, 4096, 13);
    a13b.tailFooter = false;
    out.put("A13-eof-footer-truncated", a13b.toBytes());

    byte[] inner = dy("A14-inner", 4 * M, 2 * M).toBytes();
    TestImage a14 = fx("A14", 32 * K);
    System.arraycopy(inner, 0, a14.fixedData, 0, 1536);
    out.put("A14-nested-vhd", a14.toBytes());

    TestImage a15 = fx("A15", 4 * K);
    a15.uuid = new UUID(0, 0);
    out.put("A15-null-uuid", a15.toBytes());

    for (long t : new long[] {0, 0xFFFFFFFFL, 0x3B000000L}) {
      TestImage f = fx("A16", 4 * K);
      f.timestamp = t;
      out.put("A16-timestamp-" + Long.toHexString(t), f.toBytes());
    }
  }

  private static void header(Map<String, byte[]> out) {
    TestImage b17 = dy("B17", 4 * M, 2 * M);
    b17.headerCookie = "cxsparsf".getBytes(StandardCharsets.US_ASCII);
    out.put("B17-header-cookie", b17.toBytes());

    TestImage b18 = dy("B18", 4 * M, 2 * M);
    b18.headerChecksum = 0x12345678L;
    out.put("B18-header-checksum", b18.toBytes());

    for (long v : new long[] {0x00010001L, 0}) {
      TestImage t = dy("B19", 4 * M, 2 * M);
      t.headerVersion = v;
      out.put("B19-header-version-" + Long.toHexString(v), t.toBytes());
    }
    TestImage b20 = dy("B20", 64 * M, 2 * M);
    b20.patchAndFix(512 + 32, TestImage.u32(0));
    out.put("B20-block-size-zero", b20.toBytes());
    for (long bs : new long[] {0x80, 0x1FF, 0x12345678L, 0x600}) {
      TestImage t = dy("B21", 64 * M, 2 * M);
      t.patchAndFix(512 + 32, TestImage.u32(bs));
      out.put("B21-block-size-invalid-" + Long.toHexString(bs), t.toBytes());
    }
    TestImage b22 = dy("B22", 16 * K, 512);
    b22.random(0, 3000, 22);
    b22.random(12 * K, 1500, 23);
    out.put("B22-block-size-512", b22.toBytes());
    for (long bs : new long[] {1L << 31, 1L << 30, 1L << 28}) {
      TestImage t = dy("B23", 64 * M, 2 * M);
      t.patchAndFix(512 + 32, TestImage.u32(bs));
      out.put("B23-block-size-huge-" + Long.toHexString(bs), t.toBytes());
    }
    for (long next : new long[] {0x200, 0, 0xFFFFFFFFL, 0x400}) {
      TestImage t = dy("B24", 4 * M, 2 * M);
      t.headerNext = next;
      out.put("B24-header-next-" + Long.toHexString(next), t.toBytes());
    }
    TestImage b25base = dy("B25", 4 * M, 2 * M);
    long eof = b25base.toBytes().length;
    for (long off : new long[] {0, 0x200, 0x601, eof - 512, eof + 512}) {
      TestImage t = dy("B25", 4 * M, 2 * M);
      t.patchAndFix(512 + 16, TestImage.u64(off));
      out.put("B25-table-offset-" + Long.toHexString(off), t.toBytes());
    }
    TestImage b25b = dy("B25", 4 * M, 2 * M);
    b25b.patchAndFix(512 + 28, TestImage.u32((eof - 512 - 0x600) / 4 + 1));
    out.put("B25-table-past-footer", b25b.toBytes());

    TestImage b26 = dy("B26", 4 * M, 2 * M);
    b26.headerReserved1 = 1;
    out.put("B26-header-reserved-23c", b26.toBytes());
    TestImage b26b = dy("B26", 4 * M, 2 * M);
    b26b.headerReserved2[0] = 1;
    out.put("B26-header-reserved-300", b26b.toBytes());

    TestImage b27 = dy("B27", 4 * M, 2 * M);
    b27.parentUuid = uuid("B27-parent");
    b27.parentName = "ghost.vhd";
    b27.addLocator(0, TestImage.W2KU, TestImage.utf16le("C:\\vms\\ghost.vhd"));
    out.put("B27-parent-fields-on-dynamic", b27.toBytes());
  }

  private static void table(Map<String, byte[]> out) {
    TestImage c28 = dy("C28", 34816, 512);
    c28.creatorApp = "qemu";
    c28.maxTableEntries = 0x40000001L;
    c28.tailFooter = false;
    c28.fileLength = 1028L;
    out.put("C28-afl5-max-table-entries", c28.toBytes());

    for (long max : new long[] {0xFFFFFFFFL, 0x80000000L}) {
      TestImage t = dy("C29", 4 * M, 2 * M);
      t.maxTableEntries = max;
      t.fileLength = 2048L;
      out.put("C29-max-entries-" + Long.toHexString(max), withTail(t, t.toBytes()));
    }
    TestImage c30 = dy("C30", 64 * M, 2 * M);
    c30.maxTableEntries = 31L;
    out.put("C30-bat-too-small", c30.toBytes());
    for (long max : new long[] {33, 1000}) {
      TestImage t = dy("C31", 64 * M, 2 * M);
      t.maxTableEntries = max;
      out.put("C31-bat-too-large-" + max, t.toBytes());
    }
    TestImage c32 = dy("C32", 0, 512);
    c32.setSize(1L << 41);
    c32.maxTableEntries = 1L;
    out.put("C32-too-many-blocks", c32.toBytes());

    TestImage c33 = dy("C33", 16 * K, 4 * K);
    c33.random(0, 4096, 33);
    long eof = c33.toBytes().length;
    c33.batOverride.put(1, (int) ((eof + 4096) / 512));
    out.put("C33-entry-past-eof", c33.toBytes());
    for (long v : new long[] {0x00800000L, 0xFFFFFFFEL}) {
      TestImage t = dy("C34", 16 * K, 4 * K);
      t.random(0, 4096, 34);
      t.batOverride.put(0, (int) v);
      out.put("C34-entry-high-" + Long.toHexString(v), t.toBytes());
    }
    TestImage c35 = dy("C35", 16 * K, 4 * K);
    c35.random(0, 8192, 35);
    c35.batOverride.put(1, (int) (c35.blockOffset(0) / 512));
    out.put("C35-duplicate-blocks", c35.toBytes());
    TestImage c35b = dy("C35", 16 * K, 4 * K);
    c35b.random(0, 8192, 35);
    c35b.batOverride.put(1, (int) (c35b.blockOffset(0) / 512 + 1));
    out.put("C35-overlapping-blocks-off-by-bitmap", c35b.toBytes());
    for (int v : new int[] {0, 1, 3}) {
      TestImage t = dy("C36", 16 * K, 4 * K);
      t.random(0, 4096, 36);
      t.batOverride.put(0, v);
      out.put("C36-entry-into-metadata-" + v, t.toBytes());
    }
    TestImage c37 = dy("C37", 16 * K, 4 * K);
    c37.batPadding = 0;
    c37.random(4096, 100, 37);
    out.put("C37-bat-padding-zero", c37.toBytes());
    TestImage c37b = dy("C37", 16 * K, 4 * K);
    c37b.batPadding = 0x12345678;
    out.put("C37-bat-padding-random", c37b.toBytes());
    TestImage c38 = dy("C38", 16 * K, 4 * K);
    c38.random(2 * 4096, 4096, 380);
    c38.random(0, 4096, 381);
    c38.random(4096, 4096, 382);
    c38.gapBeforeBlock.put(0, 4096L);
    out.put("C38-unordered-and-gaps", c38.toBytes());
  }

  private static void blocks(Map<String, byte[]> out) {
    TestImage d39 = dy("D39", 16 * K, 4 * K);
    TestImage.Block b = d39.block(0);
    b.bitmap[0] = (byte) 0x80;
    Arrays.fill(b.data, 0, 512, (byte) 0xAA);
    Arrays.fill(b.data, 512, 1024, (byte) 0xBB);
    out.put("D39-bitmap-bit-order", d39.toBytes());

    TestImage d40 = dy("D40", 16 * K, 4 * K);
    Arrays.fill(d40.block(1).data, (byte) 0x40);
    out.put("D40-data-under-clear-bits", d40.toBytes());

    TestImage d41 = dy("D41", 16 * K, 4 * K);
    Arrays.fill(d41.block(2).bitmap, (byte) 0xFF);
    out.put("D41-all-ones-bitmap", d41.toBytes());

    TestImage d42 = dy("D42", 16 * K, 4 * K);
    d42.random(0, 4096, 42);
    d42.random(2 * 4096, 4096, 43);
    out.put("D42-cross-block-io", d42.toBytes());

    TestImage d43 = dy("D43", 6 * K, 4 * K);
    d43.random(4096, 2048, 44);
    out.put("D43-partial-last-block", d43.toBytes());

    out.put("D44-block-size-512k", dy("D44", 4 * M, 512 * K).toBytes());
    out.put("D44-block-size-4m", dy("D44", 8 * M, 4 * M).toBytes());

    TestImage d45 = dy("D45", 16 * K, 4 * K);
    d45.random(0, 8192, 45);
    d45.fileLength = d45.blockOffset(1) + 512 + 2048;
    d45.tailFooter = false;
    out.put("D45-truncated-block-data", d45.toBytes());
    TestImage d45b = dy("D45", 16 * K, 4 * K);
    d45b.random(0, 8192, 45);
    d45b.fileLength = d45b.blockOffset(1) + 256;
    d45b.tailFooter = false;
    out.put("D45-truncated-block-bitmap", d45b.toBytes());
  }

  /**
   * Section E as children of {@link ChainFixture}'s parent. In a directory with that chain they
   * open; alone (the raw targets) they fail to find a parent, which is part of what they test.
   *
   * @param selfName the file name the child has where it is opened (for the cycle case)
   */
  static void chain(Map<String, byte[]> out, String selfName) {
    TestImage e46 = ChainFixture.child(4096);
    TestImage.Block blk = e46.block(0);
    blk.bitmap[0] = (byte) 0xF0;
    Arrays.fill(blk.data, 0, 4 * 512, (byte) 0x22);
    out.put("E46-basic-mix", e46.toBytes());

    TestImage e47 = ChainFixture.child(4096);
    e47.write(4096, new byte[512]);
    out.put("E47-zero-write-over-ancestor", e47.toBytes());

    TestImage e48 = ChainFixture.child(4096);
    e48.fill(8192 + 5 * 512, 2 * 512, 0x48);
    out.put("E48-partial-write-bitmap", e48.toBytes());

    TestImage e49 = ChainFixture.child(4096);
    e49.parentUuid = uuid("E49-somebody-else");
    out.put("E49-parent-uuid-mismatch", e49.toBytes());

    TestImage e50 = ChainFixture.child(4096);
    e50.parentTimestamp += 1000;
    out.put("E50-parent-timestamp-mismatch", e50.toBytes());

    TestImage e51 = ChainFixture.child(4096);
    e51.parentUuid = e51.uuid;
    e51.parentName = selfName;
    e51.addLocator(1, TestImage.W2RU, TestImage.utf16le(".\\" + selfName));
    out.put("E51-cycle-to-itself", e51.toBytes());

    TestImage e52 = ChainFixture.child(4096);
    e52.random(20_000, 3000, 52);
    out.put("E52-windows-locators", e52.toBytes());

    TestImage e53 = ChainFixture.child(4096);
    e53.addLocator(1, TestImage.W2RU, ".\\parent.vhd".getBytes(StandardCharsets.UTF_16BE));
    out.put("E53-locator-utf16be", e53.toBytes());
    TestImage e53b = ChainFixture.child(4096);
    e53b.addLocator(1, TestImage.W2RU, Arrays.copyOf(TestImage.utf16le(".\\parent.vhd"), 5));
    out.put("E53-locator-odd-length", e53b.toBytes());
    TestImage e53c = ChainFixture.child(4096);
    byte[] bom = TestImage.utf16le("\uFEFF.\\parent.vhd\0\0");
    e53c.addLocator(1, TestImage.W2RU, bom);
    out.put("E53-locator-bom-and-nuls", e53c.toBytes());
    TestImage e53d = ChainFixture.child(4096);
    byte[] surrogates = new byte[512];
    for (int i = 0; i < 512; i += 2) {
      surrogates[i] = (byte) 0xD8;
    }
    e53d.parentNameRaw = surrogates;
    out.put("E53-parent-name-unpaired-surrogates", e53d.toBytes());

    for (long space : new long[] {1, 512, 1000}) {
      TestImage t = ChainFixture.child(4096);
      t.locators.forEach(l -> l.dataSpace = space);
      out.put("E54-data-space-" + space, t.toBytes());
    }

    TestImage e55 = ChainFixture.child(4096);
    e55.locators.get(0).dataLength = 0xFFFFFFFFL;
    out.put("E55-locator-length-ffffffff", e55.toBytes());
    TestImage e55b = ChainFixture.child(4096);
    e55b.locators.get(0).dataSpace = 1L;
    e55b.locators.get(0).payload = TestImage.utf16le("C:\\" + "d\\".repeat(200) + "parent.vhd");
    out.put("E55-locator-longer-than-space", e55b.toBytes());
    TestImage e55c = ChainFixture.child(4096);
    e55c.locators.get(0).dataOffset = 1L << 40;
    out.put("E55-locator-beyond-eof", e55c.toBytes());
    TestImage e55d = ChainFixture.child(4096);
    e55d.locators.get(1).dataOffset = 1536L;
    out.put("E55-locator-over-bat", e55d.toBytes());

    TestImage e56 = ChainFixture.child(4096);
    e56.locators.clear();
    e56.addLocator(0, TestImage.WI2K, "C:\\vms\\parent.vhd".getBytes(StandardCharsets.US_ASCII));
    e56.addLocator(1, TestImage.WI2R, ".\\parent.vhd".getBytes(StandardCharsets.US_ASCII));
    e56.addLocator(2, TestImage.MAC, new byte[] {0, 0, 0, 0, 1, 2, 3, 4, 'a', 'l', 'i', 'a', 's'});
    e56.addLocator(3, TestImage.MACX, "file://localhost/Users/a/b%20c.vhd".getBytes(StandardCharsets.UTF_8));
    e56.addLocator(4, 0x12345678L, new byte[] {1, 2, 3, 4});
    e56.addLocator(5, 0x4D163220L, new byte[] {5, 6, 7, 8});
    out.put("E56-platform-codes", e56.toBytes());

    TestImage e57 = ChainFixture.child(4096);
    e57.setSize(2 * ChainFixture.SIZE);
    e57.fill(ChainFixture.SIZE + 4096, 1000, 0x57);
    out.put("E57-child-larger-than-parent", e57.toBytes());

    TestImage e58 = ChainFixture.child(4096);
    e58.parentUuid = new UUID(0, 0);
    out.put("E58-null-parent-uuid", e58.toBytes());

    TestImage e59 = ChainFixture.child(4096);
    e59.locators.clear();
    e59.parentName = "";
    out.put("E59-no-way-to-the-parent", e59.toBytes());
  }

  private static void size(Map<String, byte[]> out) {
    TestImage f60 = dy("F60", 136_365_211_648L, 64 * M);
    f60.creatorApp = "vpc ";
    f60.creatorOs = "Wi2k";
    f60.cylinders = 65278;
    f60.heads = 16;
    f60.sectorsPerTrack = 255;
    out.put("F60-virtual-pc-chs", f60.toBytes());

    TestImage f61 = dy("F61", 136_365_211_648L, 64 * M);
    f61.creatorApp = "win ";
    f61.cylinders = 65278;
    f61.heads = 16;
    f61.sectorsPerTrack = 255;
    f61.alignBlocks4k = true;
    out.put("F61-hyper-v-current-size", f61.toBytes());

    TestImage f62 = dy("F62", 263_454_720L, 2 * M);
    f62.creatorApp = "d2v\0";
    f62.cylinders = 65535;
    f62.heads = 16;
    f62.sectorsPerTrack = 255;
    f62.batPadding = 0;
    out.put("F62-disk2vhd-max-chs", f62.toBytes());

    TestImage f63 = dy("F63", 0x140000000L, 2 * M);
    f63.creatorApp = "wa\0\0";
    f63.cylinders = 10402;
    f63.heads = 16;
    f63.sectorsPerTrack = 63;
    out.put("F63-azure-wa", f63.toBytes());

    TestImage f64 = fx("F64", 4 * K);
    f64.creatorApp = "\0\0\0\0";
    f64.creatorOs = "\0\0\0\0";
    f64.timestamp = 0;
    f64.cylinders = 0;
    f64.heads = 0;
    f64.sectorsPerTrack = 0;
    out.put("F64-zero-geometry", f64.toBytes());

    TestImage f65 = dy("F65", 1L << 30, 2 * M);
    f65.creatorApp = "vbox";
    f65.cylinders = 2080;
    f65.heads = 16;
    f65.sectorsPerTrack = 63;
    out.put("F65-vbox-non-chs", f65.toBytes());

    TestImage f66 = fx("F66", 32 * K);
    f66.cylinders = 1000;
    f66.heads = 16;
    f66.sectorsPerTrack = 63;
    out.put("F66-geometry-too-large", f66.toBytes());

    TestImage f67 = dy("F67", 4 * M, 2 * M);
    f67.currentSize = 1_048_577L;
    f67.originalSize = 1_048_577L;
    out.put("F67-unaligned-size", f67.toBytes());

    out.put("F68-zero-size", dy("F68", 0, 2 * M).toBytes());

    TestImage f69 = dy("F69", 0xFF000000L * 512 + 512, 256 * M);
    out.put("F69-max-size-plus-one-sector", f69.toBytes());
    TestImage f69b = dy("F69", 0xFF000000L * 512, 256 * M);
    out.put("F69-max-size-exact", f69b.toBytes());

    TestImage f70 = fx("F70", 8 * K);
    f70.currentSize = 8 * K + 2 * M;
    f70.originalSize = f70.currentSize;
    out.put("F70-fixed-size-larger-than-file", f70.toBytes());
    TestImage f70b = fx("F70", 8 * K);
    f70b.currentSize = 8 * K - 512;
    out.put("F70-fixed-size-smaller-than-file", f70b.toBytes());

    TestImage f71 = dy("F71", 3_168_256L, 2 * M);
    f71.creatorApp = "vpc ";
    out.put("F71-chs-rounded-size", f71.toBytes());

    TestImage f72 = dy("F72", 130L << 30, 64 * M);
    f72.creatorApp = "qemu";
    f72.cylinders = 65535;
    f72.heads = 16;
    f72.sectorsPerTrack = 255;
    out.put("F72-130GiB-max-chs", f72.toBytes());
  }

  // -----------------------------------------------------------------------------------------------
  // Children of ChainFixture's parent, for the fuzzed-child target

  static Map<String, byte[]> chainChildren() {
    Map<String, byte[]> out = new TreeMap<>();
    for (long bs : new long[] {512, 1024, 4096, 8192, 16 * K, 64 * K, 2 * M}) {
      TestImage c = ChainFixture.child(bs);
      if (bs <= 8 * K) {
        c.random(0, 1500, bs);
        c.fill(7000, 3000, 0xC1);
        c.random(ChainFixture.SIZE - 700, 700, bs + 1);
      }
      out.put("child-bs" + bs, c.toBytes());
    }
    TestImage empty = ChainFixture.child(4096);
    out.put("child-empty", empty.toBytes());
    TestImage sparse = ChainFixture.child(4096);
    for (int i = 0; i < 64; i += 7) {
      sparse.fill(i * 4096L + (i % 8) * 512, 512, i);
    }
    out.put("child-every-7th-block-one-sector", sparse.toBytes());
    return out;
  }
}
