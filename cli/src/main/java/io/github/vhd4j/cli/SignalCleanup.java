package io.github.vhd4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The files a command must not leave behind if the process is stopped by SIGINT, SIGTERM or
 * SIGHUP. The JVM runs shutdown hooks on those signals (and then exits with 128 + the signal's
 * number, as a shell reports it); the hook removes every file still registered.
 *
 * <p>A command registers a temporary file as soon as it exists and finishes it with {@link
 * #commit}, which renames it under the same lock the hook takes: either the rename happens and the
 * hook finds nothing to remove, or the hook removes the file and the rename is not attempted.
 */
final class SignalCleanup {
  private static final Set<Path> PENDING = new LinkedHashSet<>();
  private static boolean hooked;
  private static volatile boolean stopping;

  private SignalCleanup() {}

  /** What {@link #commit} does with the file: a rename, or a link. */
  @FunctionalInterface
  interface Action {
    void run() throws IOException;
  }

  /**
   * Registers a file to remove if the process is stopped.
   *
   * @param p the file, which this process created
   * @throws CliException if the process is already stopping: nothing more may be made
   */
  static synchronized void register(Path p) throws CliException {
    if (stopping) {
      throw stopped(p);
    }
    if (!hooked) {
      Runtime.getRuntime().addShutdownHook(new Thread(SignalCleanup::removeAll, "vhd-cleanup"));
      hooked = true;
    }
    PENDING.add(p);
  }

  /**
   * Forgets a file: it was removed or renamed by its command.
   *
   * @param p the file
   */
  static synchronized void release(Path p) {
    PENDING.remove(p);
  }

  /**
   * Runs {@code action} (the rename that publishes {@code p}) and forgets {@code p}, unless the
   * process is stopping, in which case the hook has removed or will remove it.
   *
   * @param p the registered file
   * @param action what publishes it
   * @throws IOException what {@code action} throws
   * @throws CliException if the process is stopping
   */
  static synchronized void commit(Path p, Action action) throws IOException {
    if (stopping) {
      throw stopped(p);
    }
    action.run();
    PENDING.remove(p);
  }

  /**
   * Tells whether a signal (or {@code System.exit}) has begun the shutdown: failures that follow
   * are its consequences, not errors to report.
   *
   * @return true once the hook has run
   */
  static boolean stopping() {
    return stopping;
  }

  private static CliException stopped(Path p) {
    return new CliException(p.toString(), "stopped by a signal");
  }

  private static synchronized void removeAll() {
    stopping = true;
    for (Path p : PENDING) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        // Nothing to report to: the process is going away. A later convert removes it as stale.
      }
    }
    PENDING.clear();
  }
}
