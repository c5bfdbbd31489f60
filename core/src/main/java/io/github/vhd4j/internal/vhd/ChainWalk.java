package io.github.vhd4j.internal.vhd;

import io.github.vhd4j.DiskType;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.internal.ParentFinder;
import io.github.vhd4j.internal.Place;
import io.github.vhd4j.internal.Problems;
import io.github.vhd4j.internal.Site;
import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.vhd.layout.DynamicHeaderLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Walks a differencing disk's parent chain, one parent at a time, iteratively: finds and parses
 * each parent, checks it against its child, and hands the result to a policy that either throws
 * (opening) or records and goes on (checking).
 */
final class ChainWalk {
  private ChainWalk() {}

  /** What a walk does with each step: an open throws where a check records. */
  interface Policy {
    /**
     * Parses a candidate parent.
     *
     * @param storage the candidate's file
     * @param resource its name
     * @param path its path
     * @return the layer, or why there is none
     * @throws IOException if the file cannot be read
     */
    ParentFinder.Parsed parse(Storage storage, String resource, Path path) throws IOException;

    /**
     * The chain is deeper than the options allow; the walk stops after this.
     *
     * @param child the layer whose parent would pass the limit
     * @param depth the layers counted so far
     * @param limit the most allowed
     * @throws IOException to end the walk with a failure
     */
    void tooDeep(Layer child, int depth, int limit) throws IOException;

    /**
     * No candidate was the parent; the walk stops after this.
     *
     * @param child the layer whose parent is missing
     * @param found every candidate tried
     * @throws IOException to end the walk with a failure
     */
    void notFound(Layer child, ParentFinder.Found found) throws IOException;

    /**
     * A parent was found and accepted.
     *
     * @param child the child
     * @param parent its parent, now part of the chain
     * @param found the search that found it
     * @param links what the checks between the two found (time stamp, size)
     * @throws IOException to end the walk with a failure
     */
    void accepted(Layer child, Layer parent, ParentFinder.Found found, List<Problem> links) throws IOException;
  }

  /**
   * Walks from {@code top} down to the first layer that is not a differencing disk, or until the
   * policy is told of a failure.
   *
   * @param top the top layer
   * @param options parent search and depth limit
   * @param policy what to do at each step
   * @param opened receives the storage of each parent accepted, before the policy hears of it, so
   *     that the caller can close them whatever happens
   * @throws IOException if the policy throws, or a file cannot be read
   */
  static void walk(Layer top, OpenOptions options, Policy policy, List<Storage> opened) throws IOException {
    ParentFinder.ChainMemory memory = new ParentFinder.ChainMemory();
    memory.remember(top, top.footer.uniqueId());
    Layer cur = top;
    int depth = 0;
    while (cur.type == DiskType.DIFFERENCING) {
      if (++depth > options.maxChainDepth()) {
        policy.tooDeep(cur, depth, options.maxChainDepth());
        return;
      }
      ParentFinder.Found found = ParentFinder.find(new VhdParentSearch(cur), options, memory, policy::parse);
      Layer parent = (Layer) found.layer();
      if (parent == null) {
        policy.notFound(cur, found);
        return;
      }
      opened.add(parent.storage);
      Problems links = new Problems(cur.resource);
      linkChecks(cur, parent, links);
      policy.accepted(cur, parent, found, links.list());
      memory.remember(parent, parent.footer.uniqueId());
      cur = parent;
    }
  }

  /**
   * Where a problem about a child's parent is reported: the header's parent UUID.
   *
   * @param child a differencing layer
   * @return the site
   */
  static Site parentSite(Layer child) {
    return header(child).site(DynamicHeaderLayout.PARENT_UUID);
  }

  private static Place header(Layer child) {
    return new Place(DynamicHeaderLayout.STRUCTURE, child.header.offset());
  }

  /** Checks between a child and its accepted parent: time stamp and size. */
  private static void linkChecks(Layer child, Layer parent, Problems p) {
    long want = child.header.parentTimestamp();
    long have = parent.footer.timestamp();
    if (want != have) {
      p.warning(ProblemCode.PARENT_TIMESTAMP_MISMATCH, header(child).site(DynamicHeaderLayout.PARENT_TIMESTAMP),
          Long.toString(have) + " (the parent footer's time stamp)", Long.toString(want),
          "the parent may have changed since the child was created");
    }
    if (parent.virtualSize < child.virtualSize) {
      p.info(ProblemCode.PARENT_SIZE_SMALLER, parentSite(child),
          "the parent (" + parent.virtualSize + " bytes) is smaller than the child (" + child.virtualSize
              + " bytes); the child reads zeros beyond the parent's end");
    }
  }
}
