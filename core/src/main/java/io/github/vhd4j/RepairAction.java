package io.github.vhd4j;

/**
 * One change {@link Vhd#repair} made, or would make in a dry run.
 *
 * @param structure the structure changed: {@code footer}, {@code footerCopy}, {@code header} or
 *     {@code bat}
 * @param offset absolute file offset of the bytes written
 * @param description what is changed and why, for example {@code "rewrite the footer at the end
 *     of the file from the valid copy at offset 0"}
 */
public record RepairAction(String structure, long offset, String description) {
  @Override
  public String toString() {
    return structure + " at offset " + offset + ": " + description;
  }
}
