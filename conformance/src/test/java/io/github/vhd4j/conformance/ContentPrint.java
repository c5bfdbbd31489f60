package io.github.vhd4j.conformance;

import io.github.vhd4j.DiskImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a reader returns for a whole disk, held in memory that grows with the disk's data only: the
 * size, and the SHA-256 of every 1 MiB piece that is not all zeros, by offset. Two readers agree on
 * a disk when their prints are equal; a multi-GiB sparse disk prints in a few entries, and no side
 * ever holds more than one piece.
 *
 * @param size the bytes read
 * @param pieces SHA-256 (hex) of each non-zero piece, by its offset
 */
record ContentPrint(long size, SortedMap<Long, String> pieces) {
  /** The piece size; 1 MiB also divides every VHDX block. */
  static final int PIECE = 1 << 20;

  private static final byte[] ZEROS = new byte[PIECE];

  /** Accumulates pieces in order. */
  private static final class Printer {
    private final SortedMap<Long, String> pieces = new TreeMap<>();
    private final MessageDigest md = Content.sha256();
    private long size;

    void add(byte[] b, int n) {
      if (Arrays.mismatch(b, 0, n, ZEROS, 0, n) >= 0) {
        md.update(b, 0, n);
        pieces.put(size, Content.hex(md.digest()));
      }
      size += n;
    }

    ContentPrint done() {
      return new ContentPrint(size, pieces);
    }
  }

  /** The print of everything an image reads, read in 1 MiB pieces through {@code readFully}. */
  static ContentPrint of(DiskImage img) throws IOException {
    Printer p = new Printer();
    ByteBuffer buf = ByteBuffer.allocate(PIECE);
    long size = img.getSize();
    for (long pos = 0; pos < size; pos += PIECE) {
      int n = (int) Math.min(PIECE, size - pos);
      buf.clear().limit(n);
      img.readFully(pos, buf);
      p.add(buf.array(), n);
    }
    return p.done();
  }

  /** The print of a stream (a peer's output), read to its end. */
  static ContentPrint of(InputStream in) throws IOException {
    Printer p = new Printer();
    byte[] buf = new byte[PIECE];
    for (int n; (n = in.readNBytes(buf, 0, PIECE)) > 0; ) {
      p.add(buf, n);
    }
    return p.done();
  }

  /** The print of bytes in memory. */
  static ContentPrint of(byte[] content) {
    Printer p = new Printer();
    for (int at = 0; at < content.length; at += PIECE) {
      int n = Math.min(PIECE, content.length - at);
      p.add(Arrays.copyOfRange(content, at, at + n), n);
    }
    return p.done();
  }

  /**
   * The print of a raw file (qemu-img convert's output), reading only the pieces that hold data:
   * where the file has data is asked of {@code qemu-img map -f raw} (SEEK_DATA), since reading
   * GiBs of holes costs seconds per GiB. A hole is zeros, whatever reads it.
   */
  static ContentPrint ofRaw(Path raw) throws IOException {
    List<Map<String, Object>> extents = QemuVhdx.rawDataExtents(raw);
    SortedMap<Long, String> pieces = new TreeMap<>();
    long size;
    try (FileChannel ch = FileChannel.open(raw, StandardOpenOption.READ)) {
      size = ch.size();
      ByteBuffer buf = ByteBuffer.allocate(PIECE);
      MessageDigest md = Content.sha256();
      for (Map<String, Object> e : extents) {
        long start = (Long) e.get("start");
        long end = start + (Long) e.get("length");
        for (long piece = start / PIECE * PIECE; piece < end; piece += PIECE) {
          if (pieces.containsKey(piece)) {
            continue;
          }
          int n = (int) Math.min(PIECE, size - piece);
          buf.clear().limit(n);
          while (buf.hasRemaining()) {
            if (ch.read(buf, piece + buf.position()) < 0) {
              throw new IOException(raw + " ends inside its last data extent");
            }
          }
          if (Arrays.mismatch(buf.array(), 0, n, ZEROS, 0, n) >= 0) {
            md.update(buf.array(), 0, n);
            pieces.put(piece, Content.hex(md.digest()));
          }
        }
      }
    }
    return new ContentPrint(size, pieces);
  }

  /**
   * Parses the print a peer script wrote: the size on the first line, then one line per non-zero
   * piece, {@code offset sha256}.
   */
  static ContentPrint parse(byte[] text) {
    Iterator<String> lines = new String(text, StandardCharsets.US_ASCII).lines().iterator();
    long size = Long.parseLong(lines.next().strip());
    SortedMap<Long, String> pieces = new TreeMap<>();
    while (lines.hasNext()) {
      String[] f = lines.next().strip().split(" ");
      pieces.put(Long.parseLong(f[0]), f[1]);
    }
    return new ContentPrint(size, pieces);
  }

  /** Where this print first differs from the expected one, in words; null when equal. */
  String difference(ContentPrint expected) {
    if (equals(expected)) {
      return null;
    }
    if (size != expected.size) {
      return "size " + size + ", expected " + expected.size;
    }
    TreeMap<Long, String> all = new TreeMap<>(pieces);
    expected.pieces.forEach(all::putIfAbsent);
    for (long at : all.keySet()) {
      String mine = pieces.get(at);
      String theirs = expected.pieces.get(at);
      if (mine == null || !mine.equals(theirs)) {
        return "the 1 MiB piece at " + at + " differs (" + (mine == null ? "zeros" : "data") + ", expected "
            + (theirs == null ? "zeros" : "data") + ")";
      }
    }
    return "equal pieces";
  }

  @Override
  public String toString() {
    return size + " bytes, data in the 1 MiB pieces at " + pieces.keySet();
  }
}
