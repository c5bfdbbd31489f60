package io.github.vhd4j.testing;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.ValidationReport;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.VhdImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/** Assertions shared by the test suites: opening in-memory images and locating reported problems. */
public final class VhdAssertions {
  private VhdAssertions() {}

  /** Opens image bytes held in memory. */
  public static VhdImage open(byte[] file, OpenOptions options) throws IOException {
    return Vhd.open(ByteBuffer.wrap(file), options);
  }

  /** Checks image bytes held in memory with the default options. */
  public static ValidationReport check(byte[] file) throws IOException {
    return Vhd.check(ByteBuffer.wrap(file), CheckOptions.defaults());
  }

  /** Asserts that opening fails with a format error naming this code, structure, field and offset. */
  public static VhdFormatException assertOpenFails(byte[] file, OpenOptions options, ProblemCode code,
      String structure, String field, long offset) {
    VhdFormatException e = assertThrows(VhdFormatException.class, () -> open(file, options).close());
    assertAll(e.getMessage(),
        () -> assertEquals(code, e.getCode(), "code"),
        () -> assertEquals(structure, e.getStructure(), "structure"),
        () -> assertEquals(field, e.getField(), "field"),
        () -> assertEquals(offset, e.getFileOffset(), "file offset"));
    return e;
  }

  /** Returns the first problem with this code, failing when there is none. */
  public static Problem findProblem(List<Problem> problems, ProblemCode code) {
    Problem found = problems.stream().filter(p -> p.code() == code).findFirst().orElse(null);
    assertNotNull(found, () -> code + " not in " + problems);
    return found;
  }

  /** Returns the problem with this code at this structure, field and offset, failing when there is none. */
  public static Problem findProblem(List<Problem> problems, ProblemCode code, String structure, String field,
      long offset) {
    Problem found = problems.stream()
        .filter(p -> p.code() == code && p.structure().equals(structure) && p.field().equals(field)
            && p.offset() == offset)
        .findFirst().orElse(null);
    assertNotNull(found, () -> code + " " + structure + "." + field + " at " + offset + " not in " + problems);
    return found;
  }

  /** Asserts that a problem is listed with this severity. */
  public static Problem assertReported(List<Problem> problems, ProblemCode code, Severity severity,
      String structure, String field, long offset) {
    Problem p = findProblem(problems, code, structure, field, offset);
    assertEquals(severity, p.severity(), p::toString);
    return p;
  }

  /** Asserts that no problem has this code. */
  public static void assertNotReported(List<Problem> problems, ProblemCode code) {
    assertTrue(problems.stream().noneMatch(p -> p.code() == code), () -> code + " unexpected in " + problems);
  }

  /** Asserts that {@code Vhd.check} reports the problem with this severity. */
  public static Problem assertChecked(byte[] file, ProblemCode code, Severity severity, String structure,
      String field, long offset) throws IOException {
    return assertReported(check(file).problems(), code, severity, structure, field, offset);
  }

  /** Asserts that an open image lists the problem among its warnings with this severity. */
  public static Problem assertWarned(VhdImage img, ProblemCode code, Severity severity, String structure,
      String field, long offset) {
    return assertReported(img.getWarnings(), code, severity, structure, field, offset);
  }

  /** Asserts the image's size and every byte of its content. */
  public static void assertContent(byte[] expected, VhdImage img) throws IOException {
    assertEquals(expected.length, img.getSize(), "virtual size");
    assertArrayEquals(expected, readAll(img), "content");
  }

  /** Reads {@code len} bytes of the virtual disk at {@code pos}. */
  public static byte[] read(VhdImage img, long pos, int len) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(len);
    img.readFully(pos, b);
    return b.array();
  }

  /** Copies the remaining bytes of a buffer. */
  public static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  /** Returns {@code n} bytes of one value. */
  public static byte[] filled(int n, int value) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, (byte) value);
    return b;
  }

  /** Reads the whole virtual disk. */
  public static byte[] readAll(VhdImage img) throws IOException {
    ByteBuffer all = ByteBuffer.allocate(Math.toIntExact(img.getSize()));
    img.readFully(0, all);
    return all.array();
  }
}
