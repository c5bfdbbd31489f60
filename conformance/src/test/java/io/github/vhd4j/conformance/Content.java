package io.github.vhd4j.conformance;

import io.github.vhd4j.DiskImage;
import io.github.vhd4j.VhdImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of guest content and files, and reads of guest ranges. */
final class Content {
  private static final int CHUNK = 1 << 20;

  private Content() {}

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JRE has SHA-256", e);
    }
  }

  static String hex(byte[] digest) {
    return HexFormat.of().formatHex(digest);
  }

  static String sha256(byte[] b) {
    return hex(sha256().digest(b));
  }

  /** SHA-256 of the whole guest content, read positionally in 1 MiB pieces. */
  static String sha256(VhdImage img) throws IOException {
    MessageDigest md = sha256();
    ByteBuffer buf = ByteBuffer.allocate(CHUNK);
    long size = img.getSize();
    for (long pos = 0; pos < size; pos += CHUNK) {
      buf.clear().limit((int) Math.min(CHUNK, size - pos));
      img.readFully(pos, buf);
      md.update(buf.flip());
    }
    return hex(md.digest());
  }

  /** SHA-256 of a file. */
  static String sha256(Path file) throws IOException {
    MessageDigest md = sha256();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocate(CHUNK);
      while (ch.read(buf.clear()) >= 0) {
        md.update(buf.flip());
      }
    }
    return hex(md.digest());
  }

  /** SHA-256 of what a stream returns. */
  static String sha256(InputStream in) throws IOException {
    MessageDigest md = sha256();
    byte[] buf = new byte[CHUNK];
    for (int n; (n = in.read(buf)) >= 0; ) {
      md.update(buf, 0, n);
    }
    return hex(md.digest());
  }

  /** Reads a guest range through vhd4j. */
  static byte[] read(DiskImage img, long offset, int length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length);
    img.readFully(offset, b);
    return b.array();
  }

  /** The first offset at which two arrays differ, or -1 when equal. */
  static long mismatch(byte[] a, byte[] b) {
    return java.util.Arrays.mismatch(a, b);
  }

  /** Writes a sparse file of {@code size} bytes holding {@code data} at {@code offset}s. */
  static void writeSparse(Path file, long size, long[] offsets, byte[][] data) throws IOException {
    Files.deleteIfExists(file);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (int i = 0; i < offsets.length; i++) {
        ch.write(ByteBuffer.wrap(data[i]), offsets[i]);
      }
      if (ch.size() < size) {
        // Extend without writing: the tail stays a hole.
        ch.write(ByteBuffer.allocate(1), size - 1);
      }
    }
  }
}
