package io.github.vhd4j.cli;

import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints, on standard error, the problems a command goes on despite: each error that
 * {@code --lenient} let an image (or one of its parents) open with, and the warning that another
 * process has an image open for writing ({@link ProblemCode#IMAGE_IN_USE}, lenient or not). One
 * line each, {@code vhd: FILE: warning: structure.field at offset D (0xH): message [CODE]}, where
 * FILE is the file the problem is in. Standard output stays the command's own.
 */
final class Warnings {
  private Warnings() {}

  /**
   * Prints the problems of an opened image (its {@code getWarnings()}, which include its
   * parents'): every error there was downgraded by lenient opening.
   *
   * @param io where to print
   * @param problems the image's warnings
   */
  static void print(Io io, List<Problem> problems) {
    print(io, problems, true);
  }

  /**
   * Prints only the errors lenient opening tolerated, for a command about to change the image: it
   * takes the image exclusively, so another process using it makes it fail with its own error line
   * and an {@link ProblemCode#IMAGE_IN_USE} warning from its read-only look would only repeat it.
   *
   * @param io where to print
   * @param problems the image's warnings, from that read-only look
   */
  static void printDowngraded(Io io, List<Problem> problems) {
    print(io, problems.stream().filter(p -> p.code() != ProblemCode.IMAGE_IN_USE).toList(), true);
  }

  /**
   * Prints the problems that warrant a warning line.
   *
   * @param io where to print
   * @param problems what was found
   * @param errorsDowngraded whether the errors among them were tolerated (an open) rather than
   *     reported as the command's answer (a check, whose output lists them)
   */
  static void print(Io io, List<Problem> problems, boolean errorsDowngraded) {
    List<String> lines = lines(problems, errorsDowngraded);
    for (String line : lines) {
      io.err.println(line);
    }
    if (!lines.isEmpty()) {
      io.err.flush();
    }
  }

  /**
   * Returns the warning lines {@link #print(Io, List, boolean)} prints, for a caller that prints
   * them later (a batch, in the order of its images).
   *
   * @param problems what was found
   * @param errorsDowngraded as for {@link #print(Io, List, boolean)}
   * @return the lines, often none
   */
  static List<String> lines(List<Problem> problems, boolean errorsDowngraded) {
    List<String> out = new ArrayList<>(0);
    for (Problem p : problems) {
      if (errorsDowngraded && p.severity() == Severity.ERROR || p.code() == ProblemCode.IMAGE_IN_USE) {
        out.add(line(p));
      }
    }
    return out;
  }

  /**
   * Formats one problem as its warning line.
   *
   * @param p the problem
   * @return {@code vhd: FILE: warning: ...}, control characters escaped
   */
  static String line(Problem p) {
    return "vhd: " + Errors.oneLine(p.resource()) + ": warning: " + Errors.oneLine(p.describe()) + " ["
        + p.code().name() + "]";
  }
}
