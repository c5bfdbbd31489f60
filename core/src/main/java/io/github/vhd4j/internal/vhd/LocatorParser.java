package io.github.vhd4j.internal.vhd;

import static io.github.vhd4j.internal.Fmt.hex32;
import static io.github.vhd4j.internal.Fmt.hex64;
import static io.github.vhd4j.internal.Fmt.num;

import io.github.vhd4j.ParentLocator;
import io.github.vhd4j.ParentLocator.Platform;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.internal.Fmt;
import io.github.vhd4j.internal.Locators;
import io.github.vhd4j.internal.Place;
import io.github.vhd4j.internal.Problems;
import io.github.vhd4j.internal.Sectors;
import io.github.vhd4j.internal.Site;
import io.github.vhd4j.internal.vhd.layout.DynamicHeaderLayout;
import io.github.vhd4j.internal.vhd.layout.LocatorLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads and validates a differencing disk's eight parent locator entries (VHD specification,
 * "Parent Locator Entries") and decodes the data of each usable one; then checks the set as a
 * whole: a usable entry, no platform code twice, names that agree with the header's parent name.
 * An entry that cannot be used is reported and kept as stored, without a path.
 */
final class LocatorParser {
  private final ParseContext ctx;
  private final Problems p;
  private final DynamicHeaderParser.Header header;
  private final long dataEnd;
  private final List<long[]> regions;

  private LocatorParser(ParseContext ctx, DynamicHeaderParser.Header header, long dataEnd, List<long[]> regions) {
    this.ctx = ctx;
    this.p = ctx.p;
    this.header = header;
    this.dataEnd = dataEnd;
    this.regions = regions;
  }

  /**
   * Parses the entries of a differencing disk.
   *
   * @param ctx the parse
   * @param header the dynamic header
   * @param parentName the header's decoded parent name
   * @param dataEnd where locator data must end
   * @param regions the metadata regions found so far; each usable entry's data is added
   * @return the eight entries in on-disk order, with the decoded path where there is one
   * @throws IOException if the file cannot be read
   */
  static List<ParentLocator> parse(ParseContext ctx, DynamicHeaderParser.Header header, String parentName,
      long dataEnd, List<long[]> regions) throws IOException {
    LocatorParser parser = new LocatorParser(ctx, header, dataEnd, regions);
    List<ParentLocator> out = new ArrayList<>(DynamicHeaderLayout.LOCATOR_COUNT);
    for (int i = 0; i < DynamicHeaderLayout.LOCATOR_COUNT; i++) {
      out.add(parser.entry(i));
    }
    parser.checkSet(out, parentName);
    return out;
  }

  /**
   * Decodes the entries of a disk without a parent as stored, without their data.
   *
   * @param h the dynamic header from index 0
   * @return the eight entries
   */
  static List<ParentLocator> raw(ByteBuffer h) {
    List<ParentLocator> out = new ArrayList<>(DynamicHeaderLayout.LOCATOR_COUNT);
    for (int i = 0; i < DynamicHeaderLayout.LOCATOR_COUNT; i++) {
      out.add(LocatorLayout.decode(h, i));
    }
    return out;
  }

  private Place place(int i) {
    return new Place(DynamicHeaderLayout.locatorStructure(i), header.offset() + DynamicHeaderLayout.locatorOffset(i));
  }

  private ParentLocator entry(int i) throws IOException {
    ParentLocator raw = LocatorLayout.decode(header.buf(), i);
    long reserved = LocatorLayout.RESERVED.u32(LocatorLayout.entry(header.buf(), i));
    Place at = place(i);
    Platform platform = raw.platform();
    if (platform == Platform.NONE) {
      if (raw.dataSpace() != 0 || raw.dataLength() != 0 || raw.dataOffset() != 0 || reserved != 0) {
        p.warning(ProblemCode.LOCATOR_NOT_EMPTY, at.site(LocatorLayout.PLATFORM_CODE), null, null,
            "an unused locator (code 0) has non-zero fields");
      }
      return raw;
    }
    if (platform == null) {
      p.warning(ProblemCode.LOCATOR_CODE, at.site(LocatorLayout.PLATFORM_CODE), "Wi2r, Wi2k, W2ru, W2ku, Mac or MacX",
          hex32(raw.platformCode()), "unknown platform code; locator ignored");
      return raw;
    }
    if (reserved != 0) {
      p.warning(ProblemCode.LOCATOR_RESERVED, at.site(LocatorLayout.RESERVED), "0", hex32(reserved), null);
    }
    if (!inBounds(raw, at, spaceBytes(raw, at))) {
      return raw;
    }
    long off = raw.dataOffset();
    long end = off + raw.dataLength();
    for (long[] r : regions) {
      if (Sectors.overlaps(off, end, r[0], r[1])) {
        p.error(ProblemCode.LOCATOR_OVERLAP, true, at.site(LocatorLayout.DATA_OFFSET),
            "data clear of [" + r[0] + ", " + r[1] + ")", num(off), "locator data overlaps metadata");
        break;
      }
    }
    regions.add(new long[] {off, end});
    if (platform == Platform.MAC) {
      p.info(ProblemCode.LOCATOR_CODE, at.site(LocatorLayout.PLATFORM_CODE),
          "Mac OS alias locators cannot be resolved on this platform; ignored");
      return raw;
    }
    return decode(raw, at, platform);
  }

