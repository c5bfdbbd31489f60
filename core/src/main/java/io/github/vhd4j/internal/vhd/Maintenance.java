package io.github.vhd4j.internal.vhd;

import io.github.vhd4j.OpenOptions;
import io.github.vhd4j.VhdException;
import io.github.vhd4j.internal.storage.FileChannelStorage;
import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.vhd.layout.FooterLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * What the whole-image operations that rewrite metadata ({@link Resizer}, {@link Compactor},
 * {@link Committer}) share: opening the image for writing, and refusing what they cannot change.
 * Each operation is ordered so that the file opens at every step and an interrupted run can be
 * repeated: new structures are written into unreferenced space and forced before the single write
 * that makes them current. None of them may run while another process has the image open: each
 * holds its image exclusively ({@link io.github.vhd4j.internal.storage.OpenFiles}) unless locking
 * is off.
 */
public final class Maintenance {
  private Maintenance() {}

  /** Opens the image file for writing; tests substitute a storage that fails on purpose. */
  @FunctionalInterface
  public interface Opener {
    /**
     * Opens a file for reading and writing.
     *
     * @param path the image
     * @return writable storage
     * @throws IOException if the file cannot be opened
     */
    Storage open(Path path) throws IOException;
  }

  /** Opens image files for writing, leased and locked as {@code locking} says. */
  static Opener files(boolean locking) {
    return path -> FileChannelStorage.openWritable(path, locking);
  }

  /**
   * A refusal to change an image, named by its file: the operation would lose data or cannot find
   * what it needs, and nothing was changed.
   */
  static VhdException refused(String resource, String message) {
    return new VhdException(message + " (" + resource + ")", resource, null);
  }

  /** Copies {@code length} file bytes from {@code from} to {@code to} through {@code buf}, a piece at a time. */
  static void copy(Storage s, long from, long to, long length, ByteBuffer buf) throws IOException {
    for (long p = 0; p < length; ) {
      int n = (int) Math.min(buf.capacity(), length - p);
      s.read(from + p, buf, 0, n);
      s.write(to + p, buf, 0, n);
      p += n;
    }
  }

  /** A parsed, healthy image open for writing, as the {@link Gate} admits it for maintenance. */
  static final class Target implements AutoCloseable {
    final Storage storage;
    final Layer layer;
    /** The tail footer as stored, padded to its full size (a 511-byte footer gains its zero). */
    final byte[] footer;
    /** Whether the chain is read with locks, as the image is held. */
    final boolean locking;

    Target(Path path, Opener opener, boolean locking) throws IOException {
      this.locking = locking;
      Storage s = opener.open(path);
      boolean ok = false;
      try {
        Layer l = Gate.admit(s, path.toString(), path, OpenOptions.defaults(), Gate.Use.MAINTAIN).layer();
        byte[] f = new byte[FooterLayout.SIZE];
        s.read(l.footerOffset, ByteBuffer.wrap(f), 0, l.footerLength);
        this.storage = s;
        this.layer = l;
        this.footer = f;
        ok = true;
      } finally {
        if (!ok) {
          s.close();
        }
      }
    }

    /** Writes {@code bytes} at a file offset. */
    void write(long offset, byte[] bytes) throws IOException {
      storage.write(offset, ByteBuffer.wrap(bytes), 0, bytes.length);
    }

    /** Forces what was written to the device: every step of an operation is durable before the next. */
    void force() throws IOException {
      storage.force();
    }

    @Override
    public void close() throws IOException {
      storage.close();
    }
  }
}
