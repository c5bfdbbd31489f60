package io.github.vhd4j.internal;

import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.DiskType;
import io.github.vhd4j.Footer;
import io.github.vhd4j.Geometry;
import io.github.vhd4j.ParentLocator.Platform;
import io.github.vhd4j.SizeMode;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.internal.storage.OpenFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Writes new image files: the footer (offset 0 copy and tail), the dynamic header, the block
 * allocation table and the parent locators, laid out as QEMU does or, when asked, as Hyper-V does
 * (4 KiB-aligned data).
 */
public final class Creator {
  /** Footer creator application (offset 28): this library. */
  public static final String CREATOR_APP = "vhdj";
  /** Footer creator version (offset 32): vhd4j 0.1. */
  public static final long CREATOR_VERSION = 0x0000_0001L;
  /** Footer features (offset 8): the reserved bit, which the specification says is always set. */
  private static final long FEATURES = 0x2;
  private static final int FOOTER = 512;
  private static final int HEADER = 1024;
  /** Table offset of the layouts written here: right after the footer copy and the header. */
  static final long TABLE_OFFSET = FOOTER + HEADER;
  /** The alignment of block data in Hyper-V's layout. */
  static final int ALIGN = 4096;

  private Creator() {}

  /** The footer's size fields for a requested size. */
  record Sizing(long currentSize, Geometry geometry) {}

  /**
   * Computes current size and geometry. CHS mode grows the sector count until a geometry covers
   * it, as qemu-img does (so a conversion never truncates), and uses the size the geometry
   * addresses; at the largest geometry the size is kept. Exact mode keeps the size and uses the
   * geometry only when it addresses exactly that size.
   *
   * @param size requested bytes
   * @param mode the size mode
   * @return the fields
   */
  static Sizing sizing(long size, SizeMode mode) {
    long sectors = (size + Vhd.SECTOR_SIZE - 1) / Vhd.SECTOR_SIZE;
    long target = Math.min(sectors, Geometry.MAX_SECTORS);
    Geometry g = new Geometry(0, 0, 0);
    // Bounded: the spec algorithm's rounding loses at most 16 x 255 sectors.
    for (long i = 0; target > g.sectors(); i++) {
      g = Geometry.forSize((target + i) * Vhd.SECTOR_SIZE);
    }
    Geometry max = new Geometry(65535, 16, 255);
    if (mode == SizeMode.CHS) {
      return g.sectors() == Geometry.MAX_SECTORS ? new Sizing(sectors * Vhd.SECTOR_SIZE, max)
          : new Sizing(g.capacity(), g);
    }
    return new Sizing(sectors * Vhd.SECTOR_SIZE, g.sectors() == sectors ? g : max);
  }

  /**
   * Returns the footer time stamp for now (offset 24): seconds since 2000-01-01 UTC.
   *
   * @return the time stamp, an unsigned 32-bit value
   */
  static long timestamp() {
    return Math.max(0, Instant.now().getEpochSecond() - Footer.VHD_EPOCH_SECONDS) & 0xFFFF_FFFFL;
  }

  /** What a differencing disk records about its parent. */
  record ParentInfo(Path path, UUID uniqueId, long footerTimestamp, long virtualSize) {}

  /**
   * Creates the file, leased from {@link OpenFiles} as a writer (locked as
   * {@code o.openOptions().locking()} says) before its first byte is written. Fails if it exists;
   * on failure, removes what it wrote.
   *
   * @param path the new file
   * @param o what to create
   * @param parent for a differencing disk, its parent
   * @return the new file's lease, still held: the caller opens the image on it, and closes it
   * @throws IOException if the file exists or cannot be written
   */
  public static OpenFiles.Lease create(Path path, CreateOptions o, @Nullable VhdImage parent) throws IOException {
    long timestamp = timestamp();
    UUID uuid = o.uniqueId() != null ? o.uniqueId() : UUID.randomUUID();
    Sizing sizing;
    if (o.diskType() == DiskType.DIFFERENCING) {
      if (parent == null) {
        throw new IllegalArgumentException("a differencing disk needs an open parent");
      }
      long size = o.size() >= 0 ? o.size() : parent.getSize();
      if (size > parent.getSize()) {
        // Readable by vhd4j (zeros past the parent), but 7-Zip and libvhdi fail there
        // (conformance/DIVERGENCES.md case 13): vhd4j does not make such chains.
        throw new IllegalArgumentException("a differencing disk cannot be larger than its parent (" + size
            + " > " + parent.getSize() + " bytes): 7-Zip and libvhdi cannot read past the parent's end;"
            + " resize the parent first");
      }
      if (size % Vhd.SECTOR_SIZE != 0) {
        size = (size + Vhd.SECTOR_SIZE - 1) / Vhd.SECTOR_SIZE * Vhd.SECTOR_SIZE;
      }
      sizing = sizing(size, SizeMode.EXACT);
    } else {
      sizing = sizing(o.size(), o.sizeMode());
    }
    long cap = o.diskType() == DiskType.FIXED ? CreateOptions.MAX_FIXED_SIZE : Vhd.MAX_DYNAMIC_SIZE;
    if (sizing.currentSize() > cap) {
      throw new IllegalArgumentException("a " + o.diskType().name().toLowerCase(Locale.ROOT) + " disk holds at most "
          + cap + " bytes: " + sizing.currentSize());
    }
    byte[] footer = footer(o.diskType(), sizing, timestamp, uuid);
    // CREATE_NEW: an existing file is never touched, and a failure below removes only our file.
    OpenFiles.Lease file = OpenFiles.open(path, OpenFiles.Access.CREATE, o.openOptions().locking());
    boolean ok = false;
    try {
      FileChannel ch = file.channel();
      if (o.diskType() == DiskType.FIXED) {
        write(ch, sizing.currentSize(), footer);
      } else {
        writeSparse(ch, path, o, sizing, footer, parent);
      }
      ch.force(true);
      ok = true;
      return file;
    } finally {
      if (!ok) {
        file.close();
        Files.deleteIfExists(path);
      }
    }
  }

