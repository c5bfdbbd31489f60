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
  private final int[] counts = new int[ProblemCode.values().length];
  private final Map<ProblemCode, Severity> suppressed = new EnumMap<>(ProblemCode.class);

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
   * Counts one problem of a code and tells whether it is still under the cap. Loops over
   * attacker-sized tables call this first, so that problems beyond the cap cost a counter
   * increment, not a message.
   *
   * @param code the code
   * @param severity its severity (used for the summary of suppressed problems)
   * @return true when the problem should be built and recorded
   */
  public boolean admit(ProblemCode code, Severity severity) {
    int n = ++counts[code.ordinal()];
    if (n > MAX_PER_CODE) {
      suppressed.putIfAbsent(code, severity);
      return false;
    }
    return true;
  }

  /**
   * Counts {@code n} problems of a code that the caller found but did not build, as {@code n}
   * calls of {@link #admit} would (for problems past the cap, which only the summary mentions).
   *
   * @param code the code
   * @param severity its severity (used for the summary)
   * @param n the number of problems
   */
  public void admitAll(ProblemCode code, Severity severity, int n) {
    if (n <= 0) {
      return;
    }
    counts[code.ordinal()] += n;
    if (counts[code.ordinal()] > MAX_PER_CODE) {
      suppressed.putIfAbsent(code, severity);
    }
  }

  /**
   * Records a problem, unless its code is over the cap (unrecoverable errors are always kept).
   *
   * @param problem the problem
   * @param lenientRecoverable for errors: whether lenient mode may still open the image
   */
  public void add(Problem problem, boolean lenientRecoverable) {
    boolean unrecoverable = problem.severity() == Severity.ERROR && !lenientRecoverable;
    if (!admit(problem.code(), problem.severity()) && !unrecoverable) {
      return;
    }
    problems.add(problem);
    recoverable.add(lenientRecoverable);
  }

  /**
   * Records an already admitted problem (see {@link #admit}).
   *
   * @param problem the problem
   * @param lenientRecoverable for errors: whether lenient mode may still open the image
   */
  public void addAdmitted(Problem problem, boolean lenientRecoverable) {
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
   * Builds a problem at a site without recording it.
   *
   * @param severity severity
   * @param code code
   * @param site structure, field and offset
   * @param expected expected value or null
   * @param actual actual value or null
   * @param note explanation or null
   * @return the problem
   */
  public Problem make(Severity severity, ProblemCode code, Site site, @Nullable String expected,
      @Nullable String actual, @Nullable String note) {
    return make(severity, code, site.structure(), site.field(), site.offset(), expected, actual, note);
  }

  /**
   * Records an error at a site.
   *
   * @param code code
   * @param lenientRecoverable whether lenient mode may still open the image
   * @param site structure, field and offset
   * @param expected expected or null
   * @param actual actual or null
   * @param note explanation or null
   * @return the recorded problem
   */
  public Problem error(ProblemCode code, boolean lenientRecoverable, Site site, @Nullable String expected,
      @Nullable String actual, @Nullable String note) {
    return error(code, lenientRecoverable, site.structure(), site.field(), site.offset(), expected, actual, note);
  }

  /**
   * Records a warning at a site.
   *
   * @param code code
   * @param site structure, field and offset
   * @param expected expected or null
   * @param actual actual or null
   * @param note explanation or null
   */
  public void warning(ProblemCode code, Site site, @Nullable String expected, @Nullable String actual,
      @Nullable String note) {
    warning(code, site.structure(), site.field(), site.offset(), expected, actual, note);
  }

  /**
   * Records a note at a site.
   *
   * @param code code
   * @param site structure, field and offset
   * @param note explanation
   */
  public void info(ProblemCode code, Site site, String note) {
    info(code, site.structure(), site.field(), site.offset(), note);
  }

  /**
   * Records an error at a site that stops the parser (see {@link #fatal(ProblemCode, String,
   * String, long, String, String, String)}).
   *
   * @param code code
   * @param site structure, field and offset
   * @param expected expected or null
   * @param actual actual or null
   * @param note explanation or null
   * @return the exception to throw
   */
  public StopParsing fatal(ProblemCode code, Site site, @Nullable String expected, @Nullable String actual,
      @Nullable String note) {
    return fatal(code, site.structure(), site.field(), site.offset(), expected, actual, note);
  }

  /**
   * Records a safety limit at a site (see {@link #limit(ProblemCode, String, String, long, long,
   * long, String)}).
   *
   * @param code code
   * @param site structure, field and offset
   * @param requested what the image asks for
   * @param limit the enforced maximum
   * @param note explanation
   * @return the exception to throw
   */
  public StopParsing limit(ProblemCode code, Site site, long requested, long limit, String note) {
    return limit(code, site.structure(), site.field(), site.offset(), requested, limit, note);
  }

  /**
   * Returns every problem, with a summary per code whose problems were capped.
   *
   * @return the problems in the order found
   */
  public List<Problem> list() {
    List<Problem> out = new ArrayList<>(problems);
    for (Map.Entry<ProblemCode, Severity> e : suppressed.entrySet()) {
      int more = counts[e.getKey().ordinal()] - MAX_PER_CODE;
      out.add(new Problem(e.getKey(), e.getValue(), resource, "*", "*", -1, null, null,
          more + " more problem(s) with code " + e.getKey() + " not listed"));
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
