package io.github.vhd4j.internal;

import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.DiskImage;
import io.github.vhd4j.DiskType;
import io.github.vhd4j.Durability;
import io.github.vhd4j.Extent;
import io.github.vhd4j.ProgressListener;
import io.github.vhd4j.SizeMode;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.internal.vhd.AzureRules;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Copies guest bytes into a new fixed or dynamic image or a raw file: from another image (a whole
 * chain reads flattened) or from a raw file. Workers take 64 MiB segments and copy them in 2 MiB pieces, so
 * reading one piece overlaps writing another; only ranges the source stores are read, and zeros
 * are never stored: a dynamic target leaves all-zero blocks unallocated (the writer skips zero
 * writes over unallocated blocks) and a fixed or raw target leaves them as holes of its sparse
 * file.
 */
public final class Converter {
  /** Guest bytes a worker takes at a time. */
  public static final long SEGMENT = 64L << 20;
  /** Bytes read and written at a time. */
  public static final int PIECE = 2 << 20;
  /** Zero-detection granularity: a hole smaller than this is not worth a separate write. */
  public static final int ZERO_CHUNK = 64 << 10;
  private static final int MAX_WORKERS = 4;

  private Converter() {}

  /** Where guest bytes come from. */
  public interface Input {
    /** Returns the number of guest bytes. */
    long size();

    /** Lists the stored (possibly non-zero) runs of {@code [from, to)}; the rest reads as zeros. */
    List<long[]> runs(long from, long to) throws IOException;

    /** Fills {@code dst} from guest offset {@code pos}. */
    void read(long pos, ByteBuffer dst) throws IOException;
  }

  /**
   * An image as input: its stored runs from the map, its bytes through the read engine.
   *
   * @param image the image (the top of a chain reads flattened)
   * @return the input
   */
  public static Input of(DiskImage image) {
    return new Input() {
      @Override
      public long size() {
        return image.getSize();
      }

      @Override
      public List<long[]> runs(long from, long to) throws IOException {
        List<long[]> out = new ArrayList<>();
        for (Extent e : image.map(from, to - from)) {
          if (e.data()) {
            out.add(new long[] {e.start(), e.end()});
          }
        }
        return out;
      }

      @Override
      public void read(long pos, ByteBuffer dst) throws IOException {
        image.readFully(pos, dst);
      }
    };
  }

  /**
   * A raw file as input: every byte stored.
   *
   * @param channel the file, read with positional reads
   * @return the input
   * @throws IOException if its size cannot be read
   */
  public static Input of(FileChannel channel) throws IOException {
    long size = channel.size();
    return new Input() {
      @Override
      public long size() {
        return size;
      }

      @Override
      public List<long[]> runs(long from, long to) {
        return List.of(new long[] {from, to});
      }

      @Override
      public void read(long pos, ByteBuffer dst) throws IOException {
        long p = pos;
        while (dst.hasRemaining()) {
          int n = channel.read(dst, p);
          if (n < 0) {
            // Zeros past a file that shrank would silently corrupt the copy.
            throw new EOFException("the raw file ended at " + p + "; it was " + size + " bytes when the copy began");
          }
          p += n;
        }
      }
    };
  }

  /**
   * Creates {@code out} with the input's content. The target takes the input's size: exactly
   * (rounded up to a whole sector) in {@link SizeMode#EXACT}, rounded up to a CHS geometry in
   * {@link SizeMode#CHS}; bytes past the input's end read as zeros.
   *
   * @param in the guest bytes
   * @param out the new file; it must not exist, and is removed when the copy fails
   * @param target type, block size, size mode, layout of the new image ({@code size} is ignored)
   * @param progress told about every piece copied
   * @throws IOException if reading or writing fails
   */
  public static void convert(Input in, Path out, CreateOptions target, ProgressListener progress) throws IOException {
    convert(in, out, target, progress, SEGMENT);
  }

