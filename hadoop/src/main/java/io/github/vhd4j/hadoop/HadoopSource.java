package io.github.vhd4j.hadoop;

import io.github.vhd4j.ImageSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.hadoop.util.functional.FutureIO;

/**
 * An {@link ImageSource} over a file on a Hadoop {@link FileSystem}, read only through positioned
 * reads ({@link FSDataInputStream#read(long, byte[], int, int)}, or
 * {@link FSDataInputStream#read(long, ByteBuffer)} where the stream offers it), so that any number
 * of threads may read it at once, as Hadoop's specification requires of positioned reads.
 *
 * <p>The file is opened with {@link FileSystem#openFile(Path)}, asking for the read policy of
 * {@link HadoopOptions#readPolicy()} (random by default: an image is read at the places its
 * tables point to) and handing over the length or the listing's {@link FileStatus}, so that an
 * object store need not ask for the object's metadata again. The length is fixed when the source
 * is opened: a file that grows afterwards is read up to that length, one that shrinks reads as
 * ending early.
 *
 * <p>The source counts the bytes it has read ({@link #bytesRead()}), for metrics.
 */
public final class HadoopSource implements ImageSource {
  /** The openFile() option naming the read policy (Hadoop's fs.option.openfile.read.policy). */
  static final String READ_POLICY_OPTION = "fs.option.openfile.read.policy";
  /** The openFile() option carrying the file's length, which spares object stores a HEAD. */
  static final String LENGTH_OPTION = "fs.option.openfile.length";
  /** Size of the arrays borrowed to read into buffers without an array of their own. */
  private static final int SCRATCH_SIZE = 64 << 10;

  private final FSDataInputStream in;
  private final Path path;
  private final String name;
  private final long size;
  private final long modificationTime;
  private final boolean bufferReads;
  private final LongAdder bytesRead = new LongAdder();
  private final AtomicBoolean closed = new AtomicBoolean();
  // Arrays for reads into direct buffers on streams without ByteBuffer reads: reused, so that the
  // hot path does not allocate; a queue rather than a lock, so that threads do not wait on it.
  private final ConcurrentLinkedQueue<byte[]> scratch = new ConcurrentLinkedQueue<>();

  private HadoopSource(FSDataInputStream in, Path path, long size, long modificationTime) {
    this.in = in;
    this.path = path;
    this.name = path.toString();
    this.size = size;
    this.modificationTime = modificationTime;
    this.bufferReads = in.hasCapability(StreamCapabilities.PREADBYTEBUFFER);
  }

  /**
   * Opens a file, asking the file system for its status first.
   *
   * @param fs the file system holding the file
   * @param path the file
   * @param options the read policy to ask for
   * @return the open source; close it when done
   * @throws java.io.FileNotFoundException if there is no such file, or it is a directory
   * @throws IOException if it cannot be opened
   */
  public static HadoopSource open(FileSystem fs, Path path, HadoopOptions options) throws IOException {
    Objects.requireNonNull(fs, "fs");
    Objects.requireNonNull(path, "path");
    return open(fs, fs.getFileStatus(path), options);
  }

  /**
   * Opens a file whose status the caller has, from a listing or from
   * {@link FileSystem#getFileStatus(Path)}: object stores then need no further request before
   * the first read.
   *
   * @param fs the file system holding the file
   * @param status the file's status; its length becomes the source's size
   * @param options the read policy to ask for
   * @return the open source; close it when done
   * @throws java.io.FileNotFoundException if {@code status} is a directory, or the file is gone
   * @throws IOException if it cannot be opened
   */
  public static HadoopSource open(FileSystem fs, FileStatus status, HadoopOptions options) throws IOException {
    Objects.requireNonNull(fs, "fs");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(options, "options");
    Path path = fs.makeQualified(status.getPath());
    if (status.isDirectory()) {
      throw new java.io.FileNotFoundException(path + ": is a directory, not an image file");
    }
    FSDataInputStream in = FutureIO.awaitFuture(fs.openFile(path)
        .withFileStatus(status)
        .opt(READ_POLICY_OPTION, options.readPolicy())
        .opt(LENGTH_OPTION, Long.toString(status.getLen()))
        .build());
    return new HadoopSource(in, path, status.getLen(), status.getModificationTime());
  }

