package io.github.vhd4j.internal.vhd.layout;

import io.github.vhd4j.DiskType;
import io.github.vhd4j.Footer;
import io.github.vhd4j.Geometry;
import io.github.vhd4j.internal.Field;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The hard disk footer (VHD specification, "Hard Disk Footer Format"): 512 bytes at the end of
 * every image, copied at offset 0 of dynamic and differencing images.
 */
public final class FooterLayout {
  /** The footer's size. */
  public static final int SIZE = 512;
  /** The size of the footer Virtual PC wrote before 2004, without the last reserved byte. */
  public static final int SHORT_SIZE = 511;
  /** The structure's name in problems for the footer at the end of the file. */
  public static final String STRUCTURE = "footer";
  /** The structure's name in problems for the copy at offset 0. */
  public static final String COPY_STRUCTURE = "footerCopy";
  /** The cookie's value. */
  public static final byte[] COOKIE_VALUE = "conectix".getBytes(StandardCharsets.US_ASCII);
  /** The format version this library reads and writes, 1.0. */
  public static final long VERSION_1_0 = 0x00010000L;
  /** The reserved feature bit, always set. */
  public static final long FEATURE_RESERVED = 0x2;
  /** The temporary-disk feature bit. */
  public static final long FEATURE_TEMPORARY = 0x1;
  /** The data offset of a fixed disk, which has no dynamic header. */
  public static final long NO_DATA_OFFSET = -1L;

  /** "conectix". */
  public static final Field COOKIE = new Field("cookie", 0, 8);
  /** Feature bits. */
  public static final Field FEATURES = new Field("features", 8, 4);
  /** Format version. */
  public static final Field FORMAT_VERSION = new Field("formatVersion", 12, 4);
  /** Absolute offset of the dynamic header. */
  public static final Field DATA_OFFSET = new Field("dataOffset", 16, 8);
  /** Seconds since 2000-01-01 UTC. */
  public static final Field TIMESTAMP = new Field("timestamp", 24, 4);
  /** Creator application, four characters. */
  public static final Field CREATOR_APPLICATION = new Field("creatorApplication", 28, 4);
  /** Creator version. */
  public static final Field CREATOR_VERSION = new Field("creatorVersion", 32, 4);
  /** Creator application, version and host OS as one field, as the head-copy comparison reports them. */
  public static final Field CREATOR = new Field("creator", 28, 12);
  /** Creator host OS, four characters. */
  public static final Field CREATOR_HOST_OS = new Field("creatorHostOs", 36, 4);
  /** Size at creation. */
  public static final Field ORIGINAL_SIZE = new Field("originalSize", 40, 8);
  /** Current size. */
  public static final Field CURRENT_SIZE = new Field("currentSize", 48, 8);
  /** Cylinders, heads and sectors per track, as one field. */
  public static final Field GEOMETRY = new Field("geometry", 56, 4);
  /** Cylinders. */
  public static final Field CYLINDERS = new Field("geometry", 56, 2);
  /** Heads. */
  public static final Field HEADS = new Field("geometry", 58, 1);
  /** Sectors per track. */
  public static final Field SECTORS_PER_TRACK = new Field("geometry", 59, 1);
  /** Disk type. */
  public static final Field DISK_TYPE = new Field("diskType", 60, 4);
  /** Checksum. */
  public static final Field CHECKSUM = new Field("checksum", 64, 4);
  /** Unique id. */
  public static final Field UNIQUE_ID = new Field("uniqueId", 68, 16);
  /** Saved state. */
  public static final Field SAVED_STATE = new Field("savedState", 84, 1);
  /** Reserved to the end; its first byte is blktap's "hidden" flag. */
  public static final Field RESERVED = new Field("reserved", 85, SIZE - 85);
  /** blktap's "hidden" flag, the first reserved byte. */
  public static final Field HIDDEN = new Field("reserved", 85, 1);
  /** The reserved bytes after the "hidden" flag. */
  public static final Field RESERVED_AFTER_HIDDEN = new Field("reserved", 86, SIZE - 86);

  private FooterLayout() {}

  /**
   * Computes a footer's checksum.
   *
   * @param b the footer from index 0 (512 bytes)
   * @return the checksum as an unsigned 32-bit value
   */
  public static long checksum(ByteBuffer b) {
    return Checksum.compute(b, SIZE, CHECKSUM);
  }

  /**
   * Stores a footer's checksum after its other fields changed.
   *
   * @param b the footer from index 0 (512 bytes)
   * @return b
   */
  public static ByteBuffer seal(ByteBuffer b) {
    CHECKSUM.putU32(b, checksum(b));
    return b;
  }

  /**
   * Decodes a footer whose disk type is known to be valid.
   *
   * @param b the footer from index 0
   * @param type its disk type, decoded and checked by the caller
   * @return the footer as stored
   */
  public static Footer decode(ByteBuffer b, DiskType type) {
    Geometry geometry = new Geometry(CYLINDERS.u16(b), HEADS.u8(b), SECTORS_PER_TRACK.u8(b));
    return new Footer(FEATURES.u32(b), FORMAT_VERSION.u32(b), DATA_OFFSET.u64(b), TIMESTAMP.u32(b),
        CREATOR_APPLICATION.fourCc(b), CREATOR_VERSION.u32(b), CREATOR_HOST_OS.fourCc(b), ORIGINAL_SIZE.u64(b),
        CURRENT_SIZE.u64(b), geometry, type, CHECKSUM.u32(b), UNIQUE_ID.uuid(b), SAVED_STATE.u8(b));
  }

  /**
   * Encodes a footer; its checksum is computed, not taken from the record.
   *
   * @param f the footer
   * @return a new 512-byte buffer, reserved bytes zero
   */
  public static ByteBuffer encode(Footer f) {
    ByteBuffer b = ByteBuffer.allocate(SIZE);
    COOKIE.putBytes(b, COOKIE_VALUE);
    FEATURES.putU32(b, f.features());
    FORMAT_VERSION.putU32(b, f.formatVersion());
    DATA_OFFSET.putU64(b, f.dataOffset());
    TIMESTAMP.putU32(b, f.timestamp());
    CREATOR_APPLICATION.putBytes(b, f.creatorApplication().getBytes(StandardCharsets.ISO_8859_1));
    CREATOR_VERSION.putU32(b, f.creatorVersion());
    CREATOR_HOST_OS.putBytes(b, f.creatorHostOs().getBytes(StandardCharsets.ISO_8859_1));
    ORIGINAL_SIZE.putU64(b, f.originalSize());
    CURRENT_SIZE.putU64(b, f.currentSize());
    putGeometry(b, f.geometry());
    DISK_TYPE.putU32(b, f.diskType().code());
    UNIQUE_ID.putUuid(b, f.uniqueId());
    SAVED_STATE.putU8(b, f.savedState());
    return seal(b);
  }

  /**
   * Writes a geometry into a footer (the checksum is not updated).
   *
   * @param b the footer
   * @param g the geometry
   */
  public static void putGeometry(ByteBuffer b, Geometry g) {
    CYLINDERS.putU16(b, g.cylinders());
    HEADS.putU8(b, g.heads());
    SECTORS_PER_TRACK.putU8(b, g.sectorsPerTrack());
  }
}
