package io.github.vhd4j.cli;

import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.SizePolicy;
import io.github.vhd4j.StorageMode;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options every subcommand accepts (a picocli mixin). */
final class CommonOptions {
  @Option(names = "--lenient",
      description = "Open images whose errors leave the content unambiguous; the errors are reported"
          + " as warnings.")
  boolean lenient;

  @Option(names = "--size-policy", paramLabel = "auto|chs|current", converter = Converters.Policy.class,
      completionCandidates = Converters.Policy.class,
      defaultValue = "auto",
      description = "Which footer size is the disk size: auto (QEMU's rule: CHS geometry for the"
          + " creators 'vpc ' and 'qemu'), chs, or current (the current-size field)."
          + " Default: ${DEFAULT-VALUE}.")
  SizePolicy sizePolicy = SizePolicy.AUTO;

  @Option(names = "--storage", paramLabel = "mapped|filechannel", converter = Converters.Storage.class,
      completionCandidates = Converters.Storage.class,
      description = "How image files are read: mapped (memory-mapped, the fast path for reads) or"
          + " filechannel. A file that cannot be mapped is read through a file channel, with a"
          + " warning. Default: mapped; filechannel for convert.")
  @Nullable StorageMode storage;

  @Option(names = {"-U", "--force-share", "--no-lock"},
      description = "Take no file locks and look for no other program using the images. Without it, a"
          + " command that writes refuses an image another program (QEMU, another vhd) has open, and one that"
          + " reads keeps QEMU from starting to write while it reads and warns when it already is. With it,"
          + " another program writing an image at the same time can corrupt it, or make vhd read a half-written"
          + " state: use it only on file systems without locks, or when nothing else can use the images.")
  boolean noLock;

  @Option(names = "--debug", description = "Print a stack trace with errors.")
  boolean debug;

  @Mixin
  HelpOptions helpOptions = new HelpOptions();

  /**
   * Returns the library options these flags select: strict unless {@code --lenient}, memory
   * mapping unless {@code --storage filechannel}, and locks unless {@code --no-lock}.
   */
  OpenOptions openOptions() {
    return openOptions(StorageMode.MAPPED);
  }

  /**
   * Returns the library options these flags select, with {@code preferred} storage unless
   * {@code --storage} names one.
   *
   * @param preferred the storage the command reads fastest with
   * @return the options
   */
  OpenOptions openOptions(StorageMode preferred) {
    return OpenOptions.defaults().withLenient(lenient).withSizePolicy(sizePolicy)
        .withStorage(storage != null ? storage : preferred).withLocking(!noLock);
  }
}
