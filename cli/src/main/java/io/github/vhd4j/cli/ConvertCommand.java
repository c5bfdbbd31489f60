package io.github.vhd4j.cli;

import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.Durability;
import io.github.vhd4j.SizeMode;
import io.github.vhd4j.StorageMode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vhd convert}: writes an image's guest bytes to a sparse raw file, or to a new fixed or
 * dynamic VHD (a differencing chain becomes one flat image).
 */
@Command(name = "convert", versionProvider = VersionProvider.class,
    description = {"Convert an image to another format. The output is written to a temporary file next to"
        + " OUT and renamed over OUT only when complete, so a failure never leaves a partial OUT.",
        "Raw output is sparse: unallocated ranges and 64 KiB chunks of zeros are left as holes. VHD output"
            + " keeps all-zero blocks unallocated (dynamic) or as holes (fixed); a differencing chain"
            + " becomes one flat image."},
    footerHeading = "%nExamples:%n",
    footer = {"  vhd convert -p -O raw disk.vhd disk.raw", "  vhd convert -O dynamic disk.raw disk.vhd",
        "  vhd convert -O dynamic child.vhd flat.vhd"})
final class ConvertCommand extends BaseCommand {
  /** What {@code -O} makes. */
  enum Output {
    /** Plain guest bytes, sparse. */
    RAW,
    /** A fixed VHD. */
    FIXED,
    /** A dynamic VHD. */
    DYNAMIC
  }

  /** Zero detection granularity: a hole smaller than this is not worth a separate write. */
  static final int ZERO_CHUNK = 64 << 10;

  @Option(names = "-f", paramLabel = "vhd|raw", converter = Converters.Format.class,
      description = "Input format. Default: detected (VHD when a footer cookie is found, else raw).")
  @Nullable ImageFormat inputFormat;

  @Option(names = "-O", paramLabel = "raw|fixed|dynamic", converter = Converters.OutputFormat.class,
      description = "Output format: raw, or a fixed or dynamic VHD (vhd and vpc mean dynamic). Default: raw.")
  Output outputFormat = Output.RAW;

  @Option(names = "--block-size", paramLabel = "N", converter = Converters.Size.class,
      description = "Block size of a dynamic VHD: a power of two from 512 to 256M. Default: 2M.")
  @Nullable Long blockSize;

  @Option(names = "--size-mode", paramLabel = "chs|exact", converter = Converters.Mode.class,
      description = "VHD output: exact keeps the input's size (rounded up to a whole sector); chs rounds it"
          + " up to a CHS geometry, as qemu-img convert -O vpc does. Default: exact.")
  @Nullable SizeMode sizeMode;

  @Option(names = "--aligned",
      description = "Dynamic VHD output in Hyper-V's layout, block data on 4 KiB boundaries.")
  boolean aligned;

  @Option(names = "-p", description = "Show a progress bar on standard error.")
  boolean progress;

  @Parameters(index = "0", paramLabel = "IN", description = "The input image.")
  Path in = Path.of("");

  @Parameters(index = "1", paramLabel = "OUT", description = "The output file (replaced if it exists).")
  Path out = Path.of("");

  /** Guest bytes each convert worker takes at a time (tests lower it to exercise several workers). */
  static long segment = 64L << 20;

  /** Bytes each worker reads and writes at a time: 2 MiB measured faster than 1 or 4 MiB. */
  static final int BUFFER_SIZE = 2 << 20;

  /** Most convert workers; more gains nothing once the disk's bandwidth is used. */
  static final int MAX_WORKERS = 4;

  ConvertCommand(Io io) {
    super(io);
  }

  @Override
  String subject() {
    return in.toString();
  }

