package io.github.vhd4j.fuzz;

import java.lang.management.ManagementFactory;

/** Bytes allocated by the current thread (HotSpot's per-thread allocation counter). */
final class Alloc {
  private static final com.sun.management.ThreadMXBean MX =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private Alloc() {}

  static long now() {
    return MX.getCurrentThreadAllocatedBytes();
  }
}
