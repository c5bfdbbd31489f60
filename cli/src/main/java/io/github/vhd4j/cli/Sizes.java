package io.github.vhd4j.cli;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;

/** Parsing of size arguments and qemu-img-like formatting of sizes. */
final class Sizes {
  private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  private static final MathContext THREE_DIGITS = new MathContext(3, RoundingMode.HALF_EVEN);

  private Sizes() {}

  /**
   * Parses a byte count: digits, optionally followed by one of {@code K M G T} (any case, powers
   * of 1024).
   *
   * @param text for example {@code 4096}, {@code 1M} or {@code 2g}
   * @return the number of bytes
   * @throws IllegalArgumentException for negative, malformed or overflowing values
   */
  static long parse(String text) {
    String s = text.trim();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("empty size");
    }
    if (s.startsWith("-")) {
      throw new IllegalArgumentException("negative size '" + text + "'");
    }
    int shift = 0;
    char last = Character.toUpperCase(s.charAt(s.length() - 1));
    if (!Character.isDigit(last)) {
      shift = switch (last) {
        case 'K' -> 10;
        case 'M' -> 20;
        case 'G' -> 30;
        case 'T' -> 40;
        default -> throw new IllegalArgumentException(
            "invalid size '" + text + "' (a number of bytes, optionally with K, M, G or T)");
      };
      s = s.substring(0, s.length() - 1);
    }
    if (s.isEmpty() || !s.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException(
          "invalid size '" + text + "' (a number of bytes, optionally with K, M, G or T)");
    }
    try {
      long v = Long.parseLong(s);
      if (v > (Long.MAX_VALUE >> shift)) {
        throw new IllegalArgumentException("size too large '" + text + "'");
      }
      return v << shift;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("size too large '" + text + "'", e);
    }
  }

  /**
   * Formats a size the way qemu-img does: three significant digits in the largest binary unit
   * that keeps the number below 1000, for example {@code 64 MiB} or {@code 4.01 MiB}.
   *
   * @param bytes a non-negative size
   * @return the short form
   */
  static String human(long bytes) {
    int unit = 0;
    // Move to the next unit once the number would reach 1000 in the current one.
    while (unit < UNITS.length - 1 && bytes >= 1000L << (10 * unit)) {
      unit++;
    }
    BigDecimal v = new BigDecimal(bytes).divide(BigDecimal.valueOf(1L << (10 * unit)));
    String digits = v.round(THREE_DIGITS).stripTrailingZeros().toPlainString();
    return digits + " " + UNITS[unit];
  }

  /**
   * Formats a size with its exact byte count, as qemu-img prints the virtual size.
   *
   * @param bytes a non-negative size
   * @return for example {@code 64 MiB (67125248 bytes)}
   */
  static String humanExact(long bytes) {
    return human(bytes) + " (" + bytes + " bytes)";
  }

  /**
   * Formats a hexadecimal offset like C's {@code %#x}: {@code 0} for zero, else {@code 0x...}.
   *
   * @param v a non-negative value
   * @return the text
   */
  static String hex(long v) {
    return v == 0 ? "0" : "0x" + Long.toHexString(v).toLowerCase(Locale.ROOT);
  }
}