  @Override
  int execute() throws Exception {
    String outLabel = out.toString();
    // Open and validate the input before anything is created.
    // File-channel reads, not mapped ones: convert writes as much as it reads, and on a 2 GiB
    // image pread into a few 2 MiB buffers measured faster than copying out of a mapping, whose
    // page faults and page-table work compete with the writes for the same cores (jmh/RESULTS.md).
    try (Source src = Source.open(in, inputFormat, common.openOptions(StorageMode.FILE_CHANNEL))) {
      Path target = out.toAbsolutePath();
      if (Files.isDirectory(target)) {
        throw new CliException(outLabel, "is a directory");
      }
      Path dir = target.getParent();
      if (dir == null || !Files.isDirectory(dir)) {
        throw new CliException(outLabel, "no such directory: " + dir);
      }
      if (Files.exists(target)) {
        for (Path p : src.files()) {
          if (Files.isSameFile(p, target)) {
            throw new CliException(outLabel, p.equals(src.files().get(0))
                ? "is the input file" : "is a parent of the input (" + p + ")");
          }
        }
      }
      // Replacing an existing file: its old content must survive a crash until the new one is
      // durable, so the new file is forced to disk before the rename. A new file needs no flush
      // (nothing is lost if a crash interrupts it), which keeps convert as fast as qemu-img.
      boolean replacing = Files.exists(target);
      if (outputFormat == Output.RAW && (blockSize != null || sizeMode != null || aligned)) {
        throw new CliException(outLabel, "--block-size, --size-mode and --aligned are for VHD output (-O fixed|dynamic)");
      }
      CreateOptions vhd = outputFormat == Output.RAW ? null : targetOptions(outLabel);
      Progress bar = new Progress(io.err, src.size(), progress);
      Path tmp = createTemp(dir, target);
      boolean done = false;
      try {
        if (vhd != null) {
          // As for raw output: forced only when it replaces a file, whose old content must
          // survive a crash until the new one is durable.
          writeVhd(src, tmp, vhd.withOpenOptions(vhd.openOptions()
              .withDurability(replacing ? Durability.ON_FLUSH : Durability.NONE)), bar, outLabel);
        } else {
          writeRaw(src, tmp, replacing, bar, outLabel);
        }
        try {
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
          throw new CliException(outLabel, e);
        }
        done = true;
      } finally {
        if (!done) {
          bar.abort();
          try {
            Files.deleteIfExists(tmp);
          } catch (IOException e) {
            // The original failure is what the user needs to see.
          }
        }
      }
      bar.finish();
    }
    return 0;
  }

  /** Copies into a new VHD through the library, which creates {@code tmp} exclusively and forces it. */
  private static void writeVhd(Source src, Path tmp, CreateOptions vhd, Progress bar, String outLabel)
      throws CliException {
    try {
      Files.delete(tmp);
      src.convertTo(tmp, vhd, (n, total) -> bar.update(n));
    } catch (IllegalArgumentException e) {
      throw new CliException(outLabel, String.valueOf(e.getMessage()));
    } catch (IOException e) {
      throw new CliException(outLabel, e);
    }
  }

  /** Copies into a sparse raw file, forcing it only when it replaces an existing OUT. */
  private static void writeRaw(Source src, Path tmp, boolean replacing, Progress bar, String outLabel)
      throws CliException {
    try (RandomAccessFile raf = new RandomAccessFile(tmp.toFile(), "rw")) {
      FileChannel ch = raf.getChannel();
      copy(src, ch, bar, outLabel);
      // Extends the file over a trailing hole without writing (ftruncate).
      raf.setLength(src.size());
      if (replacing) {
        ch.force(true);
      }
    } catch (IOException e) {
      throw e instanceof CliException ? (CliException) e : new CliException(outLabel, e);
    }
  }

  /** The new VHD's type and layout from the flags; the size comes from the input. */
  private CreateOptions targetOptions(String outLabel) throws CliException {
    if (outputFormat == Output.FIXED && (blockSize != null || aligned)) {
      throw new CliException(outLabel, "--block-size and --aligned are only for dynamic output");
    }
    try {
      CreateOptions o = outputFormat == Output.FIXED ? CreateOptions.fixed(0) : CreateOptions.dynamic(0);
      o = o.withSizeMode(sizeMode != null ? sizeMode : SizeMode.EXACT).withAligned(aligned);
      return blockSize != null ? o.withBlockSize(blockSize) : o;
    } catch (IllegalArgumentException e) {
      throw new CliException(outLabel, String.valueOf(e.getMessage()));
    }
  }

