package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.internal.Field;
import io.github.vhd4j.internal.Fmt;
import io.github.vhd4j.internal.Site;
import io.github.vhd4j.internal.vhdx.layout.Guids;
import io.github.vhd4j.internal.vhdx.layout.Le;
import io.github.vhd4j.internal.vhdx.layout.LogLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * Reads one log entry (MS-VHDX 2.3.1) at a ring position and tells whether it is valid: every
 * header, descriptor and data sector field checked (vhdx.md V18-V20, V46), then the CRC-32C over
 * EntryLength bytes. The entry is read in pieces that start at one sector and double up to 1 MiB,
 * and checking stops at the first fault, so an invalid entry costs about what was read of it and
 * nothing is allocated from a field's value.
 *
 * <p>Not thread-safe: one reader serves one scan.
 */
final class LogEntryReader {
  /** The largest piece of an entry read at once. */
  private static final int MAX_PIECE = 1 << 20;
  private static final int SECTOR = LogLayout.SECTOR;
  private static final long SECTOR_MASK = SECTOR - 1;

  /**
   * Why a position holding an entry of this log is not a valid entry.
   *
   * @param site the field at fault
   * @param reason what is wrong with it
   */
  record Rejection(Site site, String reason) {}

  /** What one entry's read has found so far. */
  private static final class Walk {
    final long position;
    final long length;
    final long tail;
    final long sequence;
    final long descriptors;
    final long flushed;
    final long last;
    final long area;
    int dataSectors;
    long bytes;
    long maxEnd;
    LogEntry.@Nullable OutOfBounds outOfBounds;

    Walk(ByteBuffer header, long position) {
      this.position = position;
      this.length = LogLayout.ENTRY_LENGTH.u32(header);
      this.tail = LogLayout.TAIL.u32(header);
      this.sequence = LogLayout.SEQUENCE_NUMBER.u64(header);
      this.descriptors = LogLayout.DESCRIPTOR_COUNT.u32(header);
      this.flushed = LogLayout.FLUSHED_FILE_OFFSET.u64(header);
      this.last = LogLayout.LAST_FILE_OFFSET.u64(header);
      this.area = LogLayout.descriptorArea(descriptors);
    }
  }

  private final LogRing ring;
  private final UUID logGuid;
  private final ByteBuffer piece;
  private @Nullable Rejection rejection;

  /**
   * Creates a reader.
   *
   * @param ring the log
   * @param logGuid the current header's LogGuid: only entries carrying it can be valid
   */
  LogEntryReader(LogRing ring, UUID logGuid) {
    this.ring = ring;
    this.logGuid = logGuid;
    this.piece = Le.allocate((int) Math.min(MAX_PIECE, ring.length()));
  }

  /**
   * Tells why the last {@link #read} returned null.
   *
   * @return the fault, or null when the position held no entry of this log at all (no {@code
   *     loge} signature, or another log's GUID)
   */
  @Nullable Rejection rejection() {
    return rejection;
  }

  /**
   * Reads and checks the entry at a ring position.
   *
   * @param position a multiple of 4 KiB below the log's length
   * @param sink receives the descriptors' writes in order as they are checked, or null; a caller
   *     must discard what it received when the entry turns out invalid
   * @return the entry, or null when it is not valid (see {@link #rejection()})
   * @throws IOException if the log cannot be read
   */
  @Nullable LogEntry read(long position, @Nullable DescriptorSink sink) throws IOException {
    rejection = null;
    ByteBuffer b = piece;
    ring.read(position, b, SECTOR);
    // An entry of another log (MS-VHDX 2.3.1.1 LogGuid) is stale: never valid, never reported.
    if (!LogLayout.SIGNATURE.matches(b, LogLayout.ENTRY_SIGNATURE)
        || !Guids.get(b, LogLayout.LOG_GUID).equals(logGuid)) {
      return null;
    }
    Walk w = header(position, b);
    if (w == null) {
      return null;
    }
    long stored = LogLayout.CHECKSUM.u32(b);
    LogLayout.CHECKSUM.putU32(b, 0);
    CRC32C crc = new CRC32C();
    long done = 0;
    int n = SECTOR;
    while (true) {
      if (!sectors(w, b, done, n, sink)) {
        return null;
      }
      crc.update(b.duplicate().position(0).limit(n));
      done += n;
      if (done == w.length) {
        break;
      }
      n = (int) Math.min(w.length - done, Math.min(b.capacity(), done));
      ring.read(position + done, b, n);
    }
    if (crc.getValue() != stored) {
      return reject(w.position, LogLayout.CHECKSUM, "CRC-32C over the entry's " + w.length + " bytes is "
          + Fmt.hex32(crc.getValue()) + ", stored " + Fmt.hex32(stored));
    }
    return new LogEntry(position, w.length, w.tail, w.sequence, w.flushed, w.last, w.descriptors,
        w.dataSectors, w.bytes, w.maxEnd, w.outOfBounds);
  }