  /**
   * As {@link #convert(Input, Path, CreateOptions, ProgressListener)}, with workers taking
   * {@code segment} bytes at a time (tests lower it so that small inputs use every worker).
   *
   * @param in the guest bytes
   * @param out the new file; it must not exist
   * @param target what to make
   * @param progress told about every segment copied
   * @param segment guest bytes per work item, a positive multiple of {@link #ZERO_CHUNK}
   * @throws IOException if reading or writing fails
   */
  public static void convert(Input in, Path out, CreateOptions target, ProgressListener progress, long segment)
      throws IOException {
    if (target.diskType() == DiskType.DIFFERENCING) {
      throw new IllegalArgumentException("a conversion makes a fixed or dynamic image, not a differencing one");
    }
    long size = in.size();
    long sectors = target.azure() ? AzureRules.convertedSize(size) : Sectors.roundUp(size);
    // Nothing is forced while copying: a half-made file is worthless whatever its state. The
    // caller's durability decides whether the finished file is forced once (NONE: never).
    boolean force = target.openOptions().durability() != Durability.NONE;
    CreateOptions o = target.withSize(sectors)
        .withOpenOptions(target.openOptions().withDurability(Durability.NONE));
    // Created first, outside the clean-up below: an existing file makes create fail, and must
    // never be what a failure removes.
    VhdImage img = ImageFiles.create(out, o);
    boolean ok = false;
    try (img) {
      // A dynamic target needs no zero scan: the writer allocates nothing for zeros written over
      // an unallocated block. A fixed target's zero chunks stay holes of its sparse file.
      copy(in, img::write, img.getDiskType() == DiskType.FIXED, progress, segment);
      if (force) {
        img.flush();
      }
      ok = true;
    } finally {
      if (!ok) {
        Files.deleteIfExists(out);
      }
    }
  }

  /**
   * Creates the raw file {@code out} (the guest bytes, nothing else) with the input's content and
   * size. The file is sparse: ranges the input does not store and 64 KiB chunks of zeros are not
   * written.
   *
   * @param in the guest bytes
   * @param out the new file; it must not exist, and is removed when the copy fails
   * @param force whether to force the finished file to the device once
   * @param locking whether the new file is locked as an image open for writing while it is written
   * @param progress told about every segment copied
   * @param segment guest bytes per work item, a positive multiple of {@link #ZERO_CHUNK}
   * @throws IOException if reading or writing fails
   */
  public static void toRaw(Input in, Path out, boolean force, boolean locking, ProgressListener progress,
      long segment) throws IOException {
    NewFile.write(out, locking, ch -> {
      long size = in.size();
      copy(in, (pos, src) -> {
        for (long p = pos; src.hasRemaining(); ) {
          p += ch.write(src, p);
        }
      }, true, progress, segment);
      if (ch.size() < size) {
        // FileChannel cannot extend a file without writing; one zero byte at the end makes the
        // file its full size and leaves the rest of the trailing range a hole.
        ch.write(ByteBuffer.allocate(1), size - 1);
      }
      if (force) {
        ch.force(true);
      }
    });
  }

  /** Where copied bytes go: writes all of {@code src} (position to limit) at guest offset {@code pos}. */
  private interface Sink {
    void write(long pos, ByteBuffer src) throws IOException;
  }

