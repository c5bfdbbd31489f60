package io.github.vhd4j.internal.vhd;

import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.DiskType;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.internal.Limits;
import io.github.vhd4j.internal.Place;
import io.github.vhd4j.internal.Problems;
import io.github.vhd4j.internal.Sectors;
import io.github.vhd4j.internal.Site;
import io.github.vhd4j.internal.vhd.layout.FooterLayout;
import java.util.List;
import java.util.Locale;

/**
 * Azure's rules for an uploaded disk (pitfalls §2.3): fixed, a whole number of MiB from 20 MiB to
 * 32 TiB, and the footer's current size equal to the file's length minus the footer (Azure takes
 * the size from the file, so a CHS-rounded or padded disk is refused).
 */
public final class AzureRules {
  private static final long MIB = 1L << 20;

  /**
   * The size a disk converted for Azure gets: the input's, rounded up to a whole MiB and to at
   * least Azure's 20 MiB; the bytes added read as zeros.
   *
   * @param inputSize the guest bytes to hold
   * @return the disk's size
   */
  public static long convertedSize(long inputSize) {
    return Math.max(CreateOptions.AZURE_MIN_SIZE, Sectors.roundUp(inputSize, MIB));
  }

  private AzureRules() {}

  /**
   * Checks a layer against Azure's rules.
   *
   * @param l the top layer
   * @return an error for each rule broken
   */
  static List<Problem> check(Layer l) {
    Problems p = new Problems(l.resource);
    boolean fixed = l.type == DiskType.FIXED;
    Place footer = new Place(FooterLayout.STRUCTURE, l.footerOffset);
    // A fixed disk's size is the file's length; any other disk would be converted first, and
    // keeps its current size through that.
    long data = fixed ? l.storage.size() - FooterLayout.SIZE : l.footer.currentSize();
    Site size = fixed ? new Site("file", "length", 0) : footer.site(FooterLayout.CURRENT_SIZE);
    if (!fixed) {
      p.error(ProblemCode.AZURE_INCOMPATIBLE, true, footer.site(FooterLayout.DISK_TYPE), "fixed",
          l.type.name().toLowerCase(Locale.ROOT),
          "Azure accepts only fixed disks; convert it (vhd convert -O fixed --size-mode exact)");
    }
    if (data % MIB != 0) {
      p.error(ProblemCode.AZURE_INCOMPATIBLE, true, size, "a whole number of MiB",
          Long.toString(data), "Azure needs a virtual size that is a whole number of MiB; qemu-img rounds"
              + " sizes up to a CHS geometry unless told -o force_size, vhd unless --size-mode exact");
    }
    if (data < CreateOptions.AZURE_MIN_SIZE || data > Limits.MAX_FIXED_SIZE) {
      p.error(ProblemCode.AZURE_INCOMPATIBLE, true, size, "20 MiB to 32 TiB", Long.toString(data),
          "outside the sizes Azure accepts");
    }
    if (fixed && l.footer.currentSize() != data) {
      p.error(ProblemCode.AZURE_INCOMPATIBLE, true, footer.site(FooterLayout.CURRENT_SIZE), Long.toString(data),
          Long.toString(l.footer.currentSize()), "Azure takes the size from the file length; the footer must agree");
    }
    return p.list();
  }
}
