package io.github.vhd4j.internal;

import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.DiskType;
import io.github.vhd4j.Durability;
import io.github.vhd4j.Extent;
import io.github.vhd4j.ProgressListener;
import io.github.vhd4j.SizeMode;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
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

/**
 * Copies guest bytes into a new fixed or dynamic image: from another image (a whole chain reads
 * flattened) or from a raw file. Workers take 64 MiB segments and copy them in 2 MiB pieces, so
 * reading one piece overlaps writing another; only ranges the source stores are read, and zeros
 * are never stored: a dynamic target leaves all-zero blocks unallocated (the writer skips zero
 * writes over unallocated blocks) and a fixed target leaves them as holes of its sparse file.
 */
public final class Converter {
  private static final long SEGMENT = 64L << 20;
  private static final int PIECE = 2 << 20;
  private static final int ZERO_CHUNK = 64 << 10;
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
  public static Input of(VhdImage image) {
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
    if (target.diskType() == DiskType.DIFFERENCING) {
      throw new IllegalArgumentException("a conversion makes a fixed or dynamic image, not a differencing one");
    }
    long size = in.size();
    long sectors = (size + Vhd.SECTOR_SIZE - 1) / Vhd.SECTOR_SIZE * Vhd.SECTOR_SIZE;
    // Nothing is forced while copying: a half-made file is worthless whatever its state. The
    // caller's durability decides whether the finished file is forced once (NONE: never).
    boolean force = target.openOptions().durability() != Durability.NONE;
    CreateOptions o = target.withSize(sectors)
        .withOpenOptions(target.openOptions().withDurability(Durability.NONE));
    // Created first, outside the clean-up below: an existing file makes create fail, and must
    // never be what a failure removes.
    VhdImage img = io.github.vhd4j.Vhd.create(out, o);
    boolean ok = false;
    try (img) {
      copy(in, img, progress);
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

  private static void copy(Input in, VhdImage img, ProgressListener progress) throws IOException {
    long size = in.size();
    long segments = (size + SEGMENT - 1) / SEGMENT;
    int workers = (int) Math.max(1, Math.min(Math.min(Runtime.getRuntime().availableProcessors(), MAX_WORKERS),
        segments));
    AtomicLong next = new AtomicLong();
    Progress p = new Progress(progress, size);
    if (workers == 1) {
      copySegments(in, img, next, p, img.getDiskType() == DiskType.FIXED);
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
          copySegments(in, img, next, p, img.getDiskType() == DiskType.FIXED);
          return null;
        }));
      }
      for (Future<Void> f : tasks) {
        try {
          f.get();
        } catch (ExecutionException e) {
          // The others take no new segment once one has failed.
          next.set(Long.MAX_VALUE / 2);
          Throwable cause = e.getCause();
          if (cause instanceof IOException) {
            throw (IOException) cause;
          }
          if (cause instanceof RuntimeException) {
            throw (RuntimeException) cause;
          }
          if (cause instanceof Error) {
            throw (Error) cause;
          }
          throw new IOException(cause);
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

  private static void copySegments(Input in, VhdImage img, AtomicLong next, Progress p, boolean skipZeros)
      throws IOException {
    long size = in.size();
    ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(PIECE, Math.max(size, 1)));
    for (long seg = next.getAndIncrement(); seg * SEGMENT < size; seg = next.getAndIncrement()) {
      long from = seg * SEGMENT;
      long to = Math.min(size, from + SEGMENT);
      for (long[] run : in.runs(from, to)) {
        for (long pos = run[0]; pos < run[1]; ) {
          int n = (int) Math.min(buf.capacity(), run[1] - pos);
          buf.clear().limit(n);
          in.read(pos, buf);
          buf.flip();
          if (skipZeros) {
            writeNonZero(img, pos, buf);
          } else {
            img.write(pos, buf);
          }
          pos += n;
        }
      }
      p.add(to - from);
    }
  }

  /** Writes the 64 KiB-aligned chunks of {@code buf} that are not all zeros (a fixed target's holes). */
  private static void writeNonZero(VhdImage img, long pos, ByteBuffer buf) throws IOException {
    int n = buf.limit();
    int i = 0;
    while (i < n) {
      int end = (int) Math.min(n, ((pos + i) / ZERO_CHUNK + 1) * ZERO_CHUNK - pos);
      ByteBuffer chunk = buf.slice(i, end - i);
      if (!isZero(chunk)) {
        img.write(pos + i, chunk);
      }
      i = end;
    }
  }

  private static boolean isZero(ByteBuffer b) {
    int n = b.remaining();
    int i = 0;
    for (; i + 8 <= n; i += 8) {
      if (b.getLong(b.position() + i) != 0) {
        return false;
      }
    }
    for (; i < n; i++) {
      if (b.get(b.position() + i) != 0) {
        return false;
      }
    }
    return true;
  }

  /** Serialises reports to the listener and keeps {@code done} monotonic. */
  private static final class Progress {
    private final ProgressListener listener;
    private final long total;
    private long done;

    Progress(ProgressListener listener, long total) {
      this.listener = listener;
      this.total = total;
    }

    synchronized void add(long n) {
      done = Math.min(total, done + n);
      listener.progress(done, total);
    }

    synchronized void finish() {
      if (done < total || total == 0) {
        done = total;
        listener.progress(done, total);
      }
    }
  }
}
