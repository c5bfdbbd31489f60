package io.github.vhd4j.fuzz;

import io.github.vhd4j.testing.SparseImage;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * A whole file in a fuzz input: a VHDX file is at least 1 MiB, far more than an input may be, but
 * mostly zeros, so an input holds only its non-zero runs. Any byte string decodes (missing bytes
 * read as zero); the file's length is capped at {@link #MAX_LENGTH}.
 *
 * <pre>
 * length u32 | run* ;  run = gap u32 | n u16 | n bytes      (big-endian; gap counts zero bytes
 *                                                           after the previous run's end)
 * </pre>
 *
 * {@code fuzz/seeds/make-qemu-seeds.sh} writes the same encoding for qemu-img's VHDX files.
 */
final class SparseCodec {
  /** Largest decoded file: 1 GiB, sparse (only the runs are held); longer lengths are cut to it. */
  static final long MAX_LENGTH = 1L << 30;
  /** Zero bytes shorter than this between two non-zero bytes stay inside one run. */
  private static final int MIN_GAP = 16;
  private static final int MAX_RUN = 0xFFFF;

  private SparseCodec() {}

  /** Decodes {@code data} from {@code from}. */
  static SparseImage decode(byte[] data, int from) {
    int pos = from;
    long length = Math.min(u(data, pos, 4), MAX_LENGTH);
    pos += 4;
    SparseImage img = new SparseImage(length);
    long at = 0;
    while (pos < data.length) {
      at += u(data, pos, 4);
      int n = (int) u(data, pos + 4, 2);
      pos += 6;
      if (at >= length || pos >= data.length) {
        break;
      }
      int end = (int) Math.min(Math.min((long) pos + n, data.length), pos + (length - at));
      byte[] run = Arrays.copyOfRange(data, pos, end);
      img.put(at, run);
      at += run.length;
      pos += n;
    }
    return img;
  }

  /** Encodes a file of at most {@link #MAX_LENGTH} bytes, after a prefix. */
  static byte[] encode(byte[] prefix, SparseImage file) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(prefix);
    put(out, file.length(), 4);
    long end = 0;
    final int window = 1 << 20;
    for (long base = 0; base < file.length(); base += window) {
      byte[] chunk = file.read(base, (int) Math.min(window, file.length() - base));
      int i = 0;
      while (i < chunk.length) {
        if (chunk[i] == 0) {
          i++;
          continue;
        }
        int j = i;
        int zeros = 0;
        while (j < chunk.length && j - i < MAX_RUN && zeros < MIN_GAP) {
          zeros = chunk[j] == 0 ? zeros + 1 : 0;
          j++;
        }
        int runEnd = j - zeros;
        put(out, base + i - end, 4);
        put(out, runEnd - i, 2);
        out.write(chunk, i, runEnd - i);
        end = base + runEnd;
        i = runEnd;
      }
    }
    return out.toByteArray();
  }

  private static long u(byte[] data, int pos, int n) {
    long v = 0;
    for (int i = 0; i < n; i++) {
      v = v << 8 | (pos + i < data.length && pos + i >= 0 ? data[pos + i] & 0xFF : 0);
    }
    return v;
  }

  private static void put(ByteArrayOutputStream out, long v, int n) {
    for (int i = n - 1; i >= 0; i--) {
      out.write((int) (v >>> (8 * i)));
    }
  }
}
