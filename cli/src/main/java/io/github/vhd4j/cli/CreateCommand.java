package io.github.vhd4j.cli;

import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.DiskType;
import io.github.vhd4j.Problem;
import io.github.vhd4j.SizeMode;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.VhdImage;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vhd create}: makes a new, empty image, like {@code qemu-img create -f vpc}. */
@Command(name = "create", versionProvider = VersionProvider.class,
    description = {"Create a new, empty VHD image: fixed (all space reserved; a sparse file until written),"
        + " dynamic (blocks allocated as they are written) or differencing (only the changes over a parent).",
        "OUT is never overwritten: an existing file (or device, pipe or link) is an error. The image is"
            + " made under a temporary name beside OUT and takes its name only when complete, so a failure or"
            + " a signal leaves no partial OUT.",
        "vhd looks for the parent of a differencing disk only in the disk's own directory, so keep both"
            + " in the same one."},
    exitCodeListHeading = Help.EXIT_CODES,
    exitCodeList = {Help.OK, Help.FAILED, Help.SIGNALLED + " Nothing is left: no OUT, no temporary file."},
    footerHeading = Help.EXAMPLES,
    footer = {"  vhd create --size 8G disk.vhd", "  vhd create -t differencing --parent base.vhd child.vhd",
        "  vhd create --azure --size 30G upload.vhd"})
final class CreateCommand extends BaseCommand {
  /** The message for an existing OUT, whether seen before creating or reported by the library. */
  static final String EXISTS = "already exists (create never overwrites a file)";

  @Option(names = "-t", paramLabel = "fixed|dynamic|differencing", converter = Converters.Type.class,
      completionCandidates = Converters.Type.class,
      description = "Disk type. Default: dynamic (fixed with --azure).")
  @Nullable DiskType type;

  @Option(names = "--size", paramLabel = "N", converter = Converters.Size.class,
      description = "Virtual size (bytes, or with K M G T). Required for fixed and dynamic disks;"
          + " a differencing disk defaults to its parent's size.")
  @Nullable Long size;

  @Option(names = "--parent", paramLabel = "P",
      description = "The parent image of a differencing disk: required with -t differencing, refused otherwise.")
  @Nullable Path parent;

  @Option(names = "--block-size", paramLabel = "N", converter = Converters.Size.class,
      description = "Bytes per block of a dynamic or differencing disk: a power of two from 512 to 256M."
          + " Default: 2M.")
  @Nullable Long blockSize;

  @Option(names = "--size-mode", paramLabel = "chs|exact", converter = Converters.Mode.class,
      completionCandidates = Converters.Mode.class,
      description = "chs: round the size up to what a CHS geometry addresses, as qemu-img does, so that"
          + " every reader sees the same size; exact: exactly N bytes (a whole number of 512-byte"
          + " sectors), as Hyper-V and Azure make them. Default: chs; exact with --azure and for"
          + " differencing disks, which accept only exact.")
  @Nullable SizeMode sizeMode;

  @Option(names = "--azure",
      description = "Make a disk Azure accepts for upload: fixed, of exactly N bytes, a whole number of MiB"
          + " from 20 MiB to 32 TiB.")
  boolean azure;

  @Option(names = "--aligned",
      description = "Hyper-V's layout for dynamic and differencing disks: the block table padded to 4 KiB"
          + " and every block's data on a 4 KiB boundary of the file. Default: QEMU's compact layout.")
  boolean aligned;

  @Parameters(paramLabel = "OUT", description = "The new image file; it must not exist.")
  Path out = Path.of("");

  /**
   * Creates the command.
   *
   * @param io where the result line and errors go
   */
  CreateCommand(Io io) {
    super(io);
  }

  /**
   * Returns OUT: every failure of {@code create}, a parent's included, is about the file not made.
   *
   * @return OUT as the user wrote it
   */
  @Override
  String subject() {
    return out.toString();
  }