  /** Checks the entry header (MS-VHDX 2.3.1.1). */
  private @Nullable Walk header(long position, ByteBuffer b) {
    Walk w = new Walk(b, position);
    if ((w.length & SECTOR_MASK) != 0 || w.length < SECTOR || w.length >= ring.length()) {
      return reject(position, LogLayout.ENTRY_LENGTH, "EntryLength " + w.length
          + " is not a multiple of 4 KiB from 4 KiB to below the log's length " + ring.length());
    }
    if ((w.tail & SECTOR_MASK) != 0 || w.tail >= ring.length()) {
      return reject(position, LogLayout.TAIL, "Tail " + w.tail + " is not a multiple of 4 KiB inside the log");
    }
    if (w.sequence == 0) {
      return reject(position, LogLayout.SEQUENCE_NUMBER, "SequenceNumber is zero");
    }
    if (LogLayout.RESERVED.u32(b) != 0) {
      return reject(position, LogLayout.RESERVED, "Reserved is " + Fmt.hex32(LogLayout.RESERVED.u32(b)));
    }
    if (w.area > w.length) {
      return reject(position, LogLayout.DESCRIPTOR_COUNT, w.descriptors + " descriptors do not fit in "
          + w.length + " bytes");
    }
    if ((w.flushed & (LogLayout.ALIGNMENT - 1)) != 0) {
      return reject(position, LogLayout.FLUSHED_FILE_OFFSET, "FlushedFileOffset "
          + Long.toUnsignedString(w.flushed) + " is not a multiple of 1 MiB");
    }
    if ((w.last & (LogLayout.ALIGNMENT - 1)) != 0) {
      return reject(position, LogLayout.LAST_FILE_OFFSET, "LastFileOffset "
          + Long.toUnsignedString(w.last) + " is not a multiple of 1 MiB");
    }
    return w;
  }

