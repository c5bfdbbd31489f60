package io.github.vhd4j.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vhd compare}: compares the guest content of two images, like {@code qemu-img compare}. */
@Command(name = "compare", versionProvider = VersionProvider.class,
    description = {"Compare the guest content of two images (VHD or raw, in any combination).",
        "Images of different sizes are identical when the larger one holds only zeros past the end of"
            + " the smaller one, unless --strict is given.",
        "The first differing byte is reported (qemu-img rounds it down to a sector)."},
    exitCodeListHeading = Help.EXIT_CODES,
    exitCodeList = {"0:The images are identical.", "1:They differ: in content, or in size with --strict.",
        Help.FAILED},
    footerHeading = Help.EXAMPLES,
    footer = {"  vhd compare disk.vhd disk.raw", "  vhd compare -p --strict old.vhd new.vhd",
        "  vhd compare --json child.vhd flat.vhd"})
final class CompareCommand extends BaseCommand {
  @Option(names = "-f", paramLabel = "vhd|vhdx|raw", converter = Converters.Format.class,
      completionCandidates = Converters.Format.class,
      description = "Format of A. Default: detected.")
  @Nullable ImageFormat formatA;

  @Option(names = "-F", paramLabel = "vhd|vhdx|raw", converter = Converters.Format.class,
      completionCandidates = Converters.Format.class,
      description = "Format of B. Default: detected.")
  @Nullable ImageFormat formatB;

  @Option(names = {"-s", "--strict"}, description = "Images of different sizes differ.")
  boolean strict;

  @Option(names = "--json", description = "Print JSON: the verdict, the first differing offset, both sizes and"
      + " formats (docs/cli-json.md).")
  boolean json;

  @Option(names = "-p", description = "Show a progress bar on standard error.")
  boolean progress;

  @Parameters(index = "0", paramLabel = "A", description = "The first image.")
  Path a = Path.of("");

  @Parameters(index = "1", paramLabel = "B", description = "The second image.")
  Path b = Path.of("");

  CompareCommand(Io io) {
    super(io);
  }

  @Override
  String subject() {
    return a.toString();
  }

  @Override
  int execute() throws Exception {
    try (Source.Seekable sa = Source.open(a, formatA, common.openOptions());
        Source.Seekable sb = Source.open(b, formatB, common.openOptions())) {
      Warnings.print(io, sa.warnings());
      Warnings.print(io, sb.warnings());
      long sizeA = sa.size();
      long sizeB = sb.size();
      long mismatch = -1;
      boolean identical;
      if (strict && sizeA != sizeB) {
        // Like qemu-img: with --strict, different sizes are the answer; the content is not read.
        identical = false;
      } else {
        mismatch = compare(sa, sb, sizeA, sizeB);
        identical = mismatch < 0;
      }
      if (json) {
        writeJson(sa, sb, identical, mismatch);
      } else if (strict && sizeA != sizeB) {
        io.out.println("Strict mode: Image size mismatch!");
      } else {
        if (sizeA != sizeB && (identical || mismatch >= Math.min(sizeA, sizeB))) {
          // As qemu-img: the warning only once the shared range has compared equal.
          io.out.println("Warning: Image size mismatch!");
        }
        io.out.println(identical ? "Images are identical." : "Content mismatch at offset " + mismatch + "!");
      }
      return identical ? 0 : 1;
    }
  }

  /** Compares the content, drawing the bar if asked; returns the first differing offset or -1. */
  private long compare(Source.Seekable sa, Source.Seekable sb, long sizeA, long sizeB) throws CliException {
    long shared = Math.min(sizeA, sizeB);
    long larger = Math.max(sizeA, sizeB);
    Progress bar = new Progress(io.err, larger, progress);
    long mismatch;
    boolean ok = false;
    try {
      Comparer c = new Comparer(shared, bar);
      mismatch = c.compare(sa, sb, shared);
      if (mismatch < 0 && sizeA != sizeB) {
        mismatch = c.checkZero(sizeA > sizeB ? sa : sb, shared, larger);
      }
      ok = true;
    } finally {
      if (!ok) {
        bar.abort();
      }
    }
    bar.finish();
    return mismatch;
  }

