package io.github.vhd4j.internal.vhd;

import io.github.vhd4j.DynamicHeader;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ParentCandidate.Outcome;
import io.github.vhd4j.ParentReference;
import io.github.vhd4j.internal.ImageLayer;
import io.github.vhd4j.internal.Locators;
import io.github.vhd4j.internal.ParentFinder;
import io.github.vhd4j.internal.ParentSearch;
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
  public List<Locators.Suggestion> suggestions(@Nullable Path childDir) {
    return Locators.suggestions(childDir, child.header);
  }

  @Override
  public ParentReference reference(List<Path> suggested) {
    DynamicHeader h = child.header;
    return new ParentReference(child.resource, child.path, h.parentUuid(), h.parentTimestamp(), h.parentName(),
        h.parentLocators().stream().filter(l -> l.platformCode() != 0).toList(), suggested);
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
