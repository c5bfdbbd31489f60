package io.github.vhd4j.fuzz;

import io.github.vhd4j.SizePolicy;
import io.github.vhd4j.testing.TestImage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

/**
 * An independent reading of footers and dynamic headers, straight from the VHD specification's
 * offsets, for checking what the library parsed. Deliberately naive: no validation, no recovery.
 */
final class Decode {
  private static final byte[] CONECTIX = "conectix".getBytes(StandardCharsets.US_ASCII);

  private Decode() {}

  /** The footer fields as stored (offsets in the 512-byte footer). */
  record FooterFields(long features, long version, long dataOffset, long timestamp, String creatorApp,
      long creatorVersion, String creatorOs, long originalSize, long currentSize, int cylinders, int heads,
      int sectorsPerTrack, long diskType, long checksum, UUID uuid, int savedState) {

    static FooterFields of(byte[] f) {
      ByteBuffer b = ByteBuffer.wrap(f);
      return new FooterFields(u32(b, 8), u32(b, 12), b.getLong(16), u32(b, 24), ascii(f, 28), u32(b, 32),
          ascii(f, 36), b.getLong(40), b.getLong(48), b.getShort(56) & 0xFFFF, f[58] & 0xFF, f[59] & 0xFF,
          u32(b, 60), u32(b, 64), new UUID(b.getLong(68), b.getLong(76)), f[84] & 0xFF);
    }

    long chsSize() {
      return (long) cylinders * heads * sectorsPerTrack * 512;
    }

    /** The virtual size the size policy gives (pitfalls.md section 2.1, QEMU 10's rule). */
    long virtualSize(SizePolicy policy) {
      boolean max = cylinders == 65535 && heads == 16 && sectorsPerTrack == 255;
      boolean useChs = policy == SizePolicy.CHS
          || policy == SizePolicy.AUTO && (creatorApp.equals("vpc ") || creatorApp.equals("qemu"));
      if (max) {
        useChs = false;
      }
      long chosen = useChs ? Math.min(chsSize(), currentSize) : currentSize;
      return chosen / 512 * 512;
    }
  }

  /** The dynamic header fields as stored (offsets in the 1024-byte header). */
  record HeaderFields(long next, long tableOffset, long version, long maxTableEntries, long blockSize,
      long checksum, UUID parentUuid, long parentTimestamp) {

    static HeaderFields of(byte[] h) {
      ByteBuffer b = ByteBuffer.wrap(h);
      return new HeaderFields(b.getLong(8), b.getLong(16), u32(b, 24), u32(b, 28), u32(b, 32), u32(b, 36),
          new UUID(b.getLong(40), b.getLong(48)), u32(b, 56));
    }
  }

  /**
   * The footer at the end of the file: the last 512 bytes when they start with the cookie, else
   * the last 511 (padded with a zero) when the length is 511 modulo 512; null when neither.
   */
  static byte[] tailFooter(byte[] file) {
    int len = file.length;
    if (len >= 512 && hasCookie(file, len - 512)) {
      return Arrays.copyOfRange(file, len - 512, len);
    }
    if (len >= 511 && len % 512 == 511 && hasCookie(file, len - 511)) {
      return Arrays.copyOf(Arrays.copyOfRange(file, len - 511, len), 512);
    }
    return null;
  }

  /** The footer copy at offset 0, or null when the file is too short or it lacks the cookie. */
  static byte[] headFooter(byte[] file) {
    return file.length >= 1024 && hasCookie(file, 0) ? Arrays.copyOf(file, 512) : null;
  }

  /** Whether a 512-byte footer's stored checksum matches its bytes. */
  static boolean checksumOk(byte[] footer) {
    return ByteBuffer.wrap(footer).getInt(64) == (int) TestImage.checksum(footer, 64);
  }

  /** The 1024-byte header at {@code offset}, or null when it is not wholly inside the file. */
  static byte[] header(byte[] file, long offset) {
    if (offset < 0 || offset > file.length - 1024L) {
      return null;
    }
    return Arrays.copyOfRange(file, (int) offset, (int) offset + 1024);
  }

  static boolean headerChecksumOk(byte[] header) {
    return ByteBuffer.wrap(header).getInt(36) == (int) TestImage.checksum(header, 36);
  }

  private static boolean hasCookie(byte[] file, int at) {
    return Arrays.equals(file, at, at + 8, CONECTIX, 0, 8);
  }

  private static long u32(ByteBuffer b, int at) {
    return b.getInt(at) & 0xFFFFFFFFL;
  }

  private static String ascii(byte[] f, int at) {
    return new String(f, at, 4, StandardCharsets.ISO_8859_1);
  }
}
