package io.github.vhd4j.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A test-only, fully mutable description of a VHD image that serialises to bytes. Every field of
 * the footer, the dynamic header, the locators and the table can be set to any value, including
 * invalid ones, so tests can build valid images and corrupt exactly one field.
 *
 * <p>Defaults follow the baseline of the pitfall catalogue: features 0x2, version 1.0, creator
 * {@code "jvhd"} on {@code "Wi2k"}, original = current size, the specification's geometry, a
 * random UUID and valid checksums. Dynamic images put the header at 512 and the table at 1536;
 * blocks follow the table (and locator data) in allocation order.
 *
 * <p>Checksums are computed unless overridden. {@link #patch} applies raw byte changes after
 * serialisation; {@link #patchAndFix} recomputes the footer and header checksums afterwards.
 */
public final class TestImage {
  public static final int FIXED = 2;
  public static final int DYNAMIC = 3;
  public static final int DIFFERENCING = 4;

  public static final long W2RU = 0x57327275L;
  public static final long W2KU = 0x57326B75L;
  public static final long WI2R = 0x57693272L;
  public static final long WI2K = 0x5769326BL;
  public static final long MACX = 0x4D616358L;
  public static final long MAC = 0x4D616320L;

  // ---- footer (offsets in the 512-byte footer) ----
  public byte[] cookie = "conectix".getBytes(StandardCharsets.US_ASCII);
  public long features = 2;
  public long formatVersion = 0x00010000L;
  /** Null: all ones for fixed disks, the header offset for the others. */
  public Long footerDataOffset;
  /** Seconds since 2000-01-01 UTC. */
  public long timestamp = 0x2A000000L;
  public String creatorApp = "jvhd";
  public long creatorVersion = 0x00010000L;
  public String creatorOs = "Wi2k";
  public long originalSize;
  public long currentSize;
  public int cylinders;
  public int heads;
  public int sectorsPerTrack;
  public long diskType;
  /** Null: computed. */
  public Long footerChecksum;
  public UUID uuid = UUID.randomUUID();
  public int savedState;
  /** Bytes 85..511 of the footer. */
  public byte[] footerReserved = new byte[427];
  /** Write the footer copy at offset 0 (dynamic and differencing). */
  public boolean headCopy = true;
  /** Null: same bytes as the tail footer. Otherwise these 512 bytes are written at offset 0. */
  public byte[] headCopyOverride;
  /** Write the footer at the end of the file. */
  public boolean tailFooter = true;
  /** Write a 511-byte footer (its last reserved byte dropped). */
  public boolean shortFooter;
  /**
   * Null: the natural length. Otherwise the serialised file is cut to (or zero-extended to) this
   * many bytes, like a truncated upload; structures past the cut are never materialised, so a
   * header may claim a huge table (max table entries 0x40000001, say) without the builder
   * allocating it.
   */
  public Long fileLength;

  // ---- dynamic header ----
  public byte[] headerCookie = "cxsparse".getBytes(StandardCharsets.US_ASCII);
  public long headerOffset = 512;
  public long headerNext = -1L;
  public long tableOffset = 1536;
  public long headerVersion = 0x00010000L;
  /** Null: ceil(currentSize / blockSize). */
  public Long maxTableEntries;
  public long blockSize = 2L << 20;
  /** Null: computed. */
  public Long headerChecksum;
  public UUID parentUuid = new UUID(0, 0);
  public long parentTimestamp;
  public String parentName = "";
  /** Raw parent name bytes (512) overriding {@link #parentName}. */
  public byte[] parentNameRaw;
  public long headerReserved1;
  public byte[] headerReserved2 = new byte[256];
  public final List<Locator> locators = new ArrayList<>();
  /** Value of table entries between maxTableEntries and the table's sector end. */
  public int batPadding = 0xFFFFFFFF;
  /** Bytes of zeros inserted after the table (and locators) before the first block. */
  public long gapBeforeBlocks;
  /** Align the first block's data to 4 KiB, as Hyper-V does. */
  public boolean alignBlocks4k;

  // ---- content ----
  /** Fixed disk data (currentSize bytes). */
  public byte[] fixedData = new byte[0];
  /** Allocated blocks by index, in allocation (file) order. */
  public final LinkedHashMap<Integer, Block> blocks = new LinkedHashMap<>();
  /** Table entries forced to a value, overriding the computed placement. */
  public final TreeMap<Integer, Integer> batOverride = new TreeMap<>();
  /** Extra zero bytes between blocks, keyed by the block they precede. */
  public final Map<Integer, Long> gapBeforeBlock = new LinkedHashMap<>();

  private final List<long[]> patchOffsets = new ArrayList<>();
  private final List<byte[]> patchBytes = new ArrayList<>();
  private final List<Boolean> patchFix = new ArrayList<>();

  /** A parent locator entry. */
  public static final class Locator {
    public int slot;
    public long code;
    /** Null: 512 (bytes, as Windows writes). */
    public Long dataSpace;
    /** Null: payload length. */
    public Long dataLength;
    /** Null: placed after the table. */
    public Long dataOffset;
    public long reserved;
    public byte[] payload = new byte[0];
  }

  /** An allocated block: its bitmap and data. */
  public static final class Block {
    public final byte[] bitmap;
    public final byte[] data;

    Block(int bitmapBytes, int blockSize) {
      bitmap = new byte[bitmapBytes];
      data = new byte[blockSize];
    }
  }

  private TestImage() {}

  /** A fixed disk of {@code size} zero bytes. */
  public static TestImage fixed(long size) {
    TestImage t = new TestImage();
    t.diskType = FIXED;
    t.setSize(size);
    t.fixedData = new byte[Math.toIntExact(size)];
    return t;
  }

  /** An empty dynamic disk. */
  public static TestImage dynamic(long size, long blockSize) {
    TestImage t = new TestImage();
    t.diskType = DYNAMIC;
    t.blockSize = blockSize;
    t.setSize(size);
    return t;
  }

  /**
   * An empty differencing disk over {@code parent}, with the parent's size, a W2ku locator
   * ({@code C:\vms\<name>}) in slot 0 and a W2ru locator ({@code .\<name>}) in slot 1, both UTF-16LE
   * with a data space of 512 bytes, and the parent name in the header.
   */
  public static TestImage differencing(TestImage parent, String parentFileName, long blockSize) {
    TestImage t = dynamic(parent.currentSize, blockSize);
    t.diskType = DIFFERENCING;
    t.parentUuid = parent.uuid;
    t.parentTimestamp = parent.timestamp;
    t.parentName = parentFileName;
    t.addLocator(0, W2KU, utf16le("C:\\vms\\" + parentFileName));
    t.addLocator(1, W2RU, utf16le(".\\" + parentFileName));
    return t;
  }

  /** Sets current and original size and the specification's geometry for it. */
  public TestImage setSize(long size) {
    currentSize = size;
    originalSize = size;
    io.github.vhd4j.Geometry g = io.github.vhd4j.Geometry.forSize(size);
    cylinders = g.cylinders();
    heads = g.heads();
    sectorsPerTrack = g.sectorsPerTrack();
    return this;
  }

  /** Adds a locator with the given payload. */
  public Locator addLocator(int slot, long code, byte[] payload) {
    Locator l = new Locator();
    l.slot = slot;
    l.code = code;
    l.payload = payload;
    locators.removeIf(x -> x.slot == slot);
    locators.add(l);
    return l;
  }

  public static byte[] utf16le(String s) {
    return s.getBytes(StandardCharsets.UTF_16LE);
  }

  public int bitmapBytes() {
    long bytes = (blockSize / 512 + 7) / 8;
    return (int) ((bytes + 511) / 512 * 512);
  }

  public long entries() {
    return maxTableEntries != null ? maxTableEntries : (currentSize + blockSize - 1) / blockSize;
  }

  /** Allocates a block (zero bitmap, zero data) if it is not allocated yet. */
  public Block block(int index) {
    return blocks.computeIfAbsent(index, i -> new Block(bitmapBytes(), Math.toIntExact(blockSize)));
  }

  /**
   * Writes guest data. Fixed: into the data. Dynamic and differencing: allocates the touched blocks
   * and sets exactly the bits of the touched sectors (bitmap-exact, as DiscUtils writes).
   */
  public TestImage write(long offset, byte[] data) {
    if (diskType == FIXED) {
      System.arraycopy(data, 0, fixedData, Math.toIntExact(offset), data.length);
      return this;
    }
    long pos = offset;
    int done = 0;
    while (done < data.length) {
      int index = (int) (pos / blockSize);
      int in = (int) (pos % blockSize);
      int n = (int) Math.min(data.length - done, blockSize - in);
      Block b = block(index);
      System.arraycopy(data, done, b.data, in, n);
      for (int s = in / 512; s <= (in + n - 1) / 512; s++) {
        b.bitmap[s >>> 3] |= (byte) (0x80 >>> (s & 7));
      }
      pos += n;
      done += n;
    }
    return this;
  }

  /** Fills {@code length} bytes at {@code offset} with one value. */
  public TestImage fill(long offset, int length, int value) {
    byte[] b = new byte[length];
    Arrays.fill(b, (byte) value);
    return write(offset, b);
  }

  /** Writes random bytes from a seeded generator. */
  public TestImage random(long offset, int length, long seed) {
    byte[] b = new byte[length];
    new Random(seed).nextBytes(b);
    return write(offset, b);
  }

  /** Patches raw bytes after serialisation, leaving checksums as computed before the patch. */
  public TestImage patch(long fileOffset, byte... bytes) {
    patchOffsets.add(new long[] {fileOffset});
    patchBytes.add(bytes.clone());
    patchFix.add(false);
    return this;
  }

  /**
   * Patches raw bytes after serialisation and then recomputes the checksums of the footer, the
   * head copy and the header (those still having a cookie).
   */
  public TestImage patchAndFix(long fileOffset, byte... bytes) {
    patchOffsets.add(new long[] {fileOffset});
    patchBytes.add(bytes.clone());
    patchFix.add(true);
    return this;
  }

  public static byte[] u32(long v) {
    return ByteBuffer.allocate(4).putInt((int) v).array();
  }

  public static byte[] u64(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  /** Position of the tail footer in the serialised file (for patching). */
  public long tailFooterOffset() {
    return layout().footerAt;
  }

  /** File offset at which block {@code index}'s bitmap is stored (after serialisation). */
  public long blockOffset(int index) {
    return layout().blockAt.get(index);
  }

  private static final class Layout {
    long footerAt;
    long locatorsEnd;
    final Map<Integer, Long> blockAt = new LinkedHashMap<>();
    final Map<Integer, Long> locatorAt = new LinkedHashMap<>();
  }

  private Layout layout() {
    Layout l = new Layout();
    if (diskType == FIXED) {
      l.footerAt = fixedData.length;
      return l;
    }
    long batBytes = roundUp(entries() * 4, 512);
    long end = Math.max(tableOffset + batBytes, headerOffset + 1024);
    for (Locator loc : sortedLocators()) {
      if (loc.dataOffset == null) {
        l.locatorAt.put(loc.slot, end);
        end += Math.max(roundUp(Math.max(loc.payload.length, 1), 512), 512);
      } else {
        l.locatorAt.put(loc.slot, loc.dataOffset);
      }
    }
    l.locatorsEnd = end;
    end += gapBeforeBlocks;
    if (alignBlocks4k) {
      end = roundUp(end + bitmapBytes(), 4096) - bitmapBytes();
    }
    for (int index : blocks.keySet()) {
      end += gapBeforeBlock.getOrDefault(index, 0L);
      l.blockAt.put(index, end);
      end += bitmapBytes() + blockSize;
    }
    l.footerAt = end;
    return l;
  }

  private List<Locator> sortedLocators() {
    List<Locator> out = new ArrayList<>(locators);
    out.sort((a, b) -> Integer.compare(a.slot, b.slot));
    return out;
  }

  /** Serialises the image. */
  public byte[] toBytes() {
    Layout l = layout();
    long fileLen = fileLength != null ? fileLength
        : l.footerAt + (tailFooter ? (shortFooter ? 511 : 512) : 0);
    ByteBuffer f = ByteBuffer.allocate(Math.toIntExact(fileLen));
    byte[] footer = footerBytes(diskType == FIXED ? -1L : headerOffset);
    if (diskType == FIXED) {
      putClipped(f, 0, fixedData);
    } else {
      if (headCopy) {
        putClipped(f, 0, headCopyOverride != null ? headCopyOverride : footer);
      }
      putClipped(f, headerOffset, headerBytes(l));
      // Only the part of the table that lies inside the file is built (see fileLength).
      long batBytes = roundUp(entries() * 4, 512);
      if (fileLength != null) {
        batBytes = Math.min(batBytes, roundUp(Math.max(0, fileLen - tableOffset), 4));
      }
      ByteBuffer bat = ByteBuffer.allocate(Math.toIntExact(batBytes));
      for (int i = 0; i < bat.capacity() / 4; i++) {
        bat.putInt(i * 4, i < entries() ? 0xFFFFFFFF : batPadding);
      }
      for (Map.Entry<Integer, Long> e : l.blockAt.entrySet()) {
        if (e.getKey() < bat.capacity() / 4) {
          bat.putInt(e.getKey() * 4, (int) (e.getValue() / 512));
        }
      }
      for (Map.Entry<Integer, Integer> e : batOverride.entrySet()) {
        if (e.getKey() * 4L + 4 > bat.capacity() && fileLength != null) {
          continue;
        }
        bat.putInt(e.getKey() * 4, e.getValue());
      }
      putClipped(f, tableOffset, bat.array());
      for (Locator loc : locators) {
        putClipped(f, l.locatorAt.get(loc.slot), loc.payload);
      }
      for (Map.Entry<Integer, Long> e : l.blockAt.entrySet()) {
        Block b = blocks.get(e.getKey());
        putClipped(f, e.getValue(), b.bitmap);
        putClipped(f, e.getValue() + bitmapBytes(), b.data);
      }
    }
    if (tailFooter) {
      putClipped(f, l.footerAt, shortFooter ? Arrays.copyOf(footer, 511) : footer);
    }
    byte[] out = f.array();
    for (int i = 0; i < patchBytes.size(); i++) {
      long at = patchOffsets.get(i)[0];
      byte[] b = patchBytes.get(i);
      if (at + b.length > out.length) {
        out = Arrays.copyOf(out, Math.toIntExact(at + b.length));
      }
      System.arraycopy(b, 0, out, Math.toIntExact(at), b.length);
      if (patchFix.get(i)) {
        fixChecksums(out);
      }
    }
    return out;
  }

  private static void putClipped(ByteBuffer f, long at, byte[] b) {
    if (at < 0 || at >= f.capacity()) {
      return;
    }
    int n = (int) Math.min(b.length, f.capacity() - at);
    f.put(Math.toIntExact(at), b, 0, n);
  }

  /** Recomputes the checksums of the tail footer, the head copy and the header in {@code file}. */
  public static void fixChecksums(byte[] file) {
    ByteBuffer b = ByteBuffer.wrap(file);
    int len = file.length;
    int tail = len % 512 == 511 ? len - 511 : len - 512;
    if (tail >= 0 && hasCookie(file, tail, "conectix")) {
      byte[] fb = Arrays.copyOf(Arrays.copyOfRange(file, tail, len), 512);
      ByteBuffer fbb = ByteBuffer.wrap(fb);
      fbb.putInt(64, (int) checksum(fb, 64));
      System.arraycopy(fb, 0, file, tail, len - tail);
    }
    if (len >= 512 && tail != 0 && hasCookie(file, 0, "conectix")) {
      b.putInt(64, (int) checksum(Arrays.copyOfRange(file, 0, 512), 64));
      long hdr = b.getLong(16);
      if (hdr >= 0 && hdr + 1024 <= len && hasCookie(file, (int) hdr, "cxsparse")) {
        int h = (int) hdr;
        b.putInt(h + 36, (int) checksum(Arrays.copyOfRange(file, h, h + 1024), 36));
      }
    } else if (tail >= 0 && hasCookie(file, tail, "conectix")) {
      long hdr = b.getLong(tail + 16);
      if (hdr >= 0 && hdr + 1024 <= len && hasCookie(file, (int) hdr, "cxsparse")) {
        int h = (int) hdr;
        b.putInt(h + 36, (int) checksum(Arrays.copyOfRange(file, h, h + 1024), 36));
      }
    }
  }

  private static boolean hasCookie(byte[] file, int at, String cookie) {
    byte[] c = cookie.getBytes(StandardCharsets.US_ASCII);
    if (at < 0 || at + c.length > file.length) {
      return false;
    }
    return Arrays.equals(Arrays.copyOfRange(file, at, at + c.length), c);
  }

  /** The one's complement byte sum with the 4 bytes at {@code checksumAt} taken as zero. */
  public static long checksum(byte[] structure, int checksumAt) {
    long sum = 0;
    for (int i = 0; i < structure.length; i++) {
      if (i < checksumAt || i >= checksumAt + 4) {
        sum += structure[i] & 0xFF;
      }
    }
    return ~sum & 0xFFFFFFFFL;
  }

  /** The 512 footer bytes as they will be written. */
  public byte[] footerBytes(long defaultDataOffset) {
    ByteBuffer b = ByteBuffer.allocate(512);
    b.put(0, cookie, 0, Math.min(8, cookie.length));
    b.putInt(8, (int) features);
    b.putInt(12, (int) formatVersion);
    b.putLong(16, footerDataOffset != null ? footerDataOffset : defaultDataOffset);
    b.putInt(24, (int) timestamp);
    b.put(28, creatorApp.getBytes(StandardCharsets.ISO_8859_1), 0, 4);
    b.putInt(32, (int) creatorVersion);
    b.put(36, creatorOs.getBytes(StandardCharsets.ISO_8859_1), 0, 4);
    b.putLong(40, originalSize);
    b.putLong(48, currentSize);
    b.putShort(56, (short) cylinders);
    b.put(58, (byte) heads);
    b.put(59, (byte) sectorsPerTrack);
    b.putInt(60, (int) diskType);
    b.putLong(68, uuid.getMostSignificantBits());
    b.putLong(76, uuid.getLeastSignificantBits());
    b.put(84, (byte) savedState);
    b.put(85, footerReserved);
    byte[] a = b.array();
    b.putInt(64, (int) (footerChecksum != null ? footerChecksum : checksum(a, 64)));
    return a;
  }

  private byte[] headerBytes(Layout l) {
    ByteBuffer b = ByteBuffer.allocate(1024);
    b.put(0, headerCookie, 0, Math.min(8, headerCookie.length));
    b.putLong(8, headerNext);
    b.putLong(16, tableOffset);
    b.putInt(24, (int) headerVersion);
    b.putInt(28, (int) entries());
    b.putInt(32, (int) blockSize);
    b.putLong(40, parentUuid.getMostSignificantBits());
    b.putLong(48, parentUuid.getLeastSignificantBits());
    b.putInt(56, (int) parentTimestamp);
    b.putInt(60, (int) headerReserved1);
    if (parentNameRaw != null) {
      b.put(64, parentNameRaw, 0, Math.min(512, parentNameRaw.length));
    } else {
      byte[] name = parentName.getBytes(StandardCharsets.UTF_16BE);
      b.put(64, name, 0, Math.min(512, name.length));
    }
    for (Locator loc : locators) {
      int e = 576 + 24 * loc.slot;
      b.putInt(e, (int) loc.code);
      b.putInt(e + 4, (int) (loc.dataSpace != null ? loc.dataSpace : 512));
      b.putInt(e + 8, (int) (loc.dataLength != null ? loc.dataLength : loc.payload.length));
      b.putInt(e + 12, (int) loc.reserved);
      b.putLong(e + 16, l.locatorAt.get(loc.slot));
    }
    b.put(768, headerReserved2);
    byte[] a = b.array();
    b.putInt(36, (int) (headerChecksum != null ? headerChecksum : checksum(a, 36)));
    return a;
  }

  /** Writes the image to a file. */
  public Path writeTo(Path file) throws IOException {
    Files.write(file, toBytes());
    return file;
  }

  /** The bytes a reader must return for this image (dynamic blocks read as stored). */
  public byte[] expectedContent(byte[] parentContent) {
    int size = Math.toIntExact(currentSize);
    if (diskType == FIXED) {
      return Arrays.copyOf(fixedData, size);
    }
    byte[] out = new byte[size];
    if (diskType == DIFFERENCING) {
      System.arraycopy(parentContent, 0, out, 0, Math.min(size, parentContent.length));
    }
    for (Map.Entry<Integer, Block> e : blocks.entrySet()) {
      long start = (long) e.getKey() * blockSize;
      if (start >= size) {
        continue;
      }
      Block b = e.getValue();
      int n = (int) Math.min(blockSize, size - start);
      for (int s = 0; s < (n + 511) / 512; s++) {
        boolean set = (b.bitmap[s >>> 3] & (0x80 >>> (s & 7))) != 0;
        if (diskType == DYNAMIC || set) {
          int from = s * 512;
          int m = Math.min(512, n - from);
          System.arraycopy(b.data, from, out, (int) start + from, m);
        }
      }
    }
    return out;
  }

  /** The expected content of a non-differencing image. */
  public byte[] expectedContent() {
    return expectedContent(new byte[0]);
  }

  private static long roundUp(long v, long unit) {
    return (v + unit - 1) / unit * unit;
  }
}
