package io.github.vhd4j.internal.vhdx;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.DiskFormat;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ParentCandidate.Outcome;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.UnsupportedVhdFeatureException;
import io.github.vhd4j.ValidationReport;
import io.github.vhd4j.VhdException;
import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.VhdxImage;
import io.github.vhd4j.internal.ChainWalk;
import io.github.vhd4j.internal.ParentFinder;
import io.github.vhd4j.internal.ParentSearch;
import io.github.vhd4j.internal.Probe;
import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.ParseMode;
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
      Formats formats = new Formats();
      ChainWalk.Opening<VhdxLayer> chain = new ChainWalk.Opening<>(first.layer(), first.problems().list(),
          storageWarnings) {
        @Override
        public ParentFinder.Parsed parse(Storage s, String name, @Nullable Path p) throws IOException {
          try {
            VhdxGate.Admitted a = VhdxGate.admit(s, name, p, options, ParseMode.OPEN);
            return new ParentFinder.Parsed(a.layer(), a.problems().list(), null);
          } catch (VhdException e) {
            Problem why = e instanceof VhdFormatException f ? f.getProblem() : null;
            return new ParentFinder.Parsed(null, List.of(), formats.failure(s, name, why, e));
          }
        }
      };
      ChainWalk.walk(first.layer(), VhdxLayer.class, options, opened, chain, VhdxParentSearch::new);
      chain.done();
      List<Storage> owned = new ArrayList<>(opened);
      if (ownsTop) {
        owned.add(0, top);
      }
      VhdxImage image = VhdxImageImpl.build(chain.layers, chain.warnings, chain.resolutions, owned);
      ok = true;
      return image;
    } finally {
      if (!ok) {
        ChainWalk.closeQuietly(opened);
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
        ChainWalk.walk(layer, VhdxLayer.class, o, opened, new ChainWalk.Policy<VhdxLayer>() {
          @Override
          public ParentFinder.Parsed parse(Storage s, String name, @Nullable Path p) throws IOException {
            VhdxGate.Admitted a = VhdxGate.admit(s, name, p, o, ParseMode.CHECK);
            if (a.layer() != null) {
              return new ParentFinder.Parsed(a.layer(), a.problems().list(), null);
            }
            Problem error = a.problems().firstError();
            VhdException e = new VhdException(error == null ? "not a valid VHDX file" : error.describe(), name, null);
            return new ParentFinder.Parsed(null, a.problems().list(), formats.failure(s, name, error, e));
          }

          @Override
          public void tooDeep(ParentSearch search, int depth, int limit) {
            all.addAll(ChainWalk.depthError(search, depth, limit));
          }

          @Override
          public void notFound(ParentSearch search, ParentFinder.Found found) {
            // Without a locator naming the parent, the locator's own problem is the one reported.
            if (((VhdxParentSearch) search).named()) {
              all.addAll(ChainWalk.notFoundError(search, found, formats.code(found)));
            }
          }

          @Override
          public void accepted(VhdxLayer child, VhdxLayer parent, ParentFinder.Found found, List<Problem> links) {
            all.addAll(links);
            all.addAll(found.layerProblems());
          }
        }, VhdxParentSearch::new);
      }
      return new ValidationReport(resource, all, options.deep());
    } finally {
      ChainWalk.closeQuietly(opened);
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
    /** Candidates of another format, by the location the finder tried. */
    private final Set<String> other = new HashSet<>();

    /**
     * Explains why a candidate is not a VHDX parent.
     *
     * @param s the candidate
     * @param name its name
     * @param error the problem that stopped the VHDX parse, or null
     * @param vhdx the failure as the VHDX parser reported it
     * @return the failure, naming the candidate's format when it is another one
     */
    VhdException failure(Storage s, String name, @Nullable Problem error, VhdException vhdx)
        throws IOException {
      // MS-VHDX 2.2.1: a file without the identifier's signature (or too short for one) may be
      // another format; a file that has it is a damaged VHDX.
      if (error != null && (error.code() == ProblemCode.VHDX_SIGNATURE
          || error.code() == ProblemCode.VHDX_FILE_TOO_SMALL)) {
        DiskFormat f = Probe.detect(s);
        if (f != DiskFormat.VHDX) {
          other.add(name);
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
            .anyMatch(c -> c.outcome() == Outcome.INVALID && other.contains(c.location()))
            ? ProblemCode.VHDX_PARENT_FORMAT : shared;
        default -> shared;
      };
    }
  }
}
