package io.github.vhd4j.internal;

import static io.github.vhd4j.internal.Fmt.hex32;
import static io.github.vhd4j.internal.Fmt.hex64;
import static io.github.vhd4j.internal.Fmt.num;

import io.github.vhd4j.DiskType;
import io.github.vhd4j.DynamicHeader;
import io.github.vhd4j.Footer;
import io.github.vhd4j.Geometry;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ParentLocator;
import io.github.vhd4j.ParentLocator.Platform;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.SizeInfo;
import io.github.vhd4j.SizePolicy;
import io.github.vhd4j.SizeSource;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.internal.storage.Storage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Parses and validates one image file: finds the footer, validates it, reads the dynamic header,
 * the block allocation table and the parent locators, and checks how everything is laid out.
 *
 * <p>Every size read from the file is bounded by the file length before anything is allocated
 * from it, and all arithmetic on file values is done in {@code long} with explicit bounds, so no
 * field value can cause an overflow, a large allocation or a read outside the file.
 *
 * <p>Problems go to a {@link Problems} collector. A problem that makes further parsing meaningless
 * throws {@link StopParsing}; everything else is recorded and parsing continues, so that
 * {@code check} can report every problem at once.
 */
public final class LayerParser {

  /** What the parse is for, which decides how a recovered footer is reported. */
  public enum Mode {
    /** Opening for reads: a footer recovered from the head copy is a warning. */
    OPEN,
    /** Checking: a damaged footer is an error even when the head copy can stand in. */
    CHECK
  }

  static final int FOOTER_SIZE = 512;
  static final int SHORT_FOOTER_SIZE = 511;
  static final int HEADER_SIZE = 1024;
  static final long SECTOR = Vhd.SECTOR_SIZE;
  static final byte[] BATMAP_COOKIE = "tdbatmap".getBytes(StandardCharsets.US_ASCII);
  /** Future time stamps within this many seconds are tolerated (Virtual PC 6 wrote local time). */
  static final long TIMESTAMP_SLACK_SECONDS = 86_400;

  private final Storage storage;
  private final String resource;
  private final @Nullable Path path;
  private final OpenOptions options;
  private final Mode mode;
  private final Problems p;
  private final long len;
  private final long nowVhdSeconds;

  private LayerParser(Storage storage, String resource, @Nullable Path path, OpenOptions options,
      Mode mode, Problems problems) {
    this.storage = storage;
    this.resource = resource;
    this.path = path;
    this.options = options;
    this.mode = mode;
    this.p = problems;
    this.len = storage.size();
    this.nowVhdSeconds = System.currentTimeMillis() / 1000 - Footer.VHD_EPOCH_SECONDS;
  }

  /**
   * Parses one image file.
   *
   * @param storage the file
   * @param resource its name for messages
   * @param path its path, or null
   * @param options size policy, recovery and parent settings
   * @param mode open or check
   * @param problems receives every problem
   * @return the layer
   * @throws StopParsing when a problem makes further parsing meaningless (recorded in problems)
   * @throws IOException when the file cannot be read
   */
  public static Layer parse(Storage storage, String resource, @Nullable Path path, OpenOptions options,
      Mode mode, Problems problems) throws IOException {
    return new LayerParser(storage, resource, path, options, mode, problems).run();
  }

  // ---------------------------------------------------------------------------------------------
  // Footer candidates

  /** A 512-byte buffer read from one footer position. */
  private final class Candidate {
    final long offset;
    final int length;
    final ByteBuffer buf;
    final String structure;

    Candidate(long offset, int length, String structure) throws IOException {
      this.offset = offset;
      this.length = length;
      this.structure = structure;
      this.buf = ByteBuffer.allocate(FOOTER_SIZE);
      // A 511-byte footer lacks the last reserved byte; it counts as zero for the checksum.
      storage.read(offset, buf, 0, length);
    }

    boolean cookieOk() {
      return Codec.matches(buf, 0, Codec.FOOTER_COOKIE);
    }

    long stored() {
      return Codec.u32(buf, 64);
    }

    long computed() {
      return Codec.checksum(buf, FOOTER_SIZE, 64);
    }

    boolean checksumOk() {
      return stored() == computed();
    }

    /** Early tapdisk set the "hidden" byte (offset 85) without updating the checksum. */
    boolean checksumOkWithoutHiddenByte() {
      int hidden = Codec.u8(buf, 85);
      return hidden != 0 && ((computed() + hidden) & 0xFFFFFFFFL) == stored();
    }

    long diskTypeCode() {
      return Codec.u32(buf, 60);
    }

    boolean isSparseType() {
      long t = diskTypeCode();
      return t == DiskType.DYNAMIC.code() || t == DiskType.DIFFERENCING.code();
    }

    byte[] cookie() {
      return Codec.bytes(buf, 0, 8);
    }
  }

