package io.github.vhd4j.internal;

import io.github.vhd4j.internal.storage.Storage;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Format detection from footer bytes alone. */
public final class Probe {
  private Probe() {}

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
    if (len >= 512 && validAt(s, len - 512, 512, false)) {
      return true;
    }
    if (len >= 511 && len % 512 == 511 && validAt(s, len - 511, 511, false)) {
      return true;
    }
    return len >= 1024 && validAt(s, 0, 512, true);
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
    ByteBuffer b = ByteBuffer.allocate(8);
    long[] spots = {len - 512, len % 512 == 511 ? len - 511 : -1, 0};
    for (long at : spots) {
      if (at >= 0 && at + 8 <= len) {
        s.read(at, b, 0, 8);
        if (Codec.matches(b, 0, Codec.FOOTER_COOKIE)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean validAt(Storage s, long at, int length, boolean sparseOnly) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(512);
    s.read(at, b, 0, length);
    if (!Codec.matches(b, 0, Codec.FOOTER_COOKIE) || Codec.u32(b, 64) != Codec.checksum(b, 512, 64)) {
      return false;
    }
    long type = Codec.u32(b, 60);
    return sparseOnly ? type == 3 || type == 4 : type >= 2 && type <= 4;
  }
}