  /**
   * Checks the options, creates OUT and prints one line describing it.
   *
   * @return 0
   * @throws CliException for contradictory options, an existing OUT, a missing directory or options
   *     the library refuses
   * @throws IOException if the parent cannot be opened or OUT cannot be written
   */
  @Override
  int execute() throws IOException {
    String label = out.toString();
    CreateOptions options = options(label);
    OutputFile.refuseVhdxName(out);
    if (Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
      // NOTE: NOFOLLOW_LINKS, so that a dangling symbolic link counts as existing: its target is
      // not ours to make.
      FileKind kind = FileKind.of(out);
      throw new CliException(label, kind == FileKind.DIRECTORY ? "is a directory"
          : kind.writesThrough() || kind == FileKind.SOCKET
              ? "is " + kind.describe() + "; create makes a new regular file and never writes over anything"
              : EXISTS);
    }
    Path dir = out.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new CliException(label, "no such directory: " + dir);
    }
    if (parent != null && Files.isDirectory(parent)) {
      // Opening it would fail with a bare "Is a directory" that does not say which file is meant.
      throw new CliException(label, "the parent is a directory: " + parent);
    }
    // Made under a temporary name beside OUT and linked to OUT only when complete: an
    // interrupted create (a signal, a crash) never leaves a partial OUT, which would block the
    // next attempt as "already exists".
    Path target = out.toAbsolutePath();
    TempFiles.removeStale(target);
    Path tmp = TempFiles.name(target);
    SignalCleanup.register(tmp);
    String made;
    List<Problem> warnings;
    try {
      try (VhdImage img = Vhd.create(tmp, options)) {
        made = describe(img);
        warnings = img.getWarnings();
      } catch (IllegalArgumentException e) {
        // The library's word on impossible options (block size, Azure size, too many blocks): made
        // for users, and OUT was not created.
        throw new CliException(label, String.valueOf(e.getMessage()));
      } catch (IOException e) {
        throw Errors.aboutOutput(e, tmp, label);
      }
      SignalCleanup.commit(tmp, () -> publish(tmp, target, label));
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } finally {
        SignalCleanup.release(tmp);
      }
    }
    Warnings.print(io, warnings);
    io.out.println(made);
    if (parent != null && !sameDirectory(parent, out)) {
      io.err.println("vhd: " + Errors.oneLine(label) + ": warning: the parent is in another directory;"
          + " vhd finds parents only in the child's directory, so other vhd commands cannot open this disk");
    }
    return 0;
  }

  /**
   * Turns the flags into library options, refusing the combinations the tool's contract rules out
   * before anything is created.
   */
  private CreateOptions options(String label) throws CliException {
    DiskType t = type != null ? type : azure ? DiskType.FIXED : DiskType.DYNAMIC;
    String typeName = InfoCommand.diskType(t);
    if (azure && t != DiskType.FIXED) {
      throw new CliException(label, "--azure makes a fixed disk; it cannot be combined with -t " + typeName);
    }
    if (azure && sizeMode == SizeMode.CHS) {
      throw new CliException(label, "--azure makes a disk of exactly --size bytes; it cannot be combined with"
          + " --size-mode chs");
    }
    if (t == DiskType.DIFFERENCING) {
      if (parent == null) {
        throw new CliException(label, "-t differencing needs --parent");
      }
      if (sizeMode == SizeMode.CHS) {
        // NOTE: the library ignores the size mode of a differencing disk; refusing beats a silent
        // exact size the user did not ask for.
        throw new CliException(label, "--size-mode chs is for fixed and dynamic disks; a differencing disk's"
            + " size is exact");
      }
    } else {
      if (parent != null) {
        throw new CliException(label, "--parent is only allowed with -t differencing");
      }
      if (size == null) {
        throw new CliException(label, "--size is required for a " + typeName + " disk");
      }
    }
    if (t == DiskType.FIXED && blockSize != null) {
      throw new CliException(label, "--block-size is only for dynamic and differencing disks");
    }
    if (t == DiskType.FIXED && aligned) {
      throw new CliException(label, "--aligned is only for dynamic and differencing disks");
    }
    // -1 is the library's "the parent's size"; only a differencing disk gets this far without --size.
    long n = size != null ? size : -1;
    try {
      CreateOptions o = switch (t) {
        case FIXED -> azure ? CreateOptions.azure(n) : CreateOptions.fixed(n);
        case DYNAMIC -> CreateOptions.dynamic(n);
        case DIFFERENCING -> CreateOptions.differencing(Objects.requireNonNull(parent)).withSize(n);
      };
      if (sizeMode != null) {
        o = o.withSizeMode(sizeMode);
      }
      if (blockSize != null) {
        o = o.withBlockSize(blockSize);
      }
      // The open options matter for a differencing disk: --lenient and --size-policy decide whether
      // the parent opens and which size the child takes from it.
      return o.withAligned(aligned).withOpenOptions(common.openOptions());
    } catch (IllegalArgumentException e) {
      throw new CliException(label, String.valueOf(e.getMessage()));
    }
  }

  /**
   * Gives the finished image its name without ever replacing a file: a hard link fails when OUT
   * exists (someone made it since the check). Where the file system has no hard links, a rename
   * that refuses an existing OUT, checked just before, is the fallback.
   */
  private static void publish(Path tmp, Path target, String label) throws IOException {
    try {
      Files.createLink(target, tmp);
    } catch (FileAlreadyExistsException e) {
      throw new CliException(label, EXISTS);
    } catch (UnsupportedOperationException | FileSystemException e) {
      try {
        Files.move(tmp, target);
      } catch (FileAlreadyExistsException x) {
        throw new CliException(label, EXISTS);
      }
    }
  }

  /** Says what was made, from the image as opened, so the line shows the sizes actually written. */
  private String describe(VhdImage img) {
    StringBuilder sb = new StringBuilder("created ").append(Errors.oneLine(out.toString())).append(": ")
        .append(InfoCommand.diskType(img.getDiskType()))
        .append(", virtual size ").append(Sizes.humanExact(img.getSize()));
    if (img.getDiskType() != DiskType.FIXED) {
      sb.append(", block size ").append(Sizes.humanExact(img.getBlockSize()));
    }
    if (parent != null) {
      sb.append(", parent ").append(Errors.oneLine(parent.toString()));
    }
    if (aligned) {
      sb.append(", 4 KiB-aligned");
    }
    if (azure) {
      sb.append(", for Azure");
    }
    return sb.toString();
  }

  /**
   * Tells whether the parent lies directly in the child's directory, judged on real paths as the
   * library's parent lookup judges them. Unknown (a path that cannot be resolved) counts as the
   * same, so that no warning is printed on a guess.
   */
  private static boolean sameDirectory(Path parent, Path child) {
    try {
      Path p = parent.toRealPath().getParent();
      Path c = child.toRealPath().getParent();
      return p == null || p.equals(c);
    } catch (IOException e) {
      return true;
    }
  }
}
