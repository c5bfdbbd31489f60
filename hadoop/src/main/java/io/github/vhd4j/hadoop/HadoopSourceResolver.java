package io.github.vhd4j.hadoop;

import io.github.vhd4j.ImageSource;
import io.github.vhd4j.ParentHint;
import io.github.vhd4j.ParentReference;
import io.github.vhd4j.SourceResolver;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.jspecify.annotations.Nullable;

/**
 * Opens a differencing disk's parents on the Hadoop file system of the child, confined to the
 * child's own directory (files directly in it) and to the allowed directories of
 * {@link HadoopOptions#parentDirectories()} (and their subdirectories), as the built-in search of
 * local files is.
 *
 * <p>A relative hint is taken from the child's directory and normalized ({@code ..} and {@code .}
 * resolved) before it is checked, so {@code ../../etc/x.vhd} is refused unless it lands in an
 * allowed directory; an absolute hint (a Mac locator's POSIX path) is taken on the child's file
 * system and refused unless it lies in an allowed directory. A refused place makes
 * {@link #open} throw {@link AccessDeniedException}; a place where there is no file returns null.
 * Symbolic links are not followed by this check: Hadoop file systems resolve them, where they
 * support them at all, on the server.
 *
 * <p>The resolver remembers every source it opened ({@link #openedSources()}), so that the bytes a
 * whole chain read can be counted. It is thread-safe.
 */
public final class HadoopSourceResolver implements SourceResolver {
  private final Configuration conf;
  private final HadoopOptions options;
  /** Source names this resolver (or its caller) knows the path of: names are not always parseable. */
  private final Map<String, Path> known = new ConcurrentHashMap<>();
  private final List<HadoopSource> opened = new CopyOnWriteArrayList<>();

  private HadoopSourceResolver(Configuration conf, HadoopOptions options) {
    this.conf = conf;
    this.options = options;
  }

  /**
   * Returns a resolver confined to each child's directory and to {@code options}'
   * {@link HadoopOptions#parentDirectories()}.
   *
   * @param conf the configuration file systems are obtained with
   * @param options the allowed directories and the read policy
   * @return a new resolver
   */
  public static HadoopSourceResolver create(Configuration conf, HadoopOptions options) {
    return new HadoopSourceResolver(Objects.requireNonNull(conf, "conf"), Objects.requireNonNull(options, "options"));
  }

  /**
   * Tells the resolver where the image a source name stands for is, for a top image this
   * resolver did not open. Without it the name is parsed as a Hadoop path.
   *
   * @param source the child's source
   */
  public void register(HadoopSource source) {
    known.put(source.name(), source.path());
  }

  /**
   * Returns the sources this resolver has opened, in order; vhd4j closes them with the image.
   *
   * @return the sources
   */
  public List<HadoopSource> openedSources() {
    return List.copyOf(opened);
  }

  /**
   * Returns the bytes read from the sources this resolver opened.
   *
   * @return the sum of their {@link HadoopSource#bytesRead()}
   */
  public long bytesRead() {
    long n = 0;
    for (HadoopSource s : opened) {
      n += s.bytesRead();
    }
    return n;
  }

  /**
   * Opens one place the child's records name, when it is allowed.
   *
   * @param reference what the child records; {@link ParentReference#child()} names the child
   * @param hint the place to try
   * @return the opened source, or null when there is no file there
   * @throws AccessDeniedException if the place lies outside the child's directory and the allowed
   *     directories
   * @throws IOException if the file cannot be opened
   */
  @Override
  public @Nullable ImageSource open(ParentReference reference, ParentHint hint) throws IOException {
    Path child = known.get(reference.child());
    if (child == null) {
      child = new Path(reference.child());
    }
    FileSystem fs = child.getFileSystem(conf);
    Path qualifiedChild = fs.makeQualified(child);
    URI childUri = qualifiedChild.toUri();
    String childDir = parentOf(childUri.getPath());
    String target = normalize(hint.relative() ? childDir + "/" + hint.path() : hint.path());
    if (target == null) {
      throw new AccessDeniedException(hint.path(), null,
          "parent path climbs above the root of " + reference.child() + "'s file system (" + hint.source() + ")");
    }
    if (!isAllowed(target, childDir, fs)) {
      throw new AccessDeniedException(target, null, "parent outside the child's directory"
          + (options.parentDirectories().isEmpty() ? "" : " and the allowed directories") + " (" + hint.source() + ")");
    }
    Path candidate;
    try {
      candidate = new Path(childUri.getScheme(), childUri.getAuthority(), target);
    } catch (IllegalArgumentException e) {
      // A name Hadoop cannot put in a URI cannot be a file on its file system.
      return null;
    }
    FileStatus status;
    try {
      status = fs.getFileStatus(candidate);
    } catch (FileNotFoundException e) {
      return null;
    }
    if (!status.isFile()) {
      return null;
    }
    HadoopSource source = HadoopSource.open(fs, status, options);
    known.put(source.name(), source.path());
    opened.add(source);
    return source;
  }

  /** Whether a normalized absolute path is directly in the child's directory or in an allowed subtree. */
  private boolean isAllowed(String target, String childDir, FileSystem fs) {
    if (parentOf(target).equals(childDir)) {
      return true;
    }
    URI fsUri = fs.getUri();
    for (Path dir : options.parentDirectories()) {
      URI d = fs.makeQualified(dir).toUri();
      if (!Objects.equals(d.getScheme(), fsUri.getScheme()) || !Objects.equals(d.getAuthority(), fsUri.getAuthority())) {
        continue;
      }
      String allowed = normalize(d.getPath());
      if (allowed == null) {
        continue;
      }
      if (allowed.equals("/") || target.startsWith(allowed + "/")) {
        return true;
      }
    }
    return false;
  }

  /** The directory part of an absolute path: "/" for files in the root. */
  static String parentOf(String path) {
    int slash = path.lastIndexOf('/');
    return slash <= 0 ? "/" : path.substring(0, slash);
  }

  /**
   * Resolves "." and ".." and collapses repeated slashes in an absolute path.
   *
   * @return the normalized path starting with "/", or null when ".." climbs above the root
   */
  static @Nullable String normalize(String path) {
    Deque<String> parts = new ArrayDeque<>();
    for (String part : path.split("/", -1)) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (parts.isEmpty()) {
          return null;
        }
        parts.removeLast();
      } else {
        parts.addLast(part);
      }
    }
    List<String> list = new ArrayList<>(parts);
    return "/" + String.join("/", list);
  }
}
