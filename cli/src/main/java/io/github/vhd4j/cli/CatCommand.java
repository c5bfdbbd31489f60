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
        "A range that passes the end of the disk is cut at the end."},
    footerHeading = "%nExample:%n",
    footer = "  vhd cat --offset 1M --length 512 disk.vhd | xxd")
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
            return BROKEN_PIPE;
          }
          throw new CliException("stdout", e);
        }
        pos += n;
      }
    }
    return 0;
  }
}
