package io.github.vhd4j.spark;

import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomSumMetric;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;

/**
 * The custom metrics of a {@code vhd} scan, summed over its tasks and shown on the scan node of
 * the SQL UI (and in {@code BatchScanExec.metrics()} under the names below). Spark creates the
 * metric classes by reflection, hence their public no-argument constructors.
 */
public final class VhdMetrics {
  /** Name of the bytes read from image files (tables, headers and data). */
  public static final String BYTES_READ = "bytesRead";
  /** Name of the number of images refused: an error row (images mode) or left out (onError=skip). */
  public static final String IMAGES_REFUSED = "imagesRefused";
  /** Name of the number of content chunks left out because their image failed (onError=skip). */
  public static final String CHUNKS_SKIPPED = "chunksSkipped";
  /** Name of the bytes of all-zero chunks that were not emitted (content mode, includeZero=false). */
  public static final String ZERO_BYTES_SKIPPED = "zeroBytesSkipped";

  private VhdMetrics() {}

  static CustomMetric[] all() {
    return new CustomMetric[] {new BytesRead(), new ImagesRefused(), new ChunksSkipped(), new ZeroBytesSkipped()};
  }

  static CustomTaskMetric value(String name, long value) {
    return new TaskValue(name, value);
  }

  private record TaskValue(String name, long value) implements CustomTaskMetric {}

  /** Bytes read from image files. */
  public static final class BytesRead extends CustomSumMetric {
    /** Creates the metric (Spark does, by reflection). */
    public BytesRead() {}

    /**
     * Returns the metric's name.
     *
     * @return {@value VhdMetrics#BYTES_READ}
     */
    @Override
    public String name() {
      return BYTES_READ;
    }

    /**
     * Returns the metric's description.
     *
     * @return the description shown in the UI
     */
    @Override
    public String description() {
      return "vhd bytes read";
    }
  }

  /** Images refused. */
  public static final class ImagesRefused extends CustomSumMetric {
    /** Creates the metric (Spark does, by reflection). */
    public ImagesRefused() {}

    /**
     * Returns the metric's name.
     *
     * @return {@value VhdMetrics#IMAGES_REFUSED}
     */
    @Override
    public String name() {
      return IMAGES_REFUSED;
    }

    /**
     * Returns the metric's description.
     *
     * @return the description shown in the UI
     */
    @Override
    public String description() {
      return "vhd images refused";
    }
  }

  /** Content chunks left out after an error. */
  public static final class ChunksSkipped extends CustomSumMetric {
    /** Creates the metric (Spark does, by reflection). */
    public ChunksSkipped() {}

    /**
     * Returns the metric's name.
     *
     * @return {@value VhdMetrics#CHUNKS_SKIPPED}
     */
    @Override
    public String name() {
      return CHUNKS_SKIPPED;
    }

    /**
     * Returns the metric's description.
     *
     * @return the description shown in the UI
     */
    @Override
    public String description() {
      return "vhd chunks skipped after errors";
    }
  }

  /** Bytes of all-zero chunks not emitted. */
  public static final class ZeroBytesSkipped extends CustomSumMetric {
    /** Creates the metric (Spark does, by reflection). */
    public ZeroBytesSkipped() {}

    /**
     * Returns the metric's name.
     *
     * @return {@value VhdMetrics#ZERO_BYTES_SKIPPED}
     */
    @Override
    public String name() {
      return ZERO_BYTES_SKIPPED;
    }

    /**
     * Returns the metric's description.
     *
     * @return the description shown in the UI
     */
    @Override
    public String description() {
      return "vhd zero bytes skipped";
    }
  }
}