  /**
   * Checks the sectors {@code [done, done + n)} of the entry, held in {@code b[0, n)}: descriptor
   * sectors, then data sectors, then (when padding is accepted) anything.
   */
  private boolean sectors(Walk w, ByteBuffer b, long done, int n, @Nullable DescriptorSink sink) {
    for (int s = 0; s < n; s += SECTOR) {
      long o = done + s;
      if (o < w.area) {
        long first = LogLayout.firstDescriptorAt(o);
        long end = Math.min(w.descriptors, LogLayout.firstDescriptorAt(o + SECTOR));
        for (long i = first; i < end; i++) {
          int at = s + (int) (LogLayout.descriptorIndex(i) - o);
          if (!descriptor(w, slice(b, at, LogLayout.DESCRIPTOR_SIZE), i, sink)) {
            return false;
          }
        }
        if (o + SECTOR == w.area && !lengthMatches(w)) {
          return false;
        }
      } else {
        long k = (o - w.area) / SECTOR;
        if (k < w.dataSectors && !dataSector(w, slice(b, s, SECTOR), k)) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * EntryLength against the descriptors found (vhdx.md V20; MS-VHDX 2.3.1: one data sector per data
   * descriptor). Exact in every mode: an entry with padding could be taken for part of an active
   * sequence by one mode and not by another, and both must replay the same sequence.
   */
  private boolean lengthMatches(Walk w) {
    long needed = w.area + (long) SECTOR * w.dataSectors;
    if (w.length != needed) {
      reject(w.position, LogLayout.ENTRY_LENGTH, "EntryLength " + w.length + " is not the " + needed
          + " bytes its " + w.descriptors + " descriptors (" + w.dataSectors + " with data) take");
      return false;
    }
    return true;
  }

  /** Checks a zero or data descriptor (MS-VHDX 2.3.1.2, 2.3.1.3; vhdx.md V19) and passes its write on. */
  private boolean descriptor(Walk w, ByteBuffer d, long i, @Nullable DescriptorSink sink) {
    boolean zero = LogLayout.DESCRIPTOR_SIGNATURE.matches(d, LogLayout.ZERO_SIGNATURE);
    if (!zero && !LogLayout.DESCRIPTOR_SIGNATURE.matches(d, LogLayout.DESC_SIGNATURE)) {
      return rejectDescriptor(w, i, LogLayout.DESCRIPTOR_SIGNATURE, "signature "
          + Fmt.fourCc(LogLayout.DESCRIPTOR_SIGNATURE.fourCc(d)) + " is neither \"zero\" nor \"desc\"");
    }
    long sequence = LogLayout.DESCRIPTOR_SEQUENCE.u64(d);
    if (sequence != w.sequence) {
      return rejectDescriptor(w, i, LogLayout.DESCRIPTOR_SEQUENCE, "SequenceNumber "
          + Long.toUnsignedString(sequence) + " is not the entry's " + Long.toUnsignedString(w.sequence));
    }
    long offset = LogLayout.FILE_OFFSET.u64(d);
    if ((offset & SECTOR_MASK) != 0) {
      return rejectDescriptor(w, i, LogLayout.FILE_OFFSET, "FileOffset " + Long.toUnsignedString(offset)
          + " is not a multiple of 4 KiB");
    }
    long length = SECTOR;
    if (zero) {
      if (LogLayout.ZERO_RESERVED.u32(d) != 0) {
        return rejectDescriptor(w, i, LogLayout.ZERO_RESERVED, "Reserved is "
            + Fmt.hex32(LogLayout.ZERO_RESERVED.u32(d)));
      }
      length = LogLayout.ZERO_LENGTH.u64(d);
      if ((length & SECTOR_MASK) != 0) {
        return rejectDescriptor(w, i, LogLayout.ZERO_LENGTH, "ZeroLength " + Long.toUnsignedString(length)
            + " is not a multiple of 4 KiB");
      }
    }
    // The identifier and headers are never logged (MS-VHDX 2.2.2), nor is the log itself.
    if (Long.compareUnsigned(offset, LogLayout.LOGGABLE_OFFSET) < 0) {
      return rejectDescriptor(w, i, LogLayout.FILE_OFFSET, "writes at " + offset
          + ", inside the file identifier and headers (below 192 KiB)");
    }
    long end = end(offset, length);
    if (offset >= 0 && offset < ring.end() && ring.start() < end) {
      return rejectDescriptor(w, i, LogLayout.FILE_OFFSET, "writes " + Long.toUnsignedString(length)
          + " bytes at " + offset + ", into the log itself");
    }
    if (end > LogLayout.MAX_REPLAY_END) {
      if (w.outOfBounds == null) {
        Field f = zero ? LogLayout.ZERO_LENGTH : LogLayout.FILE_OFFSET;
        w.outOfBounds = new LogEntry.OutOfBounds(descriptorName(i, f), descriptorSite(w, i, f).offset(),
            Long.toUnsignedString(zero ? length : offset), "descriptor " + i + " writes "
            + Long.toUnsignedString(length) + " bytes at " + Long.toUnsignedString(offset)
            + ", past the largest possible file (" + LogLayout.MAX_REPLAY_END + ")");
      }
    } else {
      w.maxEnd = Math.max(w.maxEnd, end);
    }
    w.bytes = end(w.bytes, length);
    if (sink != null && w.outOfBounds == null) {
      if (zero) {
        sink.zero(offset, length);
      } else {
        long source = ring.fileOffset(w.position + w.area + (long) SECTOR * w.dataSectors);
        sink.data(offset, source, LogLayout.LEADING_BYTES.u64(d), LogLayout.TRAILING_BYTES.u32(d));
      }
    }
    if (!zero) {
      w.dataSectors++;
    }
    return true;
  }

  /** Checks data sector {@code k} (MS-VHDX 2.3.1.4): signature and the entry's split sequence number. */
  private boolean dataSector(Walk w, ByteBuffer d, long k) {
    if (!LogLayout.DATA_SIGNATURE.matches(d, LogLayout.DATA_SECTOR_SIGNATURE)) {
      return rejectData(w, k, LogLayout.DATA_SIGNATURE, "signature "
          + Fmt.fourCc(LogLayout.DATA_SIGNATURE.fourCc(d)) + " is not \"data\"");
    }
    if (LogLayout.SEQUENCE_HIGH.u32(d) != w.sequence >>> 32) {
      return rejectData(w, k, LogLayout.SEQUENCE_HIGH, "SequenceHigh " + Fmt.hex32(LogLayout.SEQUENCE_HIGH.u32(d))
          + " is not the entry's " + Fmt.hex32(w.sequence >>> 32));
    }
    if (LogLayout.SEQUENCE_LOW.u32(d) != (w.sequence & 0xFFFFFFFFL)) {
      return rejectData(w, k, LogLayout.SEQUENCE_LOW, "SequenceLow " + Fmt.hex32(LogLayout.SEQUENCE_LOW.u32(d))
          + " is not the entry's " + Fmt.hex32(w.sequence));
    }
    return true;
  }

  /** The end of {@code [offset, offset + length)} as unsigned values, or {@link Long#MAX_VALUE} past it. */
  private static long end(long offset, long length) {
    if (offset < 0 || length < 0) {
      return Long.MAX_VALUE;
    }
    long e = offset + length;
    return e < 0 ? Long.MAX_VALUE : e;
  }

  private static ByteBuffer slice(ByteBuffer b, int index, int size) {
    return b.slice(index, size).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static String descriptorName(long i, Field f) {
    return "descriptor[" + i + "]." + f.name();
  }

  private Site descriptorSite(Walk w, long i, Field f) {
    return new Site(LogLayout.ENTRY_STRUCTURE, descriptorName(i, f),
        ring.fileOffset(w.position + LogLayout.descriptorIndex(i) + f.offset()));
  }

  private <T> @Nullable T reject(long position, Field f, String reason) {
    rejection = new Rejection(new Site(LogLayout.ENTRY_STRUCTURE, f.name(), ring.fileOffset(position + f.offset())),
        reason);
    return null;
  }

  private boolean rejectDescriptor(Walk w, long i, Field f, String reason) {
    rejection = new Rejection(descriptorSite(w, i, f), reason);
    return false;
  }

  private boolean rejectData(Walk w, long k, Field f, String reason) {
    rejection = new Rejection(new Site(LogLayout.ENTRY_STRUCTURE, "dataSector[" + k + "]." + f.name(),
        ring.fileOffset(w.position + w.area + (long) SECTOR * k + f.offset())), reason);
    return false;
  }
}
