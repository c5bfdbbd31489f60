package io.github.vhd4j.internal;

import io.github.vhd4j.DiskFormat;
import io.github.vhd4j.DiskType;
import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.vhd.layout.FooterLayout;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Format detection from a file's bytes alone: a VHD by its footer, the formats vhd4j does not read
 * by their signatures ({@link Signatures}). Every read is bounded by the storage's length.
 */
public final class Probe {
  private Probe() {}

  /**
   * Names the format of the storage's bytes. The VHD footer is looked for first: a VHD's guest
   * data may hold another format's signature (a fixed VHD made from an ISO starts with the ISO),
   * and a damaged VHD, whose cookie is there but whose checksum is wrong, is still a VHD, so that
   * opening it reports its damage.
   *
   * @param s the storage
   * @return {@link DiskFormat#VHD} when the footer cookie is where a footer belongs, else the
   *     format whose signature is found, else {@link DiskFormat#RAW}
   * @throws IOException if reading fails
   */
  public static DiskFormat detect(Storage s) throws IOException {
    if (hasCookie(s)) {
      return DiskFormat.VHD;
    }
    DiskFormat other = Signatures.match(s);
    return other != null ? other : DiskFormat.RAW;
  }

  /**
   * Tells whether storage holds a VHD: a valid footer (cookie and checksum) at the end, as a
   * 512- or 511-byte footer, or a valid dynamic or differencing footer copy at offset 0.
   *
   * @param s the storage
   * @return true when a valid footer is found
   * @throws IOException if reading fails
   */
  public static boolean probe(Storage s) throws IOException {
    long len = s.size();
    if (len >= FooterLayout.SIZE && validAt(s, len - FooterLayout.SIZE, FooterLayout.SIZE, false)) {
      return true;
    }
    if (len >= FooterLayout.SHORT_SIZE && isShortFooterLength(len)
        && validAt(s, len - FooterLayout.SHORT_SIZE, FooterLayout.SHORT_SIZE, false)) {
      return true;
    }
    // A copy at offset 0 counts only in a file that has room for the footer at the end as well.
    return len >= 2L * FooterLayout.SIZE && validAt(s, 0, FooterLayout.SIZE, true);
  }

  /**
   * Tells whether the storage has the footer cookie at its end or start, valid or not; used to
   * treat a damaged VHD as a VHD rather than as raw data.
   *
   * @param s the storage
   * @return true when {@code "conectix"} is found where a footer belongs
   * @throws IOException if reading fails
   */
  public static boolean hasCookie(Storage s) throws IOException {
    long len = s.size();
    int n = FooterLayout.COOKIE.size();
    ByteBuffer b = ByteBuffer.allocate(n);
    long[] spots = {len - FooterLayout.SIZE, isShortFooterLength(len) ? len - FooterLayout.SHORT_SIZE : -1, 0};
    for (long at : spots) {
      if (at >= 0 && at + n <= len) {
        s.read(FooterLayout.COOKIE.at(at), b, 0, n);
        if (FooterLayout.COOKIE.matches(b, FooterLayout.COOKIE_VALUE)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Tells whether a file of this length can end with the 511-byte footer of old Virtual PC. */
  private static boolean isShortFooterLength(long len) {
    return len % FooterLayout.SIZE == FooterLayout.SHORT_SIZE;
  }

  private static boolean validAt(Storage s, long at, int length, boolean sparseOnly) throws IOException {
    // A 511-byte footer is checked as 512 bytes whose last, reserved byte is zero.
    ByteBuffer b = ByteBuffer.allocate(FooterLayout.SIZE);
    s.read(at, b, 0, length);
    if (!FooterLayout.COOKIE.matches(b, FooterLayout.COOKIE_VALUE)
        || FooterLayout.CHECKSUM.u32(b) != FooterLayout.checksum(b)) {
      return false;
    }
    DiskType type = DiskType.fromCode(FooterLayout.DISK_TYPE.u32(b));
    return type != null && (!sparseOnly || type != DiskType.FIXED);
  }
}
