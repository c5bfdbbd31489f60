package io.github.vhd4j.internal;

import io.github.vhd4j.BlockChecksum;
import io.github.vhd4j.ChecksumOptions;
import io.github.vhd4j.ContentChecksum;
import io.github.vhd4j.DiskImage;
import io.github.vhd4j.Extent;
import io.github.vhd4j.ProgressListener;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Hashes a virtual disk's content in order, as {@code sha256sum} hashes the raw file
 * {@code qemu-img convert -O raw} writes: stored ranges are read in pieces of up to
 * {@link #CHUNK} bytes, ranges the allocation map marks as zeros are fed from a shared array of
 * zeros without any I/O. With a manifest block size, each block is also hashed on its own.
 *
 * <p>On a machine with more than one processor, a reader thread reads the next pieces into a
 * small ring of buffers while the caller's thread hashes the previous one, so the copy out of the
 * page cache (or the {@code pread}) is off the critical path; with a manifest, the reader also
 * computes the block digests, which splits the two hashes of every byte over two cores. Blocks
 * are handed to the caller's consumer, progress reported and the result returned on the caller's
 * thread. Memory is the ring ({@value #SLOTS} buffers of {@link #CHUNK} bytes) and one 64 MiB
 * window of the allocation map, whatever the disk's size.
 */
public final class ContentDigester {
  /** Bytes read and hashed per piece: large enough that the hand-over between threads is noise. */
  static final int CHUNK = 4 << 20;

  /** Virtual bytes mapped per query, which bounds the runs held at once. */
  static final long MAP_WINDOW = 64L << 20;

  /** Buffers in flight: one being hashed, one being read, one ready, so neither thread waits on a hand-over. */
  static final int SLOTS = 3;

  /** Below this size a second thread costs more than it saves. */
  static final long THREAD_THRESHOLD = 2L * CHUNK;

  /** Zeros fed to the digests for unstored ranges; never written, so every thread shares them. */
  private static final byte[] ZEROS = new byte[1 << 20];

  private static final HexFormat HEX = HexFormat.of();

  private ContentDigester() {}

  /**
   * Computes the digest of the whole disk and, when {@link ChecksumOptions#blockSize()} is not 0,
   * of each block.
   *
   * @param image the image (a chain reads flattened)
   * @param options the algorithm and the manifest's block size
   * @param progress told the bytes hashed so far and the disk's size
   * @param blocks receives each block's digest in order, on the caller's thread; null to collect
   *     them into the result (refused above {@link ChecksumOptions#MAX_LISTED_BLOCKS} blocks)
   * @param helper whether a reader thread may be used (tests turn it off to cover both paths)
   * @return the digest
   * @throws IllegalArgumentException if the algorithm is not available, or the manifest is to be
   *     collected and would have more than {@link ChecksumOptions#MAX_LISTED_BLOCKS} blocks
   * @throws InterruptedIOException if the caller's thread is interrupted while it waits for a read
   * @throws IOException if the image cannot be read
   */
  public static ContentChecksum digest(DiskImage image, ChecksumOptions options, ProgressListener progress,
      @Nullable Consumer<BlockChecksum> blocks, boolean helper) throws IOException {
    long size = image.getSize();
    long blockSize = options.blockSize();
    List<BlockChecksum> listed = new ArrayList<>();
    Consumer<BlockChecksum> sink = blocks;
    if (sink == null) {
      long count = blockSize == 0 ? 0 : (size + blockSize - 1) / blockSize;
      if (count > ChecksumOptions.MAX_LISTED_BLOCKS) {
        throw new IllegalArgumentException("a manifest of " + count + " blocks (" + size + " bytes in blocks of "
            + blockSize + ") is more than the " + ChecksumOptions.MAX_LISTED_BLOCKS + " blocks collected into a list;"
            + " stream it to a consumer, or use larger blocks");
      }
      sink = listed::add;
    }
    MessageDigest whole = newDigest(options);
    Producer producer = new Producer(image, size, blockSize == 0 ? null : new Blocks(newDigest(options), blockSize,
        size));
    Hasher hasher = new Hasher(whole, sink, new ProgressCounter(progress, size));
    boolean threaded = helper && size > THREAD_THRESHOLD && Runtime.getRuntime().availableProcessors() > 1;
    int capacity = (int) Math.min(CHUNK, Math.max(size, 1));
    if (threaded) {
      pipelined(producer, hasher, capacity);
    } else {
      Slot s = new Slot(ByteBuffer.allocateDirect(capacity));
      while (producer.fill(s)) {
        hasher.hash(s);
      }
    }
    hasher.counter.finish();
    return new ContentChecksum(options.algorithm(), HEX.formatHex(whole.digest()), size, blockSize,
        blocks == null ? listed : List.of());
  }

  private static MessageDigest newDigest(ChecksumOptions options) {
    try {
      return MessageDigest.getInstance(options.algorithm().jcaName());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalArgumentException(options.algorithm().jcaName() + " is not available in this JVM", e);
    }
  }

  /**
   * Runs the producer on a reader thread and the hasher on this one, handing buffers over through
   * two queues. Whatever ends the loop (the end of the disk, a failure on either side), the reader
   * has stopped touching the image before this returns, so the caller may close it at once.
   */
  private static void pipelined(Producer producer, Hasher hasher, int capacity) throws IOException {
    // Both queues can hold every slot plus one marker, so a put never blocks and an offer never fails.
    BlockingQueue<Slot> free = new ArrayBlockingQueue<>(SLOTS + 1);
    BlockingQueue<Slot> full = new ArrayBlockingQueue<>(SLOTS + 1);
    for (int i = 0; i < SLOTS; i++) {
      free.add(new Slot(ByteBuffer.allocateDirect(capacity)));
    }
    Slot stop = new Slot(null);
    Thread reader = new Thread(() -> {
      try {
        while (true) {
          Slot s = free.take();
          if (s == stop) {
            return;
          }
          if (!producer.fill(s)) {
            full.add(Slot.end());
            return;
          }
          full.add(s);
        }
      } catch (Throwable t) {
        // Catch everything, Errors included: the caller rethrows it, and must not wait forever.
        full.add(Slot.failed(t));
      }
    }, "vhd4j-checksum-reader");
    reader.setDaemon(true);
    reader.start();
    try {
      while (true) {
        Slot s = full.take();
        if (s.failure != null) {
          throw Causes.rethrow(s.failure);
        }
        if (s.end) {
          return;
        }
        hasher.hash(s);
        free.add(s);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException ie = new InterruptedIOException("interrupted while hashing");
      ie.initCause(e);
      throw ie;
    } finally {
      // NOTE: never interrupt the reader: a thread interrupted in a FileChannel read closes the
      // channel (ClosedByInterruptException), which would break the image for every later read.
      free.add(stop);
      joinUninterruptibly(reader);
    }
  }

  private static void joinUninterruptibly(Thread t) {
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }


  /** One piece of the disk on its way from the producer to the hasher. */
  private static final class Slot {
    final @Nullable ByteBuffer buf;
    long offset;
    int length;
    boolean zero;
    boolean end;
    @Nullable BlockChecksum block;
    @Nullable Throwable failure;

    Slot(@Nullable ByteBuffer buf) {
      this.buf = buf;
    }

    static Slot end() {
      Slot s = new Slot(null);
      s.end = true;
      return s;
    }

    static Slot failed(Throwable t) {
      Slot s = new Slot(null);
      s.failure = t;
      return s;
    }
  }

  /**
   * Walks the allocation map a window at a time and fills slots with the next piece: read when
   * stored, marked as zeros when not. A piece never crosses a {@link #CHUNK} boundary nor a
   * manifest block boundary, so each belongs to one block.
   */
  private static final class Producer {
    private final DiskImage image;
    private final long size;
    private final @Nullable Blocks blocks;
    private List<Extent> window = List.of();
    private int index;
    private long pos;

    Producer(DiskImage image, long size, @Nullable Blocks blocks) {
      this.image = image;
      this.size = size;
      this.blocks = blocks;
    }

    /**
     * Fills {@code s} with the next piece.
     *
     * @return false at the end of the disk
     */
    boolean fill(Slot s) throws IOException {
      if (pos >= size) {
        return false;
      }
      Extent e = extentAt(pos);
      long end = Math.min(e.end(), (pos / CHUNK + 1) * CHUNK);
      if (blocks != null) {
        end = Math.min(end, blocks.end());
      }
      int n = (int) (Math.min(end, size) - pos);
      s.offset = pos;
      s.length = n;
      s.zero = !e.data();
      s.block = null;
      ByteBuffer buf = s.buf;
      if (!s.zero && buf != null) {
        buf.clear().limit(n);
        image.readFully(pos, buf);
        buf.flip();
      }
      if (blocks != null) {
        s.block = blocks.add(pos, n, s.zero ? null : buf);
      }
      pos += n;
      return true;
    }

    /** The run of the map that holds {@code at}, mapping the next window when the current one is used up. */
    private Extent extentAt(long at) throws IOException {
      skipTo(at);
      if (index == window.size()) {
        window = image.map(at, Math.min(MAP_WINDOW, size - at));
        index = 0;
        skipTo(at);
      }
      if (index == window.size() || window.get(index).start() > at) {
        // The map must cover the disk: a hole is a bug to report, not to guess over.
        throw new IOException("the allocation map of " + image.getResource() + " has no run at offset " + at);
      }
      return window.get(index);
    }

    private void skipTo(long at) {
      while (index < window.size() && window.get(index).end() <= at) {
        index++;
      }
    }
  }

  /**
   * The manifest's running state, owned by the producer: the digest of the block being hashed,
   * and the zeros it has not fed yet, so that a block no byte of which is stored is not hashed at
   * all after the first such block of full size (its digest is always the same).
   */
  private static final class Blocks {
    private final MessageDigest md;
    private final long blockSize;
    private final long size;
    private long start;
    private long pendingZeros;
    private boolean data;
    private @Nullable String zeroBlockDigest;

    Blocks(MessageDigest md, long blockSize, long size) {
      this.md = md;
      this.blockSize = blockSize;
      this.size = size;
    }

    /** The end of the block being hashed. */
    long end() {
      return Math.min(start + blockSize, size);
    }

    /**
     * Adds a piece of the current block.
     *
     * @param offset the piece's first byte
     * @param length its length
     * @param bytes its bytes from position 0, left with position 0; null for zeros
     * @return the finished block when the piece ends it, else null
     */
    @Nullable BlockChecksum add(long offset, int length, @Nullable ByteBuffer bytes) {
      if (bytes == null) {
        pendingZeros += length;
      } else {
        feedZeros(md, pendingZeros);
        pendingZeros = 0;
        data = true;
        md.update(bytes);
        bytes.position(0);
      }
      long blockEnd = end();
      if (offset + length < blockEnd) {
        return null;
      }
      long len = blockEnd - start;
      String digest;
      if (!data && len == blockSize) {
        if (zeroBlockDigest == null) {
          feedZeros(md, len);
          zeroBlockDigest = HEX.formatHex(md.digest());
        }
        digest = zeroBlockDigest;
      } else {
        feedZeros(md, pendingZeros);
        digest = HEX.formatHex(md.digest());
      }
      BlockChecksum b = new BlockChecksum(start, len, digest, data);
      start = blockEnd;
      pendingZeros = 0;
      data = false;
      return b;
    }
  }

  /** The caller's side: the digest of the whole disk, the consumer of blocks and the progress. */
  private static final class Hasher {
    private final MessageDigest md;
    private final Consumer<BlockChecksum> sink;
    final ProgressCounter counter;

    Hasher(MessageDigest md, Consumer<BlockChecksum> sink, ProgressCounter counter) {
      this.md = md;
      this.sink = sink;
      this.counter = counter;
    }

    void hash(Slot s) {
      ByteBuffer buf = s.buf;
      if (s.zero || buf == null) {
        feedZeros(md, s.length);
      } else {
        md.update(buf);
      }
      BlockChecksum b = s.block;
      if (b != null) {
        sink.accept(b);
      }
      counter.add(s.length);
    }
  }

  private static void feedZeros(MessageDigest md, long n) {
    for (long left = n; left > 0; ) {
      int k = (int) Math.min(ZEROS.length, left);
      md.update(ZEROS, 0, k);
      left -= k;
    }
  }
}
