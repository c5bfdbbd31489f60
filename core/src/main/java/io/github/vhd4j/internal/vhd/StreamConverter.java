package io.github.vhd4j.internal.vhd;

import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.DiskType;
import io.github.vhd4j.Durability;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.ProgressListener;
import io.github.vhd4j.Severity;
import io.github.vhd4j.VhdLimitException;
import io.github.vhd4j.internal.Converter;
import io.github.vhd4j.internal.Limits;
import io.github.vhd4j.internal.NewFile;
import io.github.vhd4j.internal.Sectors;
import io.github.vhd4j.internal.vhd.layout.BitmapLayout;
import io.github.vhd4j.internal.vhd.layout.TableLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectableChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Converts guest bytes that can only be read forward (a pipe, standard input, a character device)
 * into a new fixed or dynamic image or a sparse raw file. The disk's size is the number of bytes
 * read. The input is read once, in order, and never sought; the output is: zero chunks are left
 * as holes, a dynamic image's blocks are appended as their first non-zero byte arrives, and only
 * at the end of the input, when the size is known, come the block table (after the last block),
 * the tail footer after it, then the header and the footer copy at the start, which point to it.
 * Until then the file starts with zeros, so a half-written output is never taken for an image.
 *
 * <p>Memory is one piece buffer, one bitmap and one {@code int} per stored block: it grows with
 * what the output holds, never with the input's length.
 */
public final class StreamConverter {
  private static final int SECTOR = Sectors.SIZE;

  private StreamConverter() {}

  /**
   * Creates the fixed or dynamic image {@code out} from everything {@code in} holds.
   *
   * @param in the guest bytes, read from its position to its end; a blocking channel
   * @param out the new file; it must not exist, and is removed when the conversion fails
   * @param target type, block size, size mode, layout ({@code size} is ignored)
   * @param progress told the bytes read so far, with a total of -1 until the input ends
   * @throws VhdLimitException if the input holds more than the target type can
   * @throws IOException if reading or writing fails
   */
  public static void toVhd(ReadableByteChannel in, Path out, CreateOptions target, ProgressListener progress)
      throws IOException {
    toVhd(in, out, target, progress, capacity(target));
  }

  /**
   * As {@link #toVhd(ReadableByteChannel, Path, CreateOptions, ProgressListener)}, refusing inputs
   * longer than {@code cap} (tests lower it: the real limits are terabytes).
   *
   * @param in the guest bytes
   * @param out the new file
   * @param target what to make
   * @param progress told about the bytes read
   * @param cap the most bytes accepted
   * @throws IOException if the input is longer than {@code cap}, or reading or writing fails
   */
  static void toVhd(ReadableByteChannel in, Path out, CreateOptions target, ProgressListener progress, long cap)
      throws IOException {
    if (target.diskType() == DiskType.DIFFERENCING) {
      throw new IllegalArgumentException("a conversion makes a fixed or dynamic image, not a differencing one");
    }
    requireBlocking(in);
    boolean force = target.openOptions().durability() != Durability.NONE;
    run(in, out, force, target.openOptions().locking(), progress, ch -> target.diskType() == DiskType.FIXED
        ? new Fixed(ch, target, out, cap) : new Dynamic(ch, target, out, cap));
  }

  /**
   * Creates the sparse raw file {@code out} with everything {@code in} holds: 64 KiB chunks of zeros
   * are holes.
   *
   * @param in the guest bytes, read from its position to its end; a blocking channel
   * @param out the new file; it must not exist, and is removed when the copy fails
   * @param force whether to force the finished file to the device once
   * @param locking whether the new file is locked as an image open for writing while it is written
   * @param progress told the bytes read so far, with a total of -1 until the input ends
   * @throws IOException if reading or writing fails
   */
  public static void toRaw(ReadableByteChannel in, Path out, boolean force, boolean locking, ProgressListener progress)
      throws IOException {
    requireBlocking(in);
    run(in, out, force, locking, progress, ch -> new Raw(ch, out));
  }

