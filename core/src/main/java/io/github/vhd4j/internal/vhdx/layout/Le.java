package io.github.vhd4j.internal.vhdx.layout;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Buffers for VHDX structures, which are little-endian throughout (MS-VHDX section 2). */
public final class Le {
  private Le() {}

  /**
   * Allocates a zeroed little-endian heap buffer.
   *
   * @param size its capacity
   * @return the buffer
   */
  public static ByteBuffer allocate(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * Views a buffer's bytes from index 0 as little-endian.
   *
   * @param b the buffer
   * @return a little-endian duplicate
   */
  public static ByteBuffer of(ByteBuffer b) {
    return b.duplicate().clear().order(ByteOrder.LITTLE_ENDIAN);
  }
}
