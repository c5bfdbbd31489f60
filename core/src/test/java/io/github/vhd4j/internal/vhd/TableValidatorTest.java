package io.github.vhd4j.internal.vhd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.internal.Fmt;
import io.github.vhd4j.internal.Problems;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The streaming table validator against the validator it replaced, which held the whole table and
 * sorted every block (kept here as {@link Reference}, the oracle): the same problems in the same
 * order, and the same verdict for every block, over heap and paged tables, with the default window
 * and with windows so small that every pass sorts a handful of starts.
 */
class TableValidatorTest {
  private static final long OFFSET = 1536;
  private static final int U = Layer.UNALLOCATED;

  /** One table and the layout it is checked against. */
  private record Case(int[] entries, long stride, long needed, long dataEnd, List<long[]> regions) {
    long tableEnd() {
      return OFFSET + (4L * entries.length + 511) / 512 * 512;
    }
  }

  private static List<long[]> regions(int entries, boolean locator) {
    List<long[]> r = new ArrayList<>();
    r.add(new long[] {0, 512});
    r.add(new long[] {512, 1536});
    r.add(new long[] {OFFSET, OFFSET + (4L * entries + 511) / 512 * 512});
    if (locator) {
      r.add(new long[] {40_960, 41_472});
    }
    return r;
  }

  /**
   * A random table: blocks after the table in order, with gaps, overlaps (a start repeated or
   * inside the previous block), entries into metadata and past the file's end, entries beyond the
   * disk's last block, and (for {@code shuffle}) the allocated entries permuted; {@code crowd} puts
   * most blocks on three sectors.
   */
  private static Case random(long seed, boolean shuffle, boolean crowd) {
    SplittableRandom r = new SplittableRandom(seed);
    int n = 1 + r.nextInt(300);
    long stride = r.nextBoolean() ? 1024 : 4608;
    boolean locator = r.nextBoolean();
    List<long[]> regions = regions(n, locator);
    long first = (OFFSET + (4L * n + 511) / 512 * 512) / 512;
    int[] e = new int[n];
    Arrays.fill(e, U);
    long sector = first;
    for (int i = 0; i < n; i++) {
      int dice = r.nextInt(100);
      if (dice < 30) {
        continue;
      }
      if (crowd && dice < 90) {
        e[i] = (int) (first + r.nextInt(3));
      } else if (dice < 33) {
        e[i] = 1 + r.nextInt(8);                          // into the footer copy, header or table
      } else if (dice < 36) {
        e[i] = (int) (sector + 100_000);                  // past the file's end
      } else if (dice < 42) {
        e[i] = (int) (sector - stride / 512 + r.nextInt((int) (stride / 512)));  // overlaps the last
      } else {
        sector += r.nextInt(4) == 0 ? r.nextInt(20) : 0;  // a gap now and then
        e[i] = (int) sector;
        sector += stride / 512;
      }
    }
    if (shuffle) {
      for (int i = n - 1; i > 0; i--) {
        int j = r.nextInt(i + 1);
        int t = e[i];
        e[i] = e[j];
        e[j] = t;
      }
    }
    long needed = r.nextInt(4) == 0 ? Math.max(1, n - r.nextInt(Math.min(n, 5))) : n;
    long dataEnd = Math.max(sector * 512 + r.nextInt(2048), 50_000);
    return new Case(e, stride, needed, dataEnd, regions);
  }

  /** Validates with each kind of table and window; every run must match the reference. */
  private static void assertAsReference(Case c, int... windows) throws IOException {
    Problems want = new Problems("t.vhd");
    byte[] verdicts = Reference.validate(c.entries, c.stride, c.needed, c.dataEnd, c.regions, OFFSET, want);
    List<Problem> expected = want.list();
    ArrayStorage s = ArrayStorage.withTable(OFFSET, c.entries);
    int n = c.entries.length;
    List<BlockTable> tables = List.of(HeapBlockTable.read(s, OFFSET, n), PagedBlockTable.of(s, OFFSET, n),
        PagedBlockTable.of(s, OFFSET, n, 2, 2));
    for (BlockTable t : tables) {
      for (int window : windows) {
        String what = t.getClass().getSimpleName() + ", window " + window + ", entries " + Arrays.toString(
            Arrays.copyOf(c.entries, Math.min(n, 40)));
        Problems got = new Problems("t.vhd");
        DamagedBlocks d = TableValidator.validate(t, got, c.stride, c.needed, c.dataEnd, c.regions, window);
        assertEquals(describe(expected), describe(got.list()), what);
        assertEquals(expected, got.list(), what);
        if (verdicts == null) {
          assertNull(d, what);
          continue;
        }
        assertNotNull(d, what);
        for (int i = 0; i < n; i++) {
          byte want1 = i < verdicts.length ? verdicts[i] : 0;
          assertEquals(want1, d.reason(i, c.entries[i]), what + ": block " + i);
        }
      }
    }
  }

