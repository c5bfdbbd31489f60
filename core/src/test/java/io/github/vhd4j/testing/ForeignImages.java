package io.github.vhd4j.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The beginnings of disk images in formats vhd4j does not read, built from each format's published
 * layout: enough of each header for a reader to recognise the format (and, for most, its size),
 * so that tests need no other program to make them.
 */
public final class ForeignImages {
  private static final int KIB = 1024;

  private ForeignImages() {}

  /**
   * A VHDX's file type identifier (MS-VHDX 2.2.1): the signature {@code "vhdxfile"} and a UTF-16
   * creator string, followed by the first header's signature {@code "head"} at 64 KiB.
   *
   * @return 128 KiB
   */
  public static byte[] vhdx() {
    ByteBuffer b = ByteBuffer.allocate(128 * KIB).order(ByteOrder.LITTLE_ENDIAN);
    b.put(0, ascii("vhdxfile"));
    b.put(8, "vhd4j tests".getBytes(StandardCharsets.UTF_16LE));
    b.put(64 * KIB, ascii("head"));
    return b.array();
  }

  /**
   * A QCOW2 version 3 header (big-endian): magic {@code "QFI\xfb"}, version, 64 KiB clusters and
   * the virtual size.
   *
   * @param size the virtual size it records
   * @return 64 KiB
   */
  public static byte[] qcow2(long size) {
    ByteBuffer b = ByteBuffer.allocate(64 * KIB);
    b.put(0, new byte[] {'Q', 'F', 'I', (byte) 0xFB});
    b.putInt(4, 3);       // version
    b.putInt(20, 16);     // cluster_bits
    b.putLong(24, size);  // size
    b.putInt(96, 4);      // refcount_order
    b.putInt(100, 104);   // header_length
    return b.array();
  }

  /**
   * A VMDK hosted sparse extent header (little-endian): magic {@code "KDMV"}, version 1, the
   * capacity in sectors and 64 KiB grains.
   *
   * @param size the virtual size it records
   * @return 64 KiB
   */
  public static byte[] vmdkSparse(long size) {
    ByteBuffer b = ByteBuffer.allocate(64 * KIB).order(ByteOrder.LITTLE_ENDIAN);
    b.put(0, ascii("KDMV"));
    b.putInt(4, 1);             // version
    b.putInt(8, 3);             // flags: valid newline test, redundant grain table
    b.putLong(12, size / 512);  // capacity
    b.putLong(20, 128);         // grainSize
    b.putInt(44, 512);          // numGTEsPerGT
    return b.array();
  }

  /**
   * A VMDK text descriptor of a monolithic flat disk, whose data is in another file.
   *
   * @param size the virtual size its extent line records
   * @return the descriptor's bytes
   */
  public static byte[] vmdkDescriptor(long size) {
    return ascii("# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\n"
        + "createType=\"monolithicFlat\"\n\n# Extent description\nRW " + size / 512
        + " FLAT \"disk-flat.vmdk\" 0\n");
  }

  /**
   * A VDI pre-header and header (little-endian): the text banner, the signature 0xBEDA107F at
   * 0x40, version 1.1, a dynamic image type and the disk size.
   *
   * @param size the virtual size it records
   * @return 4 KiB
   */
  public static byte[] vdi(long size) {
    ByteBuffer b = ByteBuffer.allocate(4 * KIB).order(ByteOrder.LITTLE_ENDIAN);
    b.put(0, ascii("<<< Oracle VM VirtualBox Disk Image >>>\n"));
    b.putInt(0x40, 0xBEDA107F);  // signature
    b.putInt(0x44, 0x00010001);  // version 1.1
    b.putInt(0x48, 0x190);       // header size
    b.putInt(0x4C, 1);           // image type: dynamic
    b.putLong(0x170, size);      // disk size
    return b.array();
  }

  /**
   * An ISO 9660 volume: 16 empty system-area sectors of 2048 bytes, a primary volume descriptor
   * (type 1, {@code "CD001"}, version 1) and the set terminator (type 255).
   *
   * @return 18 sectors
   */
  public static byte[] iso() {
    int sector = 2048;
    ByteBuffer b = ByteBuffer.allocate(18 * sector);
    descriptor(b, 16 * sector, 1);
    descriptor(b, 17 * sector, 255);
    return b.array();
  }

  private static void descriptor(ByteBuffer b, int at, int type) {
    b.put(at, (byte) type);
    b.put(at + 1, ascii("CD001"));
    b.put(at + 6, (byte) 1);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
