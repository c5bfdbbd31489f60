package io.github.vhd4j.cli;

import io.github.vhd4j.DiskImage;
import io.github.vhd4j.DiskImages;
import java.nio.channels.WritableByteChannel;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vhd cat}: the guest bytes of a VHD image on standard output. */
@Command(name = "cat", versionProvider = VersionProvider.class,
    description = {"Write the guest bytes of a VHD or VHDX image (the whole disk, or a range) to standard output.",
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

  /** Bytes read and written at a time by the commands that copy through buffers of their own. */
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
    try (DiskImage img = DiskImages.open(image, common.openOptions())) {
      Warnings.print(io, img.getWarnings());
      long size = img.getSize();
      long start = Math.min(offset, size);
      long n = length == null ? size - start : Math.min(length, size - start);
      WritableByteChannel out = Labelled.writes(io.binaryOut(), Errors.STDOUT, Long.MAX_VALUE);
      Progress bar = new Progress(io.err, n, progress);
      boolean done = false;
      try {
        DiskImages.copyTo(img, start, n, out, (written, total) -> bar.update(written));
        done = true;
      } catch (CliException e) {
        if (e.file().equals(Errors.STDOUT) && String.valueOf(e.getMessage()).contains("Broken pipe")) {
          // The reader went away (vhd cat ... | head): end quietly, with the status a process
          // killed by SIGPIPE has, as cat(1) does.
          return BROKEN_PIPE;
        }
        throw e;
      } finally {
        if (!done) {
          bar.abort();
        }
      }
      bar.finish();
    }
    return 0;
  }
}
