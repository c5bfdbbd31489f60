package io.github.vhd4j.fuzz;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/** Deterministic per-input helpers: the same input bytes always make the same choices. */
final class Inputs {
  /** Largest raw input, also the libFuzzer -max_len (junit-platform.properties). */
  static final int MAX_INPUT = 64 * 1024;

  private Inputs() {}

  /** A generator seeded from the whole input (FNV-1a), so a replayed input reproduces exactly. */
  static SplittableRandom random(byte[] data) {
    long h = 0xcbf29ce484222325L ^ data.length;
    for (byte b : data) {
      h = (h ^ (b & 0xFF)) * 0x100000001b3L;
    }
    return new SplittableRandom(h);
  }

  /**
   * The input as the library sees it in memory: sometimes a plain heap buffer, sometimes a
   * read-only window at a non-zero position of a larger array, sometimes a direct buffer, so that
   * the in-memory storage's handling of position, limit and buffer kind is exercised too.
   */
  static ByteBuffer buffer(byte[] data, SplittableRandom rnd) {
    switch (rnd.nextInt(3)) {
      case 0:
        return ByteBuffer.wrap(data);
      case 1: {
        int pad = 1 + rnd.nextInt(4096);
        byte[] big = new byte[data.length + 2 * pad];
        // Bytes around the window must never be seen: make them look like a footer cookie.
        for (int i = 0; i < big.length; i++) {
          big[i] = (byte) "conectix".charAt(i & 7);
        }
        System.arraycopy(data, 0, big, pad, data.length);
        return ByteBuffer.wrap(big, pad, data.length).asReadOnlyBuffer();
      }
      default: {
        ByteBuffer direct = ByteBuffer.allocateDirect(data.length);
        direct.put(data).flip();
        return direct;
      }
    }
  }
}
