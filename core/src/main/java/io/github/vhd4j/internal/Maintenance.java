package io.github.vhd4j.internal;

import io.github.vhd4j.DiskType;
import io.github.vhd4j.DynamicHeader;
import io.github.vhd4j.Extent;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ParentLocator;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProgressListener;
import io.github.vhd4j.SizeMode;
import io.github.vhd4j.UnsupportedVhdFeatureException;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.VhdException;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.internal.storage.FileChannelStorage;
import io.github.vhd4j.internal.storage.OpenFiles;
import io.github.vhd4j.internal.storage.Storage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Whole-image operations that rewrite metadata: resize, compact and commit. Each is ordered so
 * that the file opens at every step and an interrupted run can be repeated: new structures are
 * written into unreferenced space and forced before the single write that makes them current.
 * None of them may run while another process has the image open: each holds its image
 * exclusively ({@link io.github.vhd4j.internal.storage.OpenFiles}) unless locking is off.
 */
public final class Maintenance {
  private static final int SECTOR = Vhd.SECTOR_SIZE;
  private static final int FOOTER = 512;

  private Maintenance() {}

  /** Opens the image file for writing; tests substitute a storage that fails on purpose. */
  @FunctionalInterface
  public interface Opener {
    /**
     * Opens a file for reading and writing.
     *
     * @param path the image
     * @return writable storage
     * @throws IOException if the file cannot be opened
     */
    Storage open(Path path) throws IOException;
  }

  /** Opens image files for writing, leased and locked as {@code locking} says. */
  private static Opener files(boolean locking) {
    return path -> FileChannelStorage.openWritable(path, locking);
  }

  /**
   * A refusal to change an image, named by its file: the operation would lose data or cannot find
   * what it needs, and nothing was changed.
   */
  private static VhdException refused(String resource, String message) {
    return new VhdException(message + " (" + resource + ")", resource, null);
  }

  /** A parsed, healthy image open for writing. */
  private static final class Target implements AutoCloseable {
    final Storage storage;
    final Layer layer;
    final byte[] footer;
    /** Whether the chain is read with locks, as the image is held. */
    final boolean locking;

    Target(Path path, Opener opener, boolean locking) throws IOException {
      this.locking = locking;
      Storage s = opener.open(path);
      boolean ok = false;
      try {
        String name = path.toString();
        Problems p = new Problems(name);
        Layer l;
        try {
          l = LayerParser.parse(s, name, path, OpenOptions.defaults(), LayerParser.Mode.OPEN, p);
        } catch (StopParsing stop) {
          throw stop.toException(p.list());
        }
        Problem err = p.firstError();
        if (err != null) {
          throw new VhdFormatException(err, p.list());
        }
        if (l.headCopyUsed) {
          throw new UnsupportedVhdFeatureException("the footer at the end of the file is missing or damaged;"
              + " repair the image first", name, null);
        }
        if (l.footer.isSavedState()) {
          throw new UnsupportedVhdFeatureException("the disk is in a saved state; changing it would corrupt"
              + " the saved virtual machine", name, null);
        }
        byte[] f = new byte[FOOTER];
        s.read(l.footerOffset, ByteBuffer.wrap(f), 0, l.footerLength);
        this.storage = s;
        this.layer = l;
        this.footer = f;
        ok = true;
      } finally {
        if (!ok) {
          s.close();
        }
      }
    }

    void write(long offset, byte[] bytes) throws IOException {
      storage.write(offset, ByteBuffer.wrap(bytes), 0, bytes.length);
    }

    @Override
    public void close() throws IOException {
      storage.close();
    }
  }

  // -----------------------------------------------------------------------------------------
  // Resize

  /**
   * Changes the virtual size. Every step leaves an image that vhd4j, QEMU, 7-Zip and libvhdi open
   * with the old or the new size and the same content up to the smaller one, and running the resize
   * again completes it. Shrinking is only allowed over space that holds nothing (zeros in a fixed
   * disk, no stored data in the others). The original size (footer offset 40) follows the new size.
   *
   * @param path the image
   * @param requested the new size in bytes
   * @param mode how the size becomes current size and geometry
   * @param locking hold the image exclusively while it changes
   * @return the new virtual size
   * @throws IOException if the image cannot be changed, with the reason
   */
  public static long resize(Path path, long requested, SizeMode mode, boolean locking) throws IOException {
    return resize(path, requested, mode, locking, files(locking));
  }

