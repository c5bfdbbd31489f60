package io.github.vhd4j.internal.vhd;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProgressListener;
import io.github.vhd4j.ValidationReport;
import io.github.vhd4j.VhdException;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.internal.ChainWalk;
import io.github.vhd4j.internal.ParentFinder;
import io.github.vhd4j.internal.ParentSearch;
import io.github.vhd4j.internal.storage.Storage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Opens and checks whole chains: the top image through the {@link Gate}, then its parents through
 * one {@link ChainWalk}, which an open ends at the first failure and a check records and stops.
 */
public final class Chains {
  private Chains() {}

  /**
   * Opens an image and its parent chain.
   *
   * @param top the top image's storage (closed by the caller on failure)
   * @param resource the top image's name
   * @param path the top image's path, or null
   * @param ownsTop whether closing the image closes {@code top}
   * @param options open options
   * @param storageWarnings what opening the top image's file found (a mapping fallback, another
   *     process writing it), reported after the image's own warnings
   * @return the image
   * @throws IOException on format errors (typed) or I/O failures
   */
  public static VhdImage open(Storage top, String resource, @Nullable Path path, boolean ownsTop,
      OpenOptions options, List<Problem> storageWarnings) throws IOException {
    List<Storage> opened = new ArrayList<>();
    boolean ok = false;
    try {
      Gate.Admitted first = Gate.admit(top, resource, path, options, Gate.Use.READ);
      Opening chain = new Opening(first.layer(), first.problems().list(), storageWarnings, options);
      ChainWalk.walk(first.layer(), Layer.class, options, opened, chain, VhdParentSearch::new);
      chain.done();
      List<Storage> owned = new ArrayList<>(opened);
      if (ownsTop) {
        owned.add(0, top);
      }
      Writer writer = null;
      if (options.writable()) {
        Gate.refuse(first.layer(), chain.warnings.get(0), Gate.Use.WRITE);
        writer = new Writer(chain.layers.toArray(new Layer[0]), options.durability());
      }
      VhdImage image = ImageImpl.build(chain.layers, chain.warnings, chain.resolutions, owned, writer);
      ok = true;
      return image;
    } finally {
      if (!ok) {
        ChainWalk.closeQuietly(opened);
      }
    }
  }

  /** An open's walk over VHD layers: every failure throws. */
  private static final class Opening extends ChainWalk.Opening<Layer> {
    private final OpenOptions options;

    Opening(Layer top, List<Problem> problems, List<Problem> storageWarnings, OpenOptions options) {
      super(top, problems, storageWarnings);
      this.options = options;
    }

    @Override
    public ParentFinder.Parsed parse(Storage s, String resource, @Nullable Path path) throws IOException {
      try {
        Gate.Admitted parsed = Gate.admit(s, resource, path, options, Gate.Use.READ);
        return new ParentFinder.Parsed(parsed.layer(), parsed.problems().list(), null);
      } catch (VhdException e) {
        return new ParentFinder.Parsed(null, List.of(), e);
      }
    }
  }

  /**
   * Checks an image and, when asked, its chain. Never throws for format problems.
   *
   * @param top the top image's storage (the caller closes it)
   * @param resource its name
   * @param path its path, or null
   * @param storageWarnings what opening its file found worth reporting (another process writing
   *     it), reported after the image's own problems
   * @param options check options
   * @param progress told the bytes of blocks each deep scan has read, out of all scans' blocks
   * @return the report
   * @throws IOException only for I/O failures
   */
  public static ValidationReport check(Storage top, String resource, @Nullable Path path,
      List<Problem> storageWarnings, CheckOptions options, ProgressListener progress) throws IOException {
    List<Storage> opened = new ArrayList<>();
    try {
      Gate.Admitted first = Gate.admit(top, resource, path, options.openOptions(), Gate.Use.CHECK);
      Checking chain = new Checking(options);
      chain.all.addAll(first.problems().list());
      chain.all.addAll(storageWarnings);
      Layer layer = first.layer();
      if (layer != null) {
        chain.scan(layer);
        if (options.azure()) {
          chain.all.addAll(AzureRules.check(layer));
        }
        if (options.checkParents()) {
          ChainWalk.walk(layer, Layer.class, options.openOptions(), opened, chain, VhdParentSearch::new);
        }
      }
      // With no layer there is nothing to scan: the listener is told so, once.
      DeepChecker.scanAll(chain.scans, chain.all, progress);
      return new ValidationReport(resource, chain.all, options.deep());
    } finally {
      ChainWalk.closeQuietly(opened);
    }
  }

  /** A check's walk: every problem in one list; a failure is recorded and ends the walk. */
  private static final class Checking implements ChainWalk.Policy<Layer> {
    final List<Problem> all = new ArrayList<>();
    /**
     * Deep scans run after every layer is known, so that progress has a fixed total; each one's
     * problems go where they would have gone had it run at once, after its layer's own.
     */
    final List<DeepChecker.Scan> scans = new ArrayList<>();
    private final CheckOptions options;

    Checking(CheckOptions options) {
      this.options = options;
    }

    void scan(Layer l) {
      if (options.deep()) {
        scans.add(new DeepChecker.Scan(l, all.size()));
      }
    }

    @Override
    public ParentFinder.Parsed parse(Storage s, String resource, @Nullable Path path) throws IOException {
      Gate.Admitted parsed = Gate.admit(s, resource, path, options.openOptions(), Gate.Use.CHECK);
      Problem error = parsed.problems().firstError();
      return new ParentFinder.Parsed(parsed.layer(), parsed.problems().list(), parsed.layer() != null ? null
          : new VhdException(error == null ? "not a valid VHD" : error.describe(), resource, null));
    }

    @Override
    public void tooDeep(ParentSearch search, int depth, int limit) {
      all.addAll(ChainWalk.depthError(search, depth, limit));
    }

    @Override
    public void notFound(ParentSearch search, ParentFinder.Found found) {
      all.addAll(ChainWalk.notFoundError(search, found, ParentFinder.code(found)));
    }

    @Override
    public void accepted(Layer child, Layer parent, ParentFinder.Found found, List<Problem> links) {
      all.addAll(links);
      all.addAll(found.layerProblems());
      scan(parent);
    }
  }
}
