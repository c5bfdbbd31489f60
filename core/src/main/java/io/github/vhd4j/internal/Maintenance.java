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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
   * Changes the virtual size. Growing a fixed disk moves its footer; growing a dynamic or
   * differencing disk extends its table in place when the table's area has room, and otherwise
   * writes a larger table after the last block and switches the header to it. Shrinking is only
   * allowed over space that holds nothing (zeros in a fixed disk, no stored data in the others).
   * The original size (footer offset 40) keeps its value, as the specification intends.
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
      if (newSize == oldSize && Arrays.equals(footer, t.footer)) {
        // Already this size: finish an interrupted run whose last step, the copy, is missing.
        if (l.type != DiskType.FIXED) {
          byte[] copy = new byte[FOOTER];
          t.storage.read(0, ByteBuffer.wrap(copy), 0, FOOTER);
          if (!Arrays.equals(copy, footer)) {
            t.write(0, footer);
            t.storage.force();
          }
        }
        return newSize;
      }
      if (l.type == DiskType.FIXED) {
        resizeFixed(t, oldSize, newSize, footer);
      } else {
        resizeSparse(t, oldSize, newSize, footer);
      }
      t.storage.force();
      return newSize;
    }
  }

  private static void resizeFixed(Target t, long oldSize, long newSize, byte[] footer) throws IOException {
    Layer l = t.layer;
    if (newSize < oldSize) {
      requireZeros(t.storage, newSize, oldSize, l.resource, newSize, 0);
    }
    // The new footer first: the file's last 512 bytes then describe the new size. Growing leaves
    // the old footer's bytes inside the disk, so they are zeroed next. A fixed disk has one
    // footer and no copy, so nothing can make the two writes one: a process killed between them
    // leaves the old footer's 512 bytes at the old end, inside the new space (the old data is
    // intact, and any other order leaves a file that does not open).
    t.write(newSize, footer);
    t.storage.force();
    if (newSize > oldSize) {
      t.write(l.footerOffset, new byte[(int) Math.min(FOOTER, newSize - l.footerOffset)]);
    } else {
      t.storage.truncate(newSize + FOOTER);
    }
  }

  private static void resizeSparse(Target t, long oldSize, long newSize, byte[] footer) throws IOException {
    Layer l = t.layer;
    DynamicHeader h = l.header;
    long entries = (newSize + l.blockSize - 1) / l.blockSize;
    if (entries > Vhd.MAX_TABLE_ENTRIES) {
      throw new IllegalArgumentException(entries + " blocks exceed the " + Vhd.MAX_TABLE_ENTRIES
          + " table entries this library opens");
    }
    long haveEntries = h.maxTableEntries();
    if (newSize < oldSize) {
      // Shrink only over blocks that store nothing of this image's own.
      for (long b = (newSize + l.blockSize - 1) / l.blockSize; b < l.bat.length; b++) {
        if (l.bat[(int) b] != Layer.UNALLOCATED) {
          throw refused(l.resource, "cannot shrink to " + newSize + " bytes: block " + b
              + " (from " + b * l.blockSize + ") stores data; only unused space can be cut");
        }
      }
      // The last kept block may store bytes past the new end: they must be zeros.
      long lastBlock = (newSize - 1) / l.blockSize;
      if (newSize > 0 && l.bat[(int) lastBlock] != Layer.UNALLOCATED) {
        long inBlock = newSize - lastBlock * l.blockSize;
        long stored = (l.bat[(int) lastBlock] & 0xFFFFFFFFL) * SECTOR + l.bitmapBytes;
        requireZeros(t.storage, stored + inBlock, stored + Math.min(l.blockSize, oldSize - lastBlock * l.blockSize),
            l.resource, newSize, stored - lastBlock * l.blockSize);
      }
      // Footers first (the disk gets smaller), then the table length; extra entries are legal.
      writeFooters(t, l.footerOffset, footer);
      if (entries < haveEntries) {
        writeHeader(t, h.tableOffset(), entries);
        t.storage.force();
      }
      return;
    }
    // The new space must read as zeros. The last block may store bytes past the old end (written
    // by another tool, or garbage): they are cleared before the size that shows them takes effect.
    // In a differencing disk the parent shows through where the child stores nothing, so growing
    // over parent data is refused.
    if (l.type == DiskType.DIFFERENCING) {
      requireNoParentData(t, oldSize, newSize);
    }
    long lastBlock = oldSize == 0 ? -1 : (oldSize - 1) / l.blockSize;
    long inLast = oldSize - lastBlock * l.blockSize;
    if (lastBlock >= 0 && inLast < l.blockSize && l.bat[(int) lastBlock] != Layer.UNALLOCATED) {
      long stored = (l.bat[(int) lastBlock] & 0xFFFFFFFFL) * SECTOR + l.bitmapBytes;
      byte[] zeros = new byte[(int) Math.min(64 << 10, l.blockSize)];
      for (long p = stored + inLast; p < stored + l.blockSize; ) {
        int n = (int) Math.min(zeros.length, stored + l.blockSize - p);
        t.storage.write(p, ByteBuffer.wrap(zeros), 0, n);
        p += n;
      }
      t.storage.force();
    }
    long tail = l.footerOffset;
    if (entries > haveEntries) {
      if (fitsInPlace(t, entries)) {
        // In place: unallocated entries over the padding (which some writers fill with zeros).
        byte[] ff = new byte[(int) (4 * (entries - haveEntries))];
        Arrays.fill(ff, (byte) 0xFF);
        t.write(h.tableOffset() + 4 * haveEntries, ff);
        t.storage.force();
        writeHeader(t, h.tableOffset(), entries);
      } else {
        // A new, larger table where the footer is, then the footer after it; the header switch
        // is the commit point. The old table's area becomes unused space.
        long at = (l.footerOffset + SECTOR - 1) / SECTOR * SECTOR;
        long bytes = (4 * entries + SECTOR - 1) / SECTOR * SECTOR;
        ByteBuffer table = ByteBuffer.allocate((int) bytes);
        for (int i = 0; i < bytes / 4; i++) {
          table.putInt(4 * i, i < l.bat.length ? l.bat[i] : Layer.UNALLOCATED);
        }
        t.write(at + bytes, t.footer);
        t.write(at, table.array());
        t.storage.force();
        writeHeader(t, at, entries);
        tail = at + bytes;
      }
      t.storage.force();
    }
    // The new size last.
    writeFooters(t, tail, footer);
  }

  /**
   * Replaces both footers of a sparse disk. Footer and copy cannot change at once, and a copy that
   * disagrees with the footer about the size makes a strict open fail; an invalid copy is only a
   * warning. So the copy is invalidated first, then the footer written, then the copy: an
   * interruption at any point leaves an image that opens, and repair (or running the operation
   * again) restores the copy.
   */
  private static void writeFooters(Target t, long tailAt, byte[] footer) throws IOException {
    t.write(0, new byte[FOOTER]);
    t.storage.force();
    t.write(tailAt, footer);
    t.storage.force();
    t.write(0, footer);
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
    for (int entry : l.bat) {
      if (entry != Layer.UNALLOCATED) {
        long b = (entry & 0xFFFFFFFFL) * SECTOR;
        if (b >= from) {
          limit = Math.min(limit, b);
        }
      }
    }
    if (to > limit) {
      return false;
    }
    byte[] pad = new byte[(int) (to - from)];
    t.storage.read(from, ByteBuffer.wrap(pad), 0, pad.length);
    boolean ff = true;
    boolean zero = true;
    for (byte x : pad) {
      ff &= x == -1;
      zero &= x == 0;
    }
    return ff || zero;
  }

  private static void writeHeader(Target t, long tableOffset, long entries) throws IOException {
    DynamicHeader h = t.layer.header;
    byte[] header = new byte[1024];
    t.storage.read(h.offset(), ByteBuffer.wrap(header), 0, header.length);
    ByteBuffer b = ByteBuffer.wrap(header);
    b.putLong(16, tableOffset);
    b.putInt(28, (int) entries);
    b.putInt(36, (int) Codec.checksum(b, 1024, 36));
    t.write(h.offset(), header);
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

  // -----------------------------------------------------------------------------------------
  // Compact

  /**
   * Drops the all-zero blocks of a dynamic disk and closes the gaps: each block that reads as
   * zeros is unallocated, then the blocks stored last are moved into the freed places (copy,
   * force, repoint, force) and the file is cut after the last block.
   *
   * @param path the dynamic image
   * @param progress told about the blocks examined
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
      int[] bat = l.bat;
      long tableOffset = l.header.tableOffset();
      // 1. Unallocate blocks whose data is all zeros.
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(l.blockSize, 4 << 20));
      List<Long> free = new ArrayList<>();
      ProgressCounter examined = new ProgressCounter(progress, l.virtualSize);
      for (int b = 0; b < bat.length; b++) {
        if (bat[b] != Layer.UNALLOCATED) {
          long start = (bat[b] & 0xFFFFFFFFL) * SECTOR;
          if (isZero(t.storage, start + l.bitmapBytes, l.blockSize, buf)) {
            t.write(tableOffset + 4L * b, new byte[] {-1, -1, -1, -1});
            bat[b] = Layer.UNALLOCATED;
            free.add(start);
          }
        }
        examined.add(l.blockSize);
      }
      examined.finish();
      t.storage.force();
      // 2. Move the blocks stored last into the lowest free places.
      free.sort(null);
      long[] owner = blocksByOffset(bat);
      int fi = 0;
      for (int k = owner.length - 1; k >= 0 && fi < free.size(); k--) {
        long start = owner[k] >>> 32 << 9;  // sector << 9
        int block = (int) (owner[k] & 0xFFFFFFFFL);
        long target = free.get(fi);
        if (target >= start) {
          break;
        }
        copy(t.storage, start, target, stride, buf);
        t.storage.force();
        t.write(tableOffset + 4L * block, ByteBuffer.allocate(4).putInt(0, (int) (target / SECTOR)).array());
        t.storage.force();
        bat[block] = (int) (target / SECTOR);
        fi++;
        free.add(start);
        free.sort(null);
      }
      // 3. Cut the file after the last structure in use.
      long end = l.metadataEnd(l.footerOffset);
      for (int entry : bat) {
        if (entry != Layer.UNALLOCATED) {
          end = Math.max(end, (entry & 0xFFFFFFFFL) * SECTOR + stride);
        }
      }
      if (end < l.footerOffset) {
        t.write(end, t.footer);
        t.storage.force();
        t.storage.truncate(end + FOOTER);
      }
      after = t.storage.size();
    }
    return before - after;
  }

  /** The allocated blocks as (sector << 32 | block), sorted by file offset. */
  private static long[] blocksByOffset(int[] bat) {
    int n = 0;
    for (int e : bat) {
      if (e != Layer.UNALLOCATED) {
        n++;
      }
    }
    long[] out = new long[n];
    int i = 0;
    for (int b = 0; b < bat.length; b++) {
      if (bat[b] != Layer.UNALLOCATED) {
        out[i++] = (bat[b] & 0xFFFFFFFFL) << 32 | b;
      }
    }
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