  /** The most bytes a target of this type and block size holds. */
  static long capacity(CreateOptions target) {
    if (target.diskType() == DiskType.FIXED) {
      return CreateOptions.MAX_FIXED_SIZE;
    }
    return Math.min(Limits.MAX_DYNAMIC_SIZE, Limits.MAX_TABLE_ENTRIES * target.blockSize());
  }

  private static void requireBlocking(ReadableByteChannel in) {
    if (in instanceof SelectableChannel && !((SelectableChannel) in).isBlocking()) {
      // A non-blocking channel returns 0 when it has nothing: reading it would spin.
      throw new IllegalArgumentException("the input channel must be in blocking mode");
    }
  }

  /** Makes the target for the new file's channel. */
  private interface TargetFactory {
    Target open(FileChannel ch) throws IOException;
  }

  private static void run(ReadableByteChannel in, Path out, boolean force, boolean locking, ProgressListener progress,
      TargetFactory factory) throws IOException {
    NewFile.write(out, locking, ch -> {
      Target t = factory.open(ch);
      long length = pump(in, t, progress);
      t.finish(length);
      if (force) {
        ch.force(true);
      }
      progress.progress(length, length);
    });
  }

  /** Reads the input to its end in pieces, handing each to the target; returns the length. */
  private static long pump(ReadableByteChannel in, Target t, ProgressListener progress) throws IOException {
    ByteBuffer buf = ByteBuffer.allocateDirect(Converter.PIECE);
    long pos = 0;
    boolean end = false;
    while (!end) {
      buf.clear();
      while (buf.hasRemaining()) {
        if (in.read(buf) < 0) {
          end = true;
          break;
        }
      }
      int n = buf.position();
      if (n == 0) {
        break;
      }
      if (n > t.cap - pos) {
        throw t.limit(-1);
      }
      t.piece(pos, buf, n);
      pos += n;
      progress.progress(pos, -1);
    }
    return pos;
  }

  /** Where the pieces go. */
  private abstract static class Target {
    final FileChannel ch;
    final Path out;
    /** The most bytes the target holds. */
    final long cap;
    private final ByteBuffer zeros = ByteBuffer.allocateDirect(Converter.ZERO_CHUNK);
    private final int[] spans = new int[2 * (Converter.PIECE / Converter.ZERO_CHUNK + 1)];

    Target(FileChannel ch, Path out, long cap) {
      this.ch = ch;
      this.out = out;
      this.cap = cap;
    }

    /** Takes {@code buf[0, n)}, the guest bytes at {@code pos}. */
    abstract void piece(long pos, ByteBuffer buf, int n) throws IOException;

    /** Completes the file once the input has ended after {@code length} bytes. */
    abstract void finish(long length) throws IOException;

    /** Names what is made, for messages: {@code "a dynamic disk of 2097152-byte blocks"}. */
    abstract String what();

    /**
     * The failure for an input longer than {@link #cap}, or (when {@code size} is not negative)
     * rounded up to {@code size} bytes.
     */
    final VhdLimitException limit(long size) {
      String input = size < 0 ? "the input holds more than " + cap + " bytes"
          : "the input rounded up to a CHS geometry is " + size + " bytes";
      Problem p = new Problem(ProblemCode.SIZE_LIMIT, Severity.ERROR, out.toString(), "input", "length", -1,
          "at most " + cap + " bytes", size < 0 ? "more" : Long.toString(size),
          input + ", more than " + what() + " can hold (" + cap + " bytes)");
      return new VhdLimitException(p, size < 0 ? cap + 1 : size, cap);
    }

    /**
     * Writes the chunks of {@code buf[from, to)} that are not all zeros: {@code buf[j]}, the guest
     * byte at {@code pos + j}, goes to file offset {@code at + j}. Returns whether any was written.
     */
    final boolean writeNonZero(ByteBuffer buf, int from, int to, long pos, long at) throws IOException {
      int count = Converter.nonZeroSpans(buf, from, to, pos, zeros, spans);
      for (int i = 0; i < count; i += 2) {
        buf.limit(spans[i + 1]).position(spans[i]);
        long p = at + spans[i];
        while (buf.hasRemaining()) {
          p += ch.write(buf, p);
        }
      }
      return count > 0;
    }
  }