  private static void writeSparse(FileChannel ch, Path path, CreateOptions o, Sizing sizing, byte[] footer,
      @Nullable VhdImage parent) throws IOException {
    long blockSize = o.blockSize();
    long entries = (sizing.currentSize() + blockSize - 1) / blockSize;
    if (entries > Vhd.MAX_TABLE_ENTRIES) {
      throw new IllegalArgumentException(entries + " blocks of " + blockSize + " bytes exceed the "
          + Vhd.MAX_TABLE_ENTRIES + " table entries this library opens; use a larger block size");
    }
    long batEnd = TABLE_OFFSET + roundUp(entries * 4, Vhd.SECTOR_SIZE);
    if (o.aligned()) {
      batEnd = roundUp(batEnd, ALIGN);
    }
    // Locator payloads, each in its own 512-byte-rounded area after the table.
    List<byte[]> payloads = new ArrayList<>();
    List<Platform> platforms = new ArrayList<>();
    String parentName = "";
    UUID parentUuid = new UUID(0, 0);
    long parentTimestamp = 0;
    if (parent != null) {
      Path pp = parent.getPath();
      if (pp == null) {
        throw new IllegalArgumentException("the parent must be a file");
      }
      Path abs = pp.toAbsolutePath().normalize();
      Path childDir = path.toAbsolutePath().normalize().getParent();
      String relative = relative(childDir, abs);
      platforms.add(Platform.W2RU);
      payloads.add(relative.getBytes(StandardCharsets.UTF_16LE));
      platforms.add(Platform.W2KU);
      payloads.add(windowsAbsolute(abs).getBytes(StandardCharsets.UTF_16LE));
      platforms.add(Platform.MACX);
      payloads.add(abs.toUri().toASCIIString().getBytes(StandardCharsets.UTF_8));
      Path name = abs.getFileName();
      parentName = name == null ? "" : name.toString();
      parentUuid = parent.getFooter().uniqueId();
      parentTimestamp = parent.getFooter().timestamp();
    }
    long[] locOffsets = new long[payloads.size()];
    long at = batEnd;
    for (int i = 0; i < payloads.size(); i++) {
      locOffsets[i] = at;
      at += roundUp(payloads.get(i).length, Vhd.SECTOR_SIZE);
    }
    long bitmapBytes = roundUp((blockSize / Vhd.SECTOR_SIZE + 7) / 8, Vhd.SECTOR_SIZE);
    // The tail footer marks where the first block will go; aligned layouts put that block's data
    // on a 4 KiB boundary, as Hyper-V does.
    long footerAt = o.aligned() ? roundUp(at + bitmapBytes, ALIGN) - bitmapBytes : at;

    byte[] h = header(TABLE_OFFSET, entries, blockSize, parentUuid, parentTimestamp, parentName, platforms,
        payloads, locOffsets);

    write(ch, 0, footer);
    write(ch, FOOTER, h);
    // The table: all entries unallocated, padded with 0xFF to its area's end.
    byte[] ff = new byte[(int) Math.min(1 << 20, Math.max(batEnd - TABLE_OFFSET, 0))];
    Arrays.fill(ff, (byte) 0xFF);
    for (long p = TABLE_OFFSET; p < batEnd; ) {
      int n = (int) Math.min(ff.length, batEnd - p);
      write(ch, p, ff, n);
      p += n;
    }
    for (int i = 0; i < payloads.size(); i++) {
      write(ch, locOffsets[i], payloads.get(i));
    }
    write(ch, footerAt, footer);
  }