  private void writeJson(Source.Seekable sa, Source.Seekable sb, boolean identical, long mismatch) throws IOException {
    try (JsonGenerator g = Json.pretty(io.out)) {
      g.writeStartObject();
      g.writeStringField("filename-a", a.toString());
      g.writeStringField("filename-b", b.toString());
      g.writeStringField("format-a", format(sa.format()));
      g.writeStringField("format-b", format(sb.format()));
      g.writeNumberField("size-a", sa.size());
      g.writeNumberField("size-b", sb.size());
      g.writeBooleanField("strict", strict);
      g.writeBooleanField("identical", identical);
      if (mismatch >= 0) {
        g.writeNumberField("first-difference", mismatch);
      } else {
        g.writeNullField("first-difference");
      }
      g.writeEndObject();
    }
    io.out.println();
  }

  private static String format(ImageFormat f) {
    return f.name().toLowerCase(Locale.ROOT);
  }

  /** The comparison loop and its buffers, allocated once. */
  private static final class Comparer {
    private final ByteBuffer bufA;
    private final ByteBuffer bufB;
    private final ByteBuffer zeros;
    private final Progress bar;

    Comparer(long size, Progress bar) {
      int cap = (int) Math.min(CatCommand.BUFFER_SIZE, Math.max(size, 1));
      this.bufA = ByteBuffer.allocateDirect(cap);
      this.bufB = ByteBuffer.allocateDirect(cap);
      this.zeros = ByteBuffer.allocateDirect(cap);
      this.bar = bar;
    }

    /**
     * Compares {@code [0, end)} of both sources, walking their allocation maps together: ranges
     * unallocated in both are skipped unread; a range allocated on one side only must be zeros.
     *
     * @return the first differing offset, or -1
     */
    long compare(Source.Seekable sa, Source.Seekable sb, long end) throws CliException {
      Source.Runs ra = sa.runs(0, end);
      Source.Runs rb = sb.runs(0, end);
      long pos = 0;
      boolean haveA = false;
      boolean haveB = false;
      while (pos < end) {
        if (!haveA || ra.end <= pos) {
          haveA = advance(ra, pos, sa);
        }
        if (!haveB || rb.end <= pos) {
          haveB = advance(rb, pos, sb);
        }
        long segEnd = Math.min(ra.end, rb.end);
        long m;
        if (ra.data && rb.data) {
          m = differ(sa, sb, pos, segEnd);
        } else if (ra.data) {
          m = nonZero(sa, pos, segEnd);
        } else if (rb.data) {
          m = nonZero(sb, pos, segEnd);
        } else {
          m = -1;
        }
        if (m >= 0) {
          return m;
        }
        pos = segEnd;
        bar.update(pos);
      }
      return -1;
    }

    /** Checks that {@code [start, end)} of {@code s} reads as zeros; returns the first non-zero offset or -1. */
    long checkZero(Source.Seekable s, long start, long end) throws CliException {
      Source.Runs r = s.runs(start, end);
      while (r.next()) {
        if (r.data) {
          long m = nonZero(s, r.start, r.end);
          if (m >= 0) {
            return m;
          }
        }
        bar.update(r.end);
      }
      return -1;
    }

    private static boolean advance(Source.Runs r, long pos, Source.Seekable s) throws CliException {
      while (r.next()) {
        if (r.end > pos) {
          return true;
        }
      }
      // The map must cover the whole range; a gap would be a library bug.
      throw new CliException(s.label, "allocation map ends before offset " + pos);
    }

    private long differ(Source.Seekable sa, Source.Seekable sb, long start, long end) throws CliException {
      for (long pos = start; pos < end; ) {
        int n = (int) Math.min(bufA.capacity(), end - pos);
        bufA.clear().limit(n);
        bufB.clear().limit(n);
        sa.readFully(pos, bufA);
        sb.readFully(pos, bufB);
        bufA.flip();
        bufB.flip();
        int i = bufA.mismatch(bufB);
        if (i >= 0) {
          return pos + i;
        }
        pos += n;
        bar.update(pos);
      }
      return -1;
    }

    private long nonZero(Source.Seekable s, long start, long end) throws CliException {
      for (long pos = start; pos < end; ) {
        int n = (int) Math.min(bufA.capacity(), end - pos);
        bufA.clear().limit(n);
        s.readFully(pos, bufA);
        bufA.flip();
        zeros.clear().limit(n);
        int i = bufA.mismatch(zeros);
        if (i >= 0) {
          return pos + i;
        }
        pos += n;
        bar.update(pos);
      }
      return -1;
    }
  }
}
