package io.github.vhd4j;

import java.util.List;
import java.util.Objects;

/**
 * Everything {@link Vhd#check} found in an image and, when checked, its parent chain.
 *
 * @param resource the image that was checked
 * @param problems every problem, in the order found (the top image first, then its parents)
 * @param deep whether block bitmaps and the data under clear bits were scanned
 */
public record ValidationReport(String resource, List<Problem> problems, boolean deep) {

  /**
   * Creates a report, copying the list.
   *
   * @param resource the image checked
   * @param problems every problem found
   * @param deep whether bitmaps were scanned
   */
  public ValidationReport {
    Objects.requireNonNull(resource, "resource");
    problems = List.copyOf(problems);
  }

  /**
   * Tells whether any problem has severity {@link Severity#ERROR}.
   *
   * @return true when the image is not valid
   */
  public boolean hasErrors() {
    return problems.stream().anyMatch(p -> p.severity() == Severity.ERROR);
  }

  /**
   * Returns the problems of one severity.
   *
   * @param severity the severity to select
   * @return the matching problems, in report order
   */
  public List<Problem> problems(Severity severity) {
    Objects.requireNonNull(severity, "severity");
    return problems.stream().filter(p -> p.severity() == severity).toList();
  }

  /**
   * Tells whether a problem with the given code was reported.
   *
   * @param code the code to look for
   * @return true when at least one problem has that code
   */
  public boolean contains(ProblemCode code) {
    return problems.stream().anyMatch(p -> p.code() == code);
  }
}
