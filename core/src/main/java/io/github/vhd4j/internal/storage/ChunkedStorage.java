package io.github.vhd4j.internal.storage;

import java.io.EOFException;
import java.io.IOException;
import io.github.vhd4j.VhdException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import org.jspecify.annotations.Nullable;

/**
 * Storage over memory split into power-of-two chunks: the chunks of a memory-mapped file (a single
 * {@link ByteBuffer} can address at most 2 GiB) or slices of an in-memory image. One reader serves
 * both, so the chunk arithmetic, including reads that cross chunk boundaries, exists once.
 *
 * <p>Reads are absolute bulk copies ({@link ByteBuffer#put(int, ByteBuffer, int, int)}): no
 * position is shared, so any number of threads may read at once, and nothing is allocated.
 *
 * <p>A mapped file that another program cuts shorter while it is mapped makes the JVM raise
 * {@link InternalError} ({@code SIGBUS}) when a read touches a page past the new end. Reads catch
 * it and report what happened as a {@link VhdException} naming the file, with its length now.
 * HotSpot raises that error asynchronously, at the thread's next transition into the VM, which
 * could be anywhere in the caller's code; so each read of memory that can fault ends with
 * {@link #deliverFault()}, which makes that transition while the read can still catch it.
 */
public final class ChunkedStorage implements Storage {
  /** Releases what backs the chunks when the storage closes; called exactly once. */
  @FunctionalInterface
  public interface Release {
    /**
     * Releases the chunks.
     *
     * @param chunks the chunks
     * @param unmap true to free their memory now; false when views still share it, so the
     *     garbage collector must free it once they are unreachable
     * @throws IOException if releasing fails
     */
    void release(ByteBuffer[] chunks, boolean unmap) throws IOException;
  }

  private final ByteBuffer[] chunks;
  private final int shift;
  private final long mask;
  private final long size;
  private final @Nullable Release release;
  /** The mapped file: its lease, closed after the chunks are released, and its current length. */
  private final OpenFiles.@Nullable Lease file;
  /** Whether the memory can fault: a mapping (heap memory cannot). */
  private final boolean faultable;
  private volatile boolean viewsHandedOut;
  private volatile boolean closed;

  private ChunkedStorage(ByteBuffer[] chunks, int shift, long size, @Nullable Release release,
      OpenFiles.@Nullable Lease file) {
    this.chunks = chunks;
    this.shift = shift;
    this.mask = (1L << shift) - 1;
    this.size = size;
    this.release = release;
    this.file = file;
    this.faultable = file != null || (chunks.length > 0 && chunks[0].isDirect());
  }

  /**
   * Wraps chunks of {@code 2^shift} bytes each (the last may be shorter).
   *
   * @param chunks read-only chunks in file order
   * @param shift log2 of the chunk size
   * @param size total bytes
   * @param release called on close, or null when nothing needs releasing
   * @param file the file the chunks map, closed after {@code release}; null for memory
   * @return the storage
   */
  public static ChunkedStorage of(ByteBuffer[] chunks, int shift, long size, @Nullable Release release,
      OpenFiles.@Nullable Lease file) {
    return new ChunkedStorage(chunks, shift, size, release, file);
  }

