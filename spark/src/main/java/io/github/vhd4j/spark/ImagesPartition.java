package io.github.vhd4j.spark;

import java.util.List;
import org.apache.spark.sql.connector.read.InputPartition;

/**
 * A group of whole images, read by one task in {@code images} or {@code extents} mode.
 *
 * @param images the images, in path order
 */
record ImagesPartition(List<FileRef> images) implements InputPartition {
  private static final long serialVersionUID = 1L;

  ImagesPartition {
    images = List.copyOf(images);
  }
}
