package io.github.vhd4j.spark;

import io.github.vhd4j.Problem;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.jspecify.annotations.Nullable;

/**
 * The one place rows are built: Spark's internal value types (UTF8String, boxed numbers,
 * GenericArrayData) are catalyst internals every Java source uses, kept behind this class. A reader
 * fills a row of the mode's full schema by column index; {@link #emit} projects it onto the columns
 * the query asked for, in their order.
 */
final class Rows {
  private final int[] projection;

  /**
   * @param full the mode's whole schema
   * @param required the pruned schema the scan reads
   */
  Rows(StructType full, StructType required) {
    projection = new int[required.fields().length];
    for (int i = 0; i < projection.length; i++) {
      projection[i] = full.fieldIndex(required.fields()[i].name());
    }
  }

  /** Whether a column of the full schema is read, so that readers skip work nobody asked for. */
  boolean wants(int fullIndex) {
    for (int p : projection) {
      if (p == fullIndex) {
        return true;
      }
    }
    return false;
  }

  InternalRow emit(@Nullable Object[] full) {
    Object[] values = new Object[projection.length];
    for (int i = 0; i < projection.length; i++) {
      values[i] = full[projection[i]];
    }
    return new GenericInternalRow(values);
  }

  static @Nullable UTF8String str(@Nullable String s) {
    return s == null ? null : UTF8String.fromString(s);
  }

  static GenericArrayData problems(List<Problem> problems) {
    Object[] rows = new Object[problems.size()];
    for (int i = 0; i < rows.length; i++) {
      Problem p = problems.get(i);
      rows[i] = new GenericInternalRow(new Object[] {
          str(p.code().name()),
          str(p.severity().name().toLowerCase(Locale.ROOT)),
          str(p.structure()),
          str(p.field()),
          p.offset() < 0 ? null : p.offset(),
          str(p.message())});
    }
    return new GenericArrayData(rows);
  }
}
