package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Severity;
import io.github.vhd4j.VhdxRegion;
import io.github.vhd4j.internal.Problems;
import io.github.vhd4j.internal.StopParsing;
import io.github.vhd4j.internal.ParseMode;
import io.github.vhd4j.internal.vhdx.layout.BatLayout;
import io.github.vhd4j.internal.vhdx.layout.Guids;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A BAT in a sparse file of a declared length, without the rest of a VHDX file: the header section
 * at 0, a log at 1 MiB, metadata at 2 MiB and the BAT region at 3 MiB (as the occupied ranges the
 * layer parser would pass), entries set one by one, parsed as an open or a check would.
 */
public final class BatFixture {
  /** 1 MiB. */
  public static final long MIB = BatLayout.MIB;
  /** The BAT region's file offset. */
  public static final long BAT = 3 * MIB;

  /** The file. */
  public final SparseStorage storage;
  /** The disk's numbers. */
  public final VhdxGeometry geometry;
  /** The BAT region's length: the entries the geometry needs, rounded up to a MiB. */
  public long regionLength;
  /** The ranges other structures take. */
  public final List<long[]> occupied = new ArrayList<>();

  /**
   * Makes a file of zeros with an empty table.
   *
   * @param virtualSize the disk's size
   * @param blockSize the block size
   * @param sectorSize 512 or 4096
   * @param differencing whether the disk has a parent
   * @param fileLength the file's declared length
   */
  public BatFixture(long virtualSize, long blockSize, int sectorSize, boolean differencing, long fileLength) {
    this.geometry = new VhdxGeometry(virtualSize, blockSize, sectorSize, differencing);
    this.storage = new SparseStorage(fileLength);
    long bytes = geometry.entries() * BatLayout.ENTRY_SIZE;
    this.regionLength = (bytes + MIB - 1) / MIB * MIB;
    occupied.add(new long[] {0, MIB});
    occupied.add(new long[] {MIB, 2 * MIB});
    occupied.add(new long[] {2 * MIB, 3 * MIB});
    occupied.add(new long[] {BAT, BAT + regionLength});
  }

  /**
   * Returns the first file offset after the BAT region, where blocks may go.
   *
   * @return the offset
   */
  public long dataStart() {
    return BAT + regionLength;
  }

  /**
   * Sets entry {@code index}.
   *
   * @param index the entry
   * @param value its 64 bits
   * @return this
   */
  public BatFixture entry(long index, long value) {
    storage.putLong(BAT + index * BatLayout.ENTRY_SIZE, value);
    return this;
  }

  /**
   * Sets a payload block's entry.
   *
   * @param block the block
   * @param state the state
   * @param offset the file offset
   * @return this
   */
  public BatFixture payload(long block, int state, long offset) {
    return entry(BatLayout.payloadIndex(block, geometry.chunkRatio()), BatLayout.entry(state, offset));
  }

  /**
   * Sets a chunk's sector bitmap entry.
   *
   * @param chunk the chunk
   * @param state the state
   * @param offset the file offset
   * @return this
   */
  public BatFixture bitmap(long chunk, int state, long offset) {
    return entry(BatLayout.bitmapIndex(chunk, geometry.chunkRatio()), BatLayout.entry(state, offset));
  }

  /**
   * Opens strictly.
   *
   * @return the result
   * @throws IOException if the file cannot be read
   */
  public Parsed open() throws IOException {
    return parse(OpenOptions.defaults(), ParseMode.OPEN, BatParser.Tuning.DEFAULT);
  }

  /**
   * Opens leniently.
   *
   * @return the result
   * @throws IOException if the file cannot be read
   */
  public Parsed lenient() throws IOException {
    return parse(OpenOptions.defaults().withLenient(true), ParseMode.OPEN, BatParser.Tuning.DEFAULT);
  }

  /**
   * Checks.
   *
   * @return the result
   * @throws IOException if the file cannot be read
   */
  public Parsed check() throws IOException {
    return parse(OpenOptions.defaults(), ParseMode.CHECK, BatParser.Tuning.DEFAULT);
  }

  /**
   * Opens leniently with the paged table, whatever its size.
   *
   * @param pageShift log2 of the entries per page
   * @param slots the pages cached
   * @return the result
   * @throws IOException if the file cannot be read
   */
  public Parsed paged(int pageShift, int slots) throws IOException {
    return parse(OpenOptions.defaults().withLenient(true), ParseMode.OPEN,
        new BatParser.Tuning(0, pageShift, slots));
  }

  /**
   * Opens leniently with the table on the heap, whatever its size.
   *
   * @return the result
   * @throws IOException if the file cannot be read
   */
  public Parsed heap() throws IOException {
    return parse(OpenOptions.defaults().withLenient(true), ParseMode.OPEN,
        new BatParser.Tuning(Long.MAX_VALUE, 0, 1));
  }

  Parsed parse(OpenOptions options, ParseMode mode, BatParser.Tuning tuning) throws IOException {
    Problems p = new Problems("test.vhdx");
    VhdxParseContext ctx = new VhdxParseContext(storage, "test.vhdx", null, options, mode, p);
    VhdxRegion region = new VhdxRegion(Guids.BAT_REGION, "BAT", BAT, regionLength, true);
    try {
      return new Parsed(BatParser.parse(ctx, region, geometry, occupied, tuning), p, options.lenient());
    } catch (StopParsing stop) {
      return new Parsed(null, p, options.lenient());
    }
  }

  /**
   * What a parse gave.
   *
   * @param table the table, or null when parsing stopped
   * @param problems the problems
   * @param lenient whether the open was lenient
   */
  public record Parsed(@Nullable VhdxTable table, Problems problems, boolean lenient) {
    /**
     * Tells whether an open's caller would accept the table, as the open gate decides.
     *
     * @return true when it opens
     */
    public boolean opens() {
      return table != null && (lenient ? problems.firstUnrecoverableError() : problems.firstError()) == null;
    }

    /**
     * Returns the table, failing when there is none.
     *
     * @return the table
     */
    public VhdxTable t() {
      if (table == null) {
        throw new AssertionError("no table: " + problems.list());
      }
      return table;
    }

    /**
     * Returns the problems of a code.
     *
     * @param code the code
     * @return them, in order
     */
    public List<Problem> of(ProblemCode code) {
      return problems.list().stream().filter(q -> q.code() == code).collect(Collectors.toList());
    }

    /**
     * Returns every problem's code, severity and field, for messages.
     *
     * @return the text
     */
    public String describe() {
      return problems.list().stream().map(q -> q.severity() + " " + q.code() + " " + q.field() + ": " + q.message())
          .collect(Collectors.joining("\n"));
    }

    /**
     * Returns the errors.
     *
     * @return every problem of severity error
     */
    public List<Problem> errors() {
      return problems.list().stream().filter(q -> q.severity() == Severity.ERROR).collect(Collectors.toList());
    }
  }
}
