package io.github.vhd4j.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.SizePolicy;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import org.jspecify.annotations.Nullable;

/**
 * The options of one read, parsed and checked once on the driver (a bad option fails the query
 * before any task runs) and shipped to the tasks.
 */
record ReadOptions(
    Mode mode,
    List<String> paths,
    boolean lenient,
    SizePolicy sizePolicy,
    int chunkSize,
    boolean includeZero,
    long maxPartitionBytes,
    boolean skipOnError,
    boolean recursiveFileLookup,
    @Nullable String pathGlobFilter,
    List<String> parentDirectories,
    int imagesPerPartition) implements Serializable {

  private static final long serialVersionUID = 1L;

  static final int DEFAULT_CHUNK_SIZE = 4 << 20;
  static final int MAX_CHUNK_SIZE = 64 << 20;
  static final long DEFAULT_MAX_PARTITION_BYTES = 128L << 20;

  /** What a read returns. */
  enum Mode {
    IMAGES, EXTENTS, CONTENT
  }

  ReadOptions {
    paths = List.copyOf(paths);
    parentDirectories = List.copyOf(parentDirectories);
  }

  /** The open options the library is given, everywhere the read opens an image. */
  OpenOptions openOptions() {
    return OpenOptions.defaults().withLenient(lenient).withSizePolicy(sizePolicy);
  }

  /** Only the mode: what the schema depends on. */
  static Mode mode(Map<String, String> options) {
    String m = get(options, "mode");
    if (m == null) {
      return Mode.IMAGES;
    }
    return switch (m.trim().toLowerCase(Locale.ROOT)) {
      case "images" -> Mode.IMAGES;
      case "extents" -> Mode.EXTENTS;
      case "content" -> Mode.CONTENT;
      default -> throw new IllegalArgumentException("vhd: option mode must be images, extents or content, not '" + m + "'");
    };
  }

  static ReadOptions parse(CaseInsensitiveStringMap options) {
    Map<String, String> o = options;
    int chunk = Math.toIntExact(size(o, "chunkSize", DEFAULT_CHUNK_SIZE));
    if (chunk < 512 || chunk > MAX_CHUNK_SIZE || chunk % 512 != 0) {
      throw new IllegalArgumentException(
          "vhd: option chunkSize must be a multiple of 512 from 512 to 64 MiB, not " + chunk);
    }
    long maxPartition = size(o, "maxPartitionBytes", DEFAULT_MAX_PARTITION_BYTES);
    if (maxPartition < 1) {
      throw new IllegalArgumentException("vhd: option maxPartitionBytes must be positive, not " + maxPartition);
    }
    String onError = get(o, "onError");
    boolean skip;
    if (onError == null || onError.equalsIgnoreCase("fail")) {
      skip = false;
    } else if (onError.equalsIgnoreCase("skip")) {
      skip = true;
    } else {
      throw new IllegalArgumentException("vhd: option onError must be fail or skip, not '" + onError + "'");
    }
    int perPartition = (int) size(o, "imagesPerPartition", 0);
    if (perPartition < 0) {
      throw new IllegalArgumentException("vhd: option imagesPerPartition must not be negative");
    }
    return new ReadOptions(mode(o), paths(o), bool(o, "lenient", false), sizePolicy(get(o, "sizePolicy")), chunk,
        bool(o, "includeZero", false), maxPartition, skip, bool(o, "recursiveFileLookup", false),
        get(o, "pathGlobFilter"), list(get(o, "parentDirectories")), perPartition);
  }

  private static @Nullable String get(Map<String, String> o, String key) {
    // Both map kinds Spark hands over: case-insensitive (reads) and a plain map (getTable).
    String v = o.get(key);
    if (v == null) {
      for (Map.Entry<String, String> e : o.entrySet()) {
        if (e.getKey().equalsIgnoreCase(key)) {
          return e.getValue();
        }
      }
    }
    return v;
  }

  private static boolean bool(Map<String, String> o, String key, boolean dflt) {
    String v = get(o, key);
    if (v == null) {
      return dflt;
    }
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("vhd: option " + key + " must be true or false, not '" + v + "'");
    };
  }

  /** A byte count: digits with an optional k, m or g suffix (powers of 1024). */
  static long size(Map<String, String> o, String key, long dflt) {
    String v = get(o, key);
    if (v == null) {
      return dflt;
    }
    String s = v.trim().toLowerCase(Locale.ROOT);
    long unit = 1;
    if (s.endsWith("b")) {
      s = s.substring(0, s.length() - 1);
    }
    if (!s.isEmpty()) {
      char last = s.charAt(s.length() - 1);
      unit = switch (last) {
        case 'k' -> 1L << 10;
        case 'm' -> 1L << 20;
        case 'g' -> 1L << 30;
        default -> 1;
      };
      if (unit != 1) {
        s = s.substring(0, s.length() - 1);
      }
    }
    try {
      return Math.multiplyExact(Long.parseLong(s.trim()), unit);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("vhd: option " + key + " must be a byte count such as 4194304 or 4m, not '"
          + v + "'", e);
    }
  }

  private static SizePolicy sizePolicy(@Nullable String v) {
    if (v == null) {
      return SizePolicy.AUTO;
    }
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "auto" -> SizePolicy.AUTO;
      case "chs" -> SizePolicy.CHS;
      case "current", "current-size", "current_size" -> SizePolicy.CURRENT_SIZE;
      default -> throw new IllegalArgumentException("vhd: option sizePolicy must be auto, chs or current, not '" + v + "'");
    };
  }

  private static List<String> list(@Nullable String v) {
    if (v == null || v.isBlank()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String s : v.split(",")) {
      if (!s.isBlank()) {
        out.add(s.trim());
      }
    }
    return out;
  }

  /** load(p) arrives as option "path", load(p1, p2) as option "paths", a JSON array. */
  private static List<String> paths(Map<String, String> o) {
    List<String> out = new ArrayList<>();
    String one = get(o, "path");
    if (one != null) {
      out.add(one);
    }
    String many = get(o, "paths");
    if (many != null) {
      try {
        out.addAll(Arrays.asList(new ObjectMapper().readValue(many, String[].class)));
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("vhd: option paths is not a JSON array of strings: " + many, e);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("vhd: no path given: use load(path) or load(path, ...)");
    }
    return out;
  }
}
