package io.github.vhd4j.mmap.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * Releases a mapping now rather than when the garbage collector gets to it.
 *
 * <p>Java 17 to 21 have no public unmap. {@code sun.misc.Unsafe#invokeCleaner} (module
 * {@code jdk.unsupported}, which exports and opens {@code sun.misc} to everyone) runs a direct
 * buffer's cleaner and needs no JVM flag; on those releases it prints no warning. JDK 24+ warns
 * about it, so from JDK 22 on the foreign-memory API is used instead and this class is inert.
 * When neither is available, mappings are left to the garbage collector: correct, only not
 * deterministic.
 *
 * <p>Unmapping memory that another thread still reads would crash the JVM; callers guarantee that
 * no read is in flight (the image's read gate).
 */
public final class Unmapper {
  private static final @Nullable MethodHandle INVOKE_CLEANER = find();

  private Unmapper() {}

  private static @Nullable MethodHandle find() {
    if (Runtime.version().feature() >= 22) {
      // JDK 22+ maps through the foreign-memory API instead (see Ffm); JDK 24+ would warn here.
      return null;
    }
    try {
      Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
      Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
      theUnsafe.setAccessible(true);
      Object unsafe = theUnsafe.get(null);
      MethodHandle mh = MethodHandles.lookup().findVirtual(unsafeClass, "invokeCleaner",
          MethodType.methodType(void.class, ByteBuffer.class));
      return mh.bindTo(unsafe);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Tells whether mappings can be released deterministically on this JVM.
   *
   * @return true when {@link #unmap} releases memory immediately
   */
  public static boolean isSupported() {
    return INVOKE_CLEANER != null;
  }

  /**
   * Releases mapped buffers (no-op when unsupported: the garbage collector will).
   *
   * @param buffers buffers returned by {@code FileChannel.map}, not slices of them
   */
  public static void unmap(ByteBuffer[] buffers) {
    MethodHandle mh = INVOKE_CLEANER;
    if (mh == null) {
      return;
    }
    for (ByteBuffer b : buffers) {
      if (b == null || !b.isDirect() || b.capacity() == 0) {
        continue;
      }
      try {
        mh.invokeExact(b);
      } catch (Throwable t) {
        // A buffer the cleaner refuses (already released, or a slice) stays mapped until the
        // garbage collector releases it; nothing is lost.
      }
    }
  }
}
