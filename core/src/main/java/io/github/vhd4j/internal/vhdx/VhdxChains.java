package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.DiskFormat;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ParentCandidate.Outcome;
import io.github.vhd4j.ParentResolution;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.UnsupportedVhdFeatureException;
import io.github.vhd4j.ValidationReport;
import io.github.vhd4j.VhdException;
import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.VhdLimitException;
import io.github.vhd4j.VhdxImage;
import io.github.vhd4j.VhdxMetadataItem;
import io.github.vhd4j.VhdxRegion;
import io.github.vhd4j.internal.ParentFinder;
import io.github.vhd4j.internal.Probe;
import io.github.vhd4j.internal.Problems;
import io.github.vhd4j.internal.Site;
import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.ParseMode;
import io.github.vhd4j.internal.vhdx.layout.Guids;
import io.github.vhd4j.internal.vhdx.layout.ParentLocatorLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Opens and checks a VHDX file with its chain of parents: one iterative walk, depth-limited, cycles
 * refused, each parent found by {@link VhdxParentSearch} under the same confinement as VHD.
 */
public final class VhdxChains {
  private VhdxChains() {}

  /**
   * Opens a file and its parents, read-only.
   *
   * @param top the file
   * @param resource its name
   * @param path its path, or null
   * @param ownsTop whether closing the image closes {@code top}
   * @param options how to open
   * @param storageWarnings problems the storage found (fallbacks, another writer)
   * @return the image
   * @throws IOException if a file cannot be read, is invalid, or a parent is missing
   */
  public static VhdxImage open(Storage top, String resource, @Nullable Path path, boolean ownsTop,
      OpenOptions options, List<Problem> storageWarnings) throws IOException {
    refuseWritable(options, resource);
    List<Storage> opened = new ArrayList<>();
    boolean ok = false;
    try {
      VhdxGate.Admitted first = VhdxGate.admit(top, resource, path, options, ParseMode.OPEN);
      List<VhdxLayer> layers = new ArrayList<>();
      List<List<Problem>> warnings = new ArrayList<>();
      List<@Nullable ParentResolution> resolutions = new ArrayList<>();
      layers.add(first.layer());
      warnings.add(new ArrayList<>(first.problems().list()));
      warnings.get(0).addAll(storageWarnings);
      Formats formats = new Formats();
      walk(first.layer(), options, opened, new Step() {
        @Override
        public ParentFinder.Parsed parse(Storage s, String name, Path p) throws IOException {
          try {
            VhdxGate.Admitted a = VhdxGate.admit(s, name, p, options, ParseMode.OPEN);
            return new ParentFinder.Parsed(a.layer(), a.problems().list(), null);
          } catch (VhdException e) {
            Problem why = e instanceof VhdFormatException f ? f.getProblem() : null;
            return new ParentFinder.Parsed(null, List.of(), formats.failure(s, name, p, why, e));
          }
        }

        @Override
        public void tooDeep(VhdxLayer child, int depth, int limit) throws IOException {
          Problems p = new Problems(child.resource);
          throw (VhdLimitException) p.limit(ProblemCode.CHAIN_DEPTH_LIMIT, locatorSite(child), depth, limit,
              "the parent chain is deeper than the limit").toException(p.list());
        }

        @Override
        public void notFound(VhdxParentSearch search, ParentFinder.Found found) throws IOException {
          throw ParentFinder.exception(search, found);
        }

        @Override
        public void accepted(VhdxLayer child, VhdxLayer parent, ParentFinder.Found found, List<Problem> links) {
          resolutions.add(new ParentResolution(found.path(), found.source(), found.tried()));
          warnings.get(warnings.size() - 1).addAll(links);
          layers.add(parent);
          warnings.add(new ArrayList<>(found.layerProblems()));
        }
      });
      resolutions.add(null);
      List<Storage> owned = new ArrayList<>(opened);
      if (ownsTop) {
        owned.add(0, top);
      }
      VhdxImage image = VhdxImageImpl.build(layers, warnings, resolutions, owned);
      ok = true;
      return image;
    } finally {
      if (!ok) {
        for (Storage s : opened) {
          closeQuietly(s);
        }
      }
    }
  }

