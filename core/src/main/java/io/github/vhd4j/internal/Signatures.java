package io.github.vhd4j.internal;

import io.github.vhd4j.DiskFormat;
import io.github.vhd4j.internal.storage.Storage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The signatures of the disk image formats vhd4j names but does not read (or, for VHDX, does not
 * read yet), each at the place its format's published layout puts it. This table is the only
 * place those offsets are written.
 */
final class Signatures {

  /**
   * Bytes that mark a format at a fixed file offset.
   *
   * @param format the format they mark
   * @param offset where they are stored
   * @param bytes their value
   */
  record Signature(DiskFormat format, long offset, byte[] bytes) {}

  /** ISO 9660 counts in 2048-byte logical sectors; the first volume descriptor is sector 16. */
  private static final long ISO_SECTOR = 2048;

  static final List<Signature> ALL = List.of(
      // VHDX: the file type identifier's signature, first in the header section.
      new Signature(DiskFormat.VHDX, 0, ascii("vhdxfile")),
      // QCOW (versions 1 to 3): the header's magic, 'Q' 'F' 'I' 0xFB.
      new Signature(DiskFormat.QCOW2, 0, new byte[] {'Q', 'F', 'I', (byte) 0xFB}),
      // VMDK: the magic of a hosted sparse extent header, and of an ESX sparse (COW) extent.
      new Signature(DiskFormat.VMDK, 0, ascii("KDMV")),
      new Signature(DiskFormat.VMDK, 0, ascii("COWD")),
      // VMDK: the first line of a text descriptor file, which names the extents holding the data.
      new Signature(DiskFormat.VMDK, 0, ascii("# Disk DescriptorFile")),
      // VDI: the image signature 0xBEDA107F, stored little-endian after the 64-byte text banner.
      new Signature(DiskFormat.VDI, 0x40, new byte[] {0x7F, 0x10, (byte) 0xDA, (byte) 0xBE}),
      // ISO 9660: the standard identifier, after the type byte of the first volume descriptor.
      new Signature(DiskFormat.ISO, 16 * ISO_SECTOR + 1, ascii("CD001")));

  private Signatures() {}

  /**
   * Finds the first signature of {@link #ALL} the storage holds; a signature that would pass the
   * end of the storage is not read.
   *
   * @param s the storage
   * @return its format, or null when none matches
   * @throws IOException if reading fails
   */
  static @Nullable DiskFormat match(Storage s) throws IOException {
    long len = s.size();
    for (Signature sig : ALL) {
      int n = sig.bytes().length;
      if (sig.offset() > len - n) {
        continue;
      }
      byte[] found = new byte[n];
      s.read(sig.offset(), ByteBuffer.wrap(found), 0, n);
      if (Arrays.equals(found, sig.bytes())) {
        return sig.format();
      }
    }
    return null;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
