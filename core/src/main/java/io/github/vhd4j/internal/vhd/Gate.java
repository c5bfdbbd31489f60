package io.github.vhd4j.internal.vhd;

import io.github.vhd4j.internal.ParseMode;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.UnsupportedVhdFeatureException;
import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.internal.Problems;
import io.github.vhd4j.internal.StopParsing;
import io.github.vhd4j.internal.storage.Storage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Parses one image file and refuses what its use cannot accept: the one place that decides, for
 * every way vhd4j takes an image (read, written, resized or compacted, repaired, checked), which
 * problems stop it and with which exception.
 */
final class Gate {
  private Gate() {}

  /** What a parsed image is for. */
  enum Use {
    /**
     * Read, as the top of a chain or a parent: stopped by the first error, in lenient mode by the
     * first one lenient mode cannot read past.
     */
    READ(null, null, false),
    /**
     * Written through an open image: read as {@link #READ}, then, once its chain is open (see
     * {@link #refuse}), also refused for any error lenient mode let through, a lost tail footer
     * (the first allocation would have to rebuild it: that is what repair does) and a saved
     * state (a hibernated virtual machine expects the disk as it left it).
     */
    WRITE("the footer at the end of the file is missing or damaged; repair the image before writing to it",
        "the disk is in a saved state (a hibernated virtual machine's disk); writing to it would corrupt the"
            + " saved machine", true),
    /** Rewritten by resize or compact: read strictly, and refused as {@link #WRITE} is. */
    MAINTAIN("the footer at the end of the file is missing or damaged; repair the image first",
        "the disk is in a saved state; changing it would corrupt the saved virtual machine", false),
    /** Repaired: read leniently, stopped only by what lenient mode cannot read past. */
    REPAIR(null, null, false),
    /** Checked: never stopped; an image that does not parse has no layer. */
    CHECK(null, null, false);

    private final @Nullable String headCopyUsed;
    private final @Nullable String savedState;
    private final boolean needsWritableStorage;

    Use(@Nullable String headCopyUsed, @Nullable String savedState, boolean needsWritableStorage) {
      this.headCopyUsed = headCopyUsed;
      this.savedState = savedState;
      this.needsWritableStorage = needsWritableStorage;
    }

    /** The options this use parses with: maintenance always strictly, repair always leniently. */
    OpenOptions options(OpenOptions given) {
      return this == MAINTAIN ? given.withLenient(false) : this == REPAIR ? given.withLenient(true) : given;
    }
  }

  /**
   * A parsed image and every problem its parse found.
   *
   * @param layer the layer; null only when a {@link Use#CHECK} parse stopped
   * @param problems the problems, in the order found
   */
  record Admitted(@Nullable Layer layer, Problems problems) {}

  /**
   * Parses an image for a use and refuses it when the use cannot accept it. {@link Use#WRITE} is
   * refused only by {@link #refuse}, once the chain is open.
   *
   * @param storage the file
   * @param resource its name in messages
   * @param path its path, or null
   * @param options how to read it (see {@link Use#options})
   * @param use what it is for
   * @return the layer and its problems
   * @throws VhdFormatException if the image has a problem this use cannot accept (a
   *     {@link io.github.vhd4j.VhdLimitException} for a safety limit)
   * @throws UnsupportedVhdFeatureException for maintenance, if the tail footer is lost or the disk
   *     is in a saved state
   * @throws IOException if the file cannot be read
   */
  static Admitted admit(Storage storage, String resource, @Nullable Path path, OpenOptions options, Use use)
      throws IOException {
    OpenOptions o = use.options(options);
    Problems p = new Problems(resource);
    Layer layer;
    try {
      layer = LayerParser.parse(storage, resource, path, o, use == Use.CHECK ? ParseMode.CHECK
          : ParseMode.OPEN, p);
    } catch (StopParsing stop) {
      if (use == Use.CHECK) {
        return new Admitted(null, p);
      }
      throw stop.toException(p.list());
    }
    if (use == Use.CHECK) {
      return new Admitted(layer, p);
    }
    Problem err = o.lenient() ? p.firstUnrecoverableError() : p.firstError();
    if (err != null) {
      throw new VhdFormatException(err, p.list());
    }
    if (use == Use.MAINTAIN) {
      refuse(layer, p.list(), use);
    }
    return new Admitted(layer, p);
  }

  /**
   * Refuses to change an image its problems, its tail footer or its saved state make unsafe to
   * change; does nothing for the uses that do not change the image.
   *
   * @param layer the image
   * @param problems every problem found in it so far
   * @param use what it is for
   * @throws IllegalArgumentException if the image must be written and its storage is read-only
   * @throws VhdFormatException for an error lenient mode let through
   * @throws UnsupportedVhdFeatureException if the tail footer is lost or the disk is in a saved
   *     state
   */
  static void refuse(Layer layer, List<Problem> problems, Use use) throws VhdFormatException,
      UnsupportedVhdFeatureException {
    if (use.needsWritableStorage && !layer.storage.isWritable()) {
      throw new IllegalArgumentException(layer.resource + " was opened read-only: writable options need a file"
          + " (or a FileChannel open for writing)");
    }
    if (use.headCopyUsed == null || use.savedState == null) {
      return;
    }
    for (Problem p : problems) {
      // The head copy standing in for the tail footer is refused below, with its own reason.
      if (p.severity() == Severity.ERROR && p.code() != ProblemCode.FOOTER_HEAD_COPY_USED) {
        throw new VhdFormatException(p, problems);
      }
    }
    if (layer.headCopyUsed) {
      throw new UnsupportedVhdFeatureException(use.headCopyUsed, layer.resource, null);
    }
    if (layer.footer.isSavedState()) {
      throw new UnsupportedVhdFeatureException(use.savedState, layer.resource, null);
    }
  }
}
