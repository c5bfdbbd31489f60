package io.github.vhd4j;

import org.jspecify.annotations.Nullable;

/**
 * One of the eight parent locator entries of the dynamic header (offset 576 + 24 x index).
 *
 * @param index 0 to 7
 * @param platformCode offset 0 of the entry, for example 0x57327275 ({@code "W2ru"})
 * @param dataSpace offset 4; in sectors per the specification, in bytes in images made by Windows
 * @param dataLength offset 8; length of the locator data in bytes
 * @param dataOffset offset 16; absolute file offset of the locator data
 * @param path the decoded path or file URL, or null when the entry is empty or undecodable
 */
public record ParentLocator(
    int index, long platformCode, long dataSpace, long dataLength, long dataOffset, @Nullable String path) {

  /**
   * Returns the platform as an enum.
   *
   * @return the platform, or null for an unknown code
   */
  public @Nullable Platform platform() {
    return Platform.fromCode(platformCode);
  }

  /** Known platform codes. */
  public enum Platform {
    /** 0: the entry is unused. */
    NONE(0),
    /** {@code "Wi2r"}: deprecated relative Windows path. */
    WI2R(0x57693272L),
    /** {@code "Wi2k"}: deprecated absolute Windows path. */
    WI2K(0x5769326BL),
    /** {@code "W2ru"}: relative Windows path, UTF-16LE. */
    W2RU(0x57327275L),
    /** {@code "W2ku"}: absolute Windows path, UTF-16LE. */
    W2KU(0x57326B75L),
    /** {@code "Mac "}: Mac OS alias blob (not decodable as a path). */
    MAC(0x4D616320L),
    /** {@code "MacX"}: file URL, UTF-8 (RFC 2396). */
    MACX(0x4D616358L);

    private final long code;

    Platform(long code) {
      this.code = code;
    }

    /**
     * Returns the on-disk code.
     *
     * @return the four-character code as an unsigned 32-bit value
     */
    public long code() {
      return code;
    }

    /**
     * Returns the four-character name, for example {@code "W2ru"}.
     *
     * @return the name as stored on disk
     */
    public String label() {
      if (code == 0) {
        return "none";
      }
      char[] c = new char[4];
      for (int i = 0; i < 4; i++) {
        c[i] = (char) ((code >>> (24 - 8 * i)) & 0xFF);
      }
      return new String(c);
    }

    /**
     * Maps an on-disk code to a platform.
     *
     * @param code the unsigned 32-bit value
     * @return the platform, or null when unknown
     */
    public static @Nullable Platform fromCode(long code) {
      for (Platform p : values()) {
        if (p.code == code) {
          return p;
        }
      }
      return null;
    }
  }
}
