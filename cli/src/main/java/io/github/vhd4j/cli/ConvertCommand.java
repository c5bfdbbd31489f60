package io.github.vhd4j.cli;

import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.Durability;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ProgressListener;
import io.github.vhd4j.SizeMode;
import io.github.vhd4j.StorageMode;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vhd convert}: writes an image's guest bytes to a sparse raw file, or to a new fixed or
 * dynamic VHD (a differencing chain becomes one flat image).
 */
@Command(name = "convert", versionProvider = VersionProvider.class,
    description = {"Convert an image to another format: VHD or raw in, raw, fixed VHD or dynamic VHD out.",
        "A file OUT (existing or new) is written under a temporary name beside it and renamed over it only"
            + " when complete, so a failure or a signal never leaves a partial OUT; a symbolic link is"
            + " followed, its target replaced and the link kept. Raw output to a device or a pipe"
            + " (/dev/null, a disk, a FIFO) is written through, every byte in order; a VHD is written only"
            + " to a file.",
        "With -f raw, IN may be a pipe, a character device or - (standard input): it is read once, in"
            + " order, and the disk is as long as what was read.",
        "Raw output is sparse: unallocated ranges and 64 KiB chunks of zeros are left as holes. VHD output"
            + " keeps all-zero blocks unallocated (dynamic) or as holes (fixed); a differencing chain"
            + " becomes one flat image."},
    exitCodeListHeading = Help.EXIT_CODES,
    exitCodeList = {Help.OK, Help.FAILED, Help.SIGNALLED + " The temporary file is removed; OUT is as it was"
        + " (a device or pipe keeps what was written)."},
    footerHeading = Help.EXAMPLES,
    footer = {"  vhd convert -p -O raw disk.vhd disk.raw", "  vhd convert -O dynamic disk.raw disk.vhd",
        "  vhd convert -O dynamic child.vhd flat.vhd",
        "  xz -dc disk.raw.xz | vhd convert -f raw -O dynamic - disk.vhd", "  vhd convert -p -O raw disk.vhd /dev/sdX",
        "  vhd convert --azure disk.vhdx upload.vhd"})
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

  @Option(names = "-f", paramLabel = "vhd|vhdx|raw", converter = Converters.Format.class,
      completionCandidates = Converters.Format.class,
      description = "Input format. Default: detected: VHD when a footer cookie is found, VHDX by its"
          + " signature, raw when no other format's signature is (an ISO is raw; QCOW2, VMDK and VDI images"
          + " are refused); a pipe or standard input needs -f raw.")
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

  @Option(names = "--azure",
      description = "A fixed VHD Azure accepts for upload: the input's size rounded up to a whole MiB (at least"
          + " 20 MiB), the added bytes zeros. Implies -O fixed.")
  boolean azure;

  @Option(names = "--aligned",
      description = "Dynamic VHD output in Hyper-V's layout, block data on 4 KiB boundaries.")
  boolean aligned;

  @Option(names = "-p", description = "Show a progress bar on standard error.")
  boolean progress;

  @Parameters(index = "0", paramLabel = "IN",
      description = "The input image; - for standard input (with -f raw).")
  Path in = Path.of("");

  @Parameters(index = "1", paramLabel = "OUT",
      description = "The output: a file (replaced if it exists), or a device or pipe (raw output only).")
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
    if (azure) {
      if (outputFormat == Output.DYNAMIC || blockSize != null || sizeMode != null || aligned) {
        throw new CliException(outLabel, "--azure makes a fixed VHD of a whole number of MiB; it takes no -O dynamic,"
            + " --block-size, --size-mode or --aligned");
      }
      outputFormat = Output.FIXED;
    }
    if (outputFormat == Output.RAW && (blockSize != null || sizeMode != null || aligned)) {
      throw new CliException(outLabel, "--block-size, --size-mode and --aligned are for VHD output (-O fixed|dynamic)");
    }
    CreateOptions vhd = outputFormat == Output.RAW ? null : targetOptions(outLabel);
    if (vhd != null) {
      OutputFile.refuseVhdxName(out);
    }
    // OUT is checked before IN is opened: opening a FIFO waits for its writer, and nothing
    // should wait for an output that will be refused.
    OutputFile dest = OutputFile.resolve(out);
    if (vhd != null && dest.writesThrough()) {
      throw new CliException(outLabel, "is " + dest.kind().describe() + "; a VHD is written only to a regular"
          + " file (-O raw writes the guest bytes to a device or pipe)");
    }
    // File-channel reads, not mapped ones: convert writes as much as it reads, and on a 2 GiB
    // image pread into a few 2 MiB buffers measured faster than copying out of a mapping, whose
    // page faults and page-table work compete with the writes for the same cores (jmh/RESULTS.md).
    try (Source src = Source.openForConvert(in, inputFormat, common.openOptions(StorageMode.FILE_CHANNEL), io)) {
      refuseInput(src, dest);
      Warnings.print(io, src.warnings());
      Progress bar = new Progress(io.err, src.size(), progress);
      boolean done = false;
      try {
        long written = dest.writesThrough() ? writeThrough(src, dest, bar) : replace(src, dest, vhd, bar);
        done = true;
        bar.finish(written);
      } finally {
        if (!done) {
          bar.abort();
        }
      }
    }
    return 0;
  }

  /** Refuses an OUT that is the input or one of its parents: it would be destroyed while read. */
  private static void refuseInput(Source src, OutputFile dest) throws CliException {
    if (dest.kind() == FileKind.MISSING) {
      return;
    }
    List<Path> files = src.files();
    for (Path p : files) {
      try {
        if (Files.isSameFile(p, dest.path())) {
          throw new CliException(dest.label(), p.equals(files.get(0))
              ? "is the input file" : "is a parent of the input (" + p + ")");
        }
      } catch (IOException e) {
        throw new CliException(dest.label(), e);
      }
    }
  }

  /**
   * Writes every guest byte, in order, into a device or pipe: no temporary file, no rename, and
   * zeros written too (a device keeps what it held). A block device too small for the disk is
   * refused before anything is written.
   *
   * @return the bytes written
   */
  private long writeThrough(Source src, OutputFile dest, Progress bar) throws IOException {
    String label = dest.label();
    // Neither CREATE nor TRUNCATE_EXISTING: a device or pipe is written as it is. A block device
    // may hold an image QEMU uses: it is held as a writer first.
    Closeable hold = dest.kind() == FileKind.BLOCK_DEVICE ? hold(dest) : null;
    try (FileChannel ch = open(dest)) {
      long room = Long.MAX_VALUE;
      if (dest.kind() == FileKind.BLOCK_DEVICE) {
        room = ch.size();
        if (src.size() > room) {
          throw new CliException(label, "is a block device of " + room + " bytes, smaller than the disk ("
              + src.size() + " bytes); nothing was written");
        }
      }
      long[] written = {0};
      src.writeTo(Labelled.writes(ch, label, room), (n, total) -> {
        written[0] = n;
        bar.update(n);
      });
      if (dest.kind() == FileKind.BLOCK_DEVICE) {
        try {
          ch.force(true);
        } catch (IOException e) {
          throw new CliException(label, e);
        }
      }
      return written[0];
    } finally {
      if (hold != null) {
        hold.close();
      }
    }
  }

  private static FileChannel open(OutputFile dest) throws CliException {
    try {
      return FileChannel.open(dest.path(), StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new CliException(dest.label(), e);
    }
  }

  /**
   * Writes a new file beside the target and renames it over the target once complete: a
   * failure, or a signal, leaves the target as it was and removes the new file.
   *
   * @return the guest bytes written
   */
  private long replace(Source src, OutputFile dest, @Nullable CreateOptions vhd, Progress bar) throws IOException {
    Path target = dest.target();
    TempFiles.removeStale(target);
    // Replacing an existing file: its old content must survive a crash until the new one is
    // durable, so the new file is forced to disk before the rename. A new file needs no flush
    // (nothing is lost if a crash interrupts it), which keeps convert as fast as qemu-img.
    boolean replacing = dest.kind() == FileKind.REGULAR;
    Durability durability = replacing ? Durability.ON_FLUSH : Durability.NONE;
    // A file another program uses (QEMU writing it) must not be replaced under it: held as a
    // writer until it is replaced, or refused before anything is written.
    Closeable hold = replacing ? hold(dest) : null;
    Path tmp = TempFiles.name(target);
    SignalCleanup.register(tmp);
    long[] written = {0};
    try {
      ProgressListener listener = (n, total) -> {
        written[0] = n;
        bar.update(n);
      };
      // The new file is locked while it is written, unless -U says to take no locks.
      OpenOptions out = (vhd == null ? OpenOptions.defaults() : vhd.openOptions()).withDurability(durability)
          .withLocking(common.openOptions().locking());
      write(src, tmp, vhd == null ? null : vhd.withOpenOptions(out), out, listener, dest.label());
      if (replacing) {
        keepPermissions(target, tmp);
      }
      SignalCleanup.commit(tmp, () -> {
        try {
          FileKind now = FileKind.of(target);
          if (Files.isSymbolicLink(target) || now != FileKind.REGULAR && now != FileKind.MISSING) {
            // Changed while the new file was written: it is not ours to replace.
            throw new CliException(dest.label(), "became " + (now == FileKind.REGULAR ? "a symbolic link"
                : now.describe()) + " while it was written; it was left as it is");
          }
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (CliException e) {
          throw e;
        } catch (IOException e) {
          throw new CliException(dest.label(), e);
        }
      });
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException e) {
        // The original failure is what the user needs to see.
      } finally {
        SignalCleanup.release(tmp);
        if (hold != null) {
          hold.close();
        }
      }
    }
    return written[0];
  }

  /** Holds OUT as a writer does, so that a program using it is seen before anything is written. */
  private Closeable hold(OutputFile dest) throws IOException {
    return Vhd.holdForWriting(dest.path(), common.openOptions());
  }

  /**
   * Copies through the library into {@code tmp}, which the library creates exclusively: a new VHD
   * when {@code vhd} is set, else a sparse raw file.
   */
  private static void write(Source src, Path tmp, @Nullable CreateOptions vhd, OpenOptions raw,
      ProgressListener progress, String outLabel) throws CliException {
    try {
      if (vhd != null) {
        src.convertTo(tmp, vhd, progress);
      } else {
        src.convertToRaw(tmp, raw, progress);
      }
    } catch (CliException e) {
      // Already about its file: the input or OUT.
      throw e;
    } catch (IllegalArgumentException e) {
      throw new CliException(outLabel, String.valueOf(e.getMessage()));
    } catch (IOException e) {
      IOException about = Errors.aboutOutput(e, tmp, outLabel);
      if (about instanceof CliException) {
        throw (CliException) about;
      }
      if (e instanceof VhdException) {
        // A damaged block met halfway: the error is about the file it is in (the input or a
        // parent), not about OUT.
        throw new CliException(((VhdException) e).getResource(), e);
      }
      throw new CliException(outLabel, e);
    }
  }

  /** Gives the new file the permissions of the one it replaces. */
  private static void keepPermissions(Path target, Path tmp) {
    try {
      Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(target));
    } catch (IOException | UnsupportedOperationException e) {
      // No POSIX permissions: keep the defaults.
    }
  }

  /** The new VHD's type and layout from the flags; the size comes from the input. */
  private CreateOptions targetOptions(String outLabel) throws CliException {
    if (outputFormat == Output.FIXED && (blockSize != null || aligned)) {
      throw new CliException(outLabel, "--block-size and --aligned are only for dynamic output");
    }
    if (azure) {
      // The size is the input's, rounded as Azure needs, when the copy begins.
      return CreateOptions.azure(CreateOptions.AZURE_MIN_SIZE);
    }
    try {
      CreateOptions o = outputFormat == Output.FIXED ? CreateOptions.fixed(0) : CreateOptions.dynamic(0);
      o = o.withSizeMode(sizeMode != null ? sizeMode : SizeMode.EXACT).withAligned(aligned);
      return blockSize != null ? o.withBlockSize(blockSize) : o;
    } catch (IllegalArgumentException e) {
      throw new CliException(outLabel, String.valueOf(e.getMessage()));
    }
  }
}