  /** A sparse raw file: the guest bytes, nothing else. */
  private static final class Raw extends Target {
    Raw(FileChannel ch, Path out) {
      super(ch, out, Long.MAX_VALUE);
    }

    @Override
    String what() {
      return "a raw file";
    }

    @Override
    void piece(long pos, ByteBuffer buf, int n) throws IOException {
      writeNonZero(buf, 0, n, pos, pos);
    }

    @Override
    void finish(long length) throws IOException {
      if (ch.size() < length) {
        // A trailing hole: one zero byte at the end gives the file its length.
        ch.write(ByteBuffer.allocate(1), length - 1);
      }
    }
  }

  /** The parts every VHD target shares: the options, the time stamp and the sizing. */
  private abstract static class VhdTarget extends Target {
    final CreateOptions target;
    final long timestamp = Creator.timestamp();

    VhdTarget(FileChannel ch, CreateOptions target, Path out, long cap) {
      super(ch, out, cap);
      this.target = target;
    }

    @Override
    String what() {
      return "a " + target.diskType().name().toLowerCase(Locale.ROOT) + " disk"
          + (target.diskType() == DiskType.DYNAMIC ? " of " + target.blockSize() + "-byte blocks" : "");
    }

    /** The footer's sizes for an input of {@code length} bytes, checked against the options' rules. */
    Creator.Sizing sizing(long length) throws VhdLimitException {
      long sectors = Sectors.roundUp(length);
      Creator.Sizing s = Creator.sizing(sectors, target.sizeMode());
      if (s.currentSize() > cap) {
        // Only CHS rounding gets here: the length itself was checked as it was read.
        throw limit(s.currentSize());
      }
      // The checks of the options themselves (Azure's size rules) for the size now known.
      target.withSize(sectors);
      return s;
    }

    byte[] footer(Creator.Sizing s) {
      UUID uuid = target.uniqueId() != null ? target.uniqueId() : UUID.randomUUID();
      return Creator.footer(target.diskType(), s, timestamp, uuid);
    }
  }

  /** A fixed disk: the guest bytes at their offsets, then the footer. */
  private static final class Fixed extends VhdTarget {
    Fixed(FileChannel ch, CreateOptions target, Path out, long cap) {
      super(ch, target, out, cap);
    }

    @Override
    void piece(long pos, ByteBuffer buf, int n) throws IOException {
      writeNonZero(buf, 0, n, pos, pos);
    }

    @Override
    void finish(long length) throws IOException {
      Creator.Sizing s = sizing(length);
      // The data area up to the footer is a hole wherever nothing was written.
      Creator.write(ch, s.currentSize(), footer(s));
    }
  }

  /**
   * A dynamic disk. Blocks follow the header in the order they arrive, each where its data ends a
   * constant stride after the previous one; so a stored block is known by its index alone.
   */
  private static final class Dynamic extends VhdTarget {
    private final long blockSize;
    private final int bitmapBytes;
    /** Where the first stored block (its bitmap) starts. */
    private final long first;
    /** File bytes per stored block: bitmap, data and, in the aligned layout, padding. */
    private final long stride;
    /** The bitmap of every stored block but perhaps the last: every sector set. */
    private final byte[] fullBitmap;
    /** The indices of the stored blocks, in order (each is also the order they are stored in). */
    private int[] stored = new int[64];
    private int count;

    Dynamic(FileChannel ch, CreateOptions target, Path out, long cap) {
      super(ch, target, out, cap);
      this.blockSize = target.blockSize();
      this.bitmapBytes = (int) BitmapLayout.bytes(blockSize);
      if (target.aligned()) {
        // Hyper-V's layout: every block's data on a 4 KiB boundary of the file.
        this.first = Sectors.roundUp(Creator.TABLE_OFFSET + bitmapBytes, Creator.ALIGN) - bitmapBytes;
        this.stride = Sectors.roundUp(bitmapBytes + blockSize, Creator.ALIGN);
      } else {
        this.first = Creator.TABLE_OFFSET;
        this.stride = bitmapBytes + blockSize;
      }
      this.fullBitmap = bitmap(blockSize / SECTOR);
    }

