package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ParentCandidate.Outcome;
import io.github.vhd4j.ParentHint;
import io.github.vhd4j.ParentReference;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.VhdxMetadataItem;
import io.github.vhd4j.VhdxParentLocator;
import io.github.vhd4j.VhdxRegion;
import io.github.vhd4j.internal.ImageLayer;
import io.github.vhd4j.internal.Locators;
import io.github.vhd4j.internal.ParentFinder;
import io.github.vhd4j.internal.ParentSearch;
import io.github.vhd4j.internal.Problems;
import io.github.vhd4j.internal.Site;
import io.github.vhd4j.internal.vhdx.layout.Guids;
import io.github.vhd4j.internal.vhdx.layout.ParentLocatorLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A differencing VHDX's parent (MS-VHDX 2.6.2.6.3): candidates from {@code relative_path}
 * (relative to the child's directory), then the file names of {@code volume_path} and
 * {@code absolute_win32_path} beside the child, the same confinement as VHD; identified by its
 * current header's DataWriteGuid equal to {@code parent_linkage} or a non-zero
 * {@code parent_linkage2}, with the child's logical sector size.
 */
final class VhdxParentSearch implements ParentSearch {
  private final VhdxLayer child;
  private final VhdxParentLocator locator;
  private final UUID linkage;
  private final @Nullable UUID linkage2;
  /** Whether the locator exists and its parent_linkage is a GUID. */
  private final boolean named;

  VhdxParentSearch(VhdxLayer child) {
    this.child = child;
    VhdxParentLocator loc = child.locator;
    // An open refuses a differencing file without a locator or a linkage GUID; a check goes on.
    this.locator = loc == null ? new VhdxParentLocator(Guids.VHDX_LOCATOR_TYPE, java.util.Map.of()) : loc;
    UUID l = guid(locator.parentLinkage());
    this.named = loc != null && l != null;
    this.linkage = l == null ? Guids.ZERO : l;
    UUID l2 = guid(locator.parentLinkage2());
    this.linkage2 = l2 == null || l2.equals(Guids.ZERO) ? null : l2;
  }

  /** Parses a locator GUID value, {@code {xxxxxxxx-...}} in any case. */
  static @Nullable UUID guid(@Nullable String text) {
    if (text == null || text.length() != 38 || text.charAt(0) != '{' || text.charAt(37) != '}') {
      return null;
    }
    try {
      return UUID.fromString(text.substring(1, 37));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * Tells whether the child names its parent: a check goes on with a locator the parser reported
   * (missing, or its parent_linkage not a GUID), and no file can then be identified as the parent.
   *
   * @return true when the locator and its parent_linkage are usable
   */
  boolean named() {
    return named;
  }

  @Override
  public VhdxLayer child() {
    return child;
  }

  @Override
  public List<ParentHint> hints() {
    List<ParentHint> out = new ArrayList<>();
    String rel = locator.relativePath();
    if (rel != null) {
      // Windows writes ".\parent.vhdx"; backslashes are separators, a drive letter is dropped.
      Locators.add(out, new ParentHint(Locators.relativeToPosix(rel), true, "relative_path"));
    }
    for (String key : new String[] {"volume_path", "absolute_win32_path"}) {
      String abs = locator.entries().get(key);
      if (abs != null) {
        Locators.addName(out, abs, key);
      }
    }
    return out;
  }

  @Override
  public ParentReference reference(List<Path> suggested) {
    String name = locator.relativePath() != null ? locator.relativePath()
        : locator.absoluteWin32Path() != null ? locator.absoluteWin32Path()
        : locator.volumePath() != null ? locator.volumePath() : "";
    return new ParentReference(child.resource, child.path, linkage, 0, name, List.of(), suggested, hints());
  }

  @Override
  public @Nullable Rejection check(ImageLayer candidate, OpenOptions options) {
    if (!(candidate instanceof VhdxLayer parent)) {
      return new Rejection(Outcome.INVALID, "not a VHDX file");
    }
    UUID have = parent.header.dataWriteGuid();
    if (options.verifyParentUuid() && !have.equals(linkage) && !have.equals(linkage2)) {
      return new Rejection(Outcome.UUID_MISMATCH, "its DataWriteGuid is " + Guids.text(have)
          + ", the child expects parent_linkage " + Guids.text(linkage)
          + (linkage2 == null ? "" : " or parent_linkage2 " + Guids.text(linkage2)));
    }
    int want = child.metadata.logicalSectorSize();
    int got = parent.metadata.logicalSectorSize();
    if (want != got) {
      return new Rejection(Outcome.SIZE_MISMATCH, "its logical sector size is " + got + ", the child's is " + want);
    }
    return null;
  }

  @Override
  public Object identity(ImageLayer layer) {
    return ((VhdxLayer) layer).header.dataWriteGuid();
  }

  @Override
  public String inChain(ImageLayer candidate) {
    return "an image with DataWriteGuid " + Guids.text((UUID) identity(candidate)) + " is already in the chain";
  }

  @Override
  public UUID parentId() {
    return linkage;
  }

  /** The parent locator item's file offset: its parent_linkage names the parent. */
  @Override
  public Site parentSite() {
    long region = child.regions.stream().filter(r -> r.guid().equals(Guids.METADATA_REGION))
        .mapToLong(VhdxRegion::fileOffset).findFirst().orElse(-1);
    long item = child.metadata.items().stream().filter(i -> i.itemId().equals(Guids.PARENT_LOCATOR))
        .mapToLong(VhdxMetadataItem::offset).findFirst().orElse(-1);
    return new Site(ParentLocatorLayout.STRUCTURE, ParentLocatorLayout.PARENT_LINKAGE,
        region < 0 || item < 0 ? -1 : region + item);
  }

  /** MS-VHDX keeps nothing of the parent but its DataWriteGuid: only a smaller parent is noted. */
  @Override
  public List<Problem> links(ImageLayer parent) {
    Problems p = new Problems(child.resource);
    if (parent.virtualSize < child.virtualSize) {
      p.info(ProblemCode.PARENT_SIZE_SMALLER, parentSite(), "the parent (" + parent.virtualSize
          + " bytes) is smaller than the child (" + child.virtualSize + " bytes); the child reads zeros beyond"
          + " the parent's end");
    }
    return p.list();
  }

  @Override
  public String headline(ParentFinder.Found found) {
    String wanted = "parent_linkage " + Guids.text(linkage) + ", relative_path \""
        + (locator.relativePath() == null ? "" : locator.relativePath()) + "\"";
    if (found.any(Outcome.CYCLE)) {
      return "parent chain cycle: the parent of " + child.resource + " (" + wanted + ") is already part of the chain";
    }
    if (found.any(Outcome.UUID_MISMATCH) || found.any(Outcome.SIZE_MISMATCH)) {
      return "no matching parent: the child expects " + wanted;
    }
    return "parent not found: " + wanted;
  }
}
