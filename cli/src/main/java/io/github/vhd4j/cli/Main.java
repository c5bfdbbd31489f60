package io.github.vhd4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code vhd} command. Exit codes: 0 success (and "no errors", "identical", "nothing to
 * repair"), 1 a negative answer ({@code check} found errors, {@code compare} found a difference,
 * {@code repair} has changes pending or left errors it cannot fix), 2 a failure or a usage error,
 * reported as one line on standard error.
 */
public final class Main {
  private Main() {}

  /**
   * Runs the tool and exits the JVM with its exit code.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    // Every CommandLine registers built-in converters for java.time and java.sql types by
    // reflection, loading and initialising classes that no vhd option uses, a noticeable part of
    // every command's start-up (jmh/RESULTS.md). A value set by the user wins.
    if (System.getProperty("picocli.converters.excludes") == null) {
      System.setProperty("picocli.converters.excludes", "java\\.time\\..*,java\\.sql\\..*");
    }
    warmLockTable();
    // Standard output that records why a write failed: PrintStream alone only keeps a flag.
    Stdout stdout = Stdout.open();
    System.setOut(stdout);
    System.exit(run(args, stdout, System.err));
  }

  /**
   * Reads Linux's lock table once on a background thread. Opening an image reads it to see
   * whether QEMU writes the image, and a process's first read of it is slow for the kernel
   * (later reads are fast, from any thread); read now, that cost overlaps the start-up instead of
   * adding to it.
   */
  private static void warmLockTable() {
    Path table = Path.of("/proc/locks");
    if (!Files.isReadable(table)) {
      return;
    }
    Thread t = new Thread(() -> {
      try (InputStream in = Files.newInputStream(table)) {
        in.read(new byte[512]);
      } catch (IOException e) {
        // Only a warm-up: the open reads the table itself.
      }
    }, "vhd-lock-table");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Runs one command in-process. Binary output ({@code cat}) goes to the process's standard output
   * (through a {@link java.nio.channels.FileChannel}) when {@code out} is {@link System#out}, else
   * to {@code out}.
   *
   * @param args the command line, without the program name
   * @param out standard output
   * @param err standard error
   * @return the exit code: 0, 1 or 2
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, out, err, null);
  }

  /**
   * Runs one command in-process, writing binary output ({@code cat}) to a channel.
   *
   * @param args the command line, without the program name
   * @param out standard output for text
   * @param err standard error
   * @param binaryOut where guest bytes go; null to choose as {@link #run(String[], PrintStream,
   *     PrintStream)} does
   * @return the exit code: 0, 1 or 2
   */
  public static int run(String[] args, PrintStream out, PrintStream err, @Nullable WritableByteChannel binaryOut) {
    return run(args, new Io(out, err, binaryOut));
  }

  /**
   * Runs one command in-process with the given streams. A failure to write standard output
   * (into {@code /dev/full}, a closed pipe, a closed descriptor), which {@link PrintStream} would
   * swallow, makes any command, {@code --help} and {@code --version} included, exit with 2 and one
   * error line, unless the command has already failed and said why.
   *
   * @param args the command line, without the program name
   * @param io the streams
   * @return the exit code
   */
  static int run(String[] args, Io io) {
    try {
      CommandLine cl = commandLine(io, args);
      int code = cl.execute(args);
      cl.getOut().flush();
      io.err.flush();
      IOException failed = Stdout.failure(io.out);
      if (failed != null && code != Errors.FAILURE) {
        return Errors.report(io.err, Errors.STDOUT, failed, false);
      }
      return code;
    } catch (Throwable t) {
      // Only reachable through a bug in option handling; still one line, never a trace.
      return Errors.report(io.err, "vhd", t, false);
    }
  }

  /**
   * The names of the subcommands that {@link #command} builds alone, in the order {@code vhd --help}
   * lists them; generate-completion follows them.
   */
  private static final List<String> COMMANDS = List.of("info", "check", "map", "cat", "checksum", "convert", "compare",
      "create", "commit", "resize", "compact", "repair");

  private static @Nullable BaseCommand command(String name, Io io) {
    switch (name) {
      case "info": return new InfoCommand(io);
      case "check": return new CheckCommand(io);
      case "map": return new MapCommand(io);
      case "cat": return new CatCommand(io);
      case "checksum": return new ChecksumCommand(io);
      case "convert": return new ConvertCommand(io);
      case "compare": return new CompareCommand(io);
      case "create": return new CreateCommand(io);
      case "commit": return new CommitCommand(io);
      case "resize": return new ResizeCommand(io);
      case "compact": return new CompactCommand(io);
      case "repair": return new RepairCommand(io);
      default: return null;
    }
  }