  /**
   * Changes the virtual size through storage from {@code opener}; see
   * {@link #resize(Path, long, SizeMode, boolean)}.
   *
   * @param path the image
   * @param requested the new size in bytes
   * @param mode how the size becomes current size and geometry
   * @param locking read the chain with locks (the opener locks the image itself)
   * @param opener opens the file for writing
   * @return the new virtual size
   * @throws IOException if the image cannot be changed
   */
  public static long resize(Path path, long requested, SizeMode mode, boolean locking, Opener opener)
      throws IOException {
    if (requested < 0) {
      throw new IllegalArgumentException("negative size: " + requested);
    }
    if (mode == SizeMode.EXACT && requested % SECTOR != 0) {
      throw new IllegalArgumentException("an exact size must be a whole number of 512-byte sectors: " + requested);
    }
    try (Target t = new Target(path, opener, locking)) {
      Layer l = t.layer;
      if (l.type == DiskType.FIXED && t.storage.isFixedLength()) {
        throw new UnsupportedVhdFeatureException("a fixed disk on a block device cannot change size: its footer"
            + " must stay at the device's end", l.resource, null);
      }
      Creator.Sizing sizing = Creator.sizing(requested, mode);
      long newSize = sizing.currentSize();
      long cap = l.type == DiskType.FIXED ? io.github.vhd4j.CreateOptions.MAX_FIXED_SIZE : Vhd.MAX_DYNAMIC_SIZE;
      if (newSize > cap) {
        throw new IllegalArgumentException("a " + l.type.name().toLowerCase(Locale.ROOT) + " disk holds at most "
            + cap + " bytes: " + newSize);
      }
      long oldSize = l.virtualSize;
      byte[] footer = t.footer.clone();
      ByteBuffer f = ByteBuffer.wrap(footer);
      // Original size (offset 40) follows too. The specification calls it the size at creation,
      // but libvhdi takes it as the disk's size (conformance/DIVERGENCES.md case 2): left alone,
      // a grown disk would read short there, and a shrunk one would show its footer as data.
      f.putLong(40, newSize);
      f.putLong(48, newSize);
      f.putShort(56, (short) sizing.geometry().cylinders());
      f.put(58, (byte) sizing.geometry().heads());
      f.put(59, (byte) sizing.geometry().sectorsPerTrack());
      f.putInt(64, (int) Codec.checksum(f, FOOTER, 64));
      if (l.type == DiskType.FIXED) {
        if (newSize != oldSize || !Arrays.equals(footer, t.footer)) {
          resizeFixed(t, oldSize, newSize, footer);
        }
      } else if (newSize != oldSize || !Arrays.equals(footer, t.footer) || !settled(t, newSize)) {
        // Also when only the copy or the table length lag behind: a run interrupted halfway.
        resizeSparse(t, oldSize, newSize, footer);
      }
      return newSize;
    }
  }

  /**
   * A fixed disk has one footer, after its data. Shrinking writes the new footer inside the space
   * being cut (zeros), then cuts the file after it: until the cut, the old footer still ends the
   * file. Growing writes the new footer at the new end, then zeros the old one, now inside the
   * disk; nothing can make those two writes one, so a process killed between them leaves the old
   * footer's 512 bytes at the old end, inside the new space (any other order leaves a file that
   * does not open).
   */
  private static void resizeFixed(Target t, long oldSize, long newSize, byte[] footer) throws IOException {
    Layer l = t.layer;
    if (newSize < oldSize) {
      // A run interrupted after writing the new footer left it where the data ends now.
      long checkFrom = newSize;
      if (l.footerOffset - newSize >= FOOTER && holds(t.storage, newSize, footer)) {
        checkFrom = newSize + FOOTER;
      }
      requireZeros(t.storage, checkFrom, oldSize, l.resource, newSize, 0);
    }
    t.write(newSize, footer);
    t.storage.force();
    if (newSize > oldSize) {
      t.write(l.footerOffset, new byte[(int) Math.min(FOOTER, newSize - l.footerOffset)]);
    } else {
      t.storage.truncate(newSize + FOOTER);
    }
    t.storage.force();
  }

