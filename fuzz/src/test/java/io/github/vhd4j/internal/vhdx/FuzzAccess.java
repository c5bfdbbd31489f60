package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.Problem;
import io.github.vhd4j.VhdxParentLocator;
import io.github.vhd4j.internal.Problems;
import io.github.vhd4j.internal.StopParsing;
import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.ParseMode;
import io.github.vhd4j.internal.vhdx.layout.Le;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The two places the VHDX fuzz targets reach below the public API: the file as a fresh parse sees
 * it after replaying its log in memory (what an open's map refers to), and the parent locator
 * parser on its own. Both are package-private in core, hence this class in core's package.
 */
public final class FuzzAccess {
  private FuzzAccess() {}

  /**
   * The file as an open with {@code options} reads its structures and blocks: the file itself, or
   * the file seen through its replayed log. Parses the identifier, the headers and the log, as an
   * open does before anything else (MS-VHDX 2.3.3).
   *
   * @param file the file
   * @param options the open's options (strict and lenient opens may replay differently)
   * @return the view, or null when the parse stops before the replay is done
   * @throws IOException if the file cannot be read
   */
  public static @Nullable Storage replayed(Storage file, OpenOptions options) throws IOException {
    VhdxParseContext ctx = new VhdxParseContext(file, "replay", null, options, ParseMode.OPEN,
        new Problems("replay"));
    try {
      IdentifierParser.parse(ctx);
      HeaderParser.Headers headers = HeaderParser.parse(ctx);
      LogReplay.replay(ctx, headers.forReplay());
    } catch (StopParsing stop) {
      return null;
    }
    return ctx.storage;
  }

  /**
   * What the parent locator parser made of an item.
   *
   * @param locator the locator, or null when it refused the item's type or entry count
   * @param problems what it recorded
   */
  public record LocatorParse(@Nullable VhdxParentLocator locator, List<Problem> problems) {}

  /**
   * Runs the parent locator parser on an item, as the layer parser does once the metadata parser
   * has bounded the item (at most 1 MiB, at least the 20-byte header).
   *
   * @param item the item's bytes
   * @param fileOffset where the item lies in its file
   * @param options the options of the parse
   * @param mode open or check
   * @return the outcome
   */
  public static LocatorParse parseLocator(byte[] item, long fileOffset, OpenOptions options, ParseMode mode) {
    Problems p = new Problems("locator");
    Storage none = new Storage() {
      @Override
      public long size() {
        return 0;
      }

      @Override
      public void read(long offset, ByteBuffer dst, int dstIndex, int n) throws IOException {
        throw new IOException("the locator parser read the file");
      }

      @Override
      public void close() {}
    };
    VhdxParseContext ctx = new VhdxParseContext(none, "locator", null, options, mode, p);
    ByteBuffer b = Le.allocate(item.length);
    b.put(0, item);
    VhdxParentLocator l = VhdxLocatorParser.parse(ctx, b, fileOffset);
    return new LocatorParse(l, p.list());
  }
}
