package io.github.vhd4j.cli;

import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vhd cat}: the guest bytes of a VHD image on standard output. */
@Command(name = "cat", versionProvider = VersionProvider.class,
    description = {"Write the guest bytes of a VHD image (the whole disk, or a range) to standard output.",
        "A range that passes the end of the disk is cut at the end. The output is raw bytes, so cat has no"
            + " --json; -p draws its bar on standard error, never into the bytes."},
    exitCodeListHeading = Help.EXIT_CODES,
    exitCodeList = {"0:Every byte of the range was written.", Help.FAILED,
        "141:The program reading the output closed the pipe first (vhd cat disk.vhd | head), as for a"
            + " process killed by SIGPIPE."},
    footerHeading = Help.EXAMPLES,
    footer = {"  vhd cat --offset 1M --length 512 disk.vhd | xxd", "  vhd cat -p disk.vhd | gzip > disk.img.gz",
        "  vhd cat child.vhd | sha256sum"})
final class CatCommand extends ImageCommand {
  /** Exit status after the reader closed the pipe: 128 + SIGPIPE, like a shell reports it. */
  static final int BROKEN_PIPE = 141;

  /** Large enough to amortise system calls, small enough to stay in cache-friendly territory. */
  static final int BUFFER_SIZE = 4 << 20;

  @Option(names = "--offset", paramLabel = "N", converter = Converters.Size.class,
      description = "First byte to write (bytes, or with K M G T). Default: 0.")
  long offset;

  @Option(names = "--length", paramLabel = "N", converter = Converters.Size.class,
      description = "Number of bytes to write (bytes, or with K M G T). Default: to the end.")
  @Nullable Long length;

  @Option(names = "-p", description = "Show a progress bar on standard error.")
  boolean progress;

  CatCommand(Io io) {
    super(io);
  }

  @Override
  int execute() throws Exception {
    try (VhdImage img = Vhd.open(image, common.openOptions())) {
      long size = img.getSize();
      long start = Math.min(offset, size);
      long end = length == null ? size : start + Math.min(length, size - start);
      WritableByteChannel out = io.binaryOut();
      Progress bar = new Progress(io.err, end - start, progress);
      boolean done = false;
      try {
        if (!copy(img, start, end, out, bar)) {
          return BROKEN_PIPE;
        }
        done = true;
      } finally {
        if (!done) {
          bar.abort();
        }
      }
      bar.finish();
    }
    return 0;
  }

  /**
   * Copies {@code [start, end)} of the guest bytes to {@code out}.
   *
   * @return false when the reader closed the pipe before the end
   */
  private static boolean copy(VhdImage img, long start, long end, WritableByteChannel out, Progress bar)
      throws IOException {
    // One direct buffer for the whole run: reads fill it without a copy, and a FileChannel
    // writes it to descriptor 1 without a copy either.
    ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(BUFFER_SIZE, Math.max(end - start, 1)));
    for (long pos = start; pos < end; ) {
      int n = (int) Math.min(buf.capacity(), end - pos);
      buf.clear().limit(n);
      img.readFully(pos, buf);
      buf.flip();
      try {
        while (buf.hasRemaining()) {
          out.write(buf);
        }
      } catch (IOException e) {
        if (String.valueOf(e.getMessage()).contains("Broken pipe")) {
          // The reader went away (vhd cat ... | head): end quietly, with the status a process
          // killed by SIGPIPE has, as cat(1) does.
          return false;
        }
        throw new CliException("stdout", e);
      }
      pos += n;
      bar.update(pos - start);
    }
    return true;
  }
}
