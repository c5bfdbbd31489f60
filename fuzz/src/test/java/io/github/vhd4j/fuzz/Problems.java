package io.github.vhd4j.fuzz;

import io.github.vhd4j.Problem;
import java.util.ArrayList;
import java.util.List;

/** Problem lists compared across sources: everything but the resource name. */
final class Problems {
  private Problems() {}

  /**
   * A problem as text without its resource, which differs between a path, a channel and memory.
   * Messages never name the image they are about, so they are compared as they are (replacing the
   * resource name in them would also rewrite image bytes that happen to spell it).
   */
  static String normalize(Problem p) {
    return p.severity() + " " + p.code() + " " + p.structure() + "." + p.field() + " @" + p.offset()
        + " expected=" + p.expected() + " actual=" + p.actual() + " " + p.message();
  }

  /**
   * The problems as text; those of another image of the chain keep their resource name.
   *
   * @param top the resource of the image the list is about
   */
  static List<String> normalize(List<Problem> problems, String top) {
    List<String> out = new ArrayList<>(problems.size());
    for (Problem p : problems) {
      out.add(p.resource().equals(top) ? normalize(p) : normalize(p) + " (" + p.resource() + ")");
    }
    return out;
  }

  /** Tells whether {@code small} occurs in {@code big} in the same order (not necessarily adjacent). */
  static boolean isSubsequence(List<String> small, List<String> big) {
    int j = 0;
    for (String s : big) {
      if (j < small.size() && small.get(j).equals(s)) {
        j++;
      }
    }
    return j == small.size();
  }
}
