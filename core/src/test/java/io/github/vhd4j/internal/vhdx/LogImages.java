package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.VhdxHeader;
import io.github.vhd4j.internal.Problems;
import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.ParseMode;
import io.github.vhd4j.internal.vhdx.layout.Guids;
import io.github.vhd4j.internal.vhdx.layout.HeaderLayout;
import io.github.vhd4j.internal.vhdx.layout.IdentifierLayout;
import io.github.vhd4j.internal.vhdx.layout.Le;
import io.github.vhd4j.internal.vhdx.layout.VhdxCrc;
import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * Files for the log tests: the header section (identifier and two headers) and a log, with the
 * rest of the file filled with a pattern so that zeroing shows. Not whole VHDX images: the log is
 * replayed before the region tables are read, and these tests stop there.
 */
final class LogImages {
  static final int MIB = 1 << 20;
  /** Where the log lies. */
  static final long LOG_OFFSET = MIB;
  static final UUID GUID = UUID.fromString("11111111-2222-3333-4444-555555555555");
  static final UUID FILE_WRITE = UUID.fromString("aaaaaaaa-0000-0000-0000-000000000001");
  static final UUID DATA_WRITE = UUID.fromString("bbbbbbbb-0000-0000-0000-000000000002");

  private LogImages() {}

  /** The byte every file offset holds before any replay. */
  static byte original(long offset) {
    return (byte) (offset * 29 + (offset >>> 12) * 3 + 5);
  }

  /**
   * A file of {@code length} bytes: identifier, header 1 (sequence {@code seq}) and header 2
   * (sequence {@code seq - 1}) naming {@code logGuid} and a log of {@code log.length} bytes at
   * 1 MiB holding {@code log}; every other byte patterned.
   */
  static byte[] file(int length, UUID logGuid, long seq, byte[] log) {
    byte[] f = new byte[length];
    for (int i = 0; i < length; i++) {
      f[i] = original(i);
    }
    ByteBuffer id = IdentifierLayout.encode("log test");
    id.get(0, f, 0, IdentifierLayout.SIZE);
    header(seq, logGuid, LOG_OFFSET, log.length, 0).get(0, f, (int) HeaderLayout.offset(1), HeaderLayout.SIZE);
    header(seq - 1, logGuid, LOG_OFFSET, log.length, 0).get(0, f, (int) HeaderLayout.offset(2), HeaderLayout.SIZE);
    System.arraycopy(log, 0, f, (int) LOG_OFFSET, log.length);
    return f;
  }

  /** A sealed header. */
  static ByteBuffer header(long seq, UUID logGuid, long logOffset, long logLength, int logVersion) {
    ByteBuffer h = Le.allocate(HeaderLayout.SIZE);
    HeaderLayout.SIGNATURE.putBytes(h, HeaderLayout.SIGNATURE_BYTES);
    HeaderLayout.SEQUENCE_NUMBER.putU64(h, seq);
    Guids.put(h, HeaderLayout.FILE_WRITE_GUID, FILE_WRITE);
    Guids.put(h, HeaderLayout.DATA_WRITE_GUID, DATA_WRITE);
    Guids.put(h, HeaderLayout.LOG_GUID, logGuid);
    HeaderLayout.LOG_VERSION.putU16(h, logVersion);
    HeaderLayout.VERSION.putU16(h, HeaderLayout.VERSION_1);
    HeaderLayout.LOG_LENGTH.putU32(h, logLength);
    HeaderLayout.LOG_OFFSET.putU64(h, logOffset);
    VhdxCrc.seal(h, HeaderLayout.SIZE, HeaderLayout.CHECKSUM);
    return h;
  }

  /** The current header as the header parser would describe it. */
  static VhdxHeader record(UUID logGuid, long logOffset, long logLength, int logVersion) {
    return new VhdxHeader(1, HeaderLayout.offset(1), true, true, 2, FILE_WRITE, DATA_WRITE, logGuid, logVersion,
        HeaderLayout.VERSION_1, logLength, logOffset);
  }

  /** The current header of a file made by {@link #file}. */
  static VhdxHeader record(UUID logGuid, long logLength) {
    return record(logGuid, LOG_OFFSET, logLength, 0);
  }

  static VhdxParseContext open(Storage s) {
    return context(s, OpenOptions.defaults(), ParseMode.OPEN);
  }

  static VhdxParseContext lenient(Storage s) {
    return context(s, OpenOptions.defaults().withLenient(true), ParseMode.OPEN);
  }

  static VhdxParseContext check(Storage s) {
    return context(s, OpenOptions.defaults(), ParseMode.CHECK);
  }

  static VhdxParseContext context(Storage s, OpenOptions options, ParseMode mode) {
    return new VhdxParseContext(s, "img", null, options, mode, new Problems("img"));
  }

  /** Reads {@code n} bytes through a storage. */
  static byte[] read(Storage s, long offset, int n) throws java.io.IOException {
    ByteBuffer b = ByteBuffer.allocate(n);
    s.read(offset, b, 0, n);
    return b.array();
  }
}