  /**
   * Copies on as many threads as there are processors (at most {@link #MAX_WORKERS}), each taking
   * {@code segment} guest bytes at a time, reading in pieces of {@link #PIECE}.
   *
   * <p>Reads overlap, writes take turns: buffered writes to one file serialise on the kernel's
   * lock of the file anyway, and a second writer waiting there spins on a core instead of
   * reading (jmh/RESULTS.md, "Tried, and why it stayed out").
   */
  private static void copy(Input in, Sink sink, boolean skipZeros, ProgressListener progress, long segment)
      throws IOException {
    if (segment <= 0 || segment % ZERO_CHUNK != 0) {
      throw new IllegalArgumentException("segment " + segment + " is not a positive multiple of " + ZERO_CHUNK);
    }
    long size = in.size();
    long segments = (size + segment - 1) / segment;
    int workers = (int) Math.max(1, Math.min(Math.min(Runtime.getRuntime().availableProcessors(), MAX_WORKERS),
        segments));
    AtomicLong next = new AtomicLong();
    ProgressCounter p = new ProgressCounter(progress, size);
    ReentrantLock turn = new ReentrantLock();
    if (workers == 1) {
      copySegments(in, sink, skipZeros, next, p, segment, turn);
      p.finish();
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
      Thread t = new Thread(r, "vhd4j-convert");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<Void>> tasks = new ArrayList<>();
      for (int i = 0; i < workers; i++) {
        tasks.add(pool.submit(() -> {
          copySegments(in, sink, skipZeros, next, p, segment, turn);
          return null;
        }));
      }
      for (Future<Void> f : tasks) {
        try {
          f.get();
        } catch (ExecutionException e) {
          // The others take no new segment once one has failed.
          next.set(Long.MAX_VALUE / 2);
          throw Causes.rethrow(e.getCause());
        } catch (InterruptedException e) {
          next.set(Long.MAX_VALUE / 2);
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("conversion interrupted");
        }
      }
    } finally {
      pool.shutdownNow();
    }
    p.finish();
  }

  private static void copySegments(Input in, Sink sink, boolean skipZeros, AtomicLong next, ProgressCounter p,
      long segment, ReentrantLock turn) throws IOException {
    long size = in.size();
    ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(PIECE, Math.max(size, 1)));
    ByteBuffer zeros = skipZeros ? ByteBuffer.allocateDirect(ZERO_CHUNK) : buf;
    int[] spans = new int[2 * (PIECE / ZERO_CHUNK + 1)];
    for (long seg = next.getAndIncrement(); seg < (size + segment - 1) / segment; seg = next.getAndIncrement()) {
      long from = seg * segment;
      long to = Math.min(size, from + segment);
      for (long[] run : in.runs(from, to)) {
        for (long pos = run[0]; pos < run[1]; ) {
          int n = (int) Math.min(buf.capacity(), run[1] - pos);
          buf.clear().limit(n);
          in.read(pos, buf);
          // The zero scan runs before taking the turn, so that it overlaps the other's write.
          int count = skipZeros ? nonZeroSpans(buf, 0, n, pos, zeros, spans) : 0;
          turn.lock();
          try {
            if (skipZeros) {
              for (int i = 0; i < count; i += 2) {
                sink.write(pos + spans[i], buf.limit(spans[i + 1]).position(spans[i]));
              }
            } else {
              sink.write(pos, buf.limit(n).position(0));
            }
          } finally {
            turn.unlock();
          }
          pos += n;
        }
      }
      p.add(to - from);
    }
  }

  /**
   * Finds the runs of {@code buf[from, to)} ({@code buf[0]} is the guest byte at {@code pos}) that
   * are not all zeros, in chunks aligned to {@link #ZERO_CHUNK} on the virtual disk, merged where
   * adjacent. Leaves the position and limit of {@code buf} and {@code zeros} anywhere.
   *
   * @return the number of ints written to {@code spans}: start and end pairs
   */
  public static int nonZeroSpans(ByteBuffer buf, int from, int to, long pos, ByteBuffer zeros, int[] spans) {
    int count = 0;
    int i = from;
    while (i < to) {
      int end = (int) Math.min(to, ((pos + i) / ZERO_CHUNK + 1) * ZERO_CHUNK - pos);
      // mismatch compares eight or more bytes at a time, even without the C2 compiler. Positions
      // and limits rather than slices: no garbage per chunk (a stream of 512-byte blocks makes
      // two million calls a GiB).
      buf.limit(end).position(i);
      zeros.limit(end - i).position(0);
      boolean zero = buf.mismatch(zeros) < 0;
      if (!zero) {
        if (count > 0 && spans[count - 1] == i) {
          spans[count - 1] = end;
        } else {
          spans[count++] = i;
          spans[count++] = end;
        }
      }
      i = end;
    }
    return count;
  }
}
