package io.github.vhd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.testing.TestImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Vhd#check(Path, CheckOptions, ProgressListener)}: a deep check reports its scan over the
 * whole chain with a total known from the start, and its problems keep their place in the report.
 */
class CheckProgressTest {
  private static final int KIB = 1024;

  @TempDir Path dir;

  /** A child over a dynamic parent, each with stored blocks and data under a clear bitmap bit. */
  private Path chain() throws IOException {
    TestImage base = TestImage.dynamic(4096 * KIB, 512 * KIB).random(0, 4 * KIB, 1).random(1024 * KIB, 4 * KIB, 2)
        .random(3584 * KIB, 400 * KIB, 3);
    Arrays.fill(base.block(2).data, 20 * 512, 21 * 512, (byte) 0x5A);
    base.writeTo(dir.resolve("base.vhd"));
    TestImage child = TestImage.differencing(base, "base.vhd", 256 * KIB).random(300 * KIB, 2 * KIB, 4)
        .random(2048 * KIB, 512, 5);
    Arrays.fill(child.block(8).data, 9 * 512, 10 * 512, (byte) 0x33);
    return child.writeTo(dir.resolve("child.vhd"));
  }

  @Test
  void shouldReportTheDeepScanOfTheWholeChainAgainstAFixedTotal() throws IOException {
    Path child = chain();
    List<long[]> reports = new ArrayList<>();

    ValidationReport deep = Vhd.check(child, CheckOptions.defaults().withDeep(true),
        (done, total) -> reports.add(new long[] {done, total}));

    // The parent stores blocks 0, 2 and 7, 512 KiB
    // each; the child blocks 1 and 8, 256 KiB each.
    long total = 3 * 512 * KIB + 2 * 256 * KIB;
    assertEquals(5, reports.size(), "one report per block scanned");
    long previous = 0;
    for (long[] r : reports) {
      assertEquals(total, r[1], "the total never changes");
      assertTrue(r[0] > previous, "done grows with every report");
      previous = r[0];
    }
    assertEquals(total, previous, "the last report is the whole scan");

    // Each image's deep problems follow its own metadata problems, as when the scans ran inline:
    // the child's comes before everything about the parent.
    List<Problem> problems = deep.problems();
    int childStale = indexOf(problems, ProblemCode.BLOCK_DATA_UNDER_CLEAR_BIT, child.toString());
    int parentStale = indexOf(problems, ProblemCode.BLOCK_DATA_UNDER_CLEAR_BIT, dir.resolve("base.vhd").toString());
    assertTrue(childStale >= 0 && parentStale > childStale, problems::toString);
    for (int i = 0; i < childStale; i++) {
      assertEquals(child.toString(), problems.get(i).resource(), "only the child's problems precede its scan's");
    }
    ValidationReport shallow = Vhd.check(child);
    List<Problem> rest = new ArrayList<>(problems);
    rest.removeIf(p -> p.code() == ProblemCode.BLOCK_DATA_UNDER_CLEAR_BIT);
    assertEquals(shallow.problems(), rest, "the deep report is the shallow one plus its scans' problems");
  }

  @Test
  void shouldReportOnceThatAShallowCheckHasNothingToScan() throws IOException {
    Path child = chain();
    List<long[]> reports = new ArrayList<>();

    Vhd.check(child, CheckOptions.defaults(), (done, total) -> reports.add(new long[] {done, total}));

    assertEquals(1, reports.size());
    assertEquals(0, reports.get(0)[0]);
    assertEquals(0, reports.get(0)[1]);

    // A file too damaged to parse is reported on, and the listener still hears the end once.
    Path garbage = java.nio.file.Files.write(dir.resolve("garbage.vhd"), new byte[4096]);
    reports.clear();
    ValidationReport r = Vhd.check(garbage, CheckOptions.defaults().withDeep(true),
        (done, total) -> reports.add(new long[] {done, total}));
    assertTrue(r.hasErrors());
    assertEquals(1, reports.size());
    assertEquals(0, reports.get(0)[1]);
  }

  private static int indexOf(List<Problem> problems, ProblemCode code, String resource) {
    for (int i = 0; i < problems.size(); i++) {
      if (problems.get(i).code() == code && problems.get(i).resource().equals(resource)) {
        return i;
      }
    }
    return -1;
  }
}
