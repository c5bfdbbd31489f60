package io.github.vhd4j.fuzz;

import io.github.vhd4j.Problem;
import java.util.ArrayList;
import java.util.List;

/** Problem lists compared across sources: everything but the resource name. */
final class Problems {
  private Problems() {}

  /** A problem as text without its resource, which differs between a path, a channel and memory. */
  static String normalize(Problem p, String resource) {
    String message = resource.isEmpty() ? p.message() : p.message().replace(resource, "<resource>");
    return p.severity() + " " + p.code() + " " + p.structure() + "." + p.field() + " @" + p.offset()
        + " expected=" + p.expected() + " actual=" + p.actual() + " " + message;
  }

  static List<String> normalize(List<Problem> problems, String resource) {
    List<String> out = new ArrayList<>(problems.size());
    for (Problem p : problems) {
      out.add(normalize(p, p.resource().equals(resource) ? resource : p.resource()));
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
