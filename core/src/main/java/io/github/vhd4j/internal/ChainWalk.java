package io.github.vhd4j.internal;

import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ParentResolution;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.VhdLimitException;
import io.github.vhd4j.internal.storage.Storage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Walks a differencing disk's parent chain for every format, one parent at a time, iteratively:
 * finds and parses each parent through the format's {@link ParentSearch}, checks it against its
 * child, and hands the result to a policy that either throws (opening) or records and goes on
 * (checking). Depth, cycles, confinement and resolvers are this walk's and {@link ParentFinder}'s,
 * the same for VHD and VHDX.
 */
public final class ChainWalk {
  private ChainWalk() {}

  /**
   * What a walk does with each step: an open throws where a check records.
   *
   * @param <L> the format's layer
   */
  public interface Policy<L extends ImageLayer> extends ParentFinder.Parser {
    /**
     * The chain is deeper than the options allow; the walk stops after this.
     *
     * @param search the search for the parent that would pass the limit
     * @param depth the layers counted so far
     * @param limit the most allowed
     * @throws IOException to end the walk with a failure
     */
    void tooDeep(ParentSearch search, int depth, int limit) throws IOException;

    /**
     * No candidate was the parent; the walk stops after this.
     *
     * @param search the search that failed
     * @param found every candidate tried
     * @throws IOException to end the walk with a failure
     */
    void notFound(ParentSearch search, ParentFinder.Found found) throws IOException;

    /**
     * A parent was found and accepted.
     *
     * @param child the child
     * @param parent its parent, now part of the chain
     * @param found the search that found it
     * @param links what the checks between the two found ({@link ParentSearch#links})
     * @throws IOException to end the walk with a failure
     */
    void accepted(L child, L parent, ParentFinder.Found found, List<Problem> links) throws IOException;
  }

  /**
   * Walks from {@code top} down to the first layer that is not a differencing disk, or until the
   * policy is told of a failure.
   *
   * @param <L> the format's layer
   * @param top the top layer
   * @param type the format's layer class: a candidate of another class is no parent
   * @param options parent search and depth limit
   * @param opened receives the storage of each parent accepted, before the policy hears of it, so
   *     that the caller can close them whatever happens
   * @param policy what to do at each step
   * @param searches the format's search for a child's parent
   * @throws IOException if the policy throws, or a file cannot be read
   */
  public static <L extends ImageLayer> void walk(L top, Class<L> type, OpenOptions options, List<Storage> opened,
      Policy<L> policy, Function<L, ParentSearch> searches) throws IOException {
    ParentFinder.ChainMemory memory = new ParentFinder.ChainMemory();
    L cur = top;
    int depth = 0;
    while (cur.differencing) {
      ParentSearch search = searches.apply(cur);
      if (depth == 0) {
        memory.remember(top, search.identity(top));
      }
      if (++depth > options.maxChainDepth()) {
        policy.tooDeep(search, depth, options.maxChainDepth());
        return;
      }
      ParentFinder.Found found = ParentFinder.find(search, options, memory, policy);
      if (!type.isInstance(found.layer())) {
        policy.notFound(search, found);
        return;
      }
      L parent = type.cast(found.layer());
      opened.add(parent.storage);
      policy.accepted(cur, parent, found, search.links(parent));
      memory.remember(parent, search.identity(parent));
      cur = parent;
    }
  }

  /**
   * An open's walk, the same for every format: each layer with its warnings and how its parent was
   * found; a chain too deep or a parent not found throws.
   *
   * @param <L> the format's layer
   */
  public abstract static class Opening<L extends ImageLayer> implements Policy<L> {
    /** The chain's layers, top first. */
    public final List<L> layers = new ArrayList<>();
    /** Each layer's warnings, in the order of {@link #layers}. */
    public final List<List<Problem>> warnings = new ArrayList<>();
    /** How each layer's parent was found; null for the last layer, added by {@link #done}. */
    public final List<@Nullable ParentResolution> resolutions = new ArrayList<>();

    /**
     * Starts with the top layer.
     *
     * @param top the top layer
     * @param problems what parsing it found
     * @param storageWarnings what opening its file found, listed after its own problems
     */
    protected Opening(L top, List<Problem> problems, List<Problem> storageWarnings) {
      layers.add(top);
      warnings.add(new ArrayList<>(problems));
      warnings.get(0).addAll(storageWarnings);
    }

    /** Ends the walk: the last layer has no parent. */
    public void done() {
      resolutions.add(null);
    }

    @Override
    public void tooDeep(ParentSearch search, int depth, int limit) throws VhdLimitException {
      Problems p = new Problems(search.child().resource);
      throw (VhdLimitException) p.limit(ProblemCode.CHAIN_DEPTH_LIMIT, search.parentSite(), depth, limit,
          "the parent chain is deeper than the limit").toException(p.list());
    }

    @Override
    public void notFound(ParentSearch search, ParentFinder.Found found) throws IOException {
      throw ParentFinder.exception(search, found);
    }

    @Override
    public void accepted(L child, L parent, ParentFinder.Found found, List<Problem> links) {
      resolutions.add(new ParentResolution(found.location(), found.path(), found.source(), found.tried()));
      warnings.get(warnings.size() - 1).addAll(links);
      layers.add(parent);
      warnings.add(new ArrayList<>(found.layerProblems()));
    }
  }

  /**
   * The chain-depth limit as a check reports it: an error at the child's reference to its parent.
   *
   * @param search the search for the parent that would pass the limit
   * @param depth the layers counted so far
   * @param limit the most allowed
   * @return the problem
   */
  public static List<Problem> depthError(ParentSearch search, int depth, int limit) {
    Problems p = new Problems(search.child().resource);
    p.error(ProblemCode.CHAIN_DEPTH_LIMIT, false, search.parentSite(), "at most " + limit, Integer.toString(depth),
        "the parent chain is deeper than the limit");
    return p.list();
  }

  /**
   * A parent not found as a check reports it: an error at the child's reference to its parent,
   * naming every candidate tried.
   *
   * @param search the search that failed
   * @param found its result
   * @param code the problem code
   * @return the problem
   */
  public static List<Problem> notFoundError(ParentSearch search, ParentFinder.Found found, ProblemCode code) {
    String tried = found.tried().isEmpty() ? "no candidate path"
        : String.join("; ", found.tried().stream().map(Object::toString).toList());
    Problems p = new Problems(search.child().resource);
    p.error(code, false, search.parentSite(), null, null, search.headline(found) + "; tried: " + tried);
    return p.list();
  }

  /**
   * Closes the parents a walk opened, when the open failed or a check is done with them; a
   * failure to close one does not keep the others open or hide the error being reported.
   *
   * @param opened the storages {@link #walk} added
   */
  public static void closeQuietly(List<Storage> opened) {
    for (Storage s : opened) {
      try {
        s.close();
      } catch (IOException e) {
        // The open's own failure, or the check's report, matters more.
      }
    }
  }
}
