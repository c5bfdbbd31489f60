package io.github.vhd4j.internal;

import io.github.vhd4j.ImageSource;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ParentCandidate;
import io.github.vhd4j.ParentCandidate.Outcome;
import io.github.vhd4j.ParentCycleException;
import io.github.vhd4j.ParentHint;
import io.github.vhd4j.ParentMismatchException;
import io.github.vhd4j.ParentNotFoundException;
import io.github.vhd4j.ParentReference;
import io.github.vhd4j.ParentResolver;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.SourceResolver;
import io.github.vhd4j.VhdException;
import io.github.vhd4j.internal.storage.ProcLocks;
import io.github.vhd4j.internal.storage.SourceStorage;
import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.storage.Storages;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Finds, opens and verifies the parent of a differencing layer.
 *
 * <p>Candidates come from the built-in order ({@link ParentSearch#hints}) or from a
 * caller-supplied resolver. Built-in candidates must lie directly in the child's directory or
 * inside one of the allowed directories, judged on their real path so that symbolic links cannot
 * escape. Every candidate is opened and validated; the first whose footer UUID equals the child's
 * parent UUID (or, with verification off, whose current size equals the child's) wins. Every
 * attempt is recorded so that failures can name each path and why it was rejected.
 */
public final class ParentFinder {

  /** Parses a candidate file: the open or the check flavour. */
  public interface Parser {
    /**
     * Parses a candidate.
     *
     * @param storage the candidate file
     * @param resource its name
     * @param path its path, or null when it is not a local file
     * @return the parsed layer or why it failed
     * @throws IOException if the file cannot be read
     */
    Parsed parse(Storage storage, String resource, @Nullable Path path) throws IOException;
  }

  /** The result of parsing one candidate. */
  public record Parsed(@Nullable ImageLayer layer, List<Problem> problems, @Nullable VhdException failure) {}

  /** The outcome of a search. */
  public record Found(
      @Nullable ImageLayer layer,
      List<Problem> layerProblems,
      List<ParentCandidate> tried,
      @Nullable Path path,
      String location,
      String source,
      @Nullable Throwable firstCause) {

    /**
     * Tells whether some candidate ended with an outcome.
     *
     * @param o the outcome
     * @return true when one did
     */
    public boolean any(Outcome o) {
      return tried.stream().anyMatch(c -> c.outcome() == o);
    }
  }

  /** Real paths and identities of the layers already in the chain, for cycle detection. */
  public static final class ChainMemory {
    final Set<Path> realPaths = new HashSet<>();
    final Set<Object> ids = new HashSet<>();
    /** The names of the layers that are not local files. */
    final Set<String> names = new HashSet<>();
    /** The kernel's lock table, read once for all the parents (reading it costs more than an open). */
    final ProcLocks locks = ProcLocks.lazy();

    /**
     * Remembers a layer of the chain.
     *
     * @param l the layer
     * @param identity what identifies it in its format
     */
    public void remember(ImageLayer l, Object identity) {
      ids.add(identity);
      if (l.path == null) {
        names.add(l.resource);
      } else {
        try {
          realPaths.add(l.path.toRealPath());
        } catch (IOException e) {
          realPaths.add(l.path.toAbsolutePath().normalize());
        }
      }
    }
  }

  private ParentFinder() {}

  /**
   * Finds the parent of the search's child: through the options' {@link SourceResolver} when
   * there is one, else among local files (a caller's {@link io.github.vhd4j.ParentResolver}'s
   * paths, or the built-in ones confined to the child's and the allowed directories).
   *
   * @param search the format's search
   * @param options the open options
   * @param memory the chain so far
   * @param parser parses each candidate
   * @return the parent found, or every candidate tried
   * @throws IOException if a resolver fails
   */
  public static Found find(ParentSearch search, OpenOptions options, ChainMemory memory, Parser parser)
      throws IOException {
    Attempts attempts = new Attempts(search, options, memory, parser);
    SourceResolver resolver = options.sourceResolver();
    return resolver != null ? attempts.bySource(resolver) : attempts.byFile();
  }

  /** The candidates tried for one parent, and the checks every candidate goes through. */
  private static final class Attempts {
    private final ParentSearch search;
    private final OpenOptions options;
    private final ChainMemory memory;
    private final Parser parser;
    private final List<ParentCandidate> tried = new ArrayList<>();
    private @Nullable Throwable firstCause;

    Attempts(ParentSearch search, OpenOptions options, ChainMemory memory, Parser parser) {
      this.search = search;
      this.options = options;
      this.memory = memory;
      this.parser = parser;
    }

    private void fail(String location, @Nullable Path path, String source, Outcome outcome, String detail,
        @Nullable Throwable cause) {
      tried.add(new ParentCandidate(location, path, source, outcome, detail));
      if (firstCause == null) {
        firstCause = cause;
      }
    }

    private Found none() {
      return new Found(null, List.of(), tried, null, "", "", firstCause);
    }

    /** Local files: the caller's resolver's paths (trusted), or the built-in ones (confined). */
    Found byFile() throws IOException {
      ImageLayer child = search.child();
      @Nullable Path childDir = child.path == null ? null : child.path.toAbsolutePath().normalize().getParent();
      List<ParentHint> hints = search.hints();
      List<Locators.Suggestion> candidates = Locators.paths(childDir, hints);
      boolean trusted = false;
      ParentResolver resolver = options.parentResolver();
      if (resolver != null) {
        ParentReference ref = search.reference(candidates.stream().map(Locators.Suggestion::path).toList());
        List<Path> paths = resolver.candidates(ref);
        candidates = new ArrayList<>();
        if (paths != null) {
          for (Path p : paths) {
            if (p != null) {
              candidates.add(new Locators.Suggestion(p, "resolver"));
            }
          }
        }
        trusted = true;
      }
      List<Path> allowed = allowedDirectories(options);
      Path childDirReal = childDir == null ? null : realOrNull(childDir);
      Set<Path> seen = new HashSet<>();
      for (Locators.Suggestion s : candidates) {
        Path path;
        try {
          path = s.path().toAbsolutePath().normalize();
        } catch (InvalidPathException | java.io.IOError e) {
          continue;
        }
        String where = path.toString();
        if (!seen.add(path)) {
          fail(where, path, s.source(), Outcome.DUPLICATE, "already tried", null);
          continue;
        }
        if (!Files.exists(path)) {
          fail(where, path, s.source(), Outcome.MISSING, "", null);
          continue;
        }
        Path real;
        try {
          real = path.toRealPath();
        } catch (IOException e) {
          fail(where, path, s.source(), Outcome.UNREADABLE, String.valueOf(e.getMessage()), e);
          continue;
        }
        if (!trusted && !isAllowed(real, childDirReal, allowed)) {
          fail(where, path, s.source(), Outcome.NOT_ALLOWED,
              "outside the child's directory" + (allowed.isEmpty() ? "" : " and the allowed directories")
                  + " (real path " + real + ")", null);
          continue;
        }
        if (!Files.isRegularFile(real)) {
          fail(where, path, s.source(), Outcome.NOT_A_FILE, "", null);
          continue;
        }
        if (memory.realPaths.contains(real)) {
          fail(where, path, s.source(), Outcome.CYCLE, "already in the chain", null);
          continue;
        }
        Storages.Opened opened;
        try {
          // Parents are only read, whatever the top image is opened for: a writer's lock on them
          // would keep every other reader of a shared base image out.
          opened = Storages.open(real, options.withWritable(false), memory.locks);
        } catch (IOException e) {
          fail(where, path, s.source(), Outcome.UNREADABLE, String.valueOf(e.getMessage()), e);
          continue;
        }
        Found f = tryParse(opened.storage(), where, path, s.source(), opened.warnings(where));
        if (f != null) {
          return f;
        }
      }
      return none();
    }

    /**
     * The caller's sources: each hint the child's records give, in order, handed to the resolver,
     * which decides what may be opened.
     */
    Found bySource(SourceResolver resolver) throws IOException {
      ParentReference ref = search.reference(List.of());
      Set<String> seen = new HashSet<>();
      for (ParentHint h : ref.hints()) {
        ImageSource source;
        try {
          source = resolver.open(ref, h);
        } catch (NoSuchFileException e) {
          fail(h.path(), null, h.source(), Outcome.MISSING, "", null);
          continue;
        } catch (AccessDeniedException e) {
          fail(h.path(), null, h.source(), Outcome.NOT_ALLOWED, "the resolver refused it: " + e.getMessage(), null);
          continue;
        } catch (IOException e) {
          fail(h.path(), null, h.source(), Outcome.UNREADABLE, String.valueOf(e.getMessage()), e);
          continue;
        }
        if (source == null) {
          fail(h.path(), null, h.source(), Outcome.MISSING, "", null);
          continue;
        }
        String where = source.name();
        boolean again = !seen.add(where);
        if (again || memory.names.contains(where)) {
          closeQuietly(source);
          fail(where, null, h.source(), again ? Outcome.DUPLICATE : Outcome.CYCLE,
              again ? "already tried" : "already in the chain", null);
          continue;
        }
        Storage storage;
        try {
          storage = new SourceStorage(source, true);
        } catch (IOException e) {
          closeQuietly(source);
          fail(where, null, h.source(), Outcome.UNREADABLE, String.valueOf(e.getMessage()), e);
          continue;
        }
        Found f = tryParse(storage, where, null, h.source(), List.of());
        if (f != null) {
          return f;
        }
      }
      return none();
    }

    /**
     * Parses an opened candidate and checks it against the child; keeps its storage open only
     * when it is the parent.
     */
    private @Nullable Found tryParse(Storage storage, String where, @Nullable Path path, String source,
        List<Problem> storageWarnings) throws IOException {
      boolean keep = false;
      try {
        Parsed parsed = parser.parse(storage, where, path);
        ImageLayer parent = parsed.layer();
        if (parent == null) {
          VhdException f = parsed.failure();
          fail(where, path, source, Outcome.INVALID,
              f == null ? "not a valid image of the child's format" : String.valueOf(f.getMessage()), f);
          return null;
        }
        ParentSearch.Rejection no = search.check(parent, options);
        if (no != null) {
          fail(where, path, source, no.outcome(), no.reason(), null);
          return null;
        }
        if (memory.ids.contains(search.identity(parent))) {
          fail(where, path, source, Outcome.CYCLE, search.inChain(parent), null);
          return null;
        }
        tried.add(new ParentCandidate(where, path, source, Outcome.ACCEPTED, ""));
        keep = true;
        List<Problem> problems = new ArrayList<>(parsed.problems());
        problems.addAll(storageWarnings);
        return new Found(parent, problems, tried, path, where, source, null);
      } finally {
        if (!keep) {
          storage.close();
        }
      }
    }
  }

  private static void closeQuietly(ImageSource source) {
    try {
      source.close();
    } catch (IOException e) {
      // The candidate is rejected already; failing to release it changes nothing for the search.
    }
  }

  private static List<Path> allowedDirectories(OpenOptions options) {
    List<Path> out = new ArrayList<>();
    for (Path d : options.parentDirectories()) {
      Path real = realOrNull(d.toAbsolutePath().normalize());
      if (real != null) {
        out.add(real);
      }
    }
    return out;
  }

  private static @Nullable Path realOrNull(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      return null;
    }
  }

  /** The child's own directory admits files directly in it; allowed directories admit subtrees. */
  private static boolean isAllowed(Path real, @Nullable Path childDirReal, List<Path> allowed) {
    Path dir = real.getParent();
    if (childDirReal != null && childDirReal.equals(dir)) {
      return true;
    }
    for (Path a : allowed) {
      if (real.startsWith(a)) {
        return true;
      }
    }
    return false;
  }

  /** Describes the failure of a search in one line, for messages and reports. */
  /** The problem code matching a failed search. */
  public static ProblemCode code(Found found) {
    if (found.any(Outcome.CYCLE)) {
      return ProblemCode.PARENT_CYCLE;
    }
    if (found.any(Outcome.UUID_MISMATCH)) {
      return ProblemCode.PARENT_UUID_MISMATCH;
    }
    if (found.any(Outcome.SIZE_MISMATCH)) {
      return ProblemCode.PARENT_SIZE_MISMATCH;
    }
    return ProblemCode.PARENT_NOT_FOUND;
  }

  /** The exception for a failed search: a cycle, a mismatch, or no parent at all. */
  public static ParentNotFoundException exception(ParentSearch search, Found found) {
    String headline = search.headline(found);
    ImageLayer child = search.child();
    switch (code(found)) {
      case PARENT_CYCLE:
        return new ParentCycleException(headline, child.resource, search.parentId(), found.tried());
      case PARENT_UUID_MISMATCH:
      case PARENT_SIZE_MISMATCH:
        return new ParentMismatchException(headline, child.resource, search.parentId(), found.tried(),
            found.firstCause());
      default:
        return new ParentNotFoundException(headline, child.resource, search.parentId(), found.tried(),
            found.firstCause());
    }
  }
}