  static CommandLine commandLine(Io io) {
    return commandLine(io, new String[0]);
  }

  /**
   * Returns a new instance of every command: the top-level one first, then the subcommands in the
   * order {@code vhd --help} lists them, then generate-completion. {@code CliModelGenerator} writes
   * {@link CliModel} from these.
   *
   * @param io the streams the commands write to
   * @return the commands
   */
  static List<Object> commands(Io io) {
    List<Object> all = new ArrayList<>();
    all.add(new Top(io));
    for (String name : COMMANDS) {
      all.add(Objects.requireNonNull(command(name, io)));
    }
    all.add(new CompletionCommand(io));
    return all;
  }

  /**
   * Builds the command line from {@link CliModel}, which builds picocli's model in code: reading
   * the annotations would be much of every command's start-up (jmh/RESULTS.md). When
   * the first argument names a
   * subcommand, only that one is built, since what follows a subcommand's name is parsed by that
   * subcommand alone. Otherwise (no command, an unknown one, a top-level option such as --help, or
   * generate-completion) all are built, so the usage lists them, a misspelt name gets suggestions
   * and the completion script covers every command.
   */
  static CommandLine commandLine(Io io, String[] args) {
    BaseCommand only = args.length > 0 ? command(args[0], io) : null;
    List<Object> commands = only != null ? List.of(new Top(io), only) : commands(io);
    CommandLine cl = new CommandLine(CliModel.of(commands.get(0)));
    for (Object sub : commands.subList(1, commands.size())) {
      cl.addSubcommand(new CommandLine(CliModel.of(sub)));
    }
    cl.setOut(new PrintWriter(io.out, true));
    cl.setErr(new PrintWriter(io.err, true));
    cl.setParameterExceptionHandler(new UsageError());
    cl.setExecutionExceptionHandler(new Failure(io));
    return cl;
  }

  // The two handlers are classes, not lambdas: picocli's handler interfaces are Java 5 class
  // files, which the class-data archive cannot hold, so a lambda for them was a proxy class
  // generated at every start-up (jmh/RESULTS.md, "Start-up").

  /** Prints a usage error as one line and a hint, and fails. */
  private static final class UsageError implements CommandLine.IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException ex, String[] args) {
      CommandLine c = ex.getCommandLine();
      PrintWriter w = c.getErr();
      w.println(c.getCommandSpec().qualifiedName() + ": " + Errors.oneLine(String.valueOf(ex.getMessage())));
      UnmatchedArgumentException.printSuggestions(ex, w);
      w.println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
      w.flush();
      return Errors.FAILURE;
    }
  }

  /** Reports a command's exception as one line and fails. */
  private static final class Failure implements CommandLine.IExecutionExceptionHandler {
    private final Io io;

    Failure(Io io) {
      this.io = io;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine c, CommandLine.ParseResult parsed) {
      return Errors.report(io.err, "vhd", e, false);
    }
  }

  /** The top-level command: only dispatches; alone it prints the usage and fails. */
  @Command(name = "vhd", versionProvider = VersionProvider.class,
      description = "Inspect, check, read, convert and create Microsoft VHD disk images; resize, compact and"
          + " repair them, and commit differencing disks into their parents.",
      synopsisSubcommandLabel = "COMMAND",
      exitCodeListHeading = Help.EXIT_CODES,
      exitCodeList = {"0:Success; check found no errors, compare found the images identical, repair found"
          + " nothing left to repair.",
          "1:A negative answer: check found errors, compare found a difference, repair has changes pending"
              + " (--dry-run) or left errors it cannot fix; info of several images found a damaged one.",
          Help.FAILED,
          "141:cat only: the program reading its output closed the pipe (as for a process killed by"
              + " SIGPIPE).",
          Help.SIGNALLED + " convert and create remove what they had not finished."},
      footerHeading = Help.EXAMPLES,
      footer = {"  vhd info disk.vhd", "  vhd check --json disk.vhd", "  vhd convert -p -O raw disk.vhd disk.raw",
          "  vhd create --size 8G disk.vhd", "  vhd repair --dry-run disk.vhd",
          "", "Run 'vhd COMMAND --help' for a command's options, examples and exit codes. Shell completion"
              + " for bash and zsh: source <(vhd generate-completion)"})
  static final class Top implements Callable<Integer> {
    @Mixin
    HelpOptions helpOptions = new HelpOptions();

    @Spec
    @Nullable CommandSpec spec;

    private final Io io;

    Top(Io io) {
      this.io = io;
    }

    @Override
    public Integer call() {
      io.err.println("vhd: missing command");
      if (spec != null) {
        spec.commandLine().usage(io.err);
      }
      return Errors.FAILURE;
    }
  }
}
