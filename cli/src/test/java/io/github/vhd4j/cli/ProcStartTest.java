package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The start times read from {@code /proc} agree with {@link ProcessHandle}'s to the millisecond,
 * for this process and another one, so temporary names written by either are judged alike.
 */
class ProcStartTest {
  private static long handleStart(ProcessHandle h) {
    return h.info().startInstant().orElseThrow().toEpochMilli();
  }

  @Test
  void shouldAgreeWithProcessHandleAboutThisProcess() {
    ProcessHandle self = ProcessHandle.current();
    assertEquals(self.pid(), ProcStart.self());
    assertEquals(handleStart(self), ProcStart.of(self.pid()));
  }

  @Test
  void shouldAgreeWithProcessHandleAboutAnotherProcessAndSeeItGo() throws Exception {
    // A command name with a space and a parenthesis, as a hostile COMM field could hold.
    Process p = new ProcessBuilder("/usr/bin/python3", "-c",
        "import ctypes,sys,time; ctypes.CDLL(None).prctl(15, b'a b) c', 0, 0, 0); sys.stdin.read()").start();
    try {
      long pid = p.pid();
      Path comm = Path.of("/proc", Long.toString(pid), "comm");
      for (int i = 0; i < 250 && !Files.readString(comm).equals("a b) c\n"); i++) {
        Thread.sleep(20);
      }
      assertEquals("a b) c\n", Files.readString(comm));
      assertEquals(handleStart(p.toHandle()), ProcStart.of(pid));
    } finally {
      p.getOutputStream().close();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    assertEquals(ProcStart.GONE, ProcStart.of(p.pid()));
  }

  @Test
  void shouldNotKnowImpossibleIds() {
    assertEquals(ProcStart.UNKNOWN, ProcStart.of(0));
    assertEquals(ProcStart.UNKNOWN, ProcStart.of(-5));
  }
}