  /**
   * Encodes a dynamic header (its checksum included).
   *
   * @param tableOffset where the block allocation table starts (header offset 16)
   * @param entries the table's entry count (offset 28)
   * @param blockSize bytes per block (offset 32)
   * @param parentUuid the parent's unique id, zero without a parent (offset 40)
   * @param parentTimestamp the parent's footer time stamp, 0 without a parent (offset 56)
   * @param parentName the parent's file name, empty without a parent (offset 64)
   * @param platforms the locators' platform codes, in entry order (offset 576)
   * @param payloads the locators' data
   * @param locOffsets where each locator's data lies in the file
   * @return 1024 bytes
   */
  static byte[] header(long tableOffset, long entries, long blockSize, UUID parentUuid, long parentTimestamp,
      String parentName, List<Platform> platforms, List<byte[]> payloads, long[] locOffsets) {
    ByteBuffer h = ByteBuffer.allocate(HEADER);
    h.put(0, Codec.HEADER_COOKIE);
    h.putLong(8, -1L);                      // data offset: unused, all ones (as Microsoft's tools expect)
    h.putLong(16, tableOffset);             // table offset
    h.putInt(24, (int) Codec.VERSION_1_0);  // header version
    h.putInt(28, (int) entries);            // max table entries
    h.putInt(32, (int) blockSize);          // block size
    h.putLong(40, parentUuid.getMostSignificantBits());
    h.putLong(48, parentUuid.getLeastSignificantBits());
    h.putInt(56, (int) parentTimestamp);
    byte[] nameBytes = parentName.getBytes(StandardCharsets.UTF_16BE);
    h.put(64, nameBytes, 0, Math.min(nameBytes.length, 512));
    for (int i = 0; i < payloads.size(); i++) {
      int e = 576 + 24 * i;
      h.putInt(e, (int) platforms.get(i).code());
      // Data space in bytes, as Windows writes it (readers take a multiple of 512 as bytes).
      h.putInt(e + 4, (int) roundUp(payloads.get(i).length, Vhd.SECTOR_SIZE));
      h.putInt(e + 8, payloads.get(i).length);
      h.putLong(e + 16, locOffsets[i]);
    }
    h.putInt(36, (int) Codec.checksum(h, HEADER, 36));
    return h.array();
  }

  /** Relative Windows path from the child's directory, as {@code .\name} or {@code ..\dir\name}. */
  private static String relative(@Nullable Path childDir, Path parent) {
    String rel;
    try {
      rel = childDir == null ? parent.toString() : childDir.relativize(parent).toString();
    } catch (IllegalArgumentException e) {
      // Different roots (Windows drives): only the absolute locators can find the parent.
      rel = parent.toString();
    }
    rel = rel.replace('/', '\\');
    return rel.startsWith("..") || rel.startsWith("\\") || rel.matches("^[A-Za-z]:.*") ? rel : ".\\" + rel;
  }

  /** The absolute path with Windows separators (POSIX paths keep no drive letter). */
  private static String windowsAbsolute(Path abs) {
    return abs.toString().replace('/', '\\');
  }

  /**
   * Encodes a footer for a new image.
   *
   * @param type the disk type
   * @param sizing current size and geometry (also the original size)
   * @param timestamp seconds since 2000-01-01
   * @param uuid the unique id
   * @return 512 bytes with a valid checksum
   */
  static byte[] footer(DiskType type, Sizing sizing, long timestamp, UUID uuid) {
    ByteBuffer f = ByteBuffer.allocate(FOOTER);
    f.put(0, Codec.FOOTER_COOKIE);
    f.putInt(8, (int) FEATURES);
    f.putInt(12, (int) Codec.VERSION_1_0);
    f.putLong(16, type == DiskType.FIXED ? -1L : FOOTER);
    f.putInt(24, (int) timestamp);
    f.put(28, CREATOR_APP.getBytes(StandardCharsets.US_ASCII));
    f.putInt(32, (int) CREATOR_VERSION);
    f.put(36, hostOs().getBytes(StandardCharsets.US_ASCII));
    f.putLong(40, sizing.currentSize());
    f.putLong(48, sizing.currentSize());
    f.putShort(56, (short) sizing.geometry().cylinders());
    f.put(58, (byte) sizing.geometry().heads());
    f.put(59, (byte) sizing.geometry().sectorsPerTrack());
    f.putInt(60, type.code());
    f.putLong(68, uuid.getMostSignificantBits());
    f.putLong(76, uuid.getLeastSignificantBits());
    f.putInt(64, (int) Codec.checksum(f, FOOTER, 64));
    return f.array();
  }

  /**
   * The creator host OS (offset 36). The specification defines only {@code "Wi2k"} and
   * {@code "Mac "}; every creator that is not on a Mac writes {@code "Wi2k"}, so do we.
   */
  private static String hostOs() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    return os.startsWith("mac") ? "Mac " : "Wi2k";
  }

  private static long roundUp(long v, long unit) {
    return (v + unit - 1) / unit * unit;
  }

  static void write(FileChannel ch, long pos, byte[] b) throws IOException {
    write(ch, pos, b, b.length);
  }

  static void write(FileChannel ch, long pos, byte[] b, int n) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(b, 0, n);
    long p = pos;
    while (buf.hasRemaining()) {
      p += ch.write(buf, p);
    }
  }
}
