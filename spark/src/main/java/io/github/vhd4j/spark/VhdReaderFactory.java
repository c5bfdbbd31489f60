package io.github.vhd4j.spark;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

/** Shipped to the executors: the read's options, the Hadoop configuration and the pruned schema. */
final class VhdReaderFactory implements PartitionReaderFactory {
  private static final long serialVersionUID = 1L;

  private final SerializableConfiguration conf;
  private final ReadOptions options;
  private final StructType required;

  VhdReaderFactory(SerializableConfiguration conf, ReadOptions options, StructType required) {
    this.conf = conf;
    this.options = options;
    this.required = required;
  }

  @Override
  public PartitionReader<InternalRow> createReader(InputPartition partition) {
    Rows rows = new Rows(Schemas.of(options.mode()), required);
    if (partition instanceof ContentPartition c) {
      return new ContentReader(conf.value(), options, rows, c);
    }
    ImagesPartition p = (ImagesPartition) partition;
    return options.mode() == ReadOptions.Mode.EXTENTS
        ? new ExtentsReader(conf.value(), options, rows, p)
        : new ImagesReader(conf.value(), options, rows, p);
  }
}