  private static String describe(List<Problem> problems) {
    return problems.stream().map(Problem::describe).collect(Collectors.joining("\n"));
  }

  @Test
  void shouldMatchTheSortingValidatorOnRandomTables() throws IOException {
    for (long seed = 0; seed < 150; seed++) {
      assertAsReference(random(seed, false, false), TableValidator.WINDOW, 1, 3);
      assertAsReference(random(seed, true, false), TableValidator.WINDOW, 1, 3, 16);
      assertAsReference(random(seed, true, true), TableValidator.WINDOW, 1, 2, 7);
    }
  }

  @Test
  void shouldReportOverlapsInOrderedTablesInOnePass() throws IOException {
    // Blocks of 1024 bytes from sector 4 (the table ends at 2048): 1 starts inside 0, 2 on 1.
    int[] e = {4, 5, 5, 10, U, 12};
    Case c = new Case(e, 1024, e.length, 100_000, regions(e.length, false));
    assertAsReference(c, TableValidator.WINDOW);
    ArrayStorage s = ArrayStorage.withTable(OFFSET, e);
    Problems p = new Problems("t.vhd");
    DamagedBlocks d = TableValidator.validate(PagedBlockTable.of(s, OFFSET, e.length), p, 1024, e.length,
        100_000, c.regions);
    List<String> overlaps = p.list().stream().filter(x -> x.code() == ProblemCode.BAT_ENTRY_OVERLAP)
        .map(Problem::message).collect(Collectors.toList());
    assertEquals(List.of("expected a block clear of block 0, found block at 2560: blocks 0 and 1 overlap",
        "expected a block clear of block 1, found block at 2560: blocks 1 and 2 overlap"), overlaps);
    assertTrue(p.list().stream().noneMatch(x -> x.code() == ProblemCode.BAT_BLOCKS_UNORDERED));
    assertEquals(DamagedBlocks.OVERLAP, d.reason(0, 4));
    assertEquals(0, d.reason(3, 10));
    Walks walks = new Walks(PagedBlockTable.of(s, OFFSET, e.length));
    TableValidator.validate(walks, new Problems("t.vhd"), 1024, e.length, 100_000, c.regions, 1);
    assertEquals(1, walks.count, "one pass over a table in file order, whatever the window");
  }

  @Test
  void shouldReportOverlapsInUnorderedTablesByWindowPasses() throws IOException {
    // Ten blocks of nine sectors listed out of file order, two pairs overlapping.
    int[] e = {90, 18, 54, 36, 19, 72, 144, 126, 108, 55};
    Case c = new Case(e, 4096 + 512, e.length, 100_000, regions(e.length, false));
    assertAsReference(c, TableValidator.WINDOW, 1, 2, 3);
    Walks walks = new Walks(PagedBlockTable.of(ArrayStorage.withTable(OFFSET, e), OFFSET, e.length));
    Problems p = new Problems("t.vhd");
    TableValidator.validate(walks, p, 4096 + 512, e.length, 100_000, c.regions, 2);
    assertEquals(List.of("blocks 1 and 4 overlap", "blocks 2 and 9 overlap"), p.list().stream()
        .filter(x -> x.code() == ProblemCode.BAT_ENTRY_OVERLAP).map(Problem::message)
        .map(m -> m.substring(m.indexOf("blocks "))).collect(Collectors.toList()));
    assertTrue(p.list().stream().anyMatch(x -> x.code() == ProblemCode.BAT_BLOCKS_UNORDERED));
    // The first pass, then one per window of at most two starts: five windows or more.
    assertTrue(walks.count >= 6, "walks over the table: " + walks.count);
    walks.count = 0;
    TableValidator.validate(walks, new Problems("t.vhd"), 4096 + 512, e.length, 100_000, c.regions);
    assertEquals(2, walks.count, "with the default window, the first pass and one window");
  }

