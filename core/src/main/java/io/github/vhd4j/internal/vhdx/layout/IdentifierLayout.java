package io.github.vhd4j.internal.vhdx.layout;

import io.github.vhd4j.internal.Field;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The file type identifier (MS-VHDX 2.2.1): the first 64 KiB of the file, written once when the
 * file is created.
 */
public final class IdentifierLayout {
  /** Its file offset. */
  public static final long OFFSET = 0;
  /** The bytes this library reads of it: signature and creator. */
  public static final int READ_SIZE = 520;
  /** The space it occupies. */
  public static final int SIZE = 64 * 1024;
  /** The structure's name in problems. */
  public static final String STRUCTURE = "file identifier";
  /** Signature, ASCII {@code vhdxfile}. */
  public static final Field SIGNATURE = new Field("signature", 0, 8);
  /** Creator, UTF-16LE text of up to 256 characters; diagnostic only (MS-VHDX: MUST NOT drive behaviour). */
  public static final Field CREATOR = new Field("creator", 8, 512);
  /**
   * The header section (MS-VHDX 2.2): identifier, both headers, both region tables and reserved
   * space. Every file holds it whole; every other structure lies at or beyond its end.
   */
  public static final long HEADER_SECTION = 1L << 20;
  /** The signature's bytes. */
  public static final byte[] SIGNATURE_BYTES = "vhdxfile".getBytes(StandardCharsets.US_ASCII);

  private IdentifierLayout() {}

  /**
   * Decodes the creator text: up to its first NUL, with anything that is not a printable character
   * replaced, because the text is untrusted and ends up in terminals and JSON.
   *
   * @param b the identifier from index 0, at least {@link #READ_SIZE} bytes
   * @return the creator
   */
  public static String creator(ByteBuffer b) {
    StringBuilder sb = new StringBuilder();
    for (int i = CREATOR.offset(); i + 1 < CREATOR.end(); i += 2) {
      char c = (char) ((b.get(i) & 0xFF) | (b.get(i + 1) & 0xFF) << 8);
      if (c == 0) {
        break;
      }
      sb.append(Character.isISOControl(c) || Character.isSurrogate(c) ? '\uFFFD' : c);
    }
    return sb.toString();
  }

  /**
   * Encodes an identifier (test builders use this).
   *
   * @param creator the creator text, cut to 256 characters
   * @return the 64 KiB structure
   */
  public static ByteBuffer encode(String creator) {
    ByteBuffer b = Le.allocate(SIZE);
    SIGNATURE.putBytes(b, SIGNATURE_BYTES);
    byte[] text = creator.getBytes(StandardCharsets.UTF_16LE);
    CREATOR.putBytes(b, text);
    return b;
  }
}
