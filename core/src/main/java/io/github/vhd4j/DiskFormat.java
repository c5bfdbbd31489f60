package io.github.vhd4j;

/**
 * The format of a disk image file, as {@link DiskImages#probe(java.nio.file.Path)} recognises it
 * by the signature each format stores at a fixed place. vhd4j reads the formats whose
 * {@link #isReadable()} is true; it names the others so that a caller can tell the user what the
 * file is instead of reporting a missing VHD footer.
 */
public enum DiskFormat {
  /** Microsoft VHD (fixed, dynamic or differencing): the footer cookie {@code "conectix"}. */
  VHD("VHD", "a VHD image", true),
  /**
   * Microsoft VHDX (fixed, dynamic or differencing): the file type identifier {@code "vhdxfile"}
   * at offset 0. Read, not written.
   */
  VHDX("VHDX", "a VHDX image", true),
  /** QEMU copy-on-write: the magic {@code "QFI\xfb"} at offset 0. */
  QCOW2("QCOW2", "a QCOW2 image", false),
  /**
   * VMware VMDK: a sparse extent's magic {@code "KDMV"} at offset 0, or a text descriptor
   * beginning {@code "# Disk DescriptorFile"}.
   */
  VMDK("VMDK", "a VMDK image", false),
  /** VirtualBox VDI: the signature 0xBEDA107F, little-endian, at offset 0x40. */
  VDI("VDI", "a VDI image", false),
  /**
   * An ISO 9660 file system (a CD or DVD image): the identifier {@code "CD001"} of the first
   * volume descriptor at offset 32769. Its bytes are the disk's content, so it reads as raw data.
   */
  ISO("ISO 9660", "an ISO 9660 image", false),
  /**
   * No signature of any format above: plain guest bytes (a raw disk image), or a file of a format
   * vhd4j does not know.
   */
  RAW("raw", "raw data", false);

  private final String displayName;
  private final String description;
  private final boolean readable;

  DiskFormat(String displayName, String description, boolean readable) {
    this.displayName = displayName;
    this.description = description;
    this.readable = readable;
  }

  /**
   * Returns the format's usual name.
   *
   * @return for example {@code "QCOW2"}, {@code "ISO 9660"} or {@code "raw"}
   */
  public String displayName() {
    return displayName;
  }

  /**
   * Returns the format as a noun phrase for messages.
   *
   * @return for example {@code "a QCOW2 image"}, {@code "an ISO 9660 image"} or {@code "raw data"}
   */
  public String description() {
    return description;
  }

  /**
   * Tells whether {@link DiskImages#open(java.nio.file.Path, OpenOptions)} opens files of this
   * format.
   *
   * @return true for {@link #VHD}
   */
  public boolean isReadable() {
    return readable;
  }
}
