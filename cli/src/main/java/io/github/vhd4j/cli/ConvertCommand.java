package io.github.vhd4j.cli;

import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.Durability;
import io.github.vhd4j.SizeMode;
import io.github.vhd4j.StorageMode;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vhd convert}: writes an image's guest bytes to a sparse raw file, or to a new fixed or
 * dynamic VHD (a differencing chain becomes one flat image).
 */
@Command(name = "convert", versionProvider = VersionProvider.class,
    description = {"Convert an image to another format. The output is written to a temporary file next to"
        + " OUT and renamed over OUT only when complete, so a failure never leaves a partial OUT.",
        "Raw output is sparse: unallocated ranges and 64 KiB chunks of zeros are left as holes. VHD output"
            + " keeps all-zero blocks unallocated (dynamic) or as holes (fixed); a differencing chain"
            + " becomes one flat image."},
    exitCodeListHeading = Help.EXIT_CODES,
    exitCodeList = {Help.OK, Help.FAILED},
    footerHeading = Help.EXAMPLES,
    footer = {"  vhd convert -p -O raw disk.vhd disk.raw", "  vhd convert -O dynamic disk.raw disk.vhd",
        "  vhd convert -O dynamic child.vhd flat.vhd"})
final class ConvertCommand extends BaseCommand {
  /** What {@code -O} makes. */
  enum Output {
    /** Plain guest bytes, sparse. */
    RAW,
    /** A fixed VHD. */
    FIXED,
    /** A dynamic VHD. */
    DYNAMIC
  }

  @Option(names = "-f", paramLabel = "vhd|raw", converter = Converters.Format.class,
      completionCandidates = Converters.Format.class,
      description = "Input format. Default: detected (VHD when a footer cookie is found, else raw).")
  @Nullable ImageFormat inputFormat;

  @Option(names = "-O", paramLabel = "raw|fixed|dynamic", converter = Converters.OutputFormat.class,
      completionCandidates = Converters.OutputFormat.class,
      description = "Output format: raw, or a fixed or dynamic VHD (vhd and vpc mean dynamic). Default: raw.")
  Output outputFormat = Output.RAW;

  @Option(names = "--block-size", paramLabel = "N", converter = Converters.Size.class,
      description = "Block size of a dynamic VHD: a power of two from 512 to 256M. Default: 2M.")
  @Nullable Long blockSize;

  @Option(names = "--size-mode", paramLabel = "chs|exact", converter = Converters.Mode.class,
      completionCandidates = Converters.Mode.class,
      description = "VHD output: exact keeps the input's size (rounded up to a whole sector); chs rounds it"
          + " up to a CHS geometry, as qemu-img convert -O vpc does. Default: exact.")
  @Nullable SizeMode sizeMode;

  @Option(names = "--aligned",
      description = "Dynamic VHD output in Hyper-V's layout, block data on 4 KiB boundaries.")
  boolean aligned;

  @Option(names = "-p", description = "Show a progress bar on standard error.")
  boolean progress;

  @Parameters(index = "0", paramLabel = "IN", description = "The input image.")
  Path in = Path.of("");

  @Parameters(index = "1", paramLabel = "OUT", description = "The output file (replaced if it exists).")
  Path out = Path.of("");

  ConvertCommand(Io io) {
    super(io);
  }

  @Override
  String subject() {
    return in.toString();
  }

