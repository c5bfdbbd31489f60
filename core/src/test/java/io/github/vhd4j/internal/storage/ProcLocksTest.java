package io.github.vhd4j.internal.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The parsing of {@code /proc/locks} lines, as Linux writes them (QEMU's OFD locks among them). */
class ProcLocksTest {
  private static List<Long> writer(String line, String self) {
    return ProcLocks.writerFile(ProcLocks.fields(line, 0, line.length()), self);
  }

  @Test
  void shouldSplitFieldsOnRunsOfSpacesAndTabs() {
    String line = "1: OFDLCK ADVISORY  READ -1 fe:00:2146423 100 101";
    assertArrayEquals(new String[] {"1:", "OFDLCK", "ADVISORY", "READ", "-1", "fe:00:2146423", "100", "101"},
        ProcLocks.fields(line, 0, line.length()));
    assertArrayEquals(new String[] {"a", "b"}, ProcLocks.fields("x \ta\t\t b  y", 1, 9));
    assertEquals(0, ProcLocks.fields("   ", 0, 3).length);
  }

  @Test
  void shouldFindLocksOnAWritersBytesHeldByAnotherProcess() {
    // qemu-io writing: 100-101 and 103 held; a reader holds 100, 201 and 203 only.
    assertEquals(List.of(0xfeL, 0L, 2146423L), writer("4: OFDLCK ADVISORY  READ -1 fe:00:2146423 100 101", "7"));
    assertEquals(List.of(0xfeL, 0L, 2146423L), writer("3: OFDLCK ADVISORY  READ -1 fe:00:2146423 103 103", "7"));
    assertNull(writer("1: OFDLCK ADVISORY  READ -1 fe:00:2146423 201 201", "7"));
    assertNull(writer("2: OFDLCK ADVISORY  READ -1 fe:00:2146423 100 100", "7"));
    // A vhd4j writer elsewhere (POSIX, another pid); this process's own locks do not count.
    assertEquals(List.of(7L, 0L, 93L), writer("5: POSIX  ADVISORY  WRITE 2899 07:00:93 101 103", "7"));
    assertNull(writer("5: POSIX  ADVISORY  WRITE 2899 07:00:93 101 103", "2899"));
    // A whole-file lock to EOF covers the bytes too; a waiter's line and garbage do not parse.
    assertEquals(List.of(8L, 1L, 5L), writer("6: POSIX  ADVISORY  WRITE 12 08:01:5 0 EOF", "7"));
    assertNull(writer("6: -> POSIX  ADVISORY  WRITE 12 08:01:5 0 EOF", "7"));
    assertNull(writer("6: POSIX  ADVISORY  WRITE 12 08:01 0 EOF", "7"));
    assertNull(writer("6: FLOCK  ADVISORY  WRITE 12 08:01:5 0 EOF", "7"));
    assertNull(writer("", "7"));
  }
}