  /**
   * Tells whether a sparse image of {@code size} bytes is in the state a completed resize leaves:
   * the footer copy at offset 0 equal to the footer, and exactly as many table entries as blocks.
   */
  private static boolean settled(Target t, long size) throws IOException {
    byte[] copy = new byte[FOOTER];
    t.storage.read(0, ByteBuffer.wrap(copy), 0, FOOTER);
    long blocks = (size + t.layer.blockSize - 1) / t.layer.blockSize;
    return Arrays.equals(copy, t.footer) && t.layer.header.maxTableEntries() == blocks;
  }

  /**
   * Resizes a dynamic or differencing disk. The peers read different copies of the metadata: QEMU
   * and 7-Zip the footer copy at offset 0 and the header it names, libvhdi and vhd4j the footer at
   * the end of the file, and 7-Zip refuses a header whose table length (offset 28) is not exactly
   * the blocks the size needs. So the copy and the header change in one write (they are adjacent
   * when the header is at offset 512, as every known creator puts it), and the footer at the end
   * changes in another: first for a shrink (a longer table than the new size needs is legal, a
   * shorter one is not), last for a growth. Before the copy changes, a footer matching it is put
   * where 7-Zip looks for one when the two disagree (the end of the blocks). A table that must
   * grow beyond its area is first copied after the last block. Every step is forced before the
   * next; the tail moves out by one sector and back, so the file never lacks a footer at its end.
   */
  private static void resizeSparse(Target t, long oldSize, long newSize, byte[] footer) throws IOException {
    Layer l = t.layer;
    DynamicHeader h = l.header;
    long entries = (newSize + l.blockSize - 1) / l.blockSize;
    if (entries > Vhd.MAX_TABLE_ENTRIES) {
      throw new IllegalArgumentException(entries + " blocks exceed the " + Vhd.MAX_TABLE_ENTRIES
          + " table entries this library opens");
    }
    boolean shrink = newSize < oldSize;
    if (shrink) {
      requireNothingStoredPast(t, newSize, oldSize);
    } else if (newSize > oldSize) {
      // In a differencing disk the parent shows through where the child stores nothing, so growing
      // over parent data is refused.
      if (l.type == DiskType.DIFFERENCING) {
        requireNoParentData(t, oldSize, newSize);
      }
      clearPastEnd(t, oldSize);
    }
    long tail = l.footerOffset;
    long tableOffset = h.tableOffset();
    // A block device cannot grow or be cut: its footer stays where it is (the device's end).
    boolean device = t.storage.isFixedLength();
    if (entries > h.maxTableEntries()) {
      if (fitsInPlace(t, entries)) {
        // Unallocated entries over the padding (which some writers fill with zeros); the header
        // still covers fewer, so nothing reads them yet.
        writeUnallocated(t.storage, tableOffset + 4 * h.maxTableEntries(), 4 * (entries - h.maxTableEntries()));
      } else if (device) {
        throw refused(l.resource, "cannot grow to " + newSize + " bytes: the block table needs "
            + entries + " entries, more than its area holds, and a block device has no room after its footer");
      } else {
        // A larger table where the footer is, the footer after it; nothing points at the new
        // table until the header does. Its size keeps 4 KiB-aligned layouts aligned.
        tableOffset = (tail + SECTOR - 1) / SECTOR * SECTOR;
        long bytes = (4 * entries + 4095) / 4096 * 4096;
        t.write(tableOffset + bytes, t.footer);
        writeTable(t, tableOffset, bytes);
        tail = tableOffset + bytes;
      }
      t.storage.force();
    }
    if (device) {
      // In place: the footer at the end first for a shrink, last for a growth. While the two
      // differ, 7-Zip reads the disk but reports that it cannot find the footer.
      if (shrink) {
        t.write(tail, footer);
        t.storage.force();
      }
      writeCopyAndHeader(t, footer, tableOffset, entries, shrink);
      if (!shrink) {
        t.write(tail, footer);
        t.storage.force();
      }
      return;
    }
    // The tail moves out by a sector. The sector it leaves keeps the footer that matches the copy
    // while the two disagree, which is where 7-Zip looks: the old one for a shrink, the new one
    // (written next) for a growth.
    t.write(tail + FOOTER, shrink ? footer : t.footer);
    t.storage.force();
    if (!shrink) {
      t.write(tail, footer);
      t.storage.force();
    }
    writeCopyAndHeader(t, footer, tableOffset, entries, shrink);
    if (shrink) {
      t.write(tail, footer);
      t.storage.force();
    }
    // The sector after it held the tail; the new footer now ends the file.
    t.storage.truncate(tail + FOOTER);
    t.storage.force();
  }