  @Override
  int execute() throws Exception {
    String outLabel = out.toString();
    // Open and validate the input before anything is created.
    // File-channel reads, not mapped ones: convert writes as much as it reads, and on a 2 GiB
    // image pread into a few 2 MiB buffers measured faster than copying out of a mapping, whose
    // page faults and page-table work compete with the writes for the same cores (jmh/RESULTS.md).
    try (Source src = Source.open(in, inputFormat, common.openOptions(StorageMode.FILE_CHANNEL))) {
      Path target = out.toAbsolutePath();
      if (Files.isDirectory(target)) {
        throw new CliException(outLabel, "is a directory");
      }
      Path dir = target.getParent();
      if (dir == null || !Files.isDirectory(dir)) {
        throw new CliException(outLabel, "no such directory: " + dir);
      }
      if (Files.exists(target)) {
        for (Path p : src.files()) {
          if (Files.isSameFile(p, target)) {
            throw new CliException(outLabel, p.equals(src.files().get(0))
                ? "is the input file" : "is a parent of the input (" + p + ")");
          }
        }
      }
      // Replacing an existing file: its old content must survive a crash until the new one is
      // durable, so the new file is forced to disk before the rename. A new file needs no flush
      // (nothing is lost if a crash interrupts it), which keeps convert as fast as qemu-img.
      boolean replacing = Files.exists(target);
      if (outputFormat == Output.RAW && (blockSize != null || sizeMode != null || aligned)) {
        throw new CliException(outLabel, "--block-size, --size-mode and --aligned are for VHD output (-O fixed|dynamic)");
      }
      CreateOptions vhd = outputFormat == Output.RAW ? null : targetOptions(outLabel);
      Progress bar = new Progress(io.err, src.size(), progress);
      Path tmp = createTemp(dir, target);
      boolean done = false;
      Closeable hold = null;
      try {
        // A file another program uses (QEMU writing it) must not be replaced under it: held as a
        // writer until it is replaced, or refused before anything is written.
        hold = replacing && Files.isRegularFile(target) ? Vhd.holdForWriting(out, common.openOptions()) : null;
        Durability durability = replacing ? Durability.ON_FLUSH : Durability.NONE;
        write(src, tmp, vhd == null ? null : vhd.withOpenOptions(vhd.openOptions().withDurability(durability)),
            durability, bar, outLabel);
        keepPermissions(target, tmp);
        try {
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
          throw new CliException(outLabel, e);
        }
        done = true;
      } finally {
        if (hold != null) {
          hold.close();
        }
        if (!done) {
          bar.abort();
          try {
            Files.deleteIfExists(tmp);
          } catch (IOException e) {
            // The original failure is what the user needs to see.
          }
        }
      }
      bar.finish();
    }
    return 0;
  }

  /**
   * Copies through the library into {@code tmp}, which the library creates exclusively: a new VHD
   * when {@code vhd} is set, else a sparse raw file.
   */
  private static void write(Source src, Path tmp, @Nullable CreateOptions vhd, Durability durability,
      Progress bar, String outLabel) throws CliException {
    try {
      Files.delete(tmp);
      if (vhd != null) {
        src.convertTo(tmp, vhd, (n, total) -> bar.update(n));
      } else {
        src.convertToRaw(tmp, durability, (n, total) -> bar.update(n));
      }
    } catch (IllegalArgumentException e) {
      throw new CliException(outLabel, String.valueOf(e.getMessage()));
    } catch (VhdException e) {
      // A damaged block met halfway: the error is about the file it is in (the input or a
      // parent), not about OUT.
      throw new CliException(e.getResource(), e);
    } catch (IOException e) {
      throw new CliException(outLabel, e);
    }
  }

  /** Gives the new file the permissions of the one it replaces; a new target keeps the defaults. */
  private static void keepPermissions(Path target, Path tmp) {
    try {
      Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(target));
    } catch (IOException | UnsupportedOperationException e) {
      // No target yet, or no POSIX permissions: keep the defaults.
    }
  }

  /** The new VHD's type and layout from the flags; the size comes from the input. */
  private CreateOptions targetOptions(String outLabel) throws CliException {
    if (outputFormat == Output.FIXED && (blockSize != null || aligned)) {
      throw new CliException(outLabel, "--block-size and --aligned are only for dynamic output");
    }
    try {
      CreateOptions o = outputFormat == Output.FIXED ? CreateOptions.fixed(0) : CreateOptions.dynamic(0);
      o = o.withSizeMode(sizeMode != null ? sizeMode : SizeMode.EXACT).withAligned(aligned);
      return blockSize != null ? o.withBlockSize(blockSize) : o;
    } catch (IllegalArgumentException e) {
      throw new CliException(outLabel, String.valueOf(e.getMessage()));
    }
  }

  /**
   * Reserves a temporary name next to the target (so the final rename is atomic) by creating an
   * empty file under it.
   */
  private Path createTemp(Path dir, Path target) throws CliException {
    Path name = target.getFileName();
    for (int attempt = 0; ; attempt++) {
      // The name need not be unpredictable: createFile is exclusive (O_EXCL), so a file or link
      // planted under the same name only makes this attempt retry. SecureRandom would cost
      // every run ~15 ms of start-up to seed.
      String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xFFFF_FFFF_FFFFL);
      Path tmp = dir.resolve("." + name + "." + suffix + ".tmp");
      try {
        Files.createFile(tmp);
      } catch (FileAlreadyExistsException e) {
        if (attempt < 16) {
          continue;
        }
        throw new CliException(out.toString(), e);
      } catch (IOException e) {
        throw new CliException(out.toString(), e);
      }
      return tmp;
    }
  }
}