  /**
   * Checks a file and, when asked, its parents: every problem is reported, none thrown.
   *
   * @param top the file
   * @param resource its name
   * @param path its path, or null
   * @param storageWarnings problems the storage found
   * @param options what to check
   * @return the report
   * @throws IOException if the file cannot be read
   */
  public static ValidationReport check(Storage top, String resource, @Nullable Path path,
      List<Problem> storageWarnings, CheckOptions options) throws IOException {
    List<Storage> opened = new ArrayList<>();
    List<Problem> all = new ArrayList<>();
    try {
      OpenOptions o = options.openOptions();
      VhdxGate.Admitted first = VhdxGate.admit(top, resource, path, o, ParseMode.CHECK);
      all.addAll(first.problems().list());
      all.addAll(storageWarnings);
      VhdxLayer layer = first.layer();
      if (layer != null && options.checkParents()) {
        Formats formats = new Formats();
        walk(layer, o, opened, new Step() {
          @Override
          public ParentFinder.Parsed parse(Storage s, String name, Path p) throws IOException {
            VhdxGate.Admitted a = VhdxGate.admit(s, name, p, o, ParseMode.CHECK);
            if (a.layer() != null) {
              return new ParentFinder.Parsed(a.layer(), a.problems().list(), null);
            }
            Problem error = a.problems().firstError();
            VhdException e = new VhdException(error == null ? "not a valid VHDX file" : error.describe(), name, null);
            return new ParentFinder.Parsed(null, a.problems().list(), formats.failure(s, name, p, error, e));
          }

          @Override
          public void tooDeep(VhdxLayer child, int depth, int limit) {
            Problems p = new Problems(child.resource);
            p.error(ProblemCode.CHAIN_DEPTH_LIMIT, false, locatorSite(child), "at most " + limit,
                Integer.toString(depth), "the parent chain is deeper than the limit");
            all.addAll(p.list());
          }

          @Override
          public void notFound(VhdxParentSearch search, ParentFinder.Found found) {
            if (!search.named()) {
              // The locator's problem is reported: it is why no file can be identified as the parent.
              return;
            }
            String tried = found.tried().isEmpty() ? "no candidate path"
                : String.join("; ", found.tried().stream().map(Object::toString).toList());
            Problems p = new Problems(search.child().resource);
            p.error(formats.code(found), false, locatorSite(search.child()), null, null,
                search.headline(found) + "; tried: " + tried);
            all.addAll(p.list());
          }

          @Override
          public void accepted(VhdxLayer child, VhdxLayer parent, ParentFinder.Found found, List<Problem> links) {
            all.addAll(links);
            all.addAll(found.layerProblems());
          }
        });
      }
      return new ValidationReport(resource, all, options.deep());
    } finally {
      for (Storage s : opened) {
        closeQuietly(s);
      }
    }
  }

  /**
   * Refuses options that ask for writing: VHDX images are read-only here.
   *
   * @param options the options
   * @param resource the file's name
   * @throws UnsupportedVhdFeatureException if they ask for writing
   */
  static void refuseWritable(OpenOptions options, String resource) throws UnsupportedVhdFeatureException {
    if (options.writable()) {
      throw new UnsupportedVhdFeatureException("VHDX images are read-only in this version: they cannot be opened"
          + " for writing", resource, null);
    }
  }

  /**
   * The VHDX reading of a failed search: a parent of the wrong DataWriteGuid or sector size, and
   * candidates that are not VHDX files at all (a VHD of the parent's name, say), which the VHDX
   * parser refuses at the file identifier and which are then named by their format.
   */
  private static final class Formats {
    /** Candidates of another format, by the path the finder tried. */
    private final Set<Path> other = new HashSet<>();