  /**
   * Creates the temporary output next to the target (so the final rename is atomic), with the
   * target's permissions when it exists and the default ones otherwise.
   */
  private Path createTemp(Path dir, Path target) throws CliException {
    Path name = target.getFileName();
    for (int attempt = 0; ; attempt++) {
      // The name need not be unpredictable: createFile is exclusive (O_EXCL), so a file or link
      // planted under the same name only makes this attempt retry. SecureRandom would cost
      // every run ~15 ms of start-up to seed.
      String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xFFFF_FFFF_FFFFL);
      Path tmp = dir.resolve("." + name + "." + suffix + ".tmp");
      try {
        Files.createFile(tmp);
      } catch (FileAlreadyExistsException e) {
        if (attempt < 16) {
          continue;
        }
        throw new CliException(out.toString(), e);
      } catch (IOException e) {
        throw new CliException(out.toString(), e);
      }
      try {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(target);
        Files.setPosixFilePermissions(tmp, perms);
      } catch (IOException | UnsupportedOperationException e) {
        // No target yet, or no POSIX permissions: keep the defaults.
      }
      return tmp;
    }
  }

  /**
   * Copies the guest bytes in segments of {@link #segment} bytes, on as many threads as there are
   * processors (at most {@link #MAX_WORKERS}): reads and positional writes of different segments
   * overlap, as qemu-img overlaps its requests. Unallocated runs are skipped, leaving holes.
   */
  private static void copy(Source src, FileChannel ch, Progress bar, String outLabel) throws IOException {
    long size = src.size();
    long segments = (size + segment - 1) / segment;
    int workers = (int) Math.min(Math.min(Runtime.getRuntime().availableProcessors(), MAX_WORKERS), segments);
    AtomicLong next = new AtomicLong();
    AtomicLong done = new AtomicLong();
    if (workers <= 1) {
      copySegments(src, ch, bar, outLabel, size, next, done);
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
      Thread t = new Thread(r, "vhd-convert");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<Void>> tasks = new ArrayList<>();
      for (int i = 0; i < workers; i++) {
        tasks.add(pool.submit(() -> {
          copySegments(src, ch, bar, outLabel, size, next, done);
          return null;
        }));
      }
      for (Future<Void> f : tasks) {
        try {
          f.get();
        } catch (ExecutionException e) {
          // Stop the others early: they take no new segment once one has failed.
          next.set(Long.MAX_VALUE / 2);
          Throwable cause = e.getCause();
          if (cause instanceof IOException) {
            throw (IOException) cause;
          }
          if (cause instanceof RuntimeException) {
            throw (RuntimeException) cause;
          }
          throw new IOException(cause);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted");
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** One worker: takes segments until none is left, with its own buffers. */
  private static void copySegments(Source src, FileChannel ch, Progress bar, String outLabel, long size,
      AtomicLong next, AtomicLong done) throws IOException {
    ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(BUFFER_SIZE, Math.max(size, 1)));
    ByteBuffer zeros = ByteBuffer.allocateDirect(ZERO_CHUNK);
    for (long seg = next.getAndIncrement(); seg * segment < size; seg = next.getAndIncrement()) {
      long from = seg * segment;
      long to = Math.min(size, from + segment);
      Source.Runs runs = src.runs(from, to);
      while (runs.next()) {
        if (!runs.data) {
          continue;
        }
        for (long pos = runs.start; pos < runs.end; ) {
          int n = (int) Math.min(buf.capacity(), runs.end - pos);
          // Read into a buffer, then write: writing straight from a mapped view was measured 5x
          // slower, because the kernel then takes a page fault for every source page inside write.
          buf.clear().limit(n);
          src.readFully(pos, buf);
          writeNonZero(buf, n, pos, zeros, ch, outLabel);
          pos += n;
        }
      }
      bar.update(done.addAndGet(to - from));
    }
  }

  /**
   * Writes {@code buf[0, n)}, which holds the guest bytes at {@code pos}, skipping the chunks
   * (aligned to {@link #ZERO_CHUNK} in the virtual disk) that are all zeros.
   */
  private static void writeNonZero(ByteBuffer buf, int n, long pos, ByteBuffer zeros, FileChannel ch,
      String outLabel) throws CliException {
    int pending = -1;
    int i = 0;
    while (i < n) {
      long next = ((pos + i) / ZERO_CHUNK + 1) * ZERO_CHUNK;
      int chunkEnd = (int) Math.min(n, next - pos);
      boolean zero = buf.slice(i, chunkEnd - i).mismatch(zeros.slice(0, chunkEnd - i)) < 0;
      if (!zero && pending < 0) {
        pending = i;
      } else if (zero && pending >= 0) {
        write(buf, pending, i, n, pos, ch, outLabel);
        pending = -1;
      }
      i = chunkEnd;
    }
    if (pending >= 0) {
      write(buf, pending, n, n, pos, ch, outLabel);
    }
  }

  private static void write(ByteBuffer buf, int from, int to, int n, long pos, FileChannel ch, String outLabel)
      throws CliException {
    try {
      buf.limit(to).position(from);
      while (buf.hasRemaining()) {
        ch.write(buf, pos + buf.position());
      }
    } catch (IOException e) {
      throw new CliException(outLabel, e);
    } finally {
      buf.limit(n);
    }
  }
}
