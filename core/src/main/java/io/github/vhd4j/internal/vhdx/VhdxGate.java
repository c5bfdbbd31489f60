package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.UnsupportedVhdFeatureException;
import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.internal.Problems;
import io.github.vhd4j.internal.StopParsing;
import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.ParseMode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Parses one VHDX file and decides, for an open, whether its problems let it be used: strict opens
 * refuse any error, lenient ones only errors that cannot be downgraded; a check keeps everything.
 */
final class VhdxGate {
  /** Problems that mean "a feature this library does not know", refused as such (MS-VHDX 2.2.3, 2.6.1.2). */
  private static final Set<ProblemCode> UNSUPPORTED = Set.of(ProblemCode.VHDX_REGION_UNKNOWN_REQUIRED,
      ProblemCode.VHDX_METADATA_UNKNOWN_REQUIRED);

  private VhdxGate() {}

  /**
   * A parsed file and its problems.
   *
   * @param layer the layer, or null when a check could not parse the file
   * @param problems every problem found
   */
  record Admitted(@Nullable VhdxLayer layer, Problems problems) {}

  static Admitted admit(Storage storage, String resource, @Nullable Path path, OpenOptions options,
      ParseMode mode) throws IOException {
    Problems p = new Problems(resource);
    VhdxLayer layer;
    try {
      layer = VhdxLayerParser.parse(new VhdxParseContext(storage, resource, path, options, mode, p));
    } catch (StopParsing stop) {
      if (mode == ParseMode.CHECK) {
        return new Admitted(null, p);
      }
      throw refusal(stop.problem(), p, stop.toException(p.list()));
    }
    if (mode == ParseMode.CHECK) {
      return new Admitted(layer, p);
    }
    Problem err = options.lenient() ? p.firstUnrecoverableError() : p.firstError();
    if (err != null) {
      throw refusal(err, p, new VhdFormatException(err, p.list()));
    }
    return new Admitted(layer, p);
  }

  private static IOException refusal(Problem err, Problems p, VhdFormatException format) {
    if (UNSUPPORTED.contains(err.code())) {
      return new UnsupportedVhdFeatureException(err.describe(), p.resource(), format);
    }
    return format;
  }
}
