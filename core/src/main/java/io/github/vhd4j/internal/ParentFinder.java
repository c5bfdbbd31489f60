package io.github.vhd4j.internal;

import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ParentCandidate;
import io.github.vhd4j.ParentCandidate.Outcome;
import io.github.vhd4j.ParentCycleException;
import io.github.vhd4j.ParentMismatchException;
import io.github.vhd4j.ParentNotFoundException;
import io.github.vhd4j.ParentReference;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.VhdException;
import io.github.vhd4j.internal.storage.ProcLocks;
import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.storage.Storages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Finds, opens and verifies the parent of a differencing layer.
 *
 * <p>Candidates come from the built-in order ({@link Locators#suggestions}) or from a
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
     * @param path its path
     * @return the parsed layer or why it failed
     * @throws IOException if the file cannot be read
     */
    Parsed parse(Storage storage, String resource, Path path) throws IOException;
  }

  /** The result of parsing one candidate. */
  public record Parsed(@Nullable ImageLayer layer, List<Problem> problems, @Nullable VhdException failure) {}

  /** The outcome of a search. */
  public record Found(
      @Nullable ImageLayer layer,
      List<Problem> layerProblems,
      List<ParentCandidate> tried,
      @Nullable Path path,
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
      if (l.path != null) {
        try {
          realPaths.add(l.path.toRealPath());
        } catch (IOException e) {
          realPaths.add(l.path.toAbsolutePath().normalize());
        }
      }
    }
  }

  private ParentFinder() {}

  public static Found find(ParentSearch search, OpenOptions options, ChainMemory memory, Parser parser)
      throws IOException {
    ImageLayer child = search.child();
    @Nullable Path childDir = child.path == null ? null : child.path.toAbsolutePath().normalize().getParent();
    List<Locators.Suggestion> suggestions = search.suggestions(childDir);
    List<Locators.Suggestion> candidates;
    boolean trusted;
    if (options.parentResolver() != null) {
      List<Path> suggested = suggestions.stream().map(Locators.Suggestion::path).toList();
      ParentReference ref = search.reference(suggested);
      List<Path> paths = options.parentResolver().candidates(ref);
      candidates = new ArrayList<>();
      if (paths != null) {
        for (Path p : paths) {
          if (p != null) {
            candidates.add(new Locators.Suggestion(p, "resolver"));
          }
        }
      }
      trusted = true;
    } else {
      candidates = suggestions;
      trusted = false;
    }
    List<Path> allowed = allowedDirectories(options);
    Path childDirReal = childDir == null ? null : realOrNull(childDir);

    List<ParentCandidate> tried = new ArrayList<>();
    Set<Path> seen = new HashSet<>();
    Throwable firstCause = null;
    for (Locators.Suggestion s : candidates) {
      Path path;
      try {
        path = s.path().toAbsolutePath().normalize();
      } catch (InvalidPathException | java.io.IOError e) {
        continue;
      }
      if (!seen.add(path)) {
        tried.add(new ParentCandidate(path, s.source(), Outcome.DUPLICATE, "already tried"));
        continue;
      }
      if (!Files.exists(path)) {
        tried.add(new ParentCandidate(path, s.source(), Outcome.MISSING, ""));
        continue;
      }
      Path real;
      try {
        real = path.toRealPath();
      } catch (IOException e) {
        tried.add(new ParentCandidate(path, s.source(), Outcome.UNREADABLE, String.valueOf(e.getMessage())));
        firstCause = firstCause == null ? e : firstCause;
        continue;
      }
      if (!trusted && !isAllowed(real, childDirReal, allowed)) {
        tried.add(new ParentCandidate(path, s.source(), Outcome.NOT_ALLOWED,
            "outside the child's directory" + (allowed.isEmpty() ? "" : " and the allowed directories")
                + " (real path " + real + ")"));
        continue;
      }
      if (!Files.isRegularFile(real)) {
        tried.add(new ParentCandidate(path, s.source(), Outcome.NOT_A_FILE, ""));
        continue;
      }
      if (memory.realPaths.contains(real)) {
        tried.add(new ParentCandidate(path, s.source(), Outcome.CYCLE, "already in the chain"));
        continue;
      }
      Storage storage;
      Storages.Opened opened;
      try {
        // Parents are only read, whatever the top image is opened for: a writer's lock on them
        // would keep every other reader of a shared base image out.
        opened = Storages.open(real, options.withWritable(false), memory.locks);
        storage = opened.storage();
      } catch (IOException e) {
        tried.add(new ParentCandidate(path, s.source(), Outcome.UNREADABLE, String.valueOf(e.getMessage())));
        firstCause = firstCause == null ? e : firstCause;
        continue;
      }
      boolean keep = false;
      try {
        Parsed parsed = parser.parse(storage, path.toString(), path);
        ImageLayer parent = parsed.layer();
        if (parent == null) {
          VhdException f = parsed.failure();
          tried.add(new ParentCandidate(path, s.source(), Outcome.INVALID,
              f == null ? "not a valid image of the child's format" : String.valueOf(f.getMessage())));
          firstCause = firstCause == null ? f : firstCause;
          continue;
        }
        ParentSearch.Rejection no = search.check(parent, options);
        if (no != null) {
          tried.add(new ParentCandidate(path, s.source(), no.outcome(), no.reason()));
          continue;
        }
        if (memory.ids.contains(search.identity(parent))) {
          tried.add(new ParentCandidate(path, s.source(), Outcome.CYCLE, search.inChain(parent)));
          continue;
        }
        tried.add(new ParentCandidate(path, s.source(), Outcome.ACCEPTED, ""));
        keep = true;
        List<Problem> problems = new ArrayList<>(parsed.problems());
        problems.addAll(opened.warnings(path.toString()));
        return new Found(parent, problems, tried, path, s.source(), null);
      } finally {
        if (!keep) {
          storage.close();
        }
      }
    }
    return new Found(null, List.of(), tried, null, "", firstCause);
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
