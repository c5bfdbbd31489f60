package io.github.vhd4j.internal.vhdx;

import org.jspecify.annotations.Nullable;

/**
 * A valid log entry (MS-VHDX 2.3.1) summarised: where it lies, how it chains to the others, and
 * what replaying it writes. Its descriptors are read again from the file when it is replayed.
 *
 * @param position its ring position, a multiple of 4 KiB
 * @param length EntryLength
 * @param tail Tail: the ring position of the first entry of the sequence this entry ends
 * @param sequence SequenceNumber, unsigned, not zero
 * @param flushedFileOffset FlushedFileOffset, unsigned
 * @param lastFileOffset LastFileOffset, unsigned
 * @param descriptors DescriptorCount
 * @param dataSectors the data descriptors among them
 * @param bytes the bytes its descriptors write (data sectors and zeroed ranges), saturating at
 *     {@link Long#MAX_VALUE}
 * @param maxEnd the furthest file offset a descriptor writes to, or 0
 * @param outOfBounds why replaying it would write past {@link
 *     io.github.vhd4j.internal.vhdx.layout.LogLayout#MAX_REPLAY_END}, or null; such an entry is
 *     valid but refused when it must be replayed (vhdx.md V23)
 */
record LogEntry(long position, long length, long tail, long sequence, long flushedFileOffset,
    long lastFileOffset, long descriptors, int dataSectors, long bytes, long maxEnd,
    @Nullable OutOfBounds outOfBounds) {

  /**
   * Where and why an entry would write past any sane file.
   *
   * @param field the field's name, for example {@code descriptor[3].zeroLength}
   * @param fileOffset the field's file offset
   * @param actual the offending value
   * @param note the explanation
   */
  record OutOfBounds(String field, long fileOffset, String actual, String note) {}

  /**
   * Returns the ring position just past the entry, wrapped.
   *
   * @param ringLength the log's length
   * @return the next entry's position
   */
  long next(long ringLength) {
    return (position + length) % ringLength;
  }
}
