package io.github.vhd4j.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.GlobFilter;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.jspecify.annotations.Nullable;

/**
 * Lists the image files of a read on the driver, with the generic file-source options' meaning:
 * globs in paths ({@link FileSystem#globStatus}), directories walked with
 * {@link FileSystem#listFiles} (one flat paged listing on object stores), recursively only with
 * {@code recursiveFileLookup}, names filtered by {@code pathGlobFilter}, and files or directories
 * whose names start with {@code _} or {@code .} below a listed directory skipped (as Spark's file
 * sources skip {@code _SUCCESS} and {@code .crc} files).
 */
final class Listing {
  private Listing() {}

  /** A listed image and the file system that holds it. */
  record Listed(FileSystem fs, FileStatus status) {
    String path() {
      return status.getPath().toString();
    }
  }

  static List<Listed> list(Configuration conf, List<String> paths, boolean recursive, @Nullable String pathGlobFilter)
      throws IOException {
    GlobFilter filter = pathGlobFilter == null ? null : new GlobFilter(pathGlobFilter);
    // Sorted by path so that partitions (and so rows) come out in a stable order; keyed by path,
    // so a file named twice (two overlapping globs) is read once.
    Map<String, Listed> found = new TreeMap<>();
    for (String p : paths) {
      Path path = new Path(p);
      FileSystem fs = path.getFileSystem(conf);
      FileStatus[] matches = fs.globStatus(path);
      if (matches == null || matches.length == 0) {
        throw new FileNotFoundException("vhd: path does not exist: " + p);
      }
      for (FileStatus m : matches) {
        if (m.isDirectory()) {
          Path root = fs.makeQualified(m.getPath());
          RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, recursive);
          while (it.hasNext()) {
            LocatedFileStatus f = it.next();
            Path fp = fs.makeQualified(f.getPath());
            if (hiddenBelow(root, fp) || (filter != null && !filter.accept(fp))) {
              continue;
            }
            found.putIfAbsent(fp.toString(), new Listed(fs, f));
          }
        } else if (filter == null || filter.accept(m.getPath())) {
          Path fp = fs.makeQualified(m.getPath());
          found.putIfAbsent(fp.toString(), new Listed(fs, m));
        }
      }
    }
    return new ArrayList<>(found.values());
  }

  /** Whether any name from below {@code root} down to the file starts with '_' or '.'. */
  static boolean hiddenBelow(Path root, Path file) {
    for (Path p = file; p != null && !p.equals(root); p = p.getParent()) {
      String name = p.getName();
      if (name.startsWith("_") || name.startsWith(".")) {
        return true;
      }
    }
    return false;
  }
}
