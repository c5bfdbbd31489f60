package io.github.vhd4j.internal;

/**
 * Where a problem is: a structure's name, one of its fields' names and the field's absolute file
 * offset, all taken from the structure's layout.
 *
 * @param structure the structure's name, for example {@code "footer"} or {@code "parentLocator[2]"}
 * @param field the field's name
 * @param offset the absolute file offset, or -1 when the problem has no single place
 */
public record Site(String structure, String field, long offset) {}