  /**
   * Returns the file's fully qualified path as a string, for example
   * {@code hdfs://namenode:8020/images/disk.vhd}.
   *
   * @return the name
   */
  @Override
  public String name() {
    return name;
  }

  /**
   * Returns the file's fully qualified path.
   *
   * @return the path
   */
  public Path path() {
    return path;
  }

  /**
   * Returns the file's length when it was opened.
   *
   * @return the length in bytes
   */
  @Override
  public long size() {
    return size;
  }

  /**
   * Returns the file's modification time as the status it was opened with gave it.
   *
   * @return milliseconds since the epoch, or 0 when the file system does not record it
   */
  public long modificationTime() {
    return modificationTime;
  }

  /**
   * Returns the number of bytes read so far, by all threads.
   *
   * @return the count
   */
  public long bytesRead() {
    return bytesRead.sum();
  }

  /**
   * Tells whether reads go straight into {@link ByteBuffer}s
   * ({@link StreamCapabilities#PREADBYTEBUFFER}: HDFS, for example) rather than through arrays
   * (the checksummed local file system, for example).
   *
   * @return true when the stream offers positioned ByteBuffer reads
   */
  public boolean readsByteBuffers() {
    return bufferReads;
  }

  /**
   * Reads bytes at a position without changing any shared state; thread-safe.
   *
   * @param position where to start, not negative
   * @param dst receives up to {@code dst.remaining()} bytes
   * @return the number of bytes read, or -1 when {@code position} is at or past the length the
   *     file had when opened, or the file ends early
   * @throws IllegalArgumentException if {@code position} is negative
   * @throws ClosedChannelException if the source is closed
   * @throws IOException if the read fails
   */
  @Override
  public int read(long position, ByteBuffer dst) throws IOException {
    if (position < 0) {
      throw new IllegalArgumentException("negative position: " + position);
    }
    if (closed.get()) {
      throw new ClosedChannelException();
    }
    if (!dst.hasRemaining()) {
      return 0;
    }
    if (position >= size) {
      return -1;
    }
    int want = (int) Math.min(dst.remaining(), size - position);
    int n;
    if (dst.hasArray()) {
      n = in.read(position, dst.array(), dst.arrayOffset() + dst.position(), want);
      if (n > 0) {
        dst.position(dst.position() + n);
      }
    } else if (bufferReads) {
      int oldLimit = dst.limit();
      dst.limit(dst.position() + want);
      try {
        n = in.read(position, dst);
      } finally {
        dst.limit(oldLimit);
      }
    } else {
      n = readThroughScratch(position, dst, want);
    }
    if (n <= 0) {
      // The file is shorter than when it was opened: report the end, as a channel would.
      return -1;
    }
    bytesRead.add(n);
    return n;
  }

  private int readThroughScratch(long position, ByteBuffer dst, int want) throws IOException {
    byte[] buf = scratch.poll();
    if (buf == null) {
      buf = new byte[SCRATCH_SIZE];
    }
    try {
      int n = in.read(position, buf, 0, Math.min(want, buf.length));
      if (n > 0) {
        dst.put(buf, 0, n);
      }
      return n;
    } finally {
      scratch.offer(buf);
    }
  }

  /**
   * Closes the stream; closing twice does nothing. The file system itself is Hadoop's shared,
   * cached instance and stays open.
   *
   * @throws IOException if closing the stream fails
   */
  @Override
  public void close() throws IOException {
    if (closed.compareAndSet(false, true)) {
      in.close();
    }
  }

  /**
   * Returns the name.
   *
   * @return {@link #name()}
   */
  @Override
  public String toString() {
    return name;
  }
}