  /**
   * Writes the footer copy and the header's table offset and length. Adjacent (header at 512),
   * they are one write; otherwise the copy goes first for a shrink and the header first for a
   * growth, so that a reader of the copy never sees a table shorter than its size needs.
   */
  private static void writeCopyAndHeader(Target t, byte[] footer, long tableOffset, long entries, boolean shrink)
      throws IOException {
    DynamicHeader h = t.layer.header;
    byte[] header = header(t, tableOffset, entries);
    if (h.offset() == FOOTER) {
      byte[] both = Arrays.copyOf(footer, FOOTER + header.length);
      System.arraycopy(header, 0, both, FOOTER, header.length);
      t.write(0, both);
      t.storage.force();
      return;
    }
    t.write(shrink ? 0 : h.offset(), shrink ? footer : header);
    t.storage.force();
    t.write(shrink ? h.offset() : 0, shrink ? header : footer);
    t.storage.force();
  }

  /**
   * Writes the current table, as the file holds it, followed by unallocated entries, in bounded
   * pieces: a table of 2^28 entries is 1 GiB.
   */
  private static void writeTable(Target t, long at, long bytes) throws IOException {
    long current = 4L * t.layer.bat.length();
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(current, 1 << 20));
    copy(t.storage, t.layer.header.tableOffset(), at, current, buf);
    writeUnallocated(t.storage, at + current, bytes - current);
  }

  /** Fills {@code [at, at + bytes)} with unallocated table entries, 64 KiB at a time. */
  private static void writeUnallocated(Storage s, long at, long bytes) throws IOException {
    ByteBuffer ff = ByteBuffer.allocate((int) Math.min(64 << 10, Math.max(bytes, 0)));
    Arrays.fill(ff.array(), (byte) 0xFF);
    for (long p = 0; p < bytes; ) {
      int n = (int) Math.min(ff.capacity(), bytes - p);
      s.write(at + p, ff, 0, n);
      p += n;
    }
  }

  /**
   * Refuses a shrink over blocks that store anything of this image's own, or over bytes the last
   * kept block stores past the new end unless they are zeros.
   */
  private static void requireNothingStoredPast(Target t, long newSize, long oldSize) throws IOException {
    Layer l = t.layer;
    int length = l.bat.length();
    long b = l.bat.scan().next((int) ((newSize + l.blockSize - 1) / l.blockSize), length);
    if (b < length) {
      throw refused(l.resource, "cannot shrink to " + newSize + " bytes: block " + b
          + " (from " + b * l.blockSize + ") stores data; only unused space can be cut");
    }
    long lastBlock = (newSize - 1) / l.blockSize;
    int lastEntry = newSize > 0 ? l.bat.get((int) lastBlock) : Layer.UNALLOCATED;
    if (lastEntry != Layer.UNALLOCATED) {
      long inBlock = newSize - lastBlock * l.blockSize;
      long stored = (lastEntry & 0xFFFFFFFFL) * SECTOR + l.bitmapBytes;
      requireZeros(t.storage, stored + inBlock, stored + Math.min(l.blockSize, oldSize - lastBlock * l.blockSize),
          l.resource, newSize, stored - lastBlock * l.blockSize);
    }
  }

  /**
   * Zeros what the last block stores past the old end (written by another tool, or garbage): the
   * new space must read as zeros once a size shows it.
   */
  private static void clearPastEnd(Target t, long oldSize) throws IOException {
    Layer l = t.layer;
    long lastBlock = oldSize == 0 ? -1 : (oldSize - 1) / l.blockSize;
    long inLast = oldSize - lastBlock * l.blockSize;
    int lastEntry = lastBlock < 0 || inLast >= l.blockSize ? Layer.UNALLOCATED : l.bat.get((int) lastBlock);
    if (lastEntry == Layer.UNALLOCATED) {
      return;
    }
    long stored = (lastEntry & 0xFFFFFFFFL) * SECTOR + l.bitmapBytes;
    byte[] zeros = new byte[(int) Math.min(64 << 10, l.blockSize)];
    for (long p = stored + inLast; p < stored + l.blockSize; ) {
      int n = (int) Math.min(zeros.length, stored + l.blockSize - p);
      t.storage.write(p, ByteBuffer.wrap(zeros), 0, n);
      p += n;
    }
    t.storage.force();
  }

  /**
   * Refuses to grow a differencing disk past its parent's end (7-Zip and libvhdi cannot read a
   * child larger than its parent: conformance/DIVERGENCES.md case 13) or over a range where an
   * ancestor stores data, which would show through in the new space.
   */
  private static void requireNoParentData(Target t, long oldSize, long newSize) throws IOException {
    Path path = t.layer.path;
    if (path == null) {
      throw refused(t.layer.resource, "cannot find the parent to grow a differencing disk");
    }
    try (VhdImage chain = io.github.vhd4j.Vhd.open(path, OpenOptions.defaults().withLocking(t.locking))) {
      VhdImage parent = chain.getParent();
      if (parent == null) {
        throw refused(t.layer.resource, "cannot find the parent to grow a differencing disk");
      }
      if (newSize > parent.getSize()) {
        throw refused(t.layer.resource, "cannot grow to " + newSize + " bytes: the parent has "
            + parent.getSize() + " (7-Zip and libvhdi cannot read a child larger than its parent); resize the"
            + " parent first");
      }
      if (oldSize >= newSize) {
        return;
      }
      for (Extent e : parent.map(oldSize, newSize - oldSize)) {
        if (e.data()) {
          throw refused(t.layer.resource, "cannot grow to " + newSize + " bytes: the parent stores"
              + " data at " + e.start() + ", which would show through in the new space");
        }
      }
    }
  }

  /**
   * Tells whether the table can grow in place to {@code entries}: the bytes it would take are
   * padding (all 0xFF or all zeros) before the first structure that follows the table. Anything
   * else there (a blktap batmap, unknown metadata) is never written over.
   */
  private static boolean fitsInPlace(Target t, long entries) throws IOException {
    Layer l = t.layer;
    DynamicHeader h = l.header;
    long start = h.tableOffset();
    long from = start + 4 * h.maxTableEntries();
    long to = start + 4 * entries;
    long limit = l.footerOffset;
    if (h.offset() >= from) {
      limit = Math.min(limit, h.offset());
    }
    for (ParentLocator loc : h.parentLocators()) {
      if (loc.platformCode() != 0 && loc.dataOffset() >= from) {
        limit = Math.min(limit, loc.dataOffset());
      }
    }
    int length = l.bat.length();
    BlockTable.Scan scan = l.bat.scan();
    for (int i = scan.next(0, length); i < length; i = scan.next(i + 1, length)) {
      long b = (scan.entry(i) & 0xFFFFFFFFL) * SECTOR;
      if (b >= from) {
        limit = Math.min(limit, b);
      }
    }
    if (to > limit) {
      return false;
    }
    ByteBuffer pad = ByteBuffer.allocate((int) Math.min(64 << 10, to - from));
    boolean ff = true;
    boolean zero = true;
    for (long p = from; p < to && (ff || zero); ) {
      int n = (int) Math.min(pad.capacity(), to - p);
      t.storage.read(p, pad, 0, n);
      for (int i = 0; i < n; i++) {
        byte x = pad.get(i);
        ff &= x == -1;
        zero &= x == 0;
      }
      p += n;
    }
    return ff || zero;
  }

  /** The dynamic header with another table offset (16) and length (28), its checksum (36) redone. */
  private static byte[] header(Target t, long tableOffset, long entries) throws IOException {
    DynamicHeader h = t.layer.header;
    byte[] header = new byte[1024];
    t.storage.read(h.offset(), ByteBuffer.wrap(header), 0, header.length);
    ByteBuffer b = ByteBuffer.wrap(header);
    b.putLong(16, tableOffset);
    b.putInt(28, (int) entries);
    b.putInt(36, (int) Codec.checksum(b, 1024, 36));
    return header;
  }

  /**
   * Refuses a shrink unless the file bytes {@code [from, to)} are zeros; {@code base} maps file
   * offsets back to disk offsets for the message.
   */
  private static void requireZeros(Storage s, long from, long to, String resource, long newSize, long base)
      throws IOException {
    ByteBuffer b = ByteBuffer.allocate(64 << 10);
    for (long p = from; p < to; ) {
      int n = (int) Math.min(b.capacity(), to - p);
      s.read(p, b, 0, n);
      for (int i = 0; i < n; i++) {
        if (b.get(i) != 0) {
          throw refused(resource, "cannot shrink to " + newSize + " bytes: the disk holds data at "
              + (p + i - base) + "; only unused space can be cut");
        }
      }
      p += n;
    }
  }

  /** Tells whether the file holds exactly {@code bytes} at {@code offset}. */
  private static boolean holds(Storage s, long offset, byte[] bytes) throws IOException {
    byte[] have = new byte[bytes.length];
    s.read(offset, ByteBuffer.wrap(have), 0, have.length);
    return Arrays.equals(have, bytes);
  }

  // -----------------------------------------------------------------------------------------
  // Compact

  /**
   * Drops the all-zero blocks of a dynamic disk and closes the gaps: each block that reads as
   * zeros is unallocated, then the blocks stored last are moved into the freed places (copy,
   * force, repoint, force) and the file is cut after the last block.
   *
   * @param path the dynamic image
   * @param progress told, after each allocated block examined, the virtual bytes examined so far
   *     (the unallocated blocks before it included)
   * @param locking hold the image exclusively while it changes
   * @return the number of bytes the file shrank by
   * @throws IOException if the image is not a healthy dynamic disk or cannot be written
   */
  public static long compact(Path path, ProgressListener progress, boolean locking) throws IOException {
    return compact(path, progress, files(locking));
  }

  /**
   * Compacts through storage from {@code opener}; see
   * {@link #compact(Path, ProgressListener, boolean)}.
   *
   * @param path the dynamic image
   * @param progress told about the blocks examined
   * @param opener opens the file for writing
   * @return the number of bytes the file shrank by
   * @throws IOException if the image cannot be compacted
   */
  public static long compact(Path path, ProgressListener progress, Opener opener) throws IOException {
    long before;
    long after;
    try (Target t = new Target(path, opener, true)) {
      before = t.storage.size();
      Layer l = t.layer;
      if (l.type != DiskType.DYNAMIC) {
        throw new UnsupportedVhdFeatureException("only a dynamic disk can be compacted (a differencing"
            + " disk's zero blocks hide its parent's data)", l.resource, null);
      }
      if (t.storage.isFixedLength()) {
        throw new UnsupportedVhdFeatureException("an image on a block device cannot be compacted: the device"
            + " cannot be cut, so no space would be freed", l.resource, null);
      }
      long stride = l.bitmapBytes + l.blockSize;
      BlockTable bat = l.bat;
      int length = bat.length();
      // 1. Unallocate blocks whose data is all zeros. Memory follows the blocks the file holds,
      // not the table: a 100 GiB disk of 512-byte blocks has 209,715,200 entries.
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(l.blockSize, 4 << 20));
      long[] free = new long[16];
      int freeCount = 0;
      ProgressCounter examined = new ProgressCounter(progress, l.virtualSize);
      BlockTable.Scan scan = bat.scan();
      int reported = 0;
      for (int b = scan.next(0, length); b < length; b = scan.next(b + 1, length)) {
        long start = (scan.entry(b) & 0xFFFFFFFFL) * SECTOR;
        if (isZero(t.storage, start + l.bitmapBytes, l.blockSize, buf)) {
          bat.set(b, Layer.UNALLOCATED);
          free = append(free, freeCount++, start);
        }
        // The unallocated blocks before this one were examined too (by the scan).
        examined.add((long) (b + 1 - reported) * l.blockSize);
        reported = b + 1;
      }
      examined.finish();
      t.storage.force();
      // 2. Move the blocks stored last into the lowest free places. A moved block's old place is
      // never a target: it lies above every block still to move.
      Arrays.sort(free, 0, freeCount);
      long[] owner = blocksByOffset(bat);
      int fi = 0;
      for (int k = owner.length - 1; k >= 0 && fi < freeCount; k--) {
        long start = owner[k] >>> 32 << 9;  // sector << 9
        int block = (int) (owner[k] & 0xFFFFFFFFL);
        long target = free[fi];
        if (target >= start) {
          break;
        }
        copy(t.storage, start, target, stride, buf);
        t.storage.force();
        bat.set(block, (int) (target / SECTOR));
        t.storage.force();
        owner[k] = (target / SECTOR) << 32 | block;
        fi++;
      }
      // 3. Cut the file after the last structure in use.
      long end = l.metadataEnd(l.footerOffset);
      for (long o : owner) {
        end = Math.max(end, (o >>> 32) * SECTOR + stride);
      }
      if (end < l.footerOffset) {
        t.write(end, t.footer);
        t.storage.force();
        t.storage.truncate(end + FOOTER);
        t.storage.force();
      }
      after = t.storage.size();
    }
    return before - after;
  }

  private static long[] append(long[] a, int size, long v) {
    long[] out = size < a.length ? a : Arrays.copyOf(a, 2 * a.length);
    out[size] = v;
    return out;
  }

  /** The allocated blocks as (sector << 32 | block), sorted by file offset. */
  private static long[] blocksByOffset(BlockTable bat) throws IOException {
    int length = bat.length();
    long[] out = new long[16];
    int n = 0;
    BlockTable.Scan scan = bat.scan();
    for (int b = scan.next(0, length); b < length; b = scan.next(b + 1, length)) {
      out = append(out, n++, (scan.entry(b) & 0xFFFFFFFFL) << 32 | b);
    }
    out = Arrays.copyOf(out, n);
    Arrays.sort(out);
    return out;
  }

  private static boolean isZero(Storage s, long from, long length, ByteBuffer buf) throws IOException {
    for (long p = 0; p < length; ) {
      int n = (int) Math.min(buf.capacity(), length - p);
      s.read(from + p, buf, 0, n);
      for (int i = 0; i + 8 <= n; i += 8) {
        if (buf.getLong(i) != 0) {
          return false;
        }
      }
      p += n;
    }
    return true;
  }

  private static void copy(Storage s, long from, long to, long length, ByteBuffer buf) throws IOException {
    for (long p = 0; p < length; ) {
      int n = (int) Math.min(buf.capacity(), length - p);
      s.read(from + p, buf, 0, n);
      s.write(to + p, buf, 0, n);
      p += n;
    }
  }

  // -----------------------------------------------------------------------------------------
  // Commit

  /**
   * Writes a differencing disk's own sectors into its parent, growing the parent first when the
   * child is larger. The child is left as it was (its content is unchanged, and it still matches
   * its parent), so an interrupted commit can simply be run again.
   *
   * @param child the differencing disk
   * @param options how to open the chain (parent directories, resolver)
   * @param progress told about the child's bytes processed
   * @return the parent's path
   * @throws IOException if the chain cannot be opened or the parent cannot be written
   */
  public static Path commit(Path child, OpenOptions options, ProgressListener progress) throws IOException {
    // The child is held as a writer's for the whole commit, so that nothing changes it while its
    // sectors are copied; its chain is then read within this process, which a writer allows.
    OpenFiles.Lease held = OpenFiles.open(child, OpenFiles.Access.WRITE, options.locking());
    try {
      return commitHeld(child, options, progress);
    } finally {
      held.close();
    }
  }

  private static Path commitHeld(Path child, OpenOptions options, ProgressListener progress) throws IOException {
    Path parentPath;
    long childSize;
    try (VhdImage c = io.github.vhd4j.Vhd.open(child, options.withWritable(false))) {
      if (c.getDiskType() != DiskType.DIFFERENCING) {
        throw new UnsupportedVhdFeatureException("only a differencing disk can be committed into its parent",
            child.toString(), null);
      }
      VhdImage parent = c.getParent();
      parentPath = parent == null ? null : parent.getPath();
      if (parentPath == null) {
        throw refused(child.toString(), "the parent has no file path");
      }
      childSize = c.getSize();
      if (parent.getSize() < childSize) {
        resize(parentPath, childSize, SizeMode.EXACT, options.locking());
      }
    }
    try (VhdImage c = io.github.vhd4j.Vhd.open(child, options.withWritable(false));
        VhdImage p = io.github.vhd4j.Vhd.open(parentPath, options.withWritable(true))) {
      ByteBuffer buf = ByteBuffer.allocateDirect(2 << 20);
      long window = 64L << 20;
      ProgressCounter copied = new ProgressCounter(progress, childSize);
      for (long from = 0; from < childSize; from += window) {
        long n = Math.min(window, childSize - from);
        for (Extent e : c.map(from, n)) {
          if (!e.data() || e.depth() != 0) {
            continue;
          }
          for (long pos = e.start(); pos < e.end(); ) {
            int k = (int) Math.min(buf.capacity(), e.end() - pos);
            buf.clear().limit(k);
            c.readFully(pos, buf);
            buf.flip();
            p.write(pos, buf);
            pos += k;
          }
        }
        copied.add(n);
      }
      copied.finish();
      p.flush();
    }
    return parentPath;
  }
}
