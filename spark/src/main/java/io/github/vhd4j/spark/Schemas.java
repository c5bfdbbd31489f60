package io.github.vhd4j.spark;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The fixed schema of each mode: known without any I/O. */
final class Schemas {
  private Schemas() {}

  private static StructField col(String name, org.apache.spark.sql.types.DataType type, boolean nullable) {
    return DataTypes.createStructField(name, type, nullable);
  }

  /** One element of the images mode's problems array, as the library's Problem. */
  static final StructType PROBLEM = DataTypes.createStructType(new StructField[] {
      col("code", DataTypes.StringType, false),
      col("severity", DataTypes.StringType, false),
      col("structure", DataTypes.StringType, false),
      col("field", DataTypes.StringType, false),
      col("offset", DataTypes.LongType, true),
      col("message", DataTypes.StringType, false)});

  static final StructType IMAGES = DataTypes.createStructType(new StructField[] {
      col("path", DataTypes.StringType, false),
      col("format", DataTypes.StringType, true),
      col("diskType", DataTypes.StringType, true),
      col("virtualSize", DataTypes.LongType, true),
      col("fileSize", DataTypes.LongType, true),
      col("blockSize", DataTypes.LongType, true),
      col("creator", DataTypes.StringType, true),
      col("uuid", DataTypes.StringType, true),
      col("parent", DataTypes.StringType, true),
      col("chainDepth", DataTypes.IntegerType, true),
      col("problems", DataTypes.createArrayType(PROBLEM, false), true),
      col("error", DataTypes.StringType, true)});

  static final StructType EXTENTS = DataTypes.createStructType(new StructField[] {
      col("path", DataTypes.StringType, false),
      col("start", DataTypes.LongType, false),
      col("length", DataTypes.LongType, false),
      col("depth", DataTypes.IntegerType, false),
      col("data", DataTypes.BooleanType, false),
      col("zero", DataTypes.BooleanType, false),
      col("offset", DataTypes.LongType, true)});

  static final StructType CONTENT = DataTypes.createStructType(new StructField[] {
      col("path", DataTypes.StringType, false),
      col("offset", DataTypes.LongType, false),
      col("length", DataTypes.IntegerType, false),
      col("data", DataTypes.BinaryType, false)});

  static StructType of(ReadOptions.Mode mode) {
    return switch (mode) {
      case IMAGES -> IMAGES;
      case EXTENTS -> EXTENTS;
      case CONTENT -> CONTENT;
    };
  }
}
