package io.github.vhd4j.internal;

import java.nio.charset.StandardCharsets;

/** Formatting of on-disk values for problem messages. */
public final class Fmt {
  private Fmt() {}

  /**
   * Formats an unsigned 32-bit value as eight hex digits.
   *
   * @param v the value
   * @return for example {@code 0x00010000}
   */
  public static String hex32(long v) {
    return String.format("0x%08x", v & 0xFFFFFFFFL);
  }

  /**
   * Formats a 64-bit value as sixteen hex digits.
   *
   * @param v the value
   * @return for example {@code 0xffffffffffffffff}
   */
  public static String hex64(long v) {
    return String.format("0x%016x", v);
  }

  /**
   * Formats an offset or size in decimal with its hex form.
   *
   * @param v the value
   * @return for example {@code 1536 (0x600)}
   */
  public static String num(long v) {
    return v + " (0x" + Long.toHexString(v) + ")";
  }

  /**
   * Formats a four-character code for display: printable ASCII in quotes, otherwise hex.
   *
   * @param s four ISO-8859-1 characters
   * @return for example {@code "qemu"} or {@code "d2v\0"}
   */
  public static String fourCc(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
        sb.append(c);
      } else if (c == 0) {
        sb.append("\\0");
      } else {
        sb.append(String.format("\\x%02x", (int) c));
      }
    }
    return sb.append('"').toString();
  }

  /**
   * Formats raw bytes as space-separated hex pairs.
   *
   * @param b the bytes
   * @return for example {@code 63 6f 6e 65}
   */
  public static String bytes(byte[] b) {
    StringBuilder sb = new StringBuilder(b.length * 3);
    for (int i = 0; i < b.length; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(String.format("%02x", b[i] & 0xFF));
    }
    return sb.toString();
  }

  /**
   * Formats a cookie: quoted when printable ASCII, hex bytes otherwise.
   *
   * @param b the cookie bytes
   * @return a display string
   */
  public static String cookie(byte[] b) {
    for (byte x : b) {
      if (x < 0x20 || x >= 0x7F) {
        return bytes(b);
      }
    }
    return '"' + new String(b, StandardCharsets.ISO_8859_1) + '"';
  }
}
