package io.github.vhd4j.internal.vhd;

import io.github.vhd4j.DiskType;
import io.github.vhd4j.Extent;
import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.ProgressListener;
import io.github.vhd4j.SizeMode;
import io.github.vhd4j.UnsupportedVhdFeatureException;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.internal.ImageFiles;
import io.github.vhd4j.internal.ProgressCounter;
import io.github.vhd4j.internal.storage.OpenFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Writes a differencing disk's own sectors into its parent, growing the parent first when the
 * child is larger. The child is left as it was (its content is unchanged, and it still matches its
 * parent), so an interrupted commit can simply be run again.
 */
public final class Committer {
  /** Bytes copied at a time. */
  private static final int PIECE = 2 << 20;
  /** Virtual bytes mapped at a time, so that the map of a huge child is never held whole. */
  private static final long WINDOW = 64L << 20;

  private Committer() {}

  /**
   * Commits a differencing disk into its parent.
   *
   * @param child the differencing disk
   * @param options how to open the chain (parent directories, resolver)
   * @param progress told about the child's bytes processed
   * @return the parent's path
   * @throws IOException if the chain cannot be opened or the parent cannot be written
   */
  public static Path commit(Path child, OpenOptions options, ProgressListener progress) throws IOException {
    // The child is held as a writer's for the whole commit, so that nothing changes it while its
    // sectors are copied; its chain is then read within this process, which a writer allows.
    OpenFiles.Lease held = OpenFiles.open(child, OpenFiles.Access.WRITE, options.locking());
    try {
      return commitHeld(child, options, progress);
    } finally {
      held.close();
    }
  }

  private static Path commitHeld(Path child, OpenOptions options, ProgressListener progress) throws IOException {
    Path parentPath;
    long childSize;
    try (VhdImage c = ImageFiles.open(child, options.withWritable(false))) {
      if (c.getDiskType() != DiskType.DIFFERENCING) {
        throw new UnsupportedVhdFeatureException("only a differencing disk can be committed into its parent",
            child.toString(), null);
      }
      VhdImage parent = c.getParent();
      parentPath = parent == null ? null : parent.getPath();
      if (parentPath == null) {
        throw Maintenance.refused(child.toString(), "the parent has no file path");
      }
      childSize = c.getSize();
      if (parent.getSize() < childSize) {
        Resizer.resize(parentPath, childSize, SizeMode.EXACT, options.locking());
      }
    }
    try (VhdImage c = ImageFiles.open(child, options.withWritable(false));
        VhdImage p = ImageFiles.open(parentPath, options.withWritable(true))) {
      ByteBuffer buf = ByteBuffer.allocateDirect(PIECE);
      ProgressCounter copied = new ProgressCounter(progress, childSize);
      for (long from = 0; from < childSize; from += WINDOW) {
        long n = Math.min(WINDOW, childSize - from);
        for (Extent e : c.map(from, n)) {
          if (e.data() && e.depth() == 0) {
            copy(c, p, e, buf);
          }
        }
        copied.add(n);
      }
      copied.finish();
      p.flush();
    }
    return parentPath;
  }

  /** Copies one of the child's own extents into the parent. */
  private static void copy(VhdImage child, VhdImage parent, Extent e, ByteBuffer buf) throws IOException {
    for (long pos = e.start(); pos < e.end(); ) {
      int k = (int) Math.min(buf.capacity(), e.end() - pos);
      buf.clear().limit(k);
      child.readFully(pos, buf);
      buf.flip();
      parent.write(pos, buf);
      pos += k;
    }
  }
}
