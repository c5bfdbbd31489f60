package io.github.vhd4j.internal.vhdx.layout;

import io.github.vhd4j.internal.Field;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.UUID;

/**
 * GUIDs as VHDX stores them (MS-VHDX section 2, "GUID"): the first field as a little-endian 32-bit
 * number, the next two as little-endian 16-bit numbers, the last eight bytes in order. The known
 * identifiers of regions, metadata items and locator types are named here once.
 */
public final class Guids {
  /** The zero GUID, which means "none" wherever VHDX stores a GUID (for example LogGuid). */
  public static final UUID ZERO = new UUID(0, 0);
  /** Region: the block allocation table (MS-VHDX 2.2.3.2). */
  public static final UUID BAT_REGION = UUID.fromString("2DC27766-F623-4200-9D64-115E9BFD4A08");
  /** Region: the metadata region (MS-VHDX 2.2.3.2). */
  public static final UUID METADATA_REGION = UUID.fromString("8B7CA206-4790-4B9A-B8FE-575F050F886E");
  /** Metadata item: File Parameters (MS-VHDX 2.6.2.1). */
  public static final UUID FILE_PARAMETERS = UUID.fromString("CAA16737-FA36-4D43-B3B6-33F0AA44E76B");
  /** Metadata item: Virtual Disk Size (MS-VHDX 2.6.2.2). */
  public static final UUID VIRTUAL_DISK_SIZE = UUID.fromString("2FA54224-CD1B-4876-B211-5DBED83BF4B8");
  /** Metadata item: Virtual Disk ID, the SCSI page 0x83 identity (MS-VHDX 2.6.2.3). */
  public static final UUID VIRTUAL_DISK_ID = UUID.fromString("BECA12AB-B2E6-4523-93EF-C309E000C746");
  /** Metadata item: Logical Sector Size (MS-VHDX 2.6.2.4). */
  public static final UUID LOGICAL_SECTOR_SIZE = UUID.fromString("8141BF1D-A96F-4709-BA47-F233A8FAAB5F");
  /** Metadata item: Physical Sector Size (MS-VHDX 2.6.2.5). */
  public static final UUID PHYSICAL_SECTOR_SIZE = UUID.fromString("CDA348C7-445D-4471-9CC9-E9885251C556");
  /** Metadata item: Parent Locator (MS-VHDX 2.6.2.6). */
  public static final UUID PARENT_LOCATOR = UUID.fromString("A8D35F2D-B30B-454D-ABF7-D3D84834AB0C");
  /** Metadata item Windows writes beyond the specification: CHS parameters. */
  public static final UUID CHS_PARAMETERS = UUID.fromString("DA02D7BC-3D3A-423C-AC88-2A36AB21479B");
  /** Metadata item Windows keeps while it creates a file: such a file is not finished. */
  public static final UUID INCOMPLETE_FILE = UUID.fromString("71CC85F0-1B69-4E28-9558-C3BF83AE75D3");
  /** Metadata item Windows writes for persistent-memory disks: the label storage area. */
  public static final UUID PMEM_LABEL_STORAGE = UUID.fromString("10E1AE8A-4B7E-4169-A40F-CD70DE928393");
  /** The one parent locator type the specification defines (MS-VHDX 2.6.2.6.3). */
  public static final UUID VHDX_LOCATOR_TYPE = UUID.fromString("B04AEFB7-D19E-4A81-B789-25B8E9445913");

  private static final Map<UUID, String> NAMES = Map.ofEntries(
      Map.entry(BAT_REGION, "BAT"),
      Map.entry(METADATA_REGION, "metadata"),
      Map.entry(FILE_PARAMETERS, "File Parameters"),
      Map.entry(VIRTUAL_DISK_SIZE, "Virtual Disk Size"),
      Map.entry(VIRTUAL_DISK_ID, "Virtual Disk ID"),
      Map.entry(LOGICAL_SECTOR_SIZE, "Logical Sector Size"),
      Map.entry(PHYSICAL_SECTOR_SIZE, "Physical Sector Size"),
      Map.entry(PARENT_LOCATOR, "Parent Locator"),
      Map.entry(CHS_PARAMETERS, "CHS Parameters"),
      Map.entry(INCOMPLETE_FILE, "Incomplete File"),
      Map.entry(PMEM_LABEL_STORAGE, "PMEM Label Storage Area"),
      Map.entry(VHDX_LOCATOR_TYPE, "VHDX parent locator"));

  private Guids() {}

  /**
   * Reads a GUID at a byte offset.
   *
   * @param b the buffer (any byte order; the GUID's own order is used)
   * @param offset where the 16 bytes start
   * @return the GUID
   */
  public static UUID get(ByteBuffer b, int offset) {
    long d1 = le(b, offset, 4);
    long d2 = le(b, offset + 4, 2);
    long d3 = le(b, offset + 6, 2);
    long lo = 0;
    for (int i = 8; i < 16; i++) {
      lo = (lo << 8) | (b.get(offset + i) & 0xFF);
    }
    return new UUID((d1 << 32) | (d2 << 16) | d3, lo);
  }

  /** Reads {@code n} bytes as a little-endian number, whatever the buffer's order. */
  private static long le(ByteBuffer b, int offset, int n) {
    long v = 0;
    for (int i = n - 1; i >= 0; i--) {
      v = (v << 8) | (b.get(offset + i) & 0xFF);
    }
    return v;
  }

  /**
   * Reads a GUID field.
   *
   * @param b the structure's buffer
   * @param field a 16-byte field
   * @return the GUID
   */
  public static UUID get(ByteBuffer b, Field field) {
    return get(b, field.offset());
  }

  /**
   * Writes a GUID at a byte offset.
   *
   * @param b the buffer
   * @param offset where the 16 bytes go
   * @param value the GUID
   */
  public static void put(ByteBuffer b, int offset, UUID value) {
    long hi = value.getMostSignificantBits();
    putLe(b, offset, hi >>> 32, 4);
    putLe(b, offset + 4, hi >>> 16, 2);
    putLe(b, offset + 6, hi, 2);
    long lo = value.getLeastSignificantBits();
    for (int i = 15; i >= 8; i--) {
      b.put(offset + i, (byte) lo);
      lo >>>= 8;
    }
  }

  /** Writes the low {@code n} bytes of a number little-endian, whatever the buffer's order. */
  private static void putLe(ByteBuffer b, int offset, long v, int n) {
    for (int i = 0; i < n; i++) {
      b.put(offset + i, (byte) (v >>> (8 * i)));
    }
  }

  /**
   * Writes a GUID field.
   *
   * @param b the structure's buffer
   * @param field a 16-byte field
   * @param value the GUID
   */
  public static void put(ByteBuffer b, Field field, UUID value) {
    put(b, field.offset(), value);
  }

  /**
   * Names a known GUID for messages.
   *
   * @param id a GUID
   * @return its name, or its text form in braces when it is not one VHDX defines
   */
  public static String name(UUID id) {
    String n = NAMES.get(id);
    return n != null ? n : text(id);
  }

  /**
   * The form Windows writes GUIDs in locator values: lower case in braces.
   *
   * @param id a GUID
   * @return for example {@code {2dc27766-f623-4200-9d64-115e9bfd4a08}}
   */
  public static String text(UUID id) {
    return "{" + id + "}";
  }
}
