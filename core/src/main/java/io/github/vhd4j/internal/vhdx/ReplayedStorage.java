package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.vhdx.layout.LogLayout;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import org.jspecify.annotations.Nullable;

/**
 * A file as it would be after its log was replayed (MS-VHDX 2.3.3), without writing it: reads of
 * a 4 KiB page a data descriptor wrote return the logged sector, reads of a range a zero descriptor
 * cleared return zeros, everything else comes from the file, and the file appears extended with
 * zeros to the length the log asks for. This is how a read-only open sees a dirty file (MS-VHDX
 * note 5; ).
 *
 * <p>Pages keep only their target, where their data sector lies in the log, and the 12 bytes the
 * descriptor holds, so memory grows with the number of replayed descriptors, never with the bytes
 * they write; the sector's body is read from the log when asked for. Immutable once built: reads
 * are safe from any number of threads.
 */
final class ReplayedStorage implements Storage {
  private static final int SECTOR = LogLayout.SECTOR;
  /** Where a data sector's logged bytes start and end within the page (MS-VHDX 2.3.1.4). */
  private static final int BODY_START = LogLayout.DATA.offset();
  private static final int BODY_END = LogLayout.DATA.end();
  private static final byte[] ZEROS = new byte[SECTOR];

  private final Storage base;
  private final long baseSize;
  private final long size;
  private final long[] pageTarget;
  private final long[] pageSource;
  private final long[] pageLeading;
  private final int[] pageTrailing;
  private final long[] zeroStart;
  private final long[] zeroEnd;

  /**
   * Assembles the overlay; {@link OverlayBuilder} resolves the descriptors into these arrays.
   *
   * @param base the file, never written
   * @param size the replayed file's length, at least the file's
   * @param pageTarget the pages' file offsets, ascending, distinct
   * @param pageSource the file offsets of their data sectors in the log
   * @param pageLeading their LeadingBytes
   * @param pageTrailing their TrailingBytes
   * @param zeroStart starts of the zeroed ranges, ascending, disjoint; a page overrides a range
   * @param zeroEnd their ends
   */
  ReplayedStorage(Storage base, long size, long[] pageTarget, long[] pageSource, long[] pageLeading,
      int[] pageTrailing, long[] zeroStart, long[] zeroEnd) {
    this.base = base;
    this.baseSize = base.size();
    this.size = Math.max(size, baseSize);
    this.pageTarget = pageTarget;
    this.pageSource = pageSource;
    this.pageLeading = pageLeading;
    this.pageTrailing = pageTrailing;
    this.zeroStart = zeroStart;
    this.zeroEnd = zeroEnd;
  }

  @Override
  public long size() {
    return size;
  }

  /**
   * Returns the number of pages the replay writes.
   *
   * @return distinct 4 KiB targets
   */
  int pages() {
    return pageTarget.length;
  }

  /**
   * Returns a page's file offset.
   *
   * @param i the page, in ascending order
   * @return its target
   */
  long page(int i) {
    return pageTarget[i];
  }

  /**
   * Returns the number of zeroed ranges.
   *
   * @return disjoint ranges
   */
  int zeroRanges() {
    return zeroStart.length;
  }

  /**
   * Returns where a zeroed range starts.
   *
   * @param i the range, in ascending order
   * @return its first offset
   */
  long zeroStart(int i) {
    return zeroStart[i];
  }

  /**
   * Returns where a zeroed range ends. Pages inside it are not zero: a page is listed only when a
   * data descriptor wrote it after every zero descriptor that covered it.
   *
   * @param i the range
   * @return the offset after its last byte
   */
  long zeroEnd(int i) {
    return zeroEnd[i];
  }

