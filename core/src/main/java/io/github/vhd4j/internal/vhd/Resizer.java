package io.github.vhd4j.internal.vhd;

import io.github.vhd4j.DiskType;
import io.github.vhd4j.DynamicHeader;
import io.github.vhd4j.SizeMode;
import io.github.vhd4j.UnsupportedVhdFeatureException;
import io.github.vhd4j.internal.Limits;
import io.github.vhd4j.internal.Sectors;
import io.github.vhd4j.internal.vhd.layout.DynamicHeaderLayout;
import io.github.vhd4j.internal.vhd.layout.FooterLayout;
import io.github.vhd4j.internal.vhd.layout.TableLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Changes an image's virtual size. Every step leaves an image that vhd4j, QEMU, 7-Zip and libvhdi
 * open with the old or the new size and the same content up to the smaller one, and running the
 * resize again completes it. Shrinking is only allowed over space that holds nothing
 * ({@link ResizeSpace} checks it). The footer's original size follows the new size.
 */
public final class Resizer {
  private Resizer() {}

  /**
   * Changes the virtual size.
   *
   * @param path the image
   * @param requested the new size in bytes
   * @param mode how the size becomes current size and geometry
   * @param locking hold the image exclusively while it changes
   * @return the new virtual size
   * @throws IOException if the image cannot be changed, with the reason
   */
  public static long resize(Path path, long requested, SizeMode mode, boolean locking) throws IOException {
    return resize(path, requested, mode, locking, Maintenance.files(locking));
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
  public static long resize(Path path, long requested, SizeMode mode, boolean locking, Maintenance.Opener opener)
      throws IOException {
    if (requested < 0) {
      throw new IllegalArgumentException("negative size: " + requested);
    }
    if (mode == SizeMode.EXACT && requested % Sectors.SIZE != 0) {
      throw new IllegalArgumentException("an exact size must be a whole number of 512-byte sectors: " + requested);
    }
    try (Maintenance.Target t = new Maintenance.Target(path, opener, locking)) {
      Layer l = t.layer;
      if (l.type == DiskType.FIXED && t.storage.isFixedLength()) {
        throw new UnsupportedVhdFeatureException("a fixed disk on a block device cannot change size: its footer"
            + " must stay at the device's end", l.resource, null);
      }
      Creator.Sizing sizing = Creator.sizing(requested, mode);
      long newSize = sizing.currentSize();
      Limits.requireSize(l.type, newSize);
      long oldSize = l.virtualSize;
      byte[] footer = t.footer.clone();
      ByteBuffer f = ByteBuffer.wrap(footer);
      // The original size follows too. The specification calls it the size at creation, but
      // libvhdi takes it as the disk's size (conformance/DIVERGENCES.md case 2): left alone, a
      // grown disk would read short there, and a shrunk one would show its footer as data.
      FooterLayout.ORIGINAL_SIZE.putU64(f, newSize);
      FooterLayout.CURRENT_SIZE.putU64(f, newSize);
      FooterLayout.putGeometry(f, sizing.geometry());
      FooterLayout.seal(f);
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
  private static void resizeFixed(Maintenance.Target t, long oldSize, long newSize, byte[] footer)
      throws IOException {
    Layer l = t.layer;
    if (newSize < oldSize) {
      // A run interrupted after writing the new footer left it where the data ends now.
      long checkFrom = newSize;
      if (l.footerOffset - newSize >= FooterLayout.SIZE && ResizeSpace.holds(t.storage, newSize, footer)) {
        checkFrom = newSize + FooterLayout.SIZE;
      }
      ResizeSpace.requireZeros(t.storage, checkFrom, oldSize, l.resource, newSize, 0);
    }
    t.write(newSize, footer);
    t.force();
    if (newSize > oldSize) {
      t.write(l.footerOffset, new byte[(int) Math.min(FooterLayout.SIZE, newSize - l.footerOffset)]);
    } else {
      t.storage.truncate(newSize + FooterLayout.SIZE);
    }
    t.force();
  }

  /**
   * Tells whether a sparse image of {@code size} bytes is in the state a completed resize leaves:
   * the footer copy at offset 0 equal to the footer, and exactly as many table entries as blocks.
   */
  private static boolean settled(Maintenance.Target t, long size) throws IOException {
    byte[] copy = new byte[FooterLayout.SIZE];
    t.storage.read(0, ByteBuffer.wrap(copy), 0, copy.length);
    long blocks = Sectors.ceilDiv(size, t.layer.blockSize);
    return Arrays.equals(copy, t.footer) && t.layer.header.maxTableEntries() == blocks;
  }

  /**
   * Resizes a dynamic or differencing disk. The peers read different copies of the metadata: QEMU
   * and 7-Zip the footer copy at offset 0 and the header it names, libvhdi and vhd4j the footer at
   * the end of the file, and 7-Zip refuses a header whose table length is not exactly the blocks
   * the size needs. So the copy and the header change in one write (they are adjacent when the
   * header follows the copy, as every known creator puts it), and the footer at the end changes in
   * another: first for a shrink (a longer table than the new size needs is legal, a shorter one is
   * not), last for a growth. Before the copy changes, a footer matching it is put where 7-Zip looks
   * for one when the two disagree (the end of the blocks). A table that must grow beyond its area
   * is first copied after the last block. Every step is forced before the next; the tail moves out
   * by one sector and back, so the file never lacks a footer at its end.
   */
  private static void resizeSparse(Maintenance.Target t, long oldSize, long newSize, byte[] footer)
      throws IOException {
    Layer l = t.layer;
    DynamicHeader h = l.header;
    long entries = Sectors.ceilDiv(newSize, l.blockSize);
    if (entries > Limits.MAX_TABLE_ENTRIES) {
      throw new IllegalArgumentException(entries + " blocks exceed the " + Limits.MAX_TABLE_ENTRIES
          + " table entries this library opens");
    }
    boolean shrink = newSize < oldSize;
    if (shrink) {
      ResizeSpace.requireNothingStoredPast(t, newSize, oldSize);
    } else if (newSize > oldSize) {
      // In a differencing disk the parent shows through where the child stores nothing, so growing
      // over parent data is refused.
      if (l.type == DiskType.DIFFERENCING) {
        ResizeSpace.requireNoParentData(t, oldSize, newSize);
      }
      ResizeSpace.clearPastEnd(t, oldSize);
    }
    long tail = l.footerOffset;
    long tableOffset = h.tableOffset();
    // A block device cannot grow or be cut: its footer stays where it is (the device's end).
    boolean device = t.storage.isFixedLength();
    if (entries > h.maxTableEntries()) {
      if (TableGrowth.fitsInPlace(t, entries)) {
        // Unallocated entries over the padding (which some writers fill with zeros); the header
        // still covers fewer, so nothing reads them yet.
        TableGrowth.writeUnused(t.storage, TableLayout.entryOffset(tableOffset, h.maxTableEntries()),
            (entries - h.maxTableEntries()) * TableLayout.ENTRY_SIZE);
      } else if (device) {
        throw Maintenance.refused(l.resource, "cannot grow to " + newSize + " bytes: the block table needs "
            + entries + " entries, more than its area holds, and a block device has no room after its footer");
      } else {
        // A larger table where the footer is, the footer after it; nothing points at the new
        // table until the header does. Its size keeps 4 KiB-aligned layouts aligned.
        tableOffset = Sectors.roundUp(tail);
        long bytes = Sectors.roundUp(entries * TableLayout.ENTRY_SIZE, Creator.ALIGN);
        t.write(tableOffset + bytes, t.footer);
        TableGrowth.copyTable(t, tableOffset, bytes);
        tail = tableOffset + bytes;
      }
      t.force();
    }
    if (device) {
      // In place: the footer at the end first for a shrink, last for a growth. While the two
      // differ, 7-Zip reads the disk but reports that it cannot find the footer.
      if (shrink) {
        t.write(tail, footer);
        t.force();
      }
      writeCopyAndHeader(t, footer, tableOffset, entries, shrink);
      if (!shrink) {
        t.write(tail, footer);
        t.force();
      }
      return;
    }
    // The tail moves out by a sector. The sector it leaves keeps the footer that matches the copy
    // while the two disagree, which is where 7-Zip looks: the old one for a shrink, the new one
    // (written next) for a growth.
    t.write(tail + FooterLayout.SIZE, shrink ? footer : t.footer);
    t.force();
    if (!shrink) {
      t.write(tail, footer);
      t.force();
    }
    writeCopyAndHeader(t, footer, tableOffset, entries, shrink);
    if (shrink) {
      t.write(tail, footer);
      t.force();
    }
    // The sector after it held the tail; the new footer now ends the file.
    t.storage.truncate(tail + FooterLayout.SIZE);
    t.force();
  }

  /**
   * Writes the footer copy and the header's table offset and length. Adjacent (the header right
   * after the copy), they are one write; otherwise the copy goes first for a shrink and the header
   * first for a growth, so that a reader of the copy never sees a table shorter than its size
   * needs.
   */
  private static void writeCopyAndHeader(Maintenance.Target t, byte[] footer, long tableOffset, long entries,
      boolean shrink) throws IOException {
    DynamicHeader h = t.layer.header;
    byte[] header = header(t, tableOffset, entries);
    if (h.offset() == FooterLayout.SIZE) {
      byte[] both = Arrays.copyOf(footer, FooterLayout.SIZE + header.length);
      System.arraycopy(header, 0, both, FooterLayout.SIZE, header.length);
      t.write(0, both);
      t.force();
      return;
    }
    t.write(shrink ? 0 : h.offset(), shrink ? footer : header);
    t.force();
    t.write(shrink ? h.offset() : 0, shrink ? header : footer);
    t.force();
  }

  /** The dynamic header as stored, with another table offset and length, sealed again. */
  private static byte[] header(Maintenance.Target t, long tableOffset, long entries) throws IOException {
    byte[] header = new byte[DynamicHeaderLayout.SIZE];
    t.storage.read(t.layer.header.offset(), ByteBuffer.wrap(header), 0, header.length);
    ByteBuffer b = ByteBuffer.wrap(header);
    DynamicHeaderLayout.TABLE_OFFSET.putU64(b, tableOffset);
    DynamicHeaderLayout.MAX_TABLE_ENTRIES.putU32(b, entries);
    DynamicHeaderLayout.seal(b);
    return header;
  }
}
