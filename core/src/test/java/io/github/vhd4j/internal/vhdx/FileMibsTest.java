package io.github.vhd4j.internal.vhdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The MiB set behind the overlap check, against {@link BitSet} across word and page boundaries. */
class FileMibsTest {
  @Test
  void shouldClaimAndFindRangesLikeABitSet() {
    SplittableRandom r = new SplittableRandom(17);
    long capacity = 3L << 16;
    FileMibs claimed = new FileMibs(capacity);
    FileMibs shared = new FileMibs(capacity);
    BitSet once = new BitSet();
    BitSet twice = new BitSet();
    for (int k = 0; k < 3000; k++) {
      int from = r.nextInt((int) capacity - 300);
      int to = from + 1 + r.nextInt(k % 10 == 0 ? 300 : 70);
      boolean again = once.get(from, to).cardinality() > 0;
      BitSet both = once.get(from, to);
      for (int b = both.nextSetBit(0); b >= 0; b = both.nextSetBit(b + 1)) {
        twice.set(from + b);
      }
      once.set(from, to);
      assertEquals(again, claimed.claim(from, to, shared), "claim " + from + ".." + to);
    }
    for (int k = 0; k < 3000; k++) {
      int from = r.nextInt((int) capacity - 200);
      int to = from + 1 + r.nextInt(200);
      assertEquals(once.get(from, to).cardinality() > 0, claimed.any(from, to), from + ".." + to);
      assertEquals(twice.get(from, to).cardinality() > 0, shared.any(from, to), from + ".." + to);
    }
    assertFalse(claimed.isEmpty());
    assertFalse(shared.isEmpty());
  }

  @Test
  void shouldHandleTheEdgesOfWordsAndPages() {
    FileMibs claimed = new FileMibs(1L << 17);
    FileMibs shared = new FileMibs(1L << 17);
    assertFalse(claimed.claim(63, 65, shared));
    assertFalse(claimed.any(62, 63));
    assertTrue(claimed.any(64, 65));
    assertFalse(claimed.any(65, 66));
    assertFalse(claimed.claim((1 << 16) - 1, (1 << 16) + 1, shared), "across a page");
    assertTrue(claimed.claim(0, 64, shared));
    assertTrue(shared.any(63, 64));
    assertFalse(shared.any(0, 63));
    assertThrows(IllegalArgumentException.class, () -> new FileMibs((BatTable.MAX_FILE_END >>> 20) + 1));
  }
}
