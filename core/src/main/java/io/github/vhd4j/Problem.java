package io.github.vhd4j;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One finding of the validator: what is wrong, where, and how badly.
 *
 * @param code stable identifier of the kind of problem
 * @param severity how serious it is
 * @param resource the image file (or other source) the problem was found in
 * @param structure the on-disk structure, for example {@code "footer"}, {@code "header"},
 *     {@code "bat"}, {@code "parentLocator[2]"} or {@code "block[7]"}
 * @param field the field inside the structure, for example {@code "checksum"}
 * @param offset absolute file offset of the field in bytes, or {@code -1} when not applicable
 * @param expected what the specification requires, or {@code null} when there is no single value
 * @param actual what the image holds, or {@code null} when not applicable
 * @param message a human-readable explanation, without the location prefix
 */
public record Problem(
    ProblemCode code,
    Severity severity,
    String resource,
    String structure,
    String field,
    long offset,
    @Nullable String expected,
    @Nullable String actual,
    String message) {


  /**
   * Returns the location and explanation on one line, without the resource, for example
   * {@code footer.checksum at offset 6295040 (0x600e00): expected 0xffffec32, found 0x12345678}.
   *
   * @return the one-line description
   */
  public String describe() {
    StringBuilder sb = new StringBuilder(96);
    sb.append(structure).append('.').append(field);
    if (offset >= 0) {
      sb.append(" at offset ").append(offset).append(" (0x").append(Long.toHexString(offset)).append(')');
    }
    return sb.append(": ").append(message).toString();
  }

  /**
   * Returns this problem with another severity, used when lenient opening downgrades an error.
   *
   * @param newSeverity the severity of the copy
   * @return a copy with {@code newSeverity}
   */
  public Problem withSeverity(Severity newSeverity) {
    return new Problem(code, newSeverity, resource, structure, field, offset, expected, actual, message);
  }

  /**
   * Returns the one-line description followed by the resource in parentheses.
   *
   * @return a string such as {@code header.checksum at offset 548 (0x224): ... (disk.vhd)}
   */
  @Override
  public String toString() {
    return severity.name().toLowerCase(Locale.ROOT) + ": " + describe() + " (" + resource + ")";
  }
}
