package io.github.vhd4j.internal;

import io.github.vhd4j.DynamicHeader;
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
import java.util.UUID;
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
final class ParentFinder {

  /** Parses a candidate file: the open or the check flavour. */
  interface Parser {
    Parsed parse(Storage storage, String resource, Path path) throws IOException;
  }

  /** The result of parsing one candidate. */
  record Parsed(@Nullable Layer layer, List<Problem> problems, @Nullable VhdException failure) {}

  /** The outcome of a search. */
  record Found(
      @Nullable Layer layer,
      List<Problem> layerProblems,
      List<ParentCandidate> tried,
      @Nullable Path path,
      String source,
      @Nullable Throwable firstCause) {

    boolean any(Outcome o) {
      return tried.stream().anyMatch(c -> c.outcome() == o);
    }
  }

  /** Real paths and UUIDs of the layers already in the chain, for cycle detection. */
  static final class ChainMemory {
    final Set<Path> realPaths = new HashSet<>();
    final Set<UUID> uuids = new HashSet<>();
    /** The kernel's lock table, read once for all the parents (reading it costs more than an open). */
    final ProcLocks locks = ProcLocks.lazy();

    void remember(Layer l) {
      uuids.add(l.footer.uniqueId());
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

  static Found find(Layer child, OpenOptions options, ChainMemory memory, Parser parser) throws IOException {
    DynamicHeader header = child.header;
    @Nullable Path childDir = child.path == null ? null : child.path.toAbsolutePath().normalize().getParent();
    List<Locators.Suggestion> suggestions = Locators.suggestions(childDir, header);
    List<Locators.Suggestion> candidates;
    boolean trusted;
    if (options.parentResolver() != null) {
      List<Path> suggested = suggestions.stream().map(Locators.Suggestion::path).toList();
      ParentReference ref = new ParentReference(child.resource, child.path, header.parentUuid(),
          header.parentTimestamp(), header.parentName(),
          header.parentLocators().stream().filter(l -> l.platformCode() != 0).toList(), suggested);
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
        Layer parent = parsed.layer();
        if (parent == null) {
          VhdException f = parsed.failure();
          tried.add(new ParentCandidate(path, s.source(), Outcome.INVALID,
              f == null ? "not a valid VHD" : String.valueOf(f.getMessage())));
          firstCause = firstCause == null ? f : firstCause;
          continue;
        }
        UUID want = header.parentUuid();
        UUID have = parent.footer.uniqueId();
        if (options.verifyParentUuid() && !want.equals(have)) {
          tried.add(new ParentCandidate(path, s.source(), Outcome.UUID_MISMATCH,
              "its UUID is " + have + ", the child expects " + want));
          continue;
        }
        if (!options.verifyParentUuid() && parent.footer.currentSize() != child.footer.currentSize()) {
          tried.add(new ParentCandidate(path, s.source(), Outcome.SIZE_MISMATCH,
              "its current size is " + parent.footer.currentSize() + ", the child's is "
                  + child.footer.currentSize()));
          continue;
        }
        if (memory.uuids.contains(have)) {
          tried.add(new ParentCandidate(path, s.source(), Outcome.CYCLE,
              "an image with UUID " + have + " is already in the chain"));
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
  static String headline(Layer child, Found found) {
    DynamicHeader h = child.header;
    if (found.any(Outcome.CYCLE)) {
      return "parent chain cycle: the parent of " + child.resource + " (UUID " + h.parentUuid()
          + ") is already part of the chain";
    }
    if (found.any(Outcome.UUID_MISMATCH) || found.any(Outcome.SIZE_MISMATCH)) {
      return "no matching parent: the child expects UUID " + h.parentUuid() + " (name \"" + h.parentName() + "\")";
    }
    return "parent not found: UUID " + h.parentUuid() + ", name \"" + h.parentName() + "\"";
  }

  /** The problem code matching a failed search. */
  static ProblemCode code(Found found) {
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
  static ParentNotFoundException exception(Layer child, Found found) {
    String headline = headline(child, found);
    switch (code(found)) {
      case PARENT_CYCLE:
        return new ParentCycleException(headline, child.resource, child.header.parentUuid(), found.tried());
      case PARENT_UUID_MISMATCH:
      case PARENT_SIZE_MISMATCH:
        return new ParentMismatchException(headline, child.resource, child.header.parentUuid(), found.tried(),
            found.firstCause());
      default:
        return new ParentNotFoundException(headline, child.resource, child.header.parentUuid(), found.tried(),
            found.firstCause());
    }
  }
}
