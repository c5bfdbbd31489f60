package io.github.vhd4j.cli;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The files a batch examines: its arguments in their order, each directory replaced by the files
 * in it, sorted by name. Only names and file types are read here, never a file's content, and
 * nothing is opened but directories: a FIFO in a directory is never opened, so it cannot block.
 */
final class BatchInputs {
  private BatchInputs() {}

  /**
   * One file to examine, or a directory that could not be listed (the batch reports it as it
   * reports an image it could not read).
   *
   * @param path the file as given, or as found under a directory given
   * @param failure why the directory could not be listed; null for a file to examine
   */
  record Input(Path path, @Nullable IOException failure) {}

  /**
   * Expands the arguments. A directory argument (or a symbolic link to one: the user named it)
   * contributes its regular files, and symbolic links to regular files, whose names do not start
   * with a dot; with {@code recursive} also those of its subdirectories, at the place of their
   * name, except hidden ones and symbolic links to directories (which could make a cycle). Other
   * entries (FIFOs, sockets, devices, dangling links) are skipped, as {@code find -type f} skips
   * them. An entry that disappears between the listing and its {@code stat} is kept: its
   * examination reports it missing.
   *
   * @param arguments the IMAGE and DIR arguments
   * @param recursive whether to descend into subdirectories
   * @return the files, in order
   */
  static List<Input> expand(List<Path> arguments, boolean recursive) {
    List<Input> out = new ArrayList<>();
    for (Path p : arguments) {
      if (Files.isDirectory(p)) {
        walk(p, recursive, out);
      } else {
        out.add(new Input(p, null));
      }
    }
    return out;
  }

  private static void walk(Path dir, boolean recursive, List<Input> out) {
    List<Path> names = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path e : entries) {
        // Hidden names are skipped: convert and create write their unfinished output as
        // ".NAME.*.tmp" beside it, and version-control and snapshot directories are hidden too.
        if (!e.getFileName().toString().startsWith(".")) {
          names.add(e);
        }
      }
    } catch (IOException e) {
      out.add(new Input(dir, e));
      return;
    } catch (DirectoryIteratorException e) {
      out.add(new Input(dir, e.getCause()));
      return;
    }
    // Path order is byte order on Unix, the order of `LC_ALL=C ls`: the same on every machine.
    names.sort(null);
    for (Path e : names) {
      switch (kind(e)) {
        case FILE -> out.add(new Input(e, null));
        case DIRECTORY -> {
          if (recursive) {
            walk(e, true, out);
          }
        }
        case SKIPPED -> { }
      }
    }
  }

  /** What a directory's entry is for the walk. */
  private enum Kind { FILE, DIRECTORY, SKIPPED }

  private static Kind kind(Path entry) {
    try {
      BasicFileAttributes a = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (a.isSymbolicLink()) {
        // A link is followed to a file only: a link to a directory could lead back up the tree.
        return Files.isRegularFile(entry) ? Kind.FILE : Kind.SKIPPED;
      }
      return a.isRegularFile() ? Kind.FILE : a.isDirectory() ? Kind.DIRECTORY : Kind.SKIPPED;
    } catch (NoSuchFileException e) {
      return Kind.FILE;
    } catch (IOException e) {
      // Listed but not stat-able (a permission change under us): its examination says why.
      return Kind.FILE;
    }
  }
}