  /** Counts the walks over a table that start at its first entry. */
  private static final class Walks extends BlockTable {
    private final BlockTable table;
    int count;

    Walks(BlockTable table) {
      super(table.storage, table.offset, table.length);
      this.table = table;
    }

    @Override
    int get(int block) throws IOException {
      return table.get(block);
    }

    @Override
    int getAcquire(int block) throws IOException {
      return table.getAcquire(block);
    }

    @Override
    void set(int block, int entry) throws IOException {
      table.set(block, entry);
    }

    @Override
    Scan scan() {
      Scan scan = table.scan();
      return new Scan() {
        @Override
        int next(int from, int to) throws IOException {
          if (from == 0) {
            count++;
          }
          return scan.next(from, to);
        }

        @Override
        int entry(int block) throws IOException {
          return scan.entry(block);
        }
      };
    }
  }

  @Test
  void shouldTakeACrowdedWindowInSeveralPasses() throws IOException {
    // 200 entries on two sectors, alternating (so unordered): one histogram bucket holds every
    // start, far more than a window of 4 may sort at once.
    int[] e = new int[200];
    for (int i = 0; i < e.length; i++) {
      e[i] = i % 2 == 0 ? 9 : 8;
    }
    Case c = new Case(e, 1024, e.length, 100_000, regions(e.length, false));
    assertAsReference(c, TableValidator.WINDOW, 4, 1);
    Problems p = new Problems("t.vhd");
    TableValidator.validate(HeapBlockTable.read(ArrayStorage.withTable(OFFSET, e), OFFSET, e.length), p, 1024,
        e.length, 100_000, c.regions, 4);
    assertTrue(p.list().stream().anyMatch(x -> x.message().equals(
        (199 - Problems.MAX_PER_CODE) + " more problem(s) with code BAT_ENTRY_OVERLAP not listed")),
        describe(p.list()));
  }

  @Test
  void shouldCheckEntriesOnBothSidesOfEveryChunkBoundary() throws IOException {
    int n = 2 * BlockTable.CHUNK + 100;
    int[] e = new int[n];
    Arrays.fill(e, U);
    long first = (OFFSET + 4L * n + 511) / 512;
    long sector = first;
    // In order, except around the boundaries: past the end, into metadata, overlapping, and
    // out of order.
    for (int i : new int[] {0, 1, BlockTable.CHUNK - 2, BlockTable.CHUNK - 1, BlockTable.CHUNK, BlockTable.CHUNK + 1,
        2 * BlockTable.CHUNK - 1, 2 * BlockTable.CHUNK, n - 1}) {
      e[i] = (int) sector;
      sector += 2;
    }
    e[BlockTable.CHUNK - 1] = (int) (sector + 10_000);
    e[BlockTable.CHUNK] = 3;
    e[BlockTable.CHUNK + 1] = e[BlockTable.CHUNK - 2];
    e[2 * BlockTable.CHUNK] = (int) first;
    Case c = new Case(e, 1024, n, sector * 512, regions(n, false));
    assertAsReference(c, TableValidator.WINDOW, 2);
    Problems p = new Problems("t.vhd");
    TableValidator.validate(PagedBlockTable.of(ArrayStorage.withTable(OFFSET, e), OFFSET, n), p, 1024, n,
        sector * 512, c.regions);
    assertEquals(List.of("entry[" + (BlockTable.CHUNK - 1) + "]", "entry[" + BlockTable.CHUNK + "]"),
        p.list().stream().filter(x -> x.severity() == Severity.ERROR && x.code() != ProblemCode.BAT_ENTRY_OVERLAP)
            .map(Problem::field).collect(Collectors.toList()));
  }

  @Test
  void shouldKeepNoVerdictsForAHealthyTable() throws IOException {
    int[] e = {4, 6, U, 8, 10};
    Problems p = new Problems("t.vhd");
    assertNull(TableValidator.validate(HeapBlockTable.read(ArrayStorage.withTable(OFFSET, e), OFFSET, e.length), p,
        1024, e.length, 100_000, regions(e.length, false)));
    assertEquals(List.of(), p.list());
  }

  /**
   * The validator before streaming, as it was in LayerParser: the whole table in an array and one
   * sort of every block inside the file.
   */
  private static final class Reference {
    private Reference() {}

