package io.github.vhd4j.internal.vhd;

import io.github.vhd4j.internal.ParseMode;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.Problem;
import io.github.vhd4j.Severity;
import io.github.vhd4j.internal.Problems;
import io.github.vhd4j.internal.StopParsing;
import io.github.vhd4j.internal.storage.Storages;
import io.github.vhd4j.internal.vhd.layout.FooterLayout;
import io.github.vhd4j.testing.TestImage;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.function.Executable;

/**
 * A parse context over an image held in memory, with the clock fixed, for testing the parser's
 * parts one at a time.
 */
final class Parsing {
  /** The fixed clock: a day after {@link TestImage}'s default time stamp, in VHD seconds. */
  static final long NOW = 0x2A000000L + 86_400;

  final byte[] file;
  final Problems problems = new Problems("img");
  final ParseContext ctx;

  private Parsing(byte[] file, OpenOptions options, ParseMode mode) {
    this.file = file;
    this.ctx = new ParseContext(Storages.memory(ByteBuffer.wrap(file), options), "img", null, options, mode,
        problems, NOW);
  }

  /** A strict open of the image. */
  static Parsing open(byte[] file) {
    return new Parsing(file, OpenOptions.defaults(), ParseMode.OPEN);
  }

  /** An open of the image with the given options. */
  static Parsing open(byte[] file, OpenOptions options) {
    return new Parsing(file, options, ParseMode.OPEN);
  }

  /** A check of the image. */
  static Parsing check(byte[] file) {
    return new Parsing(file, OpenOptions.defaults(), ParseMode.CHECK);
  }

  List<Problem> list() {
    return problems.list();
  }

  /** The warnings and errors, without the notes (a block size other than 512 KiB or 2 MiB, say). */
  List<Problem> complaints() {
    return problems.list().stream().filter(x -> x.severity() != Severity.INFO).toList();
  }

  /** The footer at the end of the file, as the locator would read it. */
  FooterCandidate tail() {
    return candidate(file.length - FooterLayout.SIZE, FooterLayout.STRUCTURE);
  }

  /** The footer bytes at an offset, under a structure name. */
  FooterCandidate candidate(long offset, String structure) {
    ByteBuffer b = ByteBuffer.allocate(FooterLayout.SIZE);
    b.put(0, file, (int) offset, FooterLayout.SIZE);
    return new FooterCandidate(offset, FooterLayout.SIZE, structure, b);
  }

  /** Runs a part that must stop the parse and returns the problem that stopped it. */
  static Problem stops(Executable part) {
    return assertThrows(StopParsing.class, part).problem();
  }
}
