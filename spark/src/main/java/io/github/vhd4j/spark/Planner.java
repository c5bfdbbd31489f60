package io.github.vhd4j.spark;

import io.github.vhd4j.DiskImage;
import io.github.vhd4j.Extent;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.VhdxImage;
import io.github.vhd4j.hadoop.HadoopImage;
import io.github.vhd4j.hadoop.HadoopImages;
import io.github.vhd4j.hadoop.HadoopSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.BlockLocation;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.jspecify.annotations.Nullable;

/**
 * Cuts the images of a {@code content} read into input partitions, on the driver, several images
 * at a time. Each image is opened once (through the hadoop module, so its tables are read once)
 * and its allocation map walked; a partition is cut when it holds about {@code maxPartitionBytes} of bytes to emit (data,
 * plus zeros when they are emitted), at a multiple of the top image's block size and of the chunk
 * size, so that blocks are read whole by one task and chunks never cross a partition.
 */
final class Planner {
  /**
   * Images opened at once while planning: opening is a few small reads each, which on an object
   * store are round trips, so thousands of images are planned in parallel rather than one by one.
   */
  static final int PLANNING_THREADS = 16;

  private final Configuration conf;
  private final ReadOptions options;
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong bytesRead = new AtomicLong();

  Planner(Configuration conf, ReadOptions options) {
    this.conf = conf;
    this.options = options;
  }

  /** Images left out because they could not be opened (onError=skip). */
  long refused() {
    return refused.get();
  }

  /** Bytes the driver read to plan (tables and headers). */
  long bytesRead() {
    return bytesRead.get();
  }

  /**
   * Plans every image, on up to {@link #PLANNING_THREADS} threads; the partitions come out in
   * the order of the images whatever order their plans finish in.
   */
  List<ContentPartition> plan(List<Listing.Listed> images) throws IOException {
    List<ContentPartition> out = new ArrayList<>();
    int threads = Math.min(PLANNING_THREADS, images.size());
    if (threads <= 1) {
      for (Listing.Listed listed : images) {
        out.addAll(planOne(listed));
      }
      return out;
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "vhd4j-planner");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<List<ContentPartition>>> plans = new ArrayList<>();
      for (Listing.Listed listed : images) {
        plans.add(pool.submit(() -> planOne(listed)));
      }
      for (Future<List<ContentPartition>> f : plans) {
        out.addAll(f.get());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while planning the images");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IOException(cause);
    } finally {
      // On a failure, the images still being opened are abandoned: the query fails anyway.
      pool.shutdownNow();
    }
  }

  /** One image's partitions; an image that cannot be opened is skipped or fails, as onError says. */
  private List<ContentPartition> planOne(Listing.Listed listed) throws IOException {
    List<ContentPartition> out = new ArrayList<>();
    try (HadoopImage opened = HadoopImages.open(listed.fs(), listed.status(), conf, options.openOptions(),
        Readers.hadoopOptions(options))) {
      try {
        planImage(opened, listed, out);
      } finally {
        bytesRead.addAndGet(opened.bytesRead());
      }
    } catch (IOException | RuntimeException e) {
      if (!options.skipOnError()) {
        throw new IOException("vhd: " + listed.path() + ": " + Readers.message(e), e);
      }
      refused.incrementAndGet();
      return List.of();
    }
    return out;
  }

  private void planImage(HadoopImage opened, Listing.Listed listed, List<ContentPartition> out) throws IOException {
    DiskImage image = opened.image();
    List<FileRef> chain = new ArrayList<>();
    boolean openInTask = false;
    for (DiskImage layer : image.getLayers()) {
      HadoopSource s = sourceOf(opened, layer.getResource());
      chain.add(new FileRef(s.name(), s.size(), s.modificationTime()));
      // NOTE: a VHDX whose dirty log was replayed in memory reads some sectors from the replayed
      // copy, not from where the map says: its tasks must open the image and read through it.
      if (layer instanceof VhdxImage x && x.getLogState().replayedInMemory()) {
        openInTask = true;
      }
    }
    long block = blockSize(image);
    long unit = lcm(block > 0 ? block : options.chunkSize(), options.chunkSize());
    Cutter cutter = new Cutter(chain, image.getSize(), unit, openInTask,
        listed.status() instanceof LocatedFileStatus l ? l.getBlockLocations() : null, out);
    image.forEachExtent(0, image.getSize(), cutter::add);
    cutter.finish();
  }