    static byte[] validate(int[] bat, long stride, long neededVirtual, long dataEnd, List<long[]> regions,
        long tableOffset, Problems p) {
      byte[] bad = null;
      long[] keys = new long[bat.length];
      int k = 0;
      boolean extraReported = false;
      for (int i = 0; i < bat.length; i++) {
        if (bat[i] == U) {
          continue;
        }
        long sector = bat[i] & 0xFFFFFFFFL;
        long start = sector * 512;
        long end = start + stride;
        long at = tableOffset + 4L * i;
        if (i >= neededVirtual && !extraReported) {
          extraReported = true;
          p.warning(ProblemCode.BAT_EXTRA_ENTRY_ALLOCATED, "bat", "entry[" + i + "]", at, Fmt.hex32(U),
              Fmt.hex32(sector), "entries beyond the disk's last block are never read");
        }
        if (end > dataEnd) {
          if (p.admit(ProblemCode.BAT_ENTRY_OUTSIDE_FILE, Severity.ERROR)) {
            p.addAdmitted(p.make(Severity.ERROR, ProblemCode.BAT_ENTRY_OUTSIDE_FILE, "bat", "entry[" + i + "]", at,
                "a block ending by " + dataEnd, "sector " + sector + " (block at " + start + ".." + end + ")",
                "the block lies outside the file (truncated image?)"), true);
          }
          bad = markBad(bad, i, neededVirtual, DamagedBlocks.OUTSIDE_FILE);
          continue;
        }
        for (long[] r : regions) {
          if (start < r[1] && r[0] < end) {
            if (p.admit(ProblemCode.BAT_ENTRY_IN_METADATA, Severity.ERROR)) {
              p.addAdmitted(p.make(Severity.ERROR, ProblemCode.BAT_ENTRY_IN_METADATA, "bat", "entry[" + i + "]",
                  at, "a block clear of [" + r[0] + ", " + r[1] + ")",
                  "sector " + sector + " (block at " + start + ")", "the block overlaps metadata"), true);
            }
            bad = markBad(bad, i, neededVirtual, DamagedBlocks.IN_METADATA);
            break;
          }
        }
        keys[k++] = (sector << 32 | i) ^ Long.MIN_VALUE;
      }
      Arrays.sort(keys, 0, k);
      long maxEnd = Long.MIN_VALUE;
      int maxOwner = -1;
      boolean unordered = false;
      int gaps = 0;
      long gapBytes = 0;
      int prevIndex = -1;
      for (int j = 0; j < k; j++) {
        long key = keys[j] ^ Long.MIN_VALUE;
        int i = (int) key;
        long start = (key >>> 32) * 512;
        if (i < prevIndex) {
          unordered = true;
        }
        prevIndex = i;
        if (maxOwner >= 0 && start < maxEnd) {
          if (p.admit(ProblemCode.BAT_ENTRY_OVERLAP, Severity.ERROR)) {
            p.addAdmitted(p.make(Severity.ERROR, ProblemCode.BAT_ENTRY_OVERLAP, "bat", "entry[" + i + "]",
                tableOffset + 4L * i, "a block clear of block " + maxOwner, "block at " + start,
                "blocks " + maxOwner + " and " + i + " overlap"), true);
          }
          bad = markBad(bad, i, neededVirtual, DamagedBlocks.OVERLAP);
          bad = markBad(bad, maxOwner, neededVirtual, DamagedBlocks.OVERLAP);
        } else if (maxOwner >= 0 && start > maxEnd) {
          gaps++;
          gapBytes += start - maxEnd;
        }
        if (start + stride > maxEnd) {
          maxEnd = start + stride;
          maxOwner = i;
        }
      }
      if (unordered) {
        p.info(ProblemCode.BAT_BLOCKS_UNORDERED, "bat", "entries", tableOffset,
            "blocks are stored in a different order than the table lists them (legal)");
      }
      if (gaps > 0) {
        p.info(ProblemCode.BAT_BLOCK_GAPS, "bat", "entries", tableOffset,
            gaps + " gap(s) totalling " + gapBytes + " bytes between stored blocks (legal)");
      }
      return bad;
    }

    private static byte[] markBad(byte[] bad, int block, long neededVirtual, byte reason) {
      if (block >= neededVirtual) {
        return bad;
      }
      byte[] b = bad != null ? bad : new byte[(int) neededVirtual];
      if (b[block] == 0) {
        b[block] = reason;
      }
      return b;
    }
  }
}
