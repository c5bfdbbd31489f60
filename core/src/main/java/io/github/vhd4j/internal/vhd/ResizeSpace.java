package io.github.vhd4j.internal.vhd;

import io.github.vhd4j.Extent;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.internal.ImageFiles;
import io.github.vhd4j.internal.Sectors;
import io.github.vhd4j.internal.Zeros;
import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.vhd.layout.TableLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The space a resize gives up or takes: a shrink may cut only what stores nothing, and a growth
 * must make the new space read as zeros.
 */
final class ResizeSpace {
  private ResizeSpace() {}

  /**
   * Refuses a shrink over blocks that store anything of this image's own, or over bytes the last
   * kept block stores past the new end unless they are zeros.
   */
  static void requireNothingStoredPast(Maintenance.Target t, long newSize, long oldSize) throws IOException {
    Layer l = t.layer;
    int length = l.bat.length();
    long b = l.bat.scan().next((int) Sectors.ceilDiv(newSize, l.blockSize), length);
    if (b < length) {
      throw Maintenance.refused(l.resource, "cannot shrink to " + newSize + " bytes: block " + b
          + " (from " + b * l.blockSize + ") stores data; only unused space can be cut");
    }
    long lastBlock = (newSize - 1) / l.blockSize;
    int lastEntry = newSize > 0 ? l.bat.get((int) lastBlock) : Layer.UNALLOCATED;
    if (lastEntry != Layer.UNALLOCATED) {
      long inBlock = newSize - lastBlock * l.blockSize;
      long stored = TableLayout.blockOffset(lastEntry) + l.bitmapBytes;
      requireZeros(t.storage, stored + inBlock, stored + Math.min(l.blockSize, oldSize - lastBlock * l.blockSize),
          l.resource, newSize, stored - lastBlock * l.blockSize);
    }
  }

  /**
   * Zeros what the last block stores past the old end (written by another tool, or garbage): the
   * new space must read as zeros once a size shows it.
   */
  static void clearPastEnd(Maintenance.Target t, long oldSize) throws IOException {
    Layer l = t.layer;
    long lastBlock = oldSize == 0 ? -1 : (oldSize - 1) / l.blockSize;
    long inLast = oldSize - lastBlock * l.blockSize;
    int lastEntry = lastBlock < 0 || inLast >= l.blockSize ? Layer.UNALLOCATED : l.bat.get((int) lastBlock);
    if (lastEntry == Layer.UNALLOCATED) {
      return;
    }
    long stored = TableLayout.blockOffset(lastEntry) + l.bitmapBytes;
    Zeros.write(t.storage, stored + inLast, stored + l.blockSize);
    t.force();
  }

  /**
   * Refuses to grow a differencing disk past its parent's end (7-Zip and libvhdi cannot read a
   * child larger than its parent: conformance/DIVERGENCES.md case 13) or over a range where an
   * ancestor stores data, which would show through in the new space.
   */
  static void requireNoParentData(Maintenance.Target t, long oldSize, long newSize) throws IOException {
    Path path = t.layer.path;
    if (path == null) {
      throw Maintenance.refused(t.layer.resource, "cannot find the parent to grow a differencing disk");
    }
    try (VhdImage chain = ImageFiles.open(path, OpenOptions.defaults().withLocking(t.locking))) {
      VhdImage parent = chain.getParent();
      if (parent == null) {
        throw Maintenance.refused(t.layer.resource, "cannot find the parent to grow a differencing disk");
      }
      if (newSize > parent.getSize()) {
        throw Maintenance.refused(t.layer.resource, "cannot grow to " + newSize + " bytes: the parent has "
            + parent.getSize() + " (7-Zip and libvhdi cannot read a child larger than its parent); resize the"
            + " parent first");
      }
      if (oldSize >= newSize) {
        return;
      }
      for (Extent e : parent.map(oldSize, newSize - oldSize)) {
        if (e.data()) {
          throw Maintenance.refused(t.layer.resource, "cannot grow to " + newSize + " bytes: the parent stores"
              + " data at " + e.start() + ", which would show through in the new space");
        }
      }
    }
  }

  /**
   * Refuses a shrink unless the file bytes {@code [from, to)} are zeros; {@code base} maps file
   * offsets back to disk offsets for the message.
   */
  static void requireZeros(Storage s, long from, long to, String resource, long newSize, long base)
      throws IOException {
    ByteBuffer b = ByteBuffer.allocate(64 << 10);
    for (long p = from; p < to; ) {
      int n = (int) Math.min(b.capacity(), to - p);
      s.read(p, b, 0, n);
      for (int i = 0; i < n; i++) {
        if (b.get(i) != 0) {
          throw Maintenance.refused(resource, "cannot shrink to " + newSize + " bytes: the disk holds data at "
              + (p + i - base) + "; only unused space can be cut");
        }
      }
      p += n;
    }
  }

  /** Tells whether the file holds exactly {@code bytes} at {@code offset}. */
  static boolean holds(Storage s, long offset, byte[] bytes) throws IOException {
    byte[] have = new byte[bytes.length];
    s.read(offset, ByteBuffer.wrap(have), 0, have.length);
    return Arrays.equals(have, bytes);
  }
}
