package io.github.vhd4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.RepairAction;
import io.github.vhd4j.ValidationReport;
import io.github.vhd4j.VhdException;
import io.github.vhd4j.Vhdx;
import io.github.vhd4j.VhdxImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Entry point: log replay, with structured inputs ({@link VhdxLogInput}: hostile logs over a
 * builder-made disk whose headers name them). Besides the {@link VhdxBattery} over the file (reads
 * tied to the replayed view, check related to the open):
 *
 * <ul>
 *   <li>a read-only open replays in memory and never writes: the file, and a heap buffer opened in
 *       memory, hold the same bytes after every open, read, map and check (vhdx.md );
 *   <li>a strict open allocates at most {@link #allocationLimit} bytes, a bound set by the log's
 *       length and not by anything the log claims;
 *   <li>{@code Vhdx.planRepair} writes nothing; {@code Vhdx.repair} of a copy (the replay into the
 *       file) either refuses and leaves the copy as it was, or leaves a clean file that a second
 *       repair does not touch and that reads exactly as the in-memory replay did: same size, map and
 *       bytes; a file a strict open replays in memory is one that repair replays. When the file
 *       system refuses one of its writes (a page past the largest file it holds), the copy still
 *       reads as the original: the replay is crash-safe.
 * </ul>
 */
class VhdxLogReplayFuzzTest {
  /**
   * What a strict open may allocate for a file of {@code fileLength} bytes: what it holds (its log
   * among it) bounds the replay's memory, whatever the log's entries claim.
   */
  static long allocationLimit(long fileLength) {
    return 4 * fileLength + (24L << 20);
  }

  @VhdFuzzTest
  void shouldReplayInMemoryWithoutWritingAndAsRepairDoes(byte[] data) throws IOException {
    VhdxInput.Case c = VhdxLogInput.decode(data);
    SplittableRandom rnd = Inputs.random(data);
    Path dir = Scratch.dir("vhdx-log");
    Path file = c.file().write(dir.resolve("dirty.vhdx"));
    byte[] before = Files.readAllBytes(file);

    byte[] array = before.clone();
    VhdxBattery.run(memory(array), c, rnd);
    assertArrayEquals(before, array, "an open from memory wrote into the caller's buffer");
    VhdxBattery.run(VhdxBattery.source(file), c, rnd);
    unchanged(before, file, "a read-only open");

    long n = c.file().length();
    long a0 = Alloc.now();
    Outcome<VhdxImage> strict = Outcome.of(() -> Vhdx.open(file, c.options()));
    long used = Alloc.now() - a0;
    try {
      // A real overrun repeats on every attempt; one seen once, then never again when the input was
      // replayed, came from the fuzzing thread's own bookkeeping: three attempts must all overrun.
      for (int attempt = 1; used > allocationLimit(n); attempt++) {
        close(strict);
        a0 = Alloc.now();
        strict = Outcome.of(() -> Vhdx.open(file, c.options()));
        used = Alloc.now() - a0;
        assertTrue(used <= allocationLimit(n) || attempt < 2, "a strict open allocated " + used + " bytes for a " + n
            + "-byte file (limit " + allocationLimit(n) + ") three times: " + strict);
      }
      Outcome.of(() -> Vhdx.planRepair(file, OpenOptions.defaults()));
      unchanged(before, file, "a planned repair");
      repairCopy(file, dir.resolve("repaired.vhdx"), before, strict, c);
    } finally {
      close(strict);
    }
  }

  private static BatterySource<VhdxImage> memory(byte[] array) {
    return new BatterySource<VhdxImage>() {
      @Override
      public VhdxImage open(OpenOptions options) throws IOException {
        return Vhdx.open(ByteBuffer.wrap(array), options);
      }

      @Override
      public ValidationReport check(CheckOptions options) throws IOException {
        return Vhdx.check(ByteBuffer.wrap(array), options);
      }
    };
  }

  private static void unchanged(byte[] before, Path file, String what) throws IOException {
    byte[] after = Files.readAllBytes(file);
    if (!Arrays.equals(before, after)) {
      int i = Arrays.mismatch(before, after);
      fail(what + " changed the file at " + i + " (" + before.length + " bytes before, " + after.length + " after)");
    }
  }

  /** Repairs a copy and relates it to the in-memory replay. */
  private static void repairCopy(Path file, Path copy, byte[] before, Outcome<VhdxImage> strict, VhdxInput.Case c)
      throws IOException {
    Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
    List<RepairAction> actions;
    try {
      actions = Vhdx.repair(copy, OpenOptions.defaults());
    } catch (VhdException refused) {
      unchanged(before, copy, "a refused repair");
      assertFalse(strict.ok() && strict.value().getLogState().replayedInMemory(),
          "a strict open replayed the log in memory, but repair refused to replay it: " + refused);
      return;
    } catch (IOException failed) {
      // The file system refused a write (a page past the largest file it holds): the replay is
      // crash-safe, so the copy still opens, replaying again, and reads as the original.
      sameAsInMemory(strict, copy, c, "after a repair failed (" + failed + ")", false);
      return;
    }
    assertEquals(List.of(), Vhdx.repair(copy, OpenOptions.defaults()), "a second repair found work to do");
    assertEquals(List.of(), Vhdx.planRepair(copy, OpenOptions.defaults()), "a repaired file still plans a repair");
    if (strict.ok()) {
      assertEquals(!actions.isEmpty(), strict.value().getLogState().dirty(), "repair acted iff the log was dirty");
    }
    sameAsInMemory(strict, copy, c, "once repaired", true);
  }

  /**
   * The copy opens strictly whenever the original did, with the same size, metadata, map and
   * bytes; when {@code clean}, with nothing left to replay.
   */
  private static void sameAsInMemory(Outcome<VhdxImage> strict, Path copy, VhdxInput.Case c, String when,
      boolean clean) throws IOException {
    Outcome<VhdxImage> reopened = Outcome.of(() -> Vhdx.open(copy, c.options()));
    try {
      if (!strict.ok()) {
        return;
      }
      assertTrue(reopened.ok(), "the file opens with its log replayed in memory, but not " + when + ": " + reopened);
      VhdxImage mem = strict.value();
      VhdxImage disk = reopened.value();
      if (clean) {
        assertFalse(disk.getLogState().dirty(), "a repaired file still asks for a replay: " + disk.getLogState());
      }
      assertEquals(mem.getSize(), disk.getSize(), "size " + when);
      assertEquals(mem.getMetadata(), disk.getMetadata(), "metadata " + when);
      assertEquals(mem.map(), disk.map(), "map " + when);
      long size = mem.getSize();
      for (long pos = 0; pos < size; pos += 1 << 20) {
        int n = (int) Math.min(1 << 20, size - pos);
        ByteBuffer a = ByteBuffer.allocate(n);
        ByteBuffer b = ByteBuffer.allocate(n);
        mem.readFully(pos, a);
        disk.readFully(pos, b);
        if (!Arrays.equals(a.array(), b.array())) {
          int i = Arrays.mismatch(a.array(), b.array());
          fail("byte " + (pos + i) + " reads " + a.get(i) + " replayed in memory, " + b.get(i) + " " + when);
        }
      }
    } finally {
      close(reopened);
    }
  }

  private static void close(Outcome<VhdxImage> o) throws IOException {
    if (o.ok()) {
      o.value().close();
    }
  }
}
