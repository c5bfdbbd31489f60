package io.github.vhd4j.internal.vhd;

import io.github.vhd4j.DynamicHeader;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ParentCandidate.Outcome;
import io.github.vhd4j.ParentHint;
import io.github.vhd4j.ParentReference;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.internal.ImageLayer;
import io.github.vhd4j.internal.Locators;
import io.github.vhd4j.internal.ParentFinder;
import io.github.vhd4j.internal.ParentSearch;
import io.github.vhd4j.internal.Place;
import io.github.vhd4j.internal.Problems;
import io.github.vhd4j.internal.Site;
import io.github.vhd4j.internal.vhd.layout.DynamicHeaderLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A VHD child's parent: candidates from its locators and parent name, identified by the parent's
 * footer UUID (or, with verification off, by an equal current size).
 */
final class VhdParentSearch implements ParentSearch {
  private final Layer child;

  VhdParentSearch(Layer child) {
    this.child = child;
  }

  @Override
  public Layer child() {
    return child;
  }

  @Override
  public List<ParentHint> hints() {
    return Locators.hints(child.header);
  }

  @Override
  public ParentReference reference(List<Path> suggested) {
    DynamicHeader h = child.header;
    return new ParentReference(child.resource, child.path, h.parentUuid(), h.parentTimestamp(), h.parentName(),
        h.parentLocators().stream().filter(l -> l.platformCode() != 0).toList(), suggested, hints());
  }

  @Override
  public @Nullable Rejection check(ImageLayer candidate, OpenOptions options) {
    if (!(candidate instanceof Layer parent)) {
      return new Rejection(Outcome.INVALID, "not a VHD");
    }
    UUID want = child.header.parentUuid();
    UUID have = parent.footer.uniqueId();
    if (options.verifyParentUuid() && !want.equals(have)) {
      return new Rejection(Outcome.UUID_MISMATCH, "its UUID is " + have + ", the child expects " + want);
    }
    if (!options.verifyParentUuid() && parent.footer.currentSize() != child.footer.currentSize()) {
      return new Rejection(Outcome.SIZE_MISMATCH, "its current size is " + parent.footer.currentSize()
          + ", the child's is " + child.footer.currentSize());
    }
    return null;
  }

  @Override
  public Object identity(ImageLayer layer) {
    return ((Layer) layer).footer.uniqueId();
  }

  @Override
  public String inChain(ImageLayer candidate) {
    return "an image with UUID " + identity(candidate) + " is already in the chain";
  }

  @Override
  public UUID parentId() {
    return child.header.parentUuid();
  }

  @Override
  public Site parentSite() {
    return header().site(DynamicHeaderLayout.PARENT_UUID);
  }

  private Place header() {
    return new Place(DynamicHeaderLayout.STRUCTURE, child.header.offset());
  }

  @Override
  public List<Problem> links(ImageLayer candidate) {
    Layer parent = (Layer) candidate;
    Problems p = new Problems(child.resource);
    long want = child.header.parentTimestamp();
    long have = parent.footer.timestamp();
    if (want != have) {
      p.warning(ProblemCode.PARENT_TIMESTAMP_MISMATCH, header().site(DynamicHeaderLayout.PARENT_TIMESTAMP),
          Long.toString(have) + " (the parent footer's time stamp)", Long.toString(want),
          "the parent may have changed since the child was created");
    }
    if (parent.virtualSize < child.virtualSize) {
      p.info(ProblemCode.PARENT_SIZE_SMALLER, parentSite(),
          "the parent (" + parent.virtualSize + " bytes) is smaller than the child (" + child.virtualSize
              + " bytes); the child reads zeros beyond the parent's end");
    }
    return p.list();
  }

  @Override
  public String headline(ParentFinder.Found found) {
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
}
