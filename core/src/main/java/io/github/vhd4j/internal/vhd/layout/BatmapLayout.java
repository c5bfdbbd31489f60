package io.github.vhd4j.internal.vhd.layout;

import io.github.vhd4j.internal.Field;
import io.github.vhd4j.internal.Sectors;
import java.nio.charset.StandardCharsets;

/**
 * blktap's batmap header (not in the VHD specification; XenServer writes it): one sector right
 * after the padded block allocation table, pointing to a map with one bit per table entry.
 */
public final class BatmapLayout {
  /** The header's size. */
  public static final int SIZE = Sectors.SIZE;
  /** The structure's name in problems. */
  public static final String STRUCTURE = "batmap";
  /** The cookie's value. */
  public static final byte[] COOKIE_VALUE = "tdbatmap".getBytes(StandardCharsets.US_ASCII);
  /** The oldest version recognised, 1.0. */
  public static final long VERSION_MIN = 0x00010000L;
  /** Version 1.1, whose checksum summed signed bytes. */
  public static final long VERSION_SIGNED_SUM = 0x00010001L;
  /** The newest version recognised, 1.2. */
  public static final long VERSION_MAX = 0x00010002L;

  /** "tdbatmap". */
  public static final Field COOKIE = new Field("cookie", 0, 8);
  /** Absolute byte offset of the map. */
  public static final Field BATMAP_OFFSET = new Field("batmapOffset", 8, 8);
  /** The map's size in sectors. */
  public static final Field BATMAP_SIZE = new Field("batmapSize", 16, 4);
  /** Version. */
  public static final Field BATMAP_VERSION = new Field("batmapVersion", 20, 4);
  /** One's complement of the map's byte sum. */
  public static final Field CHECKSUM = new Field("checksum", 24, 4);

  private BatmapLayout() {}
}
