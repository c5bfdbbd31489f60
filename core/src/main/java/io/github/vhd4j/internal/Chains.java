package io.github.vhd4j.internal;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.DiskType;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ParentCycleException;
import io.github.vhd4j.ParentMismatchException;
import io.github.vhd4j.ParentNotFoundException;
import io.github.vhd4j.ParentResolution;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.ProgressListener;
import io.github.vhd4j.Severity;
import io.github.vhd4j.UnsupportedVhdFeatureException;
import io.github.vhd4j.ValidationReport;
import io.github.vhd4j.VhdException;
import io.github.vhd4j.VhdFormatException;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.VhdLimitException;
import io.github.vhd4j.internal.storage.Storage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Opens and checks whole chains: the top image, then each parent in turn, iteratively.
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
      List<Layer> layers = new ArrayList<>();
      List<List<Problem>> warnings = new ArrayList<>();
      List<@Nullable ParentResolution> resolutions = new ArrayList<>();
      Parsed first = openLayer(top, resource, path, options);
      Layer cur = first.layer;
      layers.add(cur);
      warnings.add(new ArrayList<>(first.problems));
      warnings.get(0).addAll(storageWarnings);
      ParentFinder.ChainMemory memory = new ParentFinder.ChainMemory();
      memory.remember(cur);
      while (cur.type == DiskType.DIFFERENCING) {
        int depth = layers.size();
        if (depth > options.maxChainDepth()) {
          Problems p = new Problems(cur.resource);
          throw (VhdLimitException) p.limit(ProblemCode.CHAIN_DEPTH_LIMIT, "header", "parentUuid",
              cur.header.offset() + 40, depth, options.maxChainDepth(),
              "the parent chain is deeper than the limit").toException(p.list());
        }
        ParentFinder.Found found = ParentFinder.find(cur, options, memory,
            (s, r, p) -> {
              try {
                Parsed parsed = openLayer(s, r, p, options);
                return new ParentFinder.Parsed(parsed.layer, parsed.problems, null);
              } catch (VhdException e) {
                return new ParentFinder.Parsed(null, List.of(), e);
              }
            });
        if (found.layer() == null) {
          throw failure(cur, found);
        }
        Layer parent = found.layer();
        opened.add(parent.storage);
        resolutions.add(new ParentResolution(found.path(), found.source(), found.tried()));
        Problems links = new Problems(cur.resource);
        linkChecks(cur, parent, links);
        warnings.get(warnings.size() - 1).addAll(links.list());
        layers.add(parent);
        warnings.add(new ArrayList<>(found.layerProblems()));
        memory.remember(parent);
        cur = parent;
      }
      resolutions.add(null);
      List<Storage> owned = new ArrayList<>(opened);
      if (ownsTop) {
        owned.add(0, top);
      }
      Writer writer = options.writable() ? writer(layers, warnings.get(0), options) : null;
      VhdImage image = ImageImpl.build(layers, warnings, resolutions, owned, writer);
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

  private record Parsed(Layer layer, List<Problem> problems) {}

  /**
   * Prepares writes to the top layer, refusing images that writing could damage further: one with
   * an error (lenient mode opens those for reading only), one whose tail footer is lost (the
   * first allocation would have to rebuild it: that is what repair does), and one in a saved
   * state (a hibernated virtual machine expects the disk as it left it).
   */
  private static Writer writer(List<Layer> layers, List<Problem> problems, OpenOptions options) throws IOException {
    Layer top = layers.get(0);
    if (!top.storage.isWritable()) {
      throw new IllegalArgumentException(top.resource + " was opened read-only: writable options need a file"
          + " (or a FileChannel open for writing)");
    }
    for (Problem p : problems) {
      if (p.severity() == Severity.ERROR && p.code() != ProblemCode.FOOTER_HEAD_COPY_USED) {
        throw new VhdFormatException(p, problems);
      }
    }
    if (top.headCopyUsed) {
      throw new UnsupportedVhdFeatureException("the footer at the end of the file is missing or damaged;"
          + " repair the image before writing to it", top.resource, null);
    }
    if (top.footer.isSavedState()) {
      throw new UnsupportedVhdFeatureException("the disk is in a saved state (a hibernated virtual machine's"
          + " disk); writing to it would corrupt the saved machine", top.resource, null);
    }
    return new Writer(layers.toArray(new Layer[0]), options.durability());
  }

  private static Parsed openLayer(Storage storage, String resource, @Nullable Path path, OpenOptions options)
      throws IOException {
    Problems p = new Problems(resource);
    Layer layer;
    try {
      layer = LayerParser.parse(storage, resource, path, options, LayerParser.Mode.OPEN, p);
    } catch (StopParsing stop) {
      throw stop.toException(p.list());
    }
    Problem err = options.lenient() ? p.firstUnrecoverableError() : p.firstError();
    if (err != null) {
      throw new VhdFormatException(err, p.list());
    }
    return new Parsed(layer, p.list());
  }

  private static ParentNotFoundException failure(Layer child, ParentFinder.Found found) {
    String headline = ParentFinder.headline(child, found);
    switch (ParentFinder.code(found)) {
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

  /**
   * Azure's rules for an uploaded disk (pitfalls §2.3): fixed, a whole number of MiB from 20 MiB
   * to 32 TiB, and the footer's current size equal to the file's length minus the footer (Azure
   * takes the size from the file, so a CHS-rounded or padded disk is refused).
   */
  private static List<Problem> azure(Layer l) {
    Problems p = new Problems(l.resource);
    long mib = 1L << 20;
    long fileSize = l.storage.size();
    boolean fixed = l.type == DiskType.FIXED;
    // A fixed disk's size is the file's length; any other disk would be converted first, and
    // keeps its current size through that.
    long data = fixed ? fileSize - 512 : l.footer.currentSize();
    String what = fixed ? "length" : "currentSize";
    String structure = fixed ? "file" : "footer";
    long at = fixed ? 0 : l.footerOffset + 48;
    long f = l.footerOffset;
    if (l.type != DiskType.FIXED) {
      p.error(ProblemCode.AZURE_INCOMPATIBLE, true, "footer", "diskType", f + 60, "fixed",
          l.type.name().toLowerCase(java.util.Locale.ROOT),
          "Azure accepts only fixed disks; convert it (vhd convert -O fixed --size-mode exact)");
    }
    if (data % mib != 0) {
      p.error(ProblemCode.AZURE_INCOMPATIBLE, true, structure, what, at, "a whole number of MiB",
          Long.toString(data), "Azure needs a virtual size that is a whole number of MiB; qemu-img rounds"
              + " sizes up to a CHS geometry unless told -o force_size, vhd unless --size-mode exact");
    }
    if (data < 20 * mib || data > (32L << 40)) {
      p.error(ProblemCode.AZURE_INCOMPATIBLE, true, structure, what, at, "20 MiB to 32 TiB",
          Long.toString(data), "outside the sizes Azure accepts");
    }
    if (fixed && l.footer.currentSize() != data) {
      p.error(ProblemCode.AZURE_INCOMPATIBLE, true, "footer", "currentSize", f + 48, Long.toString(data),
          Long.toString(l.footer.currentSize()), "Azure takes the size from the file length; the footer must agree");
    }
    return p.list();
  }

  /** Checks between a child and its accepted parent: time stamp and size. */
  private static void linkChecks(Layer child, Layer parent, Problems p) {
    long want = child.header.parentTimestamp();
    long have = parent.footer.timestamp();
    if (want != have) {
      p.warning(ProblemCode.PARENT_TIMESTAMP_MISMATCH, "header", "parentTimestamp", child.header.offset() + 56,
          Long.toString(have) + " (the parent footer's time stamp)", Long.toString(want),
          "the parent may have changed since the child was created");
    }
    if (parent.virtualSize < child.virtualSize) {
      p.info(ProblemCode.PARENT_SIZE_SMALLER, "header", "parentUuid", child.header.offset() + 40,
          "the parent (" + parent.virtualSize + " bytes) is smaller than the child (" + child.virtualSize
              + " bytes); the child reads zeros beyond the parent's end");
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
    List<Problem> all = new ArrayList<>();
    // Deep scans run after every layer is known, so that progress has a fixed total; each one's
    // problems go where they would have gone had it run at once, after its layer's own.
    List<Scan> scans = new ArrayList<>();
    List<Storage> opened = new ArrayList<>();
    OpenOptions oo = options.openOptions();
    try {
      Problems p = new Problems(resource);
      Layer cur = checkLayer(top, resource, path, oo, p);
      all.addAll(p.list());
      all.addAll(storageWarnings);
      if (cur == null) {
        deep(scans, all, progress);  // nothing to scan: tells the listener so, once
        return new ValidationReport(resource, all, options.deep());
      }
      if (options.deep()) {
        scans.add(new Scan(cur, all.size()));
      }
      if (options.azure()) {
        all.addAll(azure(cur));
      }
      ParentFinder.ChainMemory memory = new ParentFinder.ChainMemory();
      memory.remember(cur);
      int depth = 0;
      while (cur.type == DiskType.DIFFERENCING && options.checkParents()) {
        Problems links = new Problems(cur.resource);
        if (++depth > oo.maxChainDepth()) {
          links.error(ProblemCode.CHAIN_DEPTH_LIMIT, false, "header", "parentUuid", cur.header.offset() + 40,
              "at most " + oo.maxChainDepth(), Integer.toString(depth), "the parent chain is deeper than the limit");
          all.addAll(links.list());
          break;
        }
        ParentFinder.Found found = ParentFinder.find(cur, oo, memory, (s, r, pp) -> {
          Problems cp = new Problems(r);
          Layer l = checkLayer(s, r, pp, oo, cp);
          return new ParentFinder.Parsed(l, cp.list(), l == null ? new VhdException(
              firstErrorText(cp), r, null) : null);
        });
        if (found.layer() == null) {
          String tried = found.tried().isEmpty() ? "no candidate path"
              : String.join("; ", found.tried().stream().map(Object::toString).toList());
          links.error(ParentFinder.code(found), false, "header", "parentUuid", cur.header.offset() + 40,
              null, null, ParentFinder.headline(cur, found) + "; tried: " + tried);
          all.addAll(links.list());
          break;
        }
        Layer parent = found.layer();
        opened.add(parent.storage);
        linkChecks(cur, parent, links);
        all.addAll(links.list());
        all.addAll(found.layerProblems());
        if (options.deep()) {
          scans.add(new Scan(parent, all.size()));
        }
        memory.remember(parent);
        cur = parent;
      }
      deep(scans, all, progress);
      return new ValidationReport(resource, all, options.deep());
    } finally {
      for (Storage s : opened) {
        closeQuietly(s);
      }
    }
  }

  private static @Nullable Layer checkLayer(Storage s, String resource, @Nullable Path path, OpenOptions oo,
      Problems p) throws IOException {
    try {
      return LayerParser.parse(s, resource, path, oo, LayerParser.Mode.CHECK, p);
    } catch (StopParsing stop) {
      return null;
    }
  }

  private static String firstErrorText(Problems p) {
    Problem e = p.firstError();
    return e == null ? "not a valid VHD" : e.describe();
  }

  /** A layer to scan deeply, and where in the report its problems belong. */
  private record Scan(Layer layer, int at) {}

  /**
   * Runs the deep scans in order, reporting progress in bytes of the blocks scanned out of all the
   * scans' blocks, and inserts each scan's problems where it belongs.
   */
  private static void deep(List<Scan> scans, List<Problem> all, ProgressListener progress) throws IOException {
    long[] blocks = new long[scans.size()];
    long total = 0;
    for (int i = 0; i < scans.size(); i++) {
      blocks[i] = DeepChecker.blocksToScan(scans.get(i).layer());
      total += blocks[i] * scans.get(i).layer().blockSize;
    }
    ProgressCounter counter = new ProgressCounter(progress, total);
    int shift = 0;
    for (int i = 0; i < scans.size(); i++) {
      Layer l = scans.get(i).layer();
      Problems p = new Problems(l.resource);
      try {
        DeepChecker.check(l, p, () -> counter.add(l.blockSize));
        if (blocks[i] > 0) {
          counter.add(l.blockSize);
        }
      } catch (java.io.EOFException e) {
        p.error(ProblemCode.BAT_ENTRY_OUTSIDE_FILE, false, "file", "length", -1, null, null,
            "the file ended during the deep scan: " + e.getMessage());
      }
      List<Problem> found = p.list();
      all.addAll(scans.get(i).at() + shift, found);
      shift += found.size();
    }
    counter.finish();
  }

  static void closeQuietly(Storage s) {
    try {
      s.close();
    } catch (IOException e) {
      // Already failing; the original exception matters more.
    }
  }
}
