package io.github.vhd4j.internal.vhdx;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ParentResolution;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.VhdxImage;
import io.github.vhd4j.internal.Problems;
import io.github.vhd4j.internal.StopParsing;
import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.storage.Storages;
import io.github.vhd4j.internal.ParseMode;
import io.github.vhd4j.testing.BuiltVhdx;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A VHDX parse over a file held in memory, for testing the parser's parts one at a time and whole.
 * Opening here applies the rule an open applies to the problems a parse records: strict opens
 * stop at the first error, lenient ones at the first error lenient mode cannot read past.
 */
public final class VhdxParsing {
  /** The problems found. */
  public final Problems problems = new Problems("img");
  /** The parse. */
  public final VhdxParseContext ctx;
  /** The storage parsed. */
  public final Storage storage;

  private VhdxParsing(Storage storage, OpenOptions options, ParseMode mode) {
    this.storage = storage;
    this.ctx = new VhdxParseContext(storage, "img", null, options, mode, problems);
  }

  /**
   * A strict open.
   *
   * @param v the file
   * @return the parse
   */
  public static VhdxParsing open(BuiltVhdx v) {
    return new VhdxParsing(v.storage(), OpenOptions.defaults(), ParseMode.OPEN);
  }

  /**
   * A lenient open.
   *
   * @param v the file
   * @return the parse
   */
  public static VhdxParsing lenient(BuiltVhdx v) {
    return new VhdxParsing(v.storage(), OpenOptions.defaults().withLenient(true), ParseMode.OPEN);
  }

  /**
   * A check.
   *
   * @param v the file
   * @return the parse
   */
  public static VhdxParsing check(BuiltVhdx v) {
    return new VhdxParsing(v.storage(), OpenOptions.defaults(), ParseMode.CHECK);
  }

  /**
   * A strict open of bytes.
   *
   * @param file the bytes
   * @return the parse
   */
  public static VhdxParsing open(byte[] file) {
    return new VhdxParsing(Storages.memory(ByteBuffer.wrap(file), OpenOptions.defaults()), OpenOptions.defaults(),
        ParseMode.OPEN);
  }

  /**
   * Parses the whole file.
   *
   * @return the layer
   * @throws IOException if the file cannot be read
   */
  public VhdxLayer parse() throws IOException {
    return VhdxLayerParser.parse(ctx);
  }

  /**
   * Parses the whole file and returns the problem that stopped it.
   *
   * @return the problem
   */
  public Problem stops() {
    return assertThrows(StopParsing.class, this::parse).problem();
  }

  /**
   * Parses the file as an open would and returns the problem that refuses it, or null when it
   * opens.
   *
   * @return the refusing problem, or null
   * @throws IOException if the file cannot be read
   */
  public @Nullable Problem refusal() throws IOException {
    try {
      parse();
    } catch (StopParsing stop) {
      return stop.problem();
    }
    return ctx.options.lenient() ? problems.firstUnrecoverableError() : problems.firstError();
  }

  /**
   * Returns every problem.
   *
   * @return the problems
   */
  public List<Problem> list() {
    return problems.list();
  }

  /**
   * Returns the problems of one code.
   *
   * @param code the code
   * @return its problems
   */
  public List<Problem> of(ProblemCode code) {
    return problems.list().stream().filter(x -> x.code() == code).toList();
  }

  /**
   * Returns the warnings and errors.
   *
   * @return the complaints
   */
  public List<Problem> complaints() {
    return problems.list().stream().filter(x -> x.severity() != Severity.INFO).toList();
  }

  /**
   * Opens a parsed layer as an image, to read it.
   *
   * @param layer the layer
   * @return the image
   */
  public VhdxImage image(VhdxLayer layer) {
    return VhdxImageImpl.build(List.of(layer), List.of(List.of()), Arrays.asList((ParentResolution) null),
        List.of(storage));
  }
}
