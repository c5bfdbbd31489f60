package io.github.vhd4j.internal.vhdx;

/**
 * Receives the writes of a log entry's descriptors (MS-VHDX 2.3.1.2, 2.3.1.3) in their order, as
 * {@link LogEntryReader} validates them.
 */
interface DescriptorSink {
  /**
   * A zero descriptor: {@code length} bytes at {@code fileOffset} become zero.
   *
   * @param fileOffset a multiple of 4 KiB, checked
   * @param length a multiple of 4 KiB, checked
   */
  void zero(long fileOffset, long length);

  /**
   * A data descriptor: the 4 KiB at {@code fileOffset} become LeadingBytes, bytes 8 to 4091 of
   * the data sector at {@code sourceFileOffset}, then TrailingBytes.
   *
   * @param fileOffset the target, a multiple of 4 KiB, checked
   * @param sourceFileOffset the file offset of the entry's data sector for this descriptor
   * @param leading LeadingBytes as stored (little-endian: its low byte is byte 0)
   * @param trailing TrailingBytes as stored (little-endian: its low byte is byte 4092)
   */
  void data(long fileOffset, long sourceFileOffset, long leading, long trailing);
}