  private static HadoopSource sourceOf(HadoopImage opened, String name) throws IOException {
    if (opened.source().name().equals(name)) {
      return opened.source();
    }
    for (HadoopSource s : opened.resolver().openedSources()) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    throw new IOException("no file opened for layer " + name);
  }

  static long blockSize(DiskImage image) {
    if (image instanceof VhdImage v) {
      return v.getBlockSize();
    }
    if (image instanceof VhdxImage x) {
      return x.getBlockSize();
    }
    return 0;
  }

  static long lcm(long a, long b) {
    long x = a;
    long y = b;
    while (y != 0) {
      long t = x % y;
      x = y;
      y = t;
    }
    return Math.multiplyExact(a / x, b);
  }

  /** Walks the merged runs in order and closes a partition each time its budget is spent. */
  private final class Cutter {
    private final List<FileRef> chain;
    private final long size;
    private final long unit;
    private final boolean openInTask;
    private final BlockLocation @Nullable [] blocks;
    private final List<ContentPartition> out;
    private long partStart;
    private long cost;
    private long cutAt = -1;
    private long[] runs = new long[64];
    private int runCount;
    private boolean hasData;

    Cutter(List<FileRef> chain, long size, long unit, boolean openInTask, BlockLocation @Nullable [] blocks,
        List<ContentPartition> out) {
      this.chain = chain;
      this.size = size;
      this.unit = unit;
      this.openInTask = openInTask;
      this.blocks = blocks;
      this.out = out;
    }

    void add(Extent e) {
      long s = e.start();
      long t = e.end();
      boolean weighs = e.data() || options.includeZero();
      while (s < t) {
        if (cutAt >= 0 && s >= cutAt) {
          close(cutAt);
        }
        long piece = t;
        if (cutAt >= 0) {
          piece = Math.min(t, cutAt);
        } else if (weighs && cost + (t - s) >= options.maxPartitionBytes()) {
          // The budget runs out inside this run: cut at the next unit boundary after that point.
          long spentAt = s + (options.maxPartitionBytes() - cost);
          cutAt = Math.min(size, roundUp(spentAt, unit));
          piece = Math.min(t, cutAt);
        }
        if (e.data()) {
          addRun(s, piece - s, e.depth(), e.fileOffset() + (s - e.start()));
          hasData = true;
        }
        if (weighs) {
          cost += piece - s;
        }
        s = piece;
      }
    }

    void finish() {
      if (cutAt >= 0 && cutAt < size) {
        close(cutAt);
      }
      close(size);
    }

    private void close(long end) {
      if (end > partStart && (hasData || options.includeZero())) {
        long[] r = Arrays.copyOf(runs, runCount * 4);
        out.add(new ContentPartition(chain, partStart, end, r, openInTask, hosts(r)));
      }
      partStart = end;
      cost = 0;
      cutAt = -1;
      runCount = 0;
      hasData = false;
    }

    private void addRun(long start, long length, int depth, long fileOffset) {
      if (runCount * 4 == runs.length) {
        runs = Arrays.copyOf(runs, runs.length * 2);
      }
      int i = runCount * 4;
      runs[i] = start;
      runs[i + 1] = length;
      runs[i + 2] = depth;
      runs[i + 3] = fileOffset;
      runCount++;
    }

    /**
     * The hosts holding the top file's first stored byte of the slice, from the listing's block
     * locations (no extra request); object stores' placeholder "localhost" is dropped, as Spark's
     * own Hadoop readers drop it.
     */
    private String[] hosts(long[] r) {
      if (blocks == null) {
        return new String[0];
      }
      for (int i = 0; i < r.length; i += 4) {
        if (r[i + 2] != 0) {
          continue;
        }
        long at = r[i + 3];
        for (BlockLocation b : blocks) {
          if (at >= b.getOffset() && at < b.getOffset() + b.getLength()) {
            try {
              Set<String> hosts = new LinkedHashSet<>(Arrays.asList(b.getHosts()));
              hosts.remove("localhost");
              return hosts.toArray(new String[0]);
            } catch (IOException ex) {
              return new String[0];
            }
          }
        }
        break;
      }
      return new String[0];
    }
  }

  static long roundUp(long x, long unit) {
    long r = x % unit;
    return r == 0 ? x : Math.addExact(x, unit - r);
  }
}