  /**
   * Reads an in-memory image, the bytes between the buffer's position and limit, in chunks of
   * {@code chunkSize} (at most the whole buffer). The buffer is not copied.
   *
   * @param image the bytes
   * @param chunkSize a power of two
   * @return the storage
   */
  public static ChunkedStorage ofBuffer(ByteBuffer image, long chunkSize) {
    ByteBuffer all = image.slice().asReadOnlyBuffer();
    int length = all.capacity();
    int shift = Long.numberOfTrailingZeros(chunkSize);
    if (chunkSize >= length) {
      shift = 31;
    }
    int count = shift >= 31 ? 1 : (int) ((length + chunkSize - 1) >>> shift);
    ByteBuffer[] chunks = new ByteBuffer[Math.max(count, 1)];
    for (int i = 0; i < chunks.length; i++) {
      int from = shift >= 31 ? 0 : (int) ((long) i << shift);
      int n = shift >= 31 ? length : (int) Math.min(chunkSize, length - from);
      chunks[i] = all.slice(from, n);
    }
    return new ChunkedStorage(chunks, shift, length, null, null);
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public void read(long offset, ByteBuffer dst, int dstIndex, int length) throws IOException {
    if (offset < 0 || length < 0 || offset > size - length) {
      throw new EOFException("read of " + length + " bytes at " + offset + " beyond " + size);
    }
    if (closed) {
      throw new ClosedChannelException();
    }
    if (length == 0) {
      return;
    }
    int chunk = (int) (offset >>> shift);
    int at = (int) (offset & mask);
    int d = dstIndex;
    int remaining = length;
    int last = dstIndex + length - 1;
    byte guard = 0;
    try {
      if (faultable) {
        // A guard in the destination's last byte: anything but the byte the copy will put there.
        // A copy that faults stops before its end (the last page is past the file's end too), so
        // the guard survives exactly when the copy faulted, or when the file changed under it.
        long end = offset + length - 1;
        guard = (byte) ~chunks[(int) (end >>> shift)].get((int) (end & mask));
        dst.put(last, guard);
      }
      while (remaining > 0) {
        ByteBuffer c = chunks[chunk];
        int n = Math.min(remaining, c.capacity() - at);
        dst.put(d, c, at, n);
        d += n;
        remaining -= n;
        chunk++;
        at = 0;
      }
      if (faultable && dst.get(last) == guard) {
        deliverFault();
      }
    } catch (InternalError e) {
      throw changed(offset, length, e);
    }
  }

  /** One, read from a field that is not final, so the JIT cannot take it for a constant. */
  private static int one = 1;

  /**
   * Makes HotSpot deliver a pending fault of the copy just made, here rather than somewhere in the
   * caller's code.
   *
   * <p>NOTE: a fault in a copy out of mapped memory only marks the thread (JDK 17: the
   * {@code InternalError} is raised at its next return from the VM to Java; later JDKs raise it at
   * the next safepoint poll). A multi-dimensional array whose outer length the compiler cannot see
   * is allocated by a call into the VM in the interpreter and in both compilers, and that call's
   * return raises the pending error. It allocates, so reads call it only when the guard byte says
   * the copy may have faulted: reads stay free of allocation. Verified on JDK 17 with C2, with C1
   * only (as {@code bin/vhd} runs) and interpreted, for heap and direct destinations: a faulting
   * copy never wrote the guard, and without this call the error surfaced after the read had
   * returned.
   */
  private static void deliverFault() {
    // The call may throw (the lengths are unknown), so no compiler can drop it as dead code.
    byte[][] unused = new byte[one][0];
  }

  /**
   * Describes a fault while copying out of the mapping: the file was cut (or its device failed)
   * under the mapping.
   *
   * @param offset where the read began
   * @param length its length
   * @param fault what the JVM raised
   * @return the exception to throw, naming the file
   */
  IOException changed(long offset, int length, InternalError fault) {
    OpenFiles.Lease f = file;
    if (f == null) {
      return new VhdException("the image's memory could not be read at " + offset + " (" + length
          + " bytes): a mapped buffer whose file changed? (memory)", "memory", fault);
    }
    long now;
    try {
      now = f.channel().size();
    } catch (IOException | RuntimeException e) {
      now = -1;
    }
    String where = " (" + f.resource() + ")";
    if (now >= 0 && now < size) {
      return new VhdException("the file changed while it was read: it is now " + now + " bytes, " + size
          + " when it was opened; a read of " + length + " bytes at " + offset + " found it cut" + where,
          f.resource(), fault);
    }
    return new VhdException("the file could not be read through its mapping at " + offset + " (" + length
        + " bytes): it changed while it was read, or its device failed; it is now "
        + (now < 0 ? "of unknown length" : now + " bytes") + where, f.resource(), fault);
  }

  @Override
  public @Nullable ByteBuffer view(long offset, int length) {
    if (offset < 0 || length < 0 || offset > size - length || closed) {
      return null;
    }
    int chunk = (int) (offset >>> shift);
    int at = (int) (offset & mask);
    ByteBuffer c = chunks[chunk];
    // In long: a chunk offset near 1 GiB plus a length near 2 GiB overflows an int.
    if ((long) at + length > c.capacity()) {
      return null;
    }
    viewsHandedOut = true;
    return c.slice(at, length).asReadOnlyBuffer();
  }

  @Override
  public boolean releasesMemoryOnClose() {
    return release != null;
  }

  /**
   * Closes the storage. Unmaps the chunks unless views were handed out: a view must stay valid, so
   * the garbage collector then unmaps once the views are unreachable.
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (release != null) {
        release.release(chunks, !viewsHandedOut);
      }
    } finally {
      if (file != null) {
        file.close();
      }
    }
  }
}