  private Layer run() throws IOException {
    if (len < SHORT_FOOTER_SIZE) {
      throw p.fatal(ProblemCode.FILE_TOO_SMALL, "file", "length", -1, "at least 511 bytes",
          Long.toString(len), "too small to hold a VHD footer");
    }
    Candidate tail = null;
    Candidate tail512 = null;
    if (len >= FOOTER_SIZE) {
      tail512 = new Candidate(len - FOOTER_SIZE, FOOTER_SIZE, "footer");
      if (tail512.cookieOk()) {
        tail = tail512;
      }
    }
    if (tail == null && len % FOOTER_SIZE == SHORT_FOOTER_SIZE) {
      Candidate c = new Candidate(len - SHORT_FOOTER_SIZE, SHORT_FOOTER_SIZE, "footer");
      if (c.cookieOk()) {
        tail = c;
      }
    }
    Candidate head = null;
    long tailPos = tail != null ? tail.offset : len - Math.min(len, FOOTER_SIZE);
    if (len >= FOOTER_SIZE && tailPos != 0) {
      head = new Candidate(0, FOOTER_SIZE, "footerCopy");
    }
    boolean headUsable = head != null && head.cookieOk() && head.checksumOk() && head.isSparseType();
    boolean recovery = options.footerRecovery() || options.lenient() || mode == Mode.CHECK;

    Candidate chosen;
    boolean headCopyUsed = false;
    if (tail != null && (tail.checksumOk() || !(headUsable && recovery && tail.isSparseType()))) {
      chosen = tail;
      if (!tail.checksumOk()) {
        Problem bad = reportChecksum(tail, true);
        if (mode == Mode.OPEN && !options.lenient()) {
          // Strict opening refuses anyway; stop here so the footer is what the error names,
          // not whatever its unverified fields would lead to further on.
          throw new StopParsing(bad, -1, -1);
        }
      }
    } else if (tail != null) {
      // Tail cookie present, checksum bad, and a valid head copy exists.
      reportChecksum(tail, false);
      chosen = head;
      headCopyUsed = true;
    } else if (headUsable && recovery) {
      long off = len >= FOOTER_SIZE ? len - FOOTER_SIZE : 0;
      recordTailLoss(ProblemCode.FOOTER_COOKIE, off, tail512 == null ? null : Fmt.cookie(tail512.cookie()));
      chosen = head;
      headCopyUsed = true;
    } else {
      long off = len >= FOOTER_SIZE ? len - FOOTER_SIZE : len - SHORT_FOOTER_SIZE;
      String found = tail512 == null ? "nothing" : Fmt.cookie(tail512.cookie());
      String note = "no VHD footer at the end of the file";
      if (head != null && head.cookieOk() && head.isSparseType()) {
        note += head.checksumOk()
            ? "; a valid footer copy exists at offset 0 (enable footer recovery)"
            : "; the footer copy at offset 0 is damaged too";
      }
      throw p.fatal(ProblemCode.FOOTER_COOKIE, "footer", "cookie", off, "\"conectix\"", found, note);
    }
    if (headCopyUsed) {
      p.warning(ProblemCode.FOOTER_HEAD_COPY_USED, "footerCopy", "cookie", 0, null, null,
          "the footer at the end of the file is unusable; using the copy at offset 0 (repair rewrites it)");
    }
    if (chosen.length == SHORT_FOOTER_SIZE) {
      p.info(ProblemCode.FOOTER_SHORT, "footer", "reserved", chosen.offset,
          "511-byte footer (written before Virtual PC 2004); the missing last byte counts as zero");
    }
    Footer footer = validateFooter(chosen);
    // Where blocks may end: before the tail footer, or at the file end when the tail is gone.
    long dataEnd = headCopyUsed ? len : chosen.offset;
    if (!headCopyUsed && footer.diskType() != DiskType.FIXED) {
      compareHeadCopy(chosen, head);
    }
    SizeInfo sizes = sizes(footer, chosen);
    if (footer.diskType() == DiskType.FIXED) {
      sizes = validateFixedLayout(footer, sizes, chosen.offset);
      return new Layer(storage, resource, path, footer, chosen.offset, chosen.length, false, null, sizes,
          null, false, null, dataEnd);
    }
    return parseSparse(footer, sizes, chosen, headCopyUsed, dataEnd);
  }

  private Problem reportChecksum(Candidate c, boolean inEffect) {
    String note;
    if (c.checksumOkWithoutHiddenByte()) {
      note = "matches only with the blktap 'hidden' byte (offset 85) cleared, as early tapdisk wrote it";
    } else {
      note = !inEffect ? "using the copy at offset 0 instead"
          : mode == Mode.OPEN && options.lenient() ? "footer values used as stored"
          : "no valid copy at offset 0 to fall back to";
    }
    Problem problem = p.make(inEffect || mode == Mode.CHECK ? Severity.ERROR : Severity.WARNING,
        ProblemCode.FOOTER_CHECKSUM, c.structure, "checksum", c.offset + 64, hex32(c.computed()),
        hex32(c.stored()), note);
    p.add(problem, true);
    return problem;
  }

