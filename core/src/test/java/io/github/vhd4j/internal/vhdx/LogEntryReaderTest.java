package io.github.vhd4j.internal.vhdx;

import static io.github.vhd4j.internal.vhdx.LogImages.GUID;
import static io.github.vhd4j.internal.vhdx.LogImages.MIB;
import static io.github.vhd4j.testing.VhdxLogBuilder.SECTOR;
import static io.github.vhd4j.testing.VhdxLogBuilder.pattern;
import static io.github.vhd4j.testing.VhdxLogBuilder.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.internal.vhdx.layout.Guids;
import io.github.vhd4j.internal.vhdx.layout.LogLayout;
import io.github.vhd4j.testing.VhdxLogBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One entry's checks (MS-VHDX 2.3.1; vhdx.md V18-V20, V46), each fault alone with the checksum right. */
class LogEntryReaderTest {
  private static final long P = 2 * MIB;
  /** The entry under test: a data and a zero descriptor. */
  private static final int DATA = (int) LogLayout.descriptorArea(2);

  private static MemoryStorage fileWith(VhdxLogBuilder log) {
    return new MemoryStorage(LogImages.file(4 * MIB, GUID, 2, log.bytes()));
  }

  private static LogEntryReader reader(MemoryStorage s) {
    return new LogEntryReader(new LogRing(s, LogImages.LOG_OFFSET, MIB), GUID);
  }

  private static VhdxLogBuilder.Entry entry(VhdxLogBuilder log) {
    return log.entry(0x1_0000_0005L).data(P, pattern(1)).zero(P + SECTOR, 2 * SECTOR).flushed(4L * MIB)
        .last(4L * MIB);
  }

  private static Consumer<ByteBuffer> descriptor(int i, Consumer<ByteBuffer> edit) {
    return b -> edit.accept(slice(b, VhdxLogBuilder.descriptorIndex(i), LogLayout.DESCRIPTOR_SIZE));
  }

  private static Consumer<ByteBuffer> dataSector(Consumer<ByteBuffer> edit) {
    return b -> edit.accept(slice(b, DATA, SECTOR));
  }

  private static Arguments fault(String field, Consumer<ByteBuffer> edit) {
    return Arguments.of(field, edit);
  }

