package io.github.vhd4j.internal;

import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Collects the problems found while parsing one image. Each error remembers whether lenient mode
 * may open the image despite it. A hostile image could repeat one fault millions of times (every
 * BAT entry overlapping, say), so each code keeps at most {@link #MAX_PER_CODE} entries and a
 * summary of the rest.
 */
public final class Problems {
  /** Most problems of one code that are listed individually. */
  public static final int MAX_PER_CODE = 32;

  private final String resource;
  private final List<Problem> problems = new ArrayList<>();
  private final List<Boolean> recoverable = new ArrayList<>();
  private final Map<ProblemCode, Integer> counts = new EnumMap<>(ProblemCode.class);
  private final Map<ProblemCode, Problem> firstSuppressed = new EnumMap<>(ProblemCode.class);

  /**
   * Creates an empty collector.
   *
   * @param resource the image name put into every problem
   */
  public Problems(String resource) {
    this.resource = resource;
  }

  /**
   * Returns the image name.
   *
   * @return the resource
   */
  public String resource() {
    return resource;
  }

  /**
   * Builds a problem without recording it.
   *
   * @param severity severity
   * @param code code
   * @param structure structure name
   * @param field field name
   * @param offset absolute file offset or -1
   * @param expected expected value or null
   * @param actual actual value or null
   * @param note explanation, appended after {@code expected ..., found ...} when both are given
   * @return the problem
   */
  public Problem make(Severity severity, ProblemCode code, String structure, String field, long offset,
      @Nullable String expected, @Nullable String actual, @Nullable String note) {
    String message;
    if (expected != null && actual != null) {
      message = "expected " + expected + ", found " + actual + (note == null ? "" : ": " + note);
    } else if (actual != null) {
      message = "found " + actual + (note == null ? "" : ": " + note);
    } else {
      message = note == null ? code.name() : note;
    }
    return new Problem(code, severity, resource, structure, field, offset, expected, actual, message);
  }

  /**
   * Records a problem.
   *
   * @param problem the problem
   * @param lenientRecoverable for errors: whether lenient mode may still open the image
   */
  public void add(Problem problem, boolean lenientRecoverable) {
    int n = counts.merge(problem.code(), 1, Integer::sum);
    if (n > MAX_PER_CODE) {
      firstSuppressed.putIfAbsent(problem.code(), problem);
      if (problem.severity() == Severity.ERROR && !lenientRecoverable) {
        // An unrecoverable error must never be hidden by the cap.
        problems.add(problem);
        recoverable.add(false);
      }
      return;
    }
    problems.add(problem);
    recoverable.add(lenientRecoverable);
  }

  /**
   * Records an error.
   *
   * @param code code
   * @param lenientRecoverable whether lenient mode may still open the image
   * @param structure structure
   * @param field field
   * @param offset offset or -1
   * @param expected expected or null
   * @param actual actual or null
   * @param note explanation or null
   * @return the recorded problem
   */
  public Problem error(ProblemCode code, boolean lenientRecoverable, String structure, String field,
      long offset, @Nullable String expected, @Nullable String actual, @Nullable String note) {
    Problem p = make(Severity.ERROR, code, structure, field, offset, expected, actual, note);
    add(p, lenientRecoverable);
    return p;
  }

  /**
   * Records a warning.
   *
   * @param code code
   * @param structure structure
   * @param field field
   * @param offset offset or -1
   * @param expected expected or null
   * @param actual actual or null
   * @param note explanation or null
   */
  public void warning(ProblemCode code, String structure, String field, long offset,
      @Nullable String expected, @Nullable String actual, @Nullable String note) {
    add(make(Severity.WARNING, code, structure, field, offset, expected, actual, note), true);
  }

  /**
   * Records a note.
   *
   * @param code code
   * @param structure structure
   * @param field field
   * @param offset offset or -1
   * @param note explanation
   */
  public void info(ProblemCode code, String structure, String field, long offset, String note) {
    add(make(Severity.INFO, code, structure, field, offset, null, null, note), true);
  }

  /**
   * Records an error that makes further parsing impossible and returns the exception that stops
   * the parser.
   *
   * @param code code
   * @param structure structure
   * @param field field
   * @param offset offset or -1
   * @param expected expected or null
   * @param actual actual or null
   * @param note explanation or null
   * @return the exception to throw
   */
  public StopParsing fatal(ProblemCode code, String structure, String field, long offset,
      @Nullable String expected, @Nullable String actual, @Nullable String note) {
    return new StopParsing(error(code, false, structure, field, offset, expected, actual, note), -1, -1);
  }

  /**
   * Like {@link #fatal}, for a safety limit; the stop carries the requested amount and the limit.
   *
   * @param code code
   * @param structure structure
   * @param field field
   * @param offset offset
   * @param requested what the image asks for
   * @param limit the enforced maximum
   * @param note explanation
   * @return the exception to throw
   */
  public StopParsing limit(ProblemCode code, String structure, String field, long offset,
      long requested, long limit, String note) {
    Problem p = error(code, false, structure, field, offset, "at most " + limit, Long.toString(requested), note);
    return new StopParsing(p, requested, limit);
  }

  /**
   * Returns every problem, with a summary per code whose problems were capped.
   *
   * @return the problems in the order found
   */
  public List<Problem> list() {
    List<Problem> out = new ArrayList<>(problems);
    for (Map.Entry<ProblemCode, Problem> e : firstSuppressed.entrySet()) {
      int more = counts.get(e.getKey()) - MAX_PER_CODE;
      Problem first = e.getValue();
      out.add(new Problem(first.code(), first.severity(), resource, first.structure(), first.field(),
          -1, null, null, more + " more problem(s) of this kind not listed, the first: " + first.describe()));
    }
    return out;
  }

  /**
   * Returns the first error lenient mode may not open, if any.
   *
   * @return the error, or null
   */
  public @Nullable Problem firstUnrecoverableError() {
    for (int i = 0; i < problems.size(); i++) {
      if (problems.get(i).severity() == Severity.ERROR && !recoverable.get(i)) {
        return problems.get(i);
      }
    }
    return null;
  }

  /**
   * Returns the first error, if any.
   *
   * @return the error, or null
   */
  public @Nullable Problem firstError() {
    for (Problem p : problems) {
      if (p.severity() == Severity.ERROR) {
        return p;
      }
    }
    return null;
  }
}
