package io.github.vhd4j.internal.vhd;

import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.DiskType;
import io.github.vhd4j.DynamicHeader;
import io.github.vhd4j.Footer;
import io.github.vhd4j.Geometry;
import io.github.vhd4j.ParentLocator;
import io.github.vhd4j.ParentLocator.Platform;
import io.github.vhd4j.SizeMode;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.internal.Limits;
import io.github.vhd4j.internal.Sectors;
import io.github.vhd4j.internal.storage.OpenFiles;
import io.github.vhd4j.internal.vhd.layout.BitmapLayout;
import io.github.vhd4j.internal.vhd.layout.DynamicHeaderLayout;
import io.github.vhd4j.internal.vhd.layout.FooterLayout;
import io.github.vhd4j.internal.vhd.layout.TableLayout;
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
  /** The footer's creator application: this library. */
  public static final String CREATOR_APP = "vhdj";
  /** The footer's creator version: vhd4j 0.1. */
  public static final long CREATOR_VERSION = 0x0000_0001L;
  /** Where the layouts written here put the dynamic header: right after the footer copy. */
  static final long HEADER_OFFSET = FooterLayout.SIZE;
  /** Table offset of the layouts written here: right after the footer copy and the header. */
  static final long TABLE_OFFSET = HEADER_OFFSET + DynamicHeaderLayout.SIZE;
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
    long sectors = Sectors.ceilDiv(size, Sectors.SIZE);
    // Whole sectors of a size within a sector of Long.MAX_VALUE do not fit a long: kept at the
    // maximum, which every size check refuses.
    long bytes = sectors > Long.MAX_VALUE / Sectors.SIZE ? Long.MAX_VALUE : sectors * Sectors.SIZE;
    long target = Math.min(sectors, Geometry.MAX_SECTORS);
    Geometry g = new Geometry(0, 0, 0);
    // Bounded: the spec algorithm's rounding loses at most 16 x 255 sectors.
    for (long i = 0; target > g.sectors(); i++) {
      g = Geometry.forSize((target + i) * Sectors.SIZE);
    }
    Geometry max = new Geometry(65535, 16, 255);
    if (mode == SizeMode.CHS) {
      return g.sectors() == Geometry.MAX_SECTORS ? new Sizing(bytes, max) : new Sizing(g.capacity(), g);
    }
    return new Sizing(bytes, g.sectors() == sectors ? g : max);
  }

  /**
   * Returns the footer time stamp for now: seconds since 2000-01-01 UTC.
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
      sizing = sizing(Sectors.roundUp(size), SizeMode.EXACT);
    } else {
      sizing = sizing(o.size(), o.sizeMode());
    }
    Limits.requireSize(o.diskType(), sizing.currentSize());
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
    long entries = Sectors.ceilDiv(sizing.currentSize(), blockSize);
    if (entries > Limits.MAX_TABLE_ENTRIES) {
      throw new IllegalArgumentException(entries + " blocks of " + blockSize + " bytes exceed the "
          + Limits.MAX_TABLE_ENTRIES + " table entries this library opens; use a larger block size");
    }
    long batEnd = TABLE_OFFSET + TableLayout.paddedBytes(entries);
    if (o.aligned()) {
      batEnd = Sectors.roundUp(batEnd, ALIGN);
    }
    // Locator payloads, each in its own area of whole sectors after the table.
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
      at += Sectors.roundUp(payloads.get(i).length);
    }
    long bitmapBytes = BitmapLayout.bytes(blockSize);
    // The tail footer marks where the first block will go; aligned layouts put that block's data
    // on a 4 KiB boundary, as Hyper-V does.
    long footerAt = o.aligned() ? Sectors.roundUp(at + bitmapBytes, ALIGN) - bitmapBytes : at;

    byte[] h = header(TABLE_OFFSET, entries, blockSize, parentUuid, parentTimestamp, parentName, platforms,
        payloads, locOffsets);

    write(ch, 0, footer);
    write(ch, HEADER_OFFSET, h);
    // The table: all entries unused (all ones), padded with ones to its area's end.
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
   * @param tableOffset where the block allocation table starts
   * @param entries the table's entry count
   * @param blockSize bytes per block
   * @param parentUuid the parent's unique id, zero without a parent
   * @param parentTimestamp the parent's footer time stamp, 0 without a parent
   * @param parentName the parent's file name, empty without a parent
   * @param platforms the locators' platform codes, in entry order
   * @param payloads the locators' data
   * @param locOffsets where each locator's data lies in the file
   * @return the header's bytes
   */
  static byte[] header(long tableOffset, long entries, long blockSize, UUID parentUuid, long parentTimestamp,
      String parentName, List<Platform> platforms, List<byte[]> payloads, long[] locOffsets) {
    List<ParentLocator> locators = new ArrayList<>();
    for (int i = 0; i < payloads.size(); i++) {
      int length = payloads.get(i).length;
      // Data space in bytes, as Windows writes it (readers take a multiple of 512 as bytes).
      locators.add(new ParentLocator(i, platforms.get(i).code(), Sectors.roundUp(length), length, locOffsets[i],
          null));
    }
    // The unused data offset is all ones, as Microsoft's tools expect.
    return DynamicHeaderLayout.encode(new DynamicHeader(HEADER_OFFSET, DynamicHeaderLayout.NO_DATA_OFFSET,
        tableOffset, DynamicHeaderLayout.VERSION_1_0, entries, blockSize, 0, parentUuid, parentTimestamp, parentName,
        locators)).array();
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
   * @return the footer's bytes, with a valid checksum
   */
  static byte[] footer(DiskType type, Sizing sizing, long timestamp, UUID uuid) {
    // The features hold the reserved bit, which the specification says is always set; a fixed
    // disk has no dynamic header, the others have theirs right after the footer copy.
    return FooterLayout.encode(new Footer(FooterLayout.FEATURE_RESERVED, FooterLayout.VERSION_1_0,
        type == DiskType.FIXED ? FooterLayout.NO_DATA_OFFSET : HEADER_OFFSET, timestamp, CREATOR_APP,
        CREATOR_VERSION, hostOs(), sizing.currentSize(), sizing.currentSize(), sizing.geometry(), type, 0, uuid, 0))
        .array();
  }

  /**
   * The creator host OS. The specification defines only {@code "Wi2k"} and
   * {@code "Mac "}; every creator that is not on a Mac writes {@code "Wi2k"}, so do we.
   */
  private static String hostOs() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    return os.startsWith("mac") ? "Mac " : "Wi2k";
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