  @Override
  public void read(long offset, ByteBuffer dst, int dstIndex, int length) throws IOException {
    if (offset < 0 || length < 0 || offset > size - length) {
      throw new EOFException("read of " + length + " bytes at " + offset + " past the replayed length " + size);
    }
    long pos = offset;
    int at = dstIndex;
    long end = offset + length;
    while (pos < end) {
      int n;
      int p = firstPageEndingAfter(pos);
      long nextPage = p < pageTarget.length ? pageTarget[p] : Long.MAX_VALUE;
      if (nextPage <= pos) {
        n = (int) (Math.min(end, nextPage + SECTOR) - pos);
        copyPage(p, (int) (pos - nextPage), dst, at, n);
      } else {
        int z = firstZeroEndingAfter(pos);
        long nextZero = z < zeroStart.length ? zeroStart[z] : Long.MAX_VALUE;
        if (nextZero <= pos) {
          n = (int) (Math.min(Math.min(end, zeroEnd[z]), nextPage) - pos);
          zero(dst, at, n);
        } else {
          long stop = Math.min(end, Math.min(nextPage, nextZero));
          if (pos < baseSize) {
            n = (int) (Math.min(stop, baseSize) - pos);
            base.read(pos, dst, at, n);
          } else {
            // Between the file's end and the replayed length: what extending the file yields.
            n = (int) (stop - pos);
            zero(dst, at, n);
          }
        }
      }
      pos += n;
      at += n;
    }
  }

  /** Copies bytes {@code [from, from + n)} of page {@code p}: LeadingBytes, the logged body, TrailingBytes. */
  private void copyPage(int p, int from, ByteBuffer dst, int at, int n) throws IOException {
    int i = from;
    int k = at;
    int stop = from + n;
    for (; i < BODY_START && i < stop; i++, k++) {
      dst.put(k, (byte) (pageLeading[p] >>> (Byte.SIZE * i)));
    }
    int bodyStop = Math.min(stop, BODY_END);
    if (i < bodyStop) {
      base.read(pageSource[p] + i, dst, k, bodyStop - i);
      k += bodyStop - i;
      i = bodyStop;
    }
    for (; i < stop; i++, k++) {
      dst.put(k, (byte) (pageTrailing[p] >>> (Byte.SIZE * (i - BODY_END))));
    }
  }

  private static void zero(ByteBuffer dst, int at, int n) {
    for (int done = 0; done < n; ) {
      int m = Math.min(n - done, ZEROS.length);
      dst.put(at + done, ZEROS, 0, m);
      done += m;
    }
  }

  /** The first page whose end lies after {@code pos}, or the page count. */
  private int firstPageEndingAfter(long pos) {
    int lo = 0;
    int hi = pageTarget.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (pageTarget[mid] + SECTOR > pos) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  /** The first zeroed range whose end lies after {@code pos}, or the range count. */
  private int firstZeroEndingAfter(long pos) {
    int lo = 0;
    int hi = zeroEnd.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (zeroEnd[mid] > pos) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  /**
   * Hands out the file's own memory only for a range the replay leaves untouched and the file
   * holds; anything the log rewrites is assembled by {@link #read}.
   */
  @Override
  public @Nullable ByteBuffer view(long offset, int length) {
    if (offset < 0 || length < 0 || offset > baseSize - length) {
      return null;
    }
    long end = offset + length;
    int p = firstPageEndingAfter(offset);
    if (p < pageTarget.length && pageTarget[p] < end) {
      return null;
    }
    int z = firstZeroEndingAfter(offset);
    if (z < zeroStart.length && zeroStart[z] < end) {
      return null;
    }
    return base.view(offset, length);
  }

  @Override
  public boolean releasesMemoryOnClose() {
    return base.releasesMemoryOnClose();
  }

  @Override
  public void truncate(long length) {
    throw new NonWritableChannelException();
  }

  @Override
  public void write(long offset, ByteBuffer src, int srcIndex, int length) {
    throw new NonWritableChannelException();
  }

  @Override
  public void force() {
    throw new NonWritableChannelException();
  }

  /** Does nothing: the file belongs to whoever opened it and is closed by them. */
  @Override
  public void close() {}
}
