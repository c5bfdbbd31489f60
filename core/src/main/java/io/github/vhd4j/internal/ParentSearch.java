package io.github.vhd4j.internal;

import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ParentCandidate.Outcome;
import io.github.vhd4j.ParentHint;
import io.github.vhd4j.ParentReference;
import io.github.vhd4j.Problem;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What a format tells {@link ParentFinder} about a differencing child: where its parent may be,
 * how a caller's resolver sees it, and how to tell the right parent from another file.
 */
public interface ParentSearch {

  /**
   * Why a parsed candidate is not the parent.
   *
   * @param outcome the rejection
   * @param reason the reason, for messages
   */
  record Rejection(Outcome outcome, String reason) {}

  /**
   * Returns the child.
   *
   * @return the child layer
   */
  ImageLayer child();

  /**
   * Lists the places the child's records name for its parent, in the format's documented order.
   *
   * @return the hints
   */
  List<ParentHint> hints();

  /**
   * Describes the child's reference to its parent for a caller's resolver.
   *
   * @param suggested the built-in candidates as local paths (empty when the child is not a local
   *     file)
   * @return the reference, with {@link #hints()}
   */
  ParentReference reference(List<Path> suggested);

  /**
   * Checks a candidate that parsed.
   *
   * @param candidate the candidate
   * @param options the open options (whether identities are verified)
   * @return null when it is the parent the child names, else why not
   */
  @Nullable Rejection check(ImageLayer candidate, OpenOptions options);

  /**
   * Returns what identifies a layer in a chain, for cycle detection.
   *
   * @param layer a layer of this format
   * @return its identity
   */
  Object identity(ImageLayer layer);

  /**
   * Says a candidate is already in the chain.
   *
   * @param candidate the candidate
   * @return for example "an image with UUID ... is already in the chain"
   */
  String inChain(ImageLayer candidate);

  /**
   * Returns the identity of the parent the child names.
   *
   * @return the parent's UUID or GUID
   */
  UUID parentId();

  /**
   * Returns where problems about the child's parent are reported: the field that names the
   * parent (VHD: the dynamic header's parent UUID; VHDX: the parent locator item).
   *
   * @return the site
   */
  Site parentSite();

  /**
   * Checks an accepted parent against the child: what the format records of the parent beyond its
   * identity (VHD: its time stamp) and a parent smaller than the child.
   *
   * @param parent the accepted parent, a layer of this format
   * @return the problems found, warnings and notes only
   */
  List<Problem> links(ImageLayer parent);

  /**
   * Sums up a failed search in one line.
   *
   * @param found the search's result
   * @return the headline
   */
  String headline(ParentFinder.Found found);
}