  /**
   * The space reserved for the data in bytes. Data space is in sectors per the specification;
   * Windows writes bytes. Below 512 it can only be sectors; a multiple of 512 is taken as bytes
   * (blktap's rule).
   */
  private long spaceBytes(ParentLocator raw, Place at) {
    long space = raw.dataSpace();
    if (space == 0) {
      p.warning(ProblemCode.LOCATOR_DATA_SPACE, at.site(LocatorLayout.DATA_SPACE), "non-zero", "0", null);
      return raw.dataLength();
    }
    if (space < Sectors.SIZE) {
      return space * Sectors.SIZE;
    }
    if (space % Sectors.SIZE != 0) {
      p.warning(ProblemCode.LOCATOR_DATA_SPACE, at.site(LocatorLayout.DATA_SPACE),
          "a sector count below 512 or a multiple of 512 bytes", Long.toString(space), "neither sectors nor bytes");
    }
    return space;
  }

  /** Tells whether the data has a length within its space and this library's cap, inside the file. */
  private boolean inBounds(ParentLocator raw, Place at, long spaceBytes) {
    long length = raw.dataLength();
    Site lengthSite = at.site(LocatorLayout.DATA_LENGTH);
    if (length == 0) {
      p.warning(ProblemCode.LOCATOR_BOUNDS, lengthSite, "non-zero", "0", "empty locator ignored");
      return false;
    }
    if (length > spaceBytes) {
      p.warning(ProblemCode.LOCATOR_BOUNDS, lengthSite, "at most the data space " + spaceBytes, Long.toString(length),
          "locator ignored");
      return false;
    }
    if (length > Locators.MAX_LOCATOR_BYTES) {
      p.warning(ProblemCode.LOCATOR_BOUNDS, lengthSite, "at most " + Locators.MAX_LOCATOR_BYTES,
          Long.toString(length), "locator ignored");
      return false;
    }
    long off = raw.dataOffset();
    if (off < 0 || off > dataEnd - length) {
      p.warning(ProblemCode.LOCATOR_BOUNDS, at.site(LocatorLayout.DATA_OFFSET), "inside the file, before " + dataEnd,
          hex64(off), "locator ignored");
      return false;
    }
    return true;
  }

  private ParentLocator decode(ParentLocator raw, Place at, Platform platform) throws IOException {
    int length = (int) raw.dataLength();
    long off = raw.dataOffset();
    byte[] data = new byte[length];
    ctx.storage.read(off, ByteBuffer.wrap(data), 0, length);
    String decoded = Locators.decode(platform, data);
    if (decoded == null) {
      p.warning(ProblemCode.LOCATOR_ENCODING, new Site(at.structure(), LocatorLayout.DATA, off),
          platform == Platform.MACX ? "a UTF-8 file:// URL" : "an even number of UTF-16LE bytes",
          Fmt.bytes(Arrays.copyOf(data, Math.min(data.length, 16))) + (data.length > 16 ? " ..." : ""),
          "locator ignored");
      return raw;
    }
    return new ParentLocator(raw.index(), raw.platformCode(), raw.dataSpace(), length, off, decoded);
  }

  private void checkSet(List<ParentLocator> locators, String parentName) {
    boolean usable = false;
    for (int i = 0; i < locators.size(); i++) {
      ParentLocator a = locators.get(i);
      String structure = DynamicHeaderLayout.locatorStructure(i);
      if (a.path() != null) {
        usable = true;
        String base = Locators.baseName(a.path());
        String want = Locators.baseName(parentName);
        if (!want.isEmpty() && !base.equals(want)) {
          p.info(ProblemCode.LOCATOR_NAME_MISMATCH, new Site(structure, LocatorLayout.DATA, a.dataOffset()),
              "locator names \"" + base + "\" but the parent name is \"" + want + "\"");
        }
      }
      if (a.platform() == null || a.platform() == Platform.NONE) {
        continue;
      }
      for (int j = 0; j < i; j++) {
        if (locators.get(j).platformCode() == a.platformCode()) {
          p.warning(ProblemCode.LOCATOR_DUPLICATE, place(i).site(LocatorLayout.PLATFORM_CODE), null,
              hex32(a.platformCode()), "same platform code as " + DynamicHeaderLayout.locatorStructure(j));
          break;
        }
      }
    }
    if (!usable) {
      p.info(ProblemCode.LOCATOR_MISSING, header.place().site(DynamicHeaderLayout.PARENT_LOCATORS),
          "no usable parent locator; the parent is looked up by its name only");
    }
  }
}