    private long blockStart(int k) {
      return first + k * stride;
    }

    @Override
    void piece(long pos, ByteBuffer buf, int n) throws IOException {
      for (int i = 0; i < n; ) {
        long v = pos + i;
        long block = v / blockSize;
        int end = (int) Math.min(n, (block + 1) * blockSize - pos);
        boolean storedAlready = count > 0 && stored[count - 1] == block;
        long data = blockStart(storedAlready ? count - 1 : count) + bitmapBytes;
        // Guest offset v lands at data + (v - the block's first guest offset).
        if (writeNonZero(buf, i, end, pos, data - block * blockSize + pos) && !storedAlready) {
          add((int) block);
        }
        i = end;
      }
    }

    /** Records a new stored block and writes its bitmap: every sector set, the disk's end fixed later. */
    private void add(int block) throws IOException {
      long start = blockStart(count);
      if ((start + bitmapBytes + blockSize) / SECTOR > 0xFFFF_FFFFL) {
        // Table entries are 32-bit sector numbers: a block must start below 2 TiB.
        throw new IOException("the output has no room for another block: table entries address at most 2 TiB");
      }
      if (count == stored.length) {
        stored = Arrays.copyOf(stored, count * 2);
      }
      stored[count++] = block;
      Creator.write(ch, start, fullBitmap);
    }

    /** A bitmap with the first {@code sectors} bits set (most significant bit first). */
    private byte[] bitmap(long sectors) {
      byte[] b = new byte[bitmapBytes];
      Arrays.fill(b, 0, (int) (sectors / 8), (byte) 0xFF);
      if (sectors % 8 != 0) {
        b[(int) (sectors / 8)] = (byte) (0xFF00 >>> (sectors % 8));
      }
      return b;
    }

    @Override
    void finish(long length) throws IOException {
      Creator.Sizing s = sizing(length);
      long entries = Sectors.ceilDiv(s.currentSize(), blockSize);
      if (count > 0) {
        // The last stored block may pass the end of the input: its bits stop there.
        int last = stored[count - 1];
        long sectors = (Sectors.roundUp(length) - last * blockSize) / SECTOR;
        if (sectors < blockSize / SECTOR) {
          Creator.write(ch, blockStart(count - 1), bitmap(sectors));
        }
      }
      long table = blockStart(count);
      long tableBytes = target.aligned() ? Sectors.roundUp(entries * TableLayout.ENTRY_SIZE, Creator.ALIGN)
          : TableLayout.paddedBytes(entries);
      writeTable(table, tableBytes);
      byte[] footer = footer(s);
      Creator.write(ch, table + tableBytes, footer);
      Creator.write(ch, Creator.HEADER_OFFSET, Creator.header(table, entries, blockSize, new UUID(0, 0), 0, "",
          List.of(), List.of(), new long[0]));
      Creator.write(ch, 0, footer);
    }

    /** Writes the table: each stored block's sector, unused entries elsewhere and in the padding. */
    private void writeTable(long at, long bytes) throws IOException {
      ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(1 << 20, bytes));
      int next = 0;
      for (long done = 0; done < bytes; ) {
        chunk.clear().limit((int) Math.min(chunk.capacity(), bytes - done));
        while (chunk.hasRemaining()) {
          long block = (done + chunk.position()) / TableLayout.ENTRY_SIZE;
          int entry = TableLayout.UNUSED;
          if (next < count && stored[next] == block) {
            entry = (int) (blockStart(next) / SECTOR);
            next++;
          }
          chunk.putInt(entry);
        }
        chunk.flip();
        long p = at + done;
        while (chunk.hasRemaining()) {
          p += ch.write(chunk, p);
        }
        done += chunk.limit();
      }
    }
  }
}
