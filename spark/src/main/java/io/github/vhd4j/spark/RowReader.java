package io.github.vhd4j.spark;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.jspecify.annotations.Nullable;

/**
 * What every mode's reader shares: the row {@link #next()} last produced, which Spark reads with
 * {@link #get()} until the next call.
 */
abstract class RowReader implements PartitionReader<InternalRow> {
  /** The row the last successful {@link #next()} produced; null before the first. */
  protected @Nullable InternalRow current;

  @Override
  public final InternalRow get() {
    InternalRow row = current;
    if (row == null) {
      throw new IllegalStateException("next() has not returned true");
    }
    return row;
  }
}