  static Stream<Arguments> faults() {
    return Stream.of(
        // V18
        fault("entryLength", VhdxLogBuilder.set32(LogLayout.ENTRY_LENGTH, 3 * SECTOR + 512)),
        fault("entryLength", VhdxLogBuilder.set32(LogLayout.ENTRY_LENGTH, 0)),
        fault("entryLength", VhdxLogBuilder.set32(LogLayout.ENTRY_LENGTH, MIB)),
        fault("entryLength", VhdxLogBuilder.set32(LogLayout.ENTRY_LENGTH, 0xFFFFF000L)),
        fault("tail", VhdxLogBuilder.set32(LogLayout.TAIL, 100)),
        fault("tail", VhdxLogBuilder.set32(LogLayout.TAIL, MIB)),
        fault("sequenceNumber", VhdxLogBuilder.set64(LogLayout.SEQUENCE_NUMBER, 0)),
        fault("reserved", VhdxLogBuilder.set32(LogLayout.RESERVED, 1)),
        fault("descriptorCount", VhdxLogBuilder.set32(LogLayout.DESCRIPTOR_COUNT, 0xFFFFFFFFL)),
        fault("descriptorCount", VhdxLogBuilder.set32(LogLayout.DESCRIPTOR_COUNT, 255)),
        // V46
        fault("flushedFileOffset", VhdxLogBuilder.set64(LogLayout.FLUSHED_FILE_OFFSET, 3 * MIB + SECTOR)),
        fault("lastFileOffset", VhdxLogBuilder.set64(LogLayout.LAST_FILE_OFFSET, MIB / 2)),
        // V19
        fault("descriptor[0].signature", descriptor(0, d -> LogLayout.DESCRIPTOR_SIGNATURE.putBytes(d,
            LogLayout.DATA_SECTOR_SIGNATURE))),
        fault("descriptor[1].signature", descriptor(1, d -> LogLayout.DESCRIPTOR_SIGNATURE.putU32(d, 0))),
        fault("descriptor[0].sequenceNumber", descriptor(0, d -> LogLayout.DESCRIPTOR_SEQUENCE.putU64(d, 5))),
        fault("descriptor[1].sequenceNumber", descriptor(1, d -> LogLayout.DESCRIPTOR_SEQUENCE.putU64(d, 0))),
        fault("descriptor[0].fileOffset", descriptor(0, d -> LogLayout.FILE_OFFSET.putU64(d, P + 512))),
        fault("descriptor[1].fileOffset", descriptor(1, d -> LogLayout.FILE_OFFSET.putU64(d, P + 1))),
        fault("descriptor[1].zeroLength", descriptor(1, d -> LogLayout.ZERO_LENGTH.putU64(d, SECTOR + 8))),
        fault("descriptor[1].reserved", descriptor(1, d -> LogLayout.ZERO_RESERVED.putU32(d, 1))),
        fault("descriptor[0].fileOffset", descriptor(0, d -> LogLayout.FILE_OFFSET.putU64(d, 128 * 1024))),
        fault("descriptor[1].fileOffset", descriptor(1, d -> LogLayout.FILE_OFFSET.putU64(d, MIB + MIB / 2))),
        fault("dataSector[0].signature", dataSector(d -> LogLayout.DATA_SIGNATURE.putBytes(d,
            LogLayout.DESC_SIGNATURE))),
        fault("dataSector[0].sequenceHigh", dataSector(d -> LogLayout.SEQUENCE_HIGH.putU32(d, 0))),
        fault("dataSector[0].sequenceLow", dataSector(d -> LogLayout.SEQUENCE_LOW.putU32(d, 0))),
        // V20: a sector longer than its descriptors and data sectors.
        fault("entryLength", VhdxLogBuilder.set32(LogLayout.ENTRY_LENGTH, 3 * SECTOR)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void shouldRejectAnEntryWithOneFaultyField_V18_V19_V20_V46(String field, Consumer<ByteBuffer> edit)
      throws IOException {
    VhdxLogBuilder log = new VhdxLogBuilder(GUID, MIB);
    entry(log).before(edit).write();
    LogEntryReader r = reader(fileWith(log));

    assertNull(r.read(0, null));
    LogEntryReader.Rejection why = r.rejection();
    assertNotNull(why);
    assertEquals(field, why.site().field(), why.reason());
    assertEquals(LogLayout.ENTRY_STRUCTURE, why.site().structure());
  }

  @Test
  void shouldAcceptTheSameEntryUnchangedAndReportItsWrites() throws IOException {
    VhdxLogBuilder log = new VhdxLogBuilder(GUID, MIB);
    entry(log).tail(0).write();
    List<String> writes = new ArrayList<>();
    DescriptorSink sink = new DescriptorSink() {
      @Override
      public void zero(long fileOffset, long length) {
        writes.add("zero " + fileOffset + " " + length);
      }

      @Override
      public void data(long fileOffset, long sourceFileOffset, long leading, long trailing) {
        writes.add("data " + fileOffset + " " + sourceFileOffset);
      }
    };

    LogEntry e = reader(fileWith(log)).read(0, sink);

    assertNotNull(e);
    assertEquals(0x1_0000_0005L, e.sequence());
    assertEquals(DATA + SECTOR, e.length());
    assertEquals(2, e.descriptors());
    assertEquals(1, e.dataSectors());
    assertEquals(3L * SECTOR, e.bytes());
    assertEquals(P + 3 * SECTOR, e.maxEnd());
    assertEquals(4L * MIB, e.lastFileOffset());
    assertNull(e.outOfBounds());
    assertEquals(List.of("data " + P + " " + (LogImages.LOG_OFFSET + DATA), "zero " + (P + SECTOR) + " " + 2 * SECTOR),
        writes);
  }

  @Test
  void shouldAcceptAZeroFlushedFileOffsetAndNoDescriptors_V46() throws IOException {
    VhdxLogBuilder log = new VhdxLogBuilder(GUID, MIB);
    log.entry(1).write();
    LogEntry e = reader(fileWith(log)).read(0, null);
    assertNotNull(e);
    assertEquals(SECTOR, e.length());
    assertEquals(0, e.flushedFileOffset());
  }

  @Test
  void shouldSayNothingAboutWhatIsNoEntryOfThisLog_X15() throws IOException {
    VhdxLogBuilder log = new VhdxLogBuilder(GUID, MIB);
    log.entry(1).guid(UUID.randomUUID()).write();
    log.entry(2).guid(Guids.ZERO).write();
    LogEntryReader r = reader(fileWith(log));
    for (long p = 0; p < 4 * SECTOR; p += SECTOR) {
      assertNull(r.read(p, null));
      assertNull(r.rejection(), "position " + p);
    }
  }

  @Test
  void shouldRejectAWrongChecksum() throws IOException {
    VhdxLogBuilder log = new VhdxLogBuilder(GUID, MIB);
    entry(log).after(b -> b.put(DATA + 100, (byte) (b.get(DATA + 100) ^ 1))).write();
    LogEntryReader r = reader(fileWith(log));
    assertNull(r.read(0, null));
    assertEquals("checksum", r.rejection().site().field());
  }

  @Test
  void shouldRefuseAnEntryPaddedPastItsSectors_V20() throws IOException {
    VhdxLogBuilder log = new VhdxLogBuilder(GUID, MIB);
    entry(log).padding(3).write();
    LogEntryReader r = reader(fileWith(log));
    assertNull(r.read(0, null));
    assertEquals("entryLength", r.rejection().site().field());
  }

  @Test
  void shouldStopReadingAtTheFirstFault() throws IOException {
    // A header claiming 512 KiB whose second sector is no descriptor sector: two sectors are read.
    VhdxLogBuilder log = new VhdxLogBuilder(GUID, MIB);
    VhdxLogBuilder.Entry e = log.entry(1);
    for (int i = 0; i < 200; i++) {
      e.zero(P, SECTOR);
    }
    e.after(descriptor(130, d -> LogLayout.DESCRIPTOR_SIGNATURE.putU32(d, 0)))
        .after(VhdxLogBuilder.set32(LogLayout.ENTRY_LENGTH, 512 * 1024)).write();
    MemoryStorage s = fileWith(log);
    LogEntryReader r = reader(s);
    long before = s.bytesRead;
    assertNull(r.read(0, null));
    assertEquals(2L * SECTOR, s.bytesRead - before);
    assertEquals("descriptor[130].signature", r.rejection().site().field());
  }

  @Test
  void shouldNameTheFileOffsetOfAFieldInAWrappedEntry() throws IOException {
    VhdxLogBuilder log = new VhdxLogBuilder(GUID, MIB);
    log.at(MIB - SECTOR).entry(1).data(P, pattern(2)).before(dataSector(d -> LogLayout.SEQUENCE_LOW.putU32(d, 9)))
        .write();
    LogEntryReader r = reader(fileWith(log));
    assertNull(r.read(MIB - SECTOR, null));
    LogEntryReader.Rejection why = r.rejection();
    assertNotNull(why);
    assertEquals("dataSector[0].sequenceLow", why.site().field());
    // The data sector wrapped to the log's start.
    assertEquals(LogImages.LOG_OFFSET + LogLayout.SEQUENCE_LOW.offset(), why.site().offset());
  }
}
