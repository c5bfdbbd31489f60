package io.github.vhd4j;

import java.util.UUID;

/**
 * One copy of a VHDX header (MS-VHDX 2.2.2) as stored, whether or not it is valid.
 *
 * @param copy 1 (file offset 64 KiB) or 2 (128 KiB)
 * @param fileOffset where the copy lies
 * @param valid true when its signature and CRC-32C are right
 * @param current true for the copy in effect: the valid one with the greater sequence number
 * @param sequenceNumber offset 8, unsigned; compare with {@link Long#compareUnsigned}
 * @param fileWriteGuid offset 16; changes on the first write of each session
 * @param dataWriteGuid offset 32; changes with the first visible change; children name their parent by it
 * @param logGuid offset 48; not zero when a log must be replayed
 * @param logVersion offset 64
 * @param version offset 66
 * @param logLength offset 68, bytes
 * @param logOffset offset 72, bytes
 */
public record VhdxHeader(
    int copy,
    long fileOffset,
    boolean valid,
    boolean current,
    long sequenceNumber,
    UUID fileWriteGuid,
    UUID dataWriteGuid,
    UUID logGuid,
    int logVersion,
    int version,
    long logLength,
    long logOffset) {

  /**
   * Tells whether the header asks for a log replay.
   *
   * @return true when {@link #logGuid()} is not the zero GUID
   */
  public boolean logDirty() {
    return logGuid.getMostSignificantBits() != 0 || logGuid.getLeastSignificantBits() != 0;
  }
}