    /**
     * Explains why a candidate is not a VHDX parent.
     *
     * @param s the candidate
     * @param name its name
     * @param p its path
     * @param error the problem that stopped the VHDX parse, or null
     * @param vhdx the failure as the VHDX parser reported it
     * @return the failure, naming the candidate's format when it is another one
     */
    VhdException failure(Storage s, String name, Path p, @Nullable Problem error, VhdException vhdx)
        throws IOException {
      // MS-VHDX 2.2.1: a file without the identifier's signature (or too short for one) may be
      // another format; a file that has it is a damaged VHDX.
      if (error != null && (error.code() == ProblemCode.VHDX_SIGNATURE
          || error.code() == ProblemCode.VHDX_FILE_TOO_SMALL)) {
        DiskFormat f = Probe.detect(s);
        if (f != DiskFormat.VHDX) {
          other.add(p);
          return new VhdException("not a VHDX file: it is " + f.description(), name, vhdx);
        }
      }
      return vhdx;
    }

    /**
     * The problem code of a failed search: the VHDX codes for a wrong DataWriteGuid, sector size
     * or format, the shared ones for a cycle or a missing parent.
     *
     * @param found the search's result
     * @return the code
     */
    ProblemCode code(ParentFinder.Found found) {
      ProblemCode shared = ParentFinder.code(found);
      return switch (shared) {
        case PARENT_UUID_MISMATCH -> ProblemCode.VHDX_PARENT_LINKAGE;
        // The only size VhdxParentSearch compares is the logical sector size (MS-VHDX 2.6.2.4).
        case PARENT_SIZE_MISMATCH -> ProblemCode.VHDX_PARENT_SECTOR_SIZE;
        case PARENT_NOT_FOUND -> found.tried().stream()
            .anyMatch(c -> c.outcome() == Outcome.INVALID && other.contains(c.path()))
            ? ProblemCode.VHDX_PARENT_FORMAT : shared;
        default -> shared;
      };
    }
  }

  /** What the open and the check do differently at each step of the walk. */
  private interface Step extends ParentFinder.Parser {
    void tooDeep(VhdxLayer child, int depth, int limit) throws IOException;

    void notFound(VhdxParentSearch search, ParentFinder.Found found) throws IOException;

    void accepted(VhdxLayer child, VhdxLayer parent, ParentFinder.Found found, List<Problem> links)
        throws IOException;
  }

  private static void walk(VhdxLayer top, OpenOptions options, List<Storage> opened, Step step) throws IOException {
    ParentFinder.ChainMemory memory = new ParentFinder.ChainMemory();
    memory.remember(top, top.header.dataWriteGuid());
    VhdxLayer cur = top;
    int depth = 0;
    while (cur.differencing) {
      if (++depth > options.maxChainDepth()) {
        step.tooDeep(cur, depth, options.maxChainDepth());
        return;
      }
      VhdxParentSearch search = new VhdxParentSearch(cur);
      ParentFinder.Found found = ParentFinder.find(search, options, memory, step);
      if (!(found.layer() instanceof VhdxLayer parent)) {
        step.notFound(search, found);
        return;
      }
      opened.add(parent.file);
      step.accepted(cur, parent, found, links(cur, parent));
      memory.remember(parent, parent.header.dataWriteGuid());
      cur = parent;
    }
  }

  private static List<Problem> links(VhdxLayer child, VhdxLayer parent) {
    Problems p = new Problems(child.resource);
    if (parent.virtualSize < child.virtualSize) {
      p.info(ProblemCode.PARENT_SIZE_SMALLER, locatorSite(child), "the parent (" + parent.virtualSize
          + " bytes) is smaller than the child (" + child.virtualSize + " bytes); the child reads zeros beyond"
          + " the parent's end");
    }
    return p.list();
  }

  /** Where problems about a child's parent are placed: the parent locator item's file offset. */
  static Site locatorSite(VhdxLayer child) {
    long region = child.regions.stream().filter(r -> r.guid().equals(Guids.METADATA_REGION))
        .mapToLong(VhdxRegion::fileOffset).findFirst().orElse(-1);
    long item = child.metadata.items().stream().filter(i -> i.itemId().equals(Guids.PARENT_LOCATOR))
        .mapToLong(VhdxMetadataItem::offset).findFirst().orElse(-1);
    return new Site(ParentLocatorLayout.STRUCTURE, ParentLocatorLayout.PARENT_LINKAGE,
        region < 0 || item < 0 ? -1 : region + item);
  }

  static void closeQuietly(Storage s) {
    try {
      s.close();
    } catch (IOException e) {
      // Already failing; the original exception matters more.
    }
  }
}