  /** The tail footer is gone but the head copy stands in: an error for check, a warning to open. */
  private void recordTailLoss(ProblemCode code, long offset, @Nullable String found) {
    String note = "no VHD footer at the end of the file; the copy at offset 0 is valid";
    if (mode == Mode.CHECK) {
      p.error(code, true, "footer", "cookie", offset, "\"conectix\"", found, note);
    } else {
      p.warning(code, "footer", "cookie", offset, "\"conectix\"", found, note);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Footer fields

  private Footer validateFooter(Candidate c) {
    ByteBuffer b = c.buf;
    long base = c.offset;
    String s = c.structure;
    // Disk type (offset 60) decides everything else, so it is checked first.
    long typeCode = Codec.u32(b, 60);
    DiskType type = DiskType.fromCode(typeCode);
    if (type == null) {
      throw p.fatal(ProblemCode.FOOTER_DISK_TYPE, s, "diskType", base + 60,
          "2 (fixed), 3 (dynamic) or 4 (differencing)", Long.toString(typeCode), null);
    }
    long features = Codec.u32(b, 8);
    if ((features & 0x2) == 0) {
      p.warning(ProblemCode.FOOTER_FEATURES, s, "features", base + 8, "bit 0x2 set", hex32(features),
          "the reserved bit must always be set (old Virtual PC for Mac images omit it)");
    }
    if ((features & ~0x3L) != 0) {
      p.warning(ProblemCode.FOOTER_FEATURES, s, "features", base + 8, "only bits 0x1 and 0x2",
          hex32(features), "unknown feature bits");
    }
    long version = Codec.u32(b, 12);
    if (version != Codec.VERSION_1_0) {
      // A different major version may change the layout; a different minor version may not.
      p.error(ProblemCode.FOOTER_VERSION, (version >>> 16) == 1, s, "formatVersion", base + 12,
          hex32(Codec.VERSION_1_0), hex32(version), null);
    }
    long dataOffset = b.getLong(16);
    if (type == DiskType.FIXED && dataOffset != -1L) {
      if (dataOffset == 0xFFFFFFFFL) {
        p.warning(ProblemCode.FOOTER_DATA_OFFSET, s, "dataOffset", base + 16, hex64(-1L), hex64(dataOffset),
            "the 32-bit all-ones value of the specification's text; tools write 64 bits");
      } else {
        p.error(ProblemCode.FOOTER_DATA_OFFSET, true, s, "dataOffset", base + 16, hex64(-1L),
            hex64(dataOffset), "fixed disks have no dynamic header");
      }
    }
    long timestamp = Codec.u32(b, 24);
    if (timestamp > nowVhdSeconds + TIMESTAMP_SLACK_SECONDS) {
      p.warning(ProblemCode.FOOTER_TIMESTAMP, s, "timestamp", base + 24, null,
          Footer.VHD_EPOCH_SECONDS + timestamp + " (Unix seconds)", "creation time lies in the future");
    }
    String creatorOs = Codec.fourCc(b, 36);
    if (!creatorOs.equals("Wi2k") && !creatorOs.equals("Mac ")) {
      p.info(ProblemCode.FOOTER_CREATOR_OS, s, "creatorHostOs", base + 36,
          "creator host OS " + Fmt.fourCc(creatorOs) + " is neither \"Wi2k\" nor \"Mac \"");
    }
    long originalSize = b.getLong(40);
    long currentSize = b.getLong(48);
    if (currentSize < 0) {
      throw p.fatal(ProblemCode.FOOTER_CURRENT_SIZE, s, "currentSize", base + 48, "below 2^63",
          Long.toUnsignedString(currentSize), null);
    }
    if (currentSize % SECTOR != 0) {
      p.error(ProblemCode.FOOTER_CURRENT_SIZE, true, s, "currentSize", base + 48, "a multiple of 512",
          Long.toString(currentSize), "the partial last sector is not readable");
    }
    if (originalSize != currentSize) {
      p.info(ProblemCode.FOOTER_ORIGINAL_SIZE, s, "originalSize", base + 40,
          "original size " + Long.toUnsignedString(originalSize) + " differs from current size "
              + currentSize + " (the disk was resized)");
    }
    Geometry geometry = new Geometry(Codec.u16(b, 56), Codec.u8(b, 58), Codec.u8(b, 59));
    validateGeometry(geometry, currentSize, s, base);
    long checksum = Codec.u32(b, 64);
    UUID uuid = Codec.uuid(b, 68);
    if (uuid.getMostSignificantBits() == 0 && uuid.getLeastSignificantBits() == 0) {
      p.warning(ProblemCode.FOOTER_UUID, s, "uniqueId", base + 68, "a non-null UUID", uuid.toString(),
          "old QEMU versions wrote a null UUID");
    }
    int saved = Codec.u8(b, 84);
    if (saved == 1) {
      p.info(ProblemCode.FOOTER_SAVED_STATE, s, "savedState", base + 84,
          "the disk is in a saved state; it must not be compacted or expanded");
    } else if (saved != 0) {
      p.warning(ProblemCode.FOOTER_SAVED_STATE, s, "savedState", base + 84, "0 or 1", Integer.toString(saved), null);
    }
    int hidden = Codec.u8(b, 85);
    if (hidden != 0) {
      p.warning(ProblemCode.FOOTER_RESERVED, s, "reserved", base + 85, "0", Integer.toString(hidden),
          "byte 85 is blktap's 'hidden' flag");
    }
    if (!Codec.isZero(b, 86, FOOTER_SIZE)) {
      int first = 86;
      while (b.get(first) == 0) {
        first++;
      }
      p.warning(ProblemCode.FOOTER_RESERVED, s, "reserved", base + first, "zero",
          String.format("0x%02x", b.get(first) & 0xFF), "reserved bytes 86-511 are not zero");
    }
    return new Footer(features, version, dataOffset, timestamp, Codec.fourCc(b, 28), Codec.u32(b, 32),
        creatorOs, originalSize, currentSize, geometry, type, checksum, uuid, saved);
  }

  /**
   * Compares two geometries field by field. The record's own {@code equals} is bootstrapped through
   * {@code invokedynamic} on first use, which costs every open about 20 ms of start-up in a fresh
   * JVM (the {@code vhd} tool opens one image per process).
   */
  private static boolean sameGeometry(Geometry a, Geometry b) {
    return a.cylinders() == b.cylinders() && a.heads() == b.heads() && a.sectorsPerTrack() == b.sectorsPerTrack();
  }

  private void validateGeometry(Geometry g, long currentSize, String s, long base) {
    if (g.isMaximum()) {
      return;
    }
    if (g.heads() > 16 || g.cylinders() != 0 && (g.heads() == 0 || g.sectorsPerTrack() == 0)) {
      p.warning(ProblemCode.FOOTER_GEOMETRY, s, "geometry", base + 56, "heads 1-16, sectors 1-255",
          g.toString(), "not a geometry the specification's algorithm produces");
    } else if (!sameGeometry(g, Geometry.forSize(currentSize)) && g.capacity() <= currentSize) {
      p.info(ProblemCode.FOOTER_GEOMETRY, s, "geometry", base + 56,
          "geometry " + g + " differs from " + Geometry.forSize(currentSize)
              + ", which the specification's algorithm gives for the current size");
    }
  }

  /**
   * Compares the footer copy at offset 0 with the footer. QEMU and 7-Zip read a dynamic disk's size
   * and header through the copy, libvhdi and vhd4j through the footer, so an unusable copy, or one
   * that disagrees, makes the tools disagree: check reports it as an error. Opening tolerates an
   * unusable copy, and a copy that differs only in the size fields (original and current size,
   * geometry), as a resize interrupted between its two footer writes leaves it, with a warning; a
   * copy of another disk (type, UUID) or naming another header is an error.
   */
  private void compareHeadCopy(Candidate tail, @Nullable Candidate head) {
    boolean check = mode == Mode.CHECK;
    String peers = "; QEMU and 7-Zip read that copy (vhd repair rewrites it from the footer)";
    if (head == null || !head.cookieOk()) {
      p.add(p.make(check ? Severity.ERROR : Severity.WARNING, ProblemCode.FOOTER_COPY_INVALID, "footerCopy",
          "cookie", 0, "\"conectix\"", head == null ? "nothing" : Fmt.cookie(head.cookie()),
          "dynamic disks keep a copy of the footer at offset 0" + peers), true);
      return;
    }
    if (!head.checksumOk()) {
      p.add(p.make(check ? Severity.ERROR : Severity.WARNING, ProblemCode.FOOTER_COPY_INVALID, "footerCopy",
          "checksum", 64, hex32(head.computed()), hex32(head.stored()),
          "the footer copy at offset 0 is damaged" + peers), true);
      return;
    }
    // Fields whose disagreement changes how the disk reads are errors; the rest are warnings.
    String[] names = {"dataOffset", "originalSize", "currentSize", "geometry", "diskType", "uniqueId"};
    int[][] ranges = {{16, 24}, {40, 48}, {48, 56}, {56, 60}, {60, 64}, {68, 84}};
    boolean sizeOnly = true;
    for (int i = 0; i < names.length; i++) {
      boolean sizeField = i >= 1 && i <= 3;
      if (!sameBytes(tail.buf, head.buf, ranges[i][0], ranges[i][1])) {
        sizeOnly &= sizeField;
      }
    }
    for (int i = 0; i < names.length; i++) {
      if (!sameBytes(tail.buf, head.buf, ranges[i][0], ranges[i][1])) {
        boolean error = check || !sizeOnly;
        p.add(p.make(error ? Severity.ERROR : Severity.WARNING, ProblemCode.FOOTER_COPY_MISMATCH, "footerCopy",
            names[i], ranges[i][0], Fmt.bytes(bytesOf(tail.buf, ranges[i])), Fmt.bytes(bytesOf(head.buf, ranges[i])),
            sizeOnly ? "the footer copy at offset 0 describes another size (an interrupted resize leaves this);"
                + " the footer at the end is used" + peers
                : "the footer copy at offset 0 differs from the footer; the footer at the end is used"), true);
      }
    }
    String[] soft = {"features", "formatVersion", "timestamp", "creator", "savedState"};
    int[][] softRanges = {{8, 12}, {12, 16}, {24, 28}, {28, 40}, {84, 85}};
    for (int i = 0; i < soft.length; i++) {
      if (!sameBytes(tail.buf, head.buf, softRanges[i][0], softRanges[i][1])) {
        p.warning(ProblemCode.FOOTER_COPY_MISMATCH, "footerCopy", soft[i], softRanges[i][0],
            Fmt.bytes(bytesOf(tail.buf, softRanges[i])), Fmt.bytes(bytesOf(head.buf, softRanges[i])),
            "the footer copy at offset 0 differs from the footer; the footer at the end is used");
      }
    }
  }

  private static boolean sameBytes(ByteBuffer a, ByteBuffer b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (a.get(i) != b.get(i)) {
        return false;
      }
    }
    return true;
  }

  private static byte[] bytesOf(ByteBuffer b, int[] range) {
    return Codec.bytes(b, range[0], range[1] - range[0]);
  }

  // ---------------------------------------------------------------------------------------------
  // Sizes

  private SizeInfo sizes(Footer f, Candidate c) {
    long current = f.currentSize();
    long chs = f.geometry().capacity();
    SizePolicy policy = options.sizePolicy();
    boolean useChs;
    switch (policy) {
      case CHS:
        useChs = true;
        break;
      case CURRENT_SIZE:
        useChs = false;
        break;
      default:
        // QEMU 10: only Virtual PC and old QEMU images are sized by their geometry.
        String app = f.creatorApplication();
        useChs = app.equals("vpc ") || app.equals("qemu");
        break;
    }
    if (f.geometry().isMaximum()) {
      useChs = false;
    }
    long chosen = useChs ? chs : current;
    long virtual = chosen / SECTOR * SECTOR;
    if (useChs && chs > current) {
      virtual = current / SECTOR * SECTOR;
      p.warning(ProblemCode.FOOTER_GEOMETRY, c.structure, "geometry", c.offset + 56,
          "at most the current size " + current, chs + " (" + f.geometry() + ")",
          "the geometry describes more than the current size; the disk is limited to the current size");
    } else if (chs > current && !f.geometry().isMaximum()) {
      // Wrong whichever size the policy chose: a tool sizing by CHS would read past the disk.
      p.warning(ProblemCode.FOOTER_GEOMETRY, c.structure, "geometry", c.offset + 56,
          "at most the current size " + current, chs + " (" + f.geometry() + ")",
          "the geometry describes more than the current size; the current size is used");
    } else if (chs != current && !f.geometry().isMaximum()) {
      p.info(ProblemCode.SIZE_SOURCES_DIFFER, c.structure, useChs ? "geometry" : "currentSize",
          c.offset + (useChs ? 56 : 48),
          "CHS size " + chs + " and current size " + current + " differ; size policy " + policy
              + " uses the " + (useChs ? "CHS size" : "current size"));
    }
    return new SizeInfo(virtual, useChs ? SizeSource.CHS : SizeSource.CURRENT_SIZE, policy, current,
        f.originalSize(), chs);
  }

  /**
   * Checks the current size of a fixed disk against the data before its footer. A disk whose data
   * is shorter than its current size is truncated and never opens. One whose data is longer is an
   * error too, but its content is unambiguous: lenient opening sizes it by the data before the
   * footer, as QEMU does, rather than drop what the footer does not count (a current size of 0
   * would otherwise read as an empty disk).
   *
   * @return the sizes to read the disk with
   */
  private SizeInfo validateFixedLayout(Footer f, SizeInfo sizes, long footerOffset) {
    long current = f.currentSize();
    if (current > footerOffset) {
      p.error(ProblemCode.FIXED_SIZE_MISMATCH, false, "footer", "currentSize", footerOffset + 48,
          "at most " + footerOffset + " (the data before the footer)", Long.toString(current),
          "the fixed disk is truncated");
      return sizes;
    }
    if (current == footerOffset) {
      return sizes;
    }
    boolean byFile = options.lenient() && mode == Mode.OPEN;
    long data = footerOffset / SECTOR * SECTOR;
    p.error(ProblemCode.FIXED_SIZE_MISMATCH, true, "footer", "currentSize", footerOffset + 48,
        Long.toString(footerOffset) + " (the data before the footer)", Long.toString(current),
        byFile ? "lenient mode sizes the disk by the " + data + " bytes before the footer"
            : (footerOffset - current) + " bytes between the data and the footer are ignored");
    return byFile ? new SizeInfo(data, SizeSource.FILE_LENGTH, sizes.policy(), current, sizes.originalSize(),
        sizes.chsSize()) : sizes;
  }

  // ---------------------------------------------------------------------------------------------
  // Dynamic and differencing disks

  private Layer parseSparse(Footer f, SizeInfo sizes, Candidate footerCand, boolean headCopyUsed,
      long dataEnd) throws IOException {
    String fs = footerCand.structure;
    long hdrOff = f.dataOffset();
    // Footer data offset (16): where the 1024-byte dynamic header starts.
    if (hdrOff < FOOTER_SIZE || hdrOff >= dataEnd) {
      throw p.fatal(ProblemCode.FOOTER_DATA_OFFSET, fs, "dataOffset", footerCand.offset + 16,
          "512 to " + (dataEnd - HEADER_SIZE) + " (a dynamic header inside the file)", hex64(hdrOff), null);
    }
    boolean misaligned = hdrOff % SECTOR != 0;
    ByteBuffer h = ByteBuffer.allocate(HEADER_SIZE);
    int present = (int) Math.min(HEADER_SIZE, dataEnd - hdrOff);
    // A header cut off by the end of the file is reported after the fields that are present have
    // been validated: a structural fault among them (afl5's impossible table size, say) is the
    // root cause to name. The image can never open either way.
    storage.read(hdrOff, h, 0, present);
    if (!Codec.matches(h, 0, Codec.HEADER_COOKIE)) {
      if (misaligned) {
        // No header behind a misaligned pointer: the footer field is what is broken.
        throw p.fatal(ProblemCode.FOOTER_DATA_OFFSET, fs, "dataOffset", footerCand.offset + 16,
            "a multiple of 512 pointing at a \"cxsparse\" header", hex64(hdrOff),
            "no dynamic header at this misaligned offset");
      }
      throw p.fatal(ProblemCode.HEADER_COOKIE, "header", "cookie", hdrOff, "\"cxsparse\"",
          Fmt.cookie(Codec.bytes(h, 0, 8)), null);
    }
    if (misaligned) {
      p.error(ProblemCode.FOOTER_DATA_OFFSET, true, fs, "dataOffset", footerCand.offset + 16,
          "a multiple of 512", hex64(hdrOff), "the dynamic header must start on a sector boundary");
    }
    long storedSum = Codec.u32(h, 36);
    long sum = Codec.checksum(h, HEADER_SIZE, 36);
    if (storedSum != sum) {
      p.error(ProblemCode.HEADER_CHECKSUM, true, "header", "checksum", hdrOff + 36, hex32(sum),
          hex32(storedSum), null);
    }
    long version = Codec.u32(h, 24);
    if (version != Codec.VERSION_1_0) {
      p.error(ProblemCode.HEADER_VERSION, (version >>> 16) == 1, "header", "headerVersion", hdrOff + 24,
          hex32(Codec.VERSION_1_0), hex32(version), null);
    }
    long next = h.getLong(8);
    if (next != -1L) {
      p.warning(ProblemCode.HEADER_NEXT_OFFSET, "header", "dataOffset", hdrOff + 8, hex64(-1L), hex64(next),
          next == 0xFFFFFFFFL ? "written by QEMU before 2011; the field is unused and never followed"
              : "the field is unused and never followed");
    }
    if (Codec.u32(h, 60) != 0 || !Codec.isZero(h, 768, HEADER_SIZE)) {
      p.warning(ProblemCode.HEADER_RESERVED, "header", "reserved",
          hdrOff + (Codec.u32(h, 60) != 0 ? 60 : 768), "zero", null, "reserved header fields are not zero");
    }

    // Block size (offset 32): a power of two, at least one sector, at most the documented cap.
    long blockSize = Codec.u32(h, 32);
    if (blockSize < SECTOR || Long.bitCount(blockSize) != 1) {
      throw p.fatal(ProblemCode.BLOCK_SIZE_INVALID, "header", "blockSize", hdrOff + 32,
          "a power of two of at least 512", Long.toString(blockSize), null);
    }
    if (blockSize > Vhd.MAX_BLOCK_SIZE) {
      throw p.limit(ProblemCode.BLOCK_SIZE_LIMIT, "header", "blockSize", hdrOff + 32, blockSize,
          Vhd.MAX_BLOCK_SIZE, "block size above this library's cap of 256 MiB");
    }
    if (blockSize != 512 * 1024 && blockSize != 2 * 1024 * 1024) {
      p.info(ProblemCode.BLOCK_SIZE_NONSTANDARD, "header", "blockSize", hdrOff + 32,
          "block size " + blockSize + " is legal, but some tools handle only 512 KiB and 2 MiB");
    }

    long virtual = sizes.virtualSize();
    if (virtual > Vhd.MAX_DYNAMIC_SIZE) {
      p.error(ProblemCode.SIZE_LIMIT, true, fs, sizes.source() == SizeSource.CHS ? "geometry" : "currentSize",
          footerCand.offset + (sizes.source() == SizeSource.CHS ? 56 : 48),
          "at most " + Vhd.MAX_DYNAMIC_SIZE + " (2040 GiB)", Long.toString(virtual),
          "dynamic and differencing disks address at most 0xFF000000 sectors");
    } else if (f.currentSize() > Vhd.MAX_DYNAMIC_SIZE) {
      p.warning(ProblemCode.SIZE_LIMIT, fs, "currentSize", footerCand.offset + 48,
          "at most " + Vhd.MAX_DYNAMIC_SIZE + " (2040 GiB)", Long.toString(f.currentSize()), null);
    }
    long neededVirtual = ceilDiv(virtual, blockSize);
    long neededCurrent = ceilDiv(f.currentSize(), blockSize);
    if (neededVirtual > 0xFFFFFFFFL) {
      throw p.fatal(ProblemCode.TOO_MANY_BLOCKS, "header", "blockSize", hdrOff + 32,
          "at most 4294967295 blocks", Long.toString(neededVirtual), "the disk is too large for its block size");
    }

    // Max table entries (28) and table offset (16): the whole table must fit before the footer.
    // The count alone is bounded by the file first: it decides how much memory the table takes.
    long tableOffset = h.getLong(16);
    long maxEntries = Codec.u32(h, 28);
    if (maxEntries * 4 > dataEnd) {
      throw p.fatal(ProblemCode.BAT_OUTSIDE_FILE, "header", "maxTableEntries", hdrOff + 28,
          "at most " + dataEnd / 4 + " (what a " + dataEnd + "-byte file can hold)",
          Long.toString(maxEntries), "the block allocation table cannot fit in the file");
    }
    if (maxEntries > Vhd.MAX_TABLE_ENTRIES) {
      throw p.limit(ProblemCode.BAT_LIMIT, "header", "maxTableEntries", hdrOff + 28, maxEntries,
          Vhd.MAX_TABLE_ENTRIES, "block allocation table above this library's cap");
    }
    // An empty disk (current size 0, as qemu-img create makes it) has a table of no entries,
    // which may start exactly where the footer does.
    if (tableOffset < 0 || tableOffset > dataEnd || tableOffset == dataEnd && maxEntries > 0) {
      throw p.fatal(ProblemCode.HEADER_TABLE_OFFSET, "header", "tableOffset", hdrOff + 16,
          "inside the file, before " + dataEnd, hex64(tableOffset), null);
    }
    if (tableOffset % SECTOR != 0) {
      p.error(ProblemCode.HEADER_TABLE_OFFSET, true, "header", "tableOffset", hdrOff + 16,
          "a multiple of 512", hex64(tableOffset), null);
    }
    long batBytes = maxEntries * 4;
    if (batBytes > dataEnd - tableOffset) {
      throw p.fatal(ProblemCode.BAT_OUTSIDE_FILE, "header", "maxTableEntries", hdrOff + 28,
          "at most " + (dataEnd - tableOffset) / 4 + " (entries that fit between the table offset "
              + tableOffset + " and " + dataEnd + ")",
          Long.toString(maxEntries), "the block allocation table does not fit in the file");
    }
    long batRegionEnd = tableOffset + roundUp(batBytes, SECTOR);
    if (overlaps(tableOffset, batRegionEnd, hdrOff, hdrOff + HEADER_SIZE)
        || overlaps(tableOffset, batRegionEnd, 0, FOOTER_SIZE)) {
      throw p.fatal(ProblemCode.HEADER_TABLE_OFFSET, "header", "tableOffset", hdrOff + 16,
          "a table clear of the footer copy [0, 512) and the header [" + hdrOff + ", " + (hdrOff + HEADER_SIZE) + ")",
          hex64(tableOffset), "the block allocation table overlaps metadata");
    }
    if (maxEntries < neededVirtual) {
      throw p.fatal(ProblemCode.BAT_TOO_SMALL, "header", "maxTableEntries", hdrOff + 28,
          "at least " + neededVirtual, Long.toString(maxEntries),
          "the table covers " + maxEntries * blockSize + " bytes of a " + virtual + "-byte disk");
    }
    if (maxEntries < neededCurrent) {
      p.warning(ProblemCode.BAT_TOO_SMALL, "header", "maxTableEntries", hdrOff + 28,
          "at least " + neededCurrent, Long.toString(maxEntries),
          "the table covers the chosen size but not the whole current size " + f.currentSize());
    } else if (maxEntries > neededCurrent) {
      p.warning(ProblemCode.BAT_TOO_LARGE, "header", "maxTableEntries", hdrOff + 28,
          Long.toString(neededCurrent), Long.toString(maxEntries),
          "entries beyond the disk's last block are ignored");
    }

    boolean diff = f.diskType() == DiskType.DIFFERENCING;
    boolean tap01 = f.creatorApplication().equals("tap\0") && f.creatorVersion() == 0x00000001L;
    UUID parentUuid = Codec.uuid(h, 40);
    long parentTs = Codec.u32(h, 56);
    String parentName = parentName(h, tap01);
    List<ParentLocator> locators = new ArrayList<>(8);
    List<long[]> regions = new ArrayList<>();
    regions.add(new long[] {0, FOOTER_SIZE});
    regions.add(new long[] {hdrOff, hdrOff + HEADER_SIZE});
    regions.add(new long[] {tableOffset, Math.min(batRegionEnd, dataEnd)});
    if (diff) {
      validateParentFields(h, hdrOff, parentUuid, parentTs, parentName);
      for (int i = 0; i < 8; i++) {
        locators.add(locator(h, hdrOff, i, dataEnd, regions));
      }
      checkLocatorSet(locators, parentName, hdrOff);
    } else {
      for (int i = 0; i < 8; i++) {
        locators.add(rawLocator(h, i));
      }
      boolean any = parentUuid.getMostSignificantBits() != 0 || parentUuid.getLeastSignificantBits() != 0
          || parentTs != 0 || !parentName.isEmpty() || !Codec.isZero(h, 576, 768);
      if (any) {
        p.warning(ProblemCode.HEADER_PARENT_FIELDS, "header", "parentUuid", hdrOff + 40, "zero", null,
            "a " + f.diskType().name().toLowerCase(java.util.Locale.ROOT)
                + " disk carries parent fields; they are ignored");
      }
    }
    batmap(batRegionEnd, maxEntries, dataEnd, regions);
    DynamicHeader header = new DynamicHeader(hdrOff, next, tableOffset, version, maxEntries, blockSize,
        storedSum, parentUuid, parentTs, parentName, locators);

    // Block allocation table: in memory when small, read from the file on demand when large
    // (its length is bounded by the file above); validated in one streaming pass.
    BlockTable bat = BlockTable.open(storage, tableOffset, (int) maxEntries);
    if (batRegionEnd <= dataEnd) {
      checkPadding(tableOffset + batBytes, batRegionEnd - tableOffset - batBytes);
    }
    DamagedBlocks bad = TableValidator.validate(bat, p, header.bitmapSize() + header.blockSize(), neededVirtual,
        dataEnd, regions);
    if (present < HEADER_SIZE) {
      p.error(ProblemCode.FOOTER_DATA_OFFSET, false, fs, "dataOffset", footerCand.offset + 16,
          "a 1024-byte dynamic header inside the file", hex64(hdrOff),
          "the header is cut off after " + present + " bytes by the end of the file");
    }
    return new Layer(storage, resource, path, f, footerCand.offset, footerCand.length, headCopyUsed, header,
        sizes, bat, tap01, bad, dataEnd);
  }

  /**
   * Recognises blktap's batmap: a 512-byte header with cookie {@code "tdbatmap"} right after the
   * padded table (u64 byte offset of the map at 8, u32 map size in sectors at 16, u32 version at
   * 20, u32 checksum at 24), and a map with one bit per block. Both become known metadata regions,
   * so a block placed over them is reported and a writer will not allocate over them.
   */
  private void batmap(long at, long entries, long dataEnd, List<long[]> regions) throws IOException {
    if (at + FOOTER_SIZE > dataEnd) {
      return;
    }
    ByteBuffer b = ByteBuffer.allocate(FOOTER_SIZE);
    storage.read(at, b, 0, FOOTER_SIZE);
    if (!Codec.matches(b, 0, BATMAP_COOKIE)) {
      return;
    }
    regions.add(new long[] {at, at + FOOTER_SIZE});
    long version = Codec.u32(b, 20);
    if (version > 0x00010002L || version < 0x00010000L) {
      p.warning(ProblemCode.BATMAP, "batmap", "batmapVersion", at + 20, "1.0 to 1.2", hex32(version), null);
    }
    long mapOffset = b.getLong(8);
    long mapBytes = Codec.u32(b, 16) * SECTOR;
    long expected = Math.max(1, ceilDiv(ceilDiv(entries, 8), SECTOR)) * SECTOR;
    if (mapOffset < 0 || mapOffset % SECTOR != 0 || mapBytes > dataEnd || mapOffset > dataEnd - mapBytes) {
      p.warning(ProblemCode.BATMAP, "batmap", "batmapOffset", at + 8, "a sector-aligned map inside the file",
          hex64(mapOffset) + " + " + mapBytes + " bytes", "batmap ignored");
      return;
    }
    regions.add(new long[] {mapOffset, mapOffset + mapBytes});
    if (mapBytes != expected) {
      p.warning(ProblemCode.BATMAP, "batmap", "batmapSize", at + 16, expected / SECTOR + " sectors",
          mapBytes / SECTOR + " sectors", "one bit per table entry, padded to sectors");
    }
    // The checksum is the one's complement of the map's byte sum; version 1.1 summed signed bytes.
    ByteBuffer map = ByteBuffer.allocate((int) Math.min(mapBytes, expected));
    storage.read(mapOffset, map, 0, map.capacity());
    long sum = 0;
    for (int i = 0; i < map.capacity(); i++) {
      sum += version == 0x00010001L ? map.get(i) : map.get(i) & 0xFF;
    }
    long computed = ~sum & 0xFFFFFFFFL;
    if (computed != Codec.u32(b, 24)) {
      p.warning(ProblemCode.BATMAP, "batmap", "checksum", at + 24, hex32(computed), hex32(Codec.u32(b, 24)),
          "the batmap is damaged; reads do not use it");
    }
  }

  private String parentName(ByteBuffer h, boolean littleEndian) {
    // Parent unicode name (offset 64): UTF-16BE (blktap 0.1 wrote host order), NUL-terminated.
    int end = 64;
    while (end < 576 && (h.get(end) != 0 || h.get(end + 1) != 0)) {
      end += 2;
    }
    byte[] raw = Codec.bytes(h, 64, end - 64);
    return new String(raw, littleEndian ? StandardCharsets.UTF_16LE : StandardCharsets.UTF_16BE);
  }

  private void validateParentFields(ByteBuffer h, long hdrOff, UUID parentUuid, long parentTs, String name) {
    if (parentUuid.getMostSignificantBits() == 0 && parentUuid.getLeastSignificantBits() == 0) {
      if (options.verifyParentUuid()) {
        p.error(ProblemCode.PARENT_UUID_NULL, false, "header", "parentUuid", hdrOff + 40, "a non-null UUID",
            parentUuid.toString(), "a null parent UUID marks a raw (non-VHD) parent, which is not supported");
      } else {
        p.warning(ProblemCode.PARENT_UUID_NULL, "header", "parentUuid", hdrOff + 40, "a non-null UUID",
            parentUuid.toString(), "UUID verification is off; the parent is matched by size");
      }
    }
    if (parentTs > nowVhdSeconds + TIMESTAMP_SLACK_SECONDS) {
      p.warning(ProblemCode.PARENT_TIMESTAMP, "header", "parentTimestamp", hdrOff + 56, null,
          Footer.VHD_EPOCH_SECONDS + parentTs + " (Unix seconds)", "parent time stamp lies in the future");
    }
    if (name.isEmpty()) {
      p.warning(ProblemCode.PARENT_NAME, "header", "parentName", hdrOff + 64, "the parent's file name", "\"\"",
          "empty parent name");
    } else if (name.indexOf('\uFFFD') >= 0) {
      p.warning(ProblemCode.PARENT_NAME, "header", "parentName", hdrOff + 64, "valid UTF-16BE", null,
          "malformed UTF-16 (unpaired surrogates) replaced by U+FFFD");
    }
  }

  private static ParentLocator rawLocator(ByteBuffer h, int i) {
    int e = 576 + 24 * i;
    return new ParentLocator(i, Codec.u32(h, e), Codec.u32(h, e + 4), Codec.u32(h, e + 8), h.getLong(e + 16), null);
  }

  private ParentLocator locator(ByteBuffer h, long hdrOff, int i, long dataEnd, List<long[]> regions)
      throws IOException {
    ParentLocator raw = rawLocator(h, i);
    int e = 576 + 24 * i;
    long at = hdrOff + e;
    String s = "parentLocator[" + i + "]";
    Platform platform = raw.platform();
    if (platform == Platform.NONE) {
      if (raw.dataSpace() != 0 || raw.dataLength() != 0 || raw.dataOffset() != 0 || Codec.u32(h, e + 12) != 0) {
        p.warning(ProblemCode.LOCATOR_NOT_EMPTY, s, "platformCode", at, null, null,
            "an unused locator (code 0) has non-zero fields");
      }
      return raw;
    }
    if (platform == null) {
      p.warning(ProblemCode.LOCATOR_CODE, s, "platformCode", at, "Wi2r, Wi2k, W2ru, W2ku, Mac or MacX",
          hex32(raw.platformCode()), "unknown platform code; locator ignored");
      return raw;
    }
    if (Codec.u32(h, e + 12) != 0) {
      p.warning(ProblemCode.LOCATOR_RESERVED, s, "reserved", at + 12, "0", hex32(Codec.u32(h, e + 12)), null);
    }
    // Data space (offset 4) is in sectors per the specification; Windows writes bytes. Below 512
    // it can only be sectors; a multiple of 512 is taken as bytes (blktap's rule).
    long space = raw.dataSpace();
    long spaceBytes;
    if (space == 0) {
      p.warning(ProblemCode.LOCATOR_DATA_SPACE, s, "dataSpace", at + 4, "non-zero", "0", null);
      spaceBytes = raw.dataLength();
    } else if (space < SECTOR) {
      spaceBytes = space * SECTOR;
    } else if (space % SECTOR == 0) {
      spaceBytes = space;
    } else {
      p.warning(ProblemCode.LOCATOR_DATA_SPACE, s, "dataSpace", at + 4, "a sector count below 512 or a multiple of 512 bytes",
          Long.toString(space), "neither sectors nor bytes");
      spaceBytes = space;
    }
    long length = raw.dataLength();
    long off = raw.dataOffset();
    if (length == 0) {
      p.warning(ProblemCode.LOCATOR_BOUNDS, s, "dataLength", at + 8, "non-zero", "0", "empty locator ignored");
      return raw;
    }
    if (length > spaceBytes) {
      p.warning(ProblemCode.LOCATOR_BOUNDS, s, "dataLength", at + 8, "at most the data space " + spaceBytes,
          Long.toString(length), "locator ignored");
      return raw;
    }
    if (length > Locators.MAX_LOCATOR_BYTES) {
      p.warning(ProblemCode.LOCATOR_BOUNDS, s, "dataLength", at + 8, "at most " + Locators.MAX_LOCATOR_BYTES,
          Long.toString(length), "locator ignored");
      return raw;
    }
    if (off < 0 || off > dataEnd - length) {
      p.warning(ProblemCode.LOCATOR_BOUNDS, s, "dataOffset", at + 16, "inside the file, before " + dataEnd,
          hex64(off), "locator ignored");
      return raw;
    }
    for (long[] r : regions) {
      if (overlaps(off, off + length, r[0], r[1])) {
        p.error(ProblemCode.LOCATOR_OVERLAP, true, s, "dataOffset", at + 16,
            "data clear of [" + r[0] + ", " + r[1] + ")", num(off), "locator data overlaps metadata");
        break;
      }
    }
    regions.add(new long[] {off, off + length});
    if (platform == Platform.MAC) {
      p.info(ProblemCode.LOCATOR_CODE, s, "platformCode", at,
          "Mac OS alias locators cannot be resolved on this platform; ignored");
      return raw;
    }
    byte[] data = new byte[(int) length];
    storage.read(off, ByteBuffer.wrap(data), 0, (int) length);
    String decoded = Locators.decode(platform, data);
    if (decoded == null) {
      p.warning(ProblemCode.LOCATOR_ENCODING, s, "data", off,
          platform == Platform.MACX ? "a UTF-8 file:// URL" : "an even number of UTF-16LE bytes",
          Fmt.bytes(Arrays.copyOf(data, Math.min(data.length, 16))) + (data.length > 16 ? " ..." : ""),
          "locator ignored");
      return raw;
    }
    return new ParentLocator(i, raw.platformCode(), raw.dataSpace(), length, off, decoded);
  }

  private void checkLocatorSet(List<ParentLocator> locators, String parentName, long hdrOff) {
    boolean usable = false;
    for (int i = 0; i < locators.size(); i++) {
      ParentLocator a = locators.get(i);
      if (a.path() != null) {
        usable = true;
        String base = Locators.baseName(a.path());
        String want = Locators.baseName(parentName);
        if (!want.isEmpty() && !base.equals(want)) {
          p.info(ProblemCode.LOCATOR_NAME_MISMATCH, "parentLocator[" + i + "]", "data", a.dataOffset(),
              "locator names \"" + base + "\" but the parent name is \"" + want + "\"");
        }
      }
      if (a.platform() == null || a.platform() == Platform.NONE) {
        continue;
      }
      for (int j = 0; j < i; j++) {
        if (locators.get(j).platformCode() == a.platformCode()) {
          p.warning(ProblemCode.LOCATOR_DUPLICATE, "parentLocator[" + i + "]", "platformCode",
              hdrOff + 576 + 24L * i, null, hex32(a.platformCode()),
              "same platform code as parentLocator[" + j + "]");
          break;
        }
      }
    }
    if (!usable) {
      p.info(ProblemCode.LOCATOR_MISSING, "header", "parentLocators", hdrOff + 576,
          "no usable parent locator; the parent is looked up by its name only");
    }
  }

  /**
   * Checks the entries that pad the table to its sector's end (at most 127 of them): they should
   * be 0xFFFFFFFF; Disk2vhd writes zeros.
   */
  private void checkPadding(long at, long bytes) throws IOException {
    if (bytes == 0) {
      return;
    }
    ByteBuffer raw = ByteBuffer.allocate((int) bytes);
    storage.read(at, raw, 0, (int) bytes);
    boolean allOnes = true;
    boolean allZero = true;
    for (int i = 0; i < bytes; i++) {
      byte b = raw.get(i);
      allOnes &= b == (byte) 0xFF;
      allZero &= b == 0;
    }
    if (!allOnes) {
      p.warning(ProblemCode.BAT_PADDING, "bat", "padding", at, "0xffffffff entries",
          allZero ? "zeros" : "other values",
          allZero ? "zero padding as Disk2vhd writes it; harmless" : "padding is never read");
    }
  }

  static boolean overlaps(long aStart, long aEnd, long bStart, long bEnd) {
    return aStart < bEnd && bStart < aEnd;
  }

  static long ceilDiv(long a, long b) {
    return a / b + (a % b == 0 ? 0 : 1);
  }

  static long roundUp(long a, long unit) {
    return ceilDiv(a, unit) * unit;
  }
}
