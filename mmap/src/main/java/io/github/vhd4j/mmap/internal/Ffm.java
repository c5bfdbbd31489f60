package io.github.vhd4j.mmap.internal;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.jspecify.annotations.Nullable;

/**
 * File mapping through the foreign-memory API of JDK 22+, reached through method handles so that
 * this module still compiles for, and runs on, Java 17.
 *
 * <p>On JDK 22+ each file is mapped into one shared {@code Arena}; closing the arena unmaps
 * everything at once, and the JDK guarantees that an access racing with the close fails with
 * {@link IllegalStateException} instead of touching unmapped memory. It needs no JVM flag and
 * prints no warning (mapping a file is not a restricted method), unlike
 * {@code sun.misc.Unsafe#invokeCleaner}, which JDK 24+ reports as terminally deprecated.
 */
final class Ffm {
  private final MethodHandle ofShared;
  private final MethodHandle map;
  private final MethodHandle asByteBuffer;
  private final MethodHandle close;

  private Ffm(MethodHandle ofShared, MethodHandle map, MethodHandle asByteBuffer, MethodHandle close) {
    this.ofShared = ofShared;
    this.map = map;
    this.asByteBuffer = asByteBuffer;
    this.close = close;
  }

  /** Returns the API on JDK 22 and later, else null. */
  static @Nullable Ffm load() {
    if (Runtime.version().feature() < 22) {
      return null;
    }
    try {
      Class<?> arena = Class.forName("java.lang.foreign.Arena");
      Class<?> segment = Class.forName("java.lang.foreign.MemorySegment");
      MethodHandles.Lookup l = MethodHandles.publicLookup();
      return new Ffm(
          l.findStatic(arena, "ofShared", MethodType.methodType(arena)),
          l.findVirtual(FileChannel.class, "map",
              MethodType.methodType(segment, FileChannel.MapMode.class, long.class, long.class, arena)),
          l.findVirtual(segment, "asByteBuffer", MethodType.methodType(ByteBuffer.class)),
          l.findVirtual(arena, "close", MethodType.methodType(void.class)));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /** Opens a shared arena that will own one file's mappings. */
  Object openArena() throws IOException {
    try {
      return ofShared.invoke();
    } catch (Throwable t) {
      throw new IOException("cannot create a memory arena", t);
    }
  }

  /** Maps a range read-only into the arena and returns it as a (read-only) buffer. */
  ByteBuffer map(FileChannel channel, long offset, long length, Object arena) throws IOException {
    try {
      Object segment = map.invoke(channel, FileChannel.MapMode.READ_ONLY, offset, length, arena);
      return (ByteBuffer) asByteBuffer.invoke(segment);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Throwable t) {
      // "Map failed" arrives as an OutOfMemoryError wrapped by the JDK; report it as I/O.
      throw new IOException("Map failed: " + t, t);
    }
  }

  /** Closes the arena, unmapping every chunk of the file. */
  void closeArena(Object arena) throws IOException {
    try {
      close.invoke(arena);
    } catch (Throwable t) {
      throw new IOException("cannot unmap: " + t, t);
    }
  }
}
