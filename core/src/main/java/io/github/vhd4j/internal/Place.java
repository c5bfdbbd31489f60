package io.github.vhd4j.internal;

/**
 * A structure stored in a file: its name in problems and its file offset.
 *
 * @param structure the structure's name, for example {@code "footerCopy"}
 * @param base the file offset of its first byte
 */
public record Place(String structure, long base) {

  /**
   * The site of one of the structure's fields.
   *
   * @param field a field of this structure's layout
   * @return its name and absolute offset
   */
  public Site site(Field field) {
    return new Site(structure, field.name(), field.at(base));
  }

  /**
   * The site of one of the structure's fields at an explicit absolute offset (a byte within the
   * field, such as the first non-zero reserved byte).
   *
   * @param field a field of this structure's layout
   * @param offset the absolute offset to report
   * @return the site
   */
  public Site site(Field field, long offset) {
    return new Site(structure, field.name(), offset);
  }
}
