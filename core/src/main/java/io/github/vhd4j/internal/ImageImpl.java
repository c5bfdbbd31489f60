package io.github.vhd4j.internal;

import io.github.vhd4j.DiskFormat;
import io.github.vhd4j.DiskImage;
import io.github.vhd4j.DiskType;
import io.github.vhd4j.DynamicHeader;
import io.github.vhd4j.Extent;
import io.github.vhd4j.Footer;
import io.github.vhd4j.ParentResolution;
import io.github.vhd4j.Problem;
import io.github.vhd4j.SizeInfo;
import io.github.vhd4j.VhdImage;
import io.github.vhd4j.internal.storage.Storage;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The one implementation of {@link VhdImage}: a view of a chain from one layer down. The top image
 * owns the files; its parents are views that share the same state and are closed with it.
 */
final class ImageImpl implements VhdImage {

  /**
   * State shared by an image and its parent views. When a storage unmaps memory on close, every
   * access to storage is counted in and out, and close waits until none is in flight before it
   * unmaps: a read racing with close then fails cleanly instead of touching unmapped memory.
   */
  private static final class Shared implements ExtentMapper.Gate {
    final List<Storage> owned;
    final boolean drain;
    final LongAdder active = new LongAdder();
    final String resource;
    /** Every layer of the chain, top first; each view reads from its own level down. */
    final Layer[] layers;
    /** Every layer's problems, the top layer's first; view i lists them from warningsFrom[i]. */
    final List<Problem> warnings;
    final int[] warningsFrom;
    /** The view whose top is layer i. One array for the chain keeps a chain of n images O(n). */
    final ImageImpl[] views;
    /** Writes to the top layer; null for a read-only image. */
    final @Nullable Writer writer;
    volatile boolean closed;

    Shared(List<Storage> owned, Layer[] layers, List<Problem> warnings, int[] warningsFrom,
        List<@Nullable ParentResolution> resolutions, @Nullable Writer writer) {
      this.owned = owned;
      this.writer = writer;
      this.layers = layers;
      this.resource = layers[0].resource;
      this.warnings = warnings;
      this.warningsFrom = warningsFrom;
      this.drain = owned.stream().anyMatch(Storage::releasesMemoryOnClose);
      // Built here, before the final field is published, so every thread sees the whole chain.
      ImageImpl[] v = new ImageImpl[layers.length];
      for (int i = 0; i < v.length; i++) {
        v[i] = new ImageImpl(this, i, resolutions.get(i));
      }
      this.views = v;
    }

    @Override
    public void enter() {
      if (drain) {
        active.increment();
        if (closed) {
          active.decrement();
          throw closedError();
        }
      } else if (closed) {
        throw closedError();
      }
    }

    @Override
    public void exit() {
      if (drain) {
        active.decrement();
      }
    }

    IllegalStateException closedError() {
      return new IllegalStateException("image is closed: " + resource);
    }

    /** Waits for in-flight accesses; they are memory copies, so this is short. */
    void awaitQuiescence() {
      for (int spins = 0; active.sum() > 0; spins++) {
        if (spins < 1000) {
          Thread.onSpinWait();
        } else {
          try {
            Thread.sleep(1);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }
  }

  private final Shared shared;
  /** Index of this view's top layer in the shared chain. */
  private final int level;
  private final ReadEngine engine;
  private final @Nullable ParentResolution resolution;

  private ImageImpl(Shared shared, int level, @Nullable ParentResolution resolution) {
    this.shared = shared;
    this.level = level;
    this.engine = new ReadEngine(shared.layers, level);
    this.resolution = resolution;
  }

  static VhdImage build(List<Layer> layers, List<List<Problem>> warnings,
      List<@Nullable ParentResolution> resolutions, List<Storage> owned, @Nullable Writer writer) {
    List<Problem> all = new ArrayList<>();
    int[] from = new int[layers.size()];
    for (int i = 0; i < layers.size(); i++) {
      from[i] = all.size();
      all.addAll(warnings.get(i));
    }
    Shared shared = new Shared(List.copyOf(owned), layers.toArray(new Layer[0]), List.copyOf(all), from,
        resolutions, writer);
    return shared.views[0];
  }

  private Layer top() {
    return shared.layers[level];
  }

  void checkOpen() {
    if (shared.closed) {
      throw shared.closedError();
    }
  }

  @Override
  public DiskFormat getFormat() {
    return DiskFormat.VHD;
  }

  @Override
  public String getResource() {
    return top().resource;
  }

  @Override
  public @Nullable Path getPath() {
    return top().path;
  }

  @Override
  public Footer getFooter() {
    return top().footer;
  }

  @Override
  public @Nullable DynamicHeader getDynamicHeader() {
    return top().header;
  }

  @Override
  public DiskType getDiskType() {
    return top().type;
  }

  @Override
  public long getSize() {
    return top().virtualSize;
  }

  @Override
  public long getFileSize() {
    return top().storage.size();
  }

  @Override
  public SizeInfo getSizeInfo() {
    return top().sizes;
  }

  @Override
  public long getBlockSize() {
    return top().blockSize;
  }

  @Override
  public @Nullable VhdImage getParent() {
    return level + 1 < shared.views.length ? shared.views[level + 1] : null;
  }

  @Override
  public @Nullable ParentResolution getParentResolution() {
    return resolution;
  }

  @Override
  public List<VhdImage> getChain() {
    return Collections.unmodifiableList(Arrays.asList(shared.views).subList(level, shared.views.length));
  }

  @Override
  public List<DiskImage> getLayers() {
    return Collections.unmodifiableList(getChain());
  }

  @Override
  public List<Problem> getWarnings() {
    return shared.warnings.subList(shared.warningsFrom[level], shared.warnings.size());
  }

  @Override
  public int read(long position, ByteBuffer dst) throws IOException {
    checkArgs(position, dst);
    int room = dst.remaining();
    if (room == 0) {
      return 0;
    }
    long size = top().virtualSize;
    if (position >= size) {
      return -1;
    }
    int n = (int) Math.min(room, size - position);
    shared.enter();
    try {
      readRange(position, dst, dst.position(), n);
    } finally {
      shared.exit();
    }
    dst.position(dst.position() + n);
    return n;
  }

  @Override
  public void readFully(long position, ByteBuffer dst) throws IOException {
    checkArgs(position, dst);
    long size = top().virtualSize;
    int n = dst.remaining();
    if (position > size || n > size - position) {
      throw new EOFException("read of " + n + " bytes at " + position + " passes the end of the "
          + size + "-byte disk (" + top().resource + ")");
    }
    if (n > 0) {
      shared.enter();
      try {
        readRange(position, dst, dst.position(), n);
      } finally {
        shared.exit();
      }
      dst.position(dst.position() + n);
    }
  }

  /** Reads through the writer's block locks when the top image is writable. */
  private void readRange(long position, ByteBuffer dst, int index, int n) throws IOException {
    Writer w = shared.writer;
    if (w != null && level == 0) {
      w.read(position, dst, index, n);
    } else {
      engine.read(position, dst, index, n);
    }
  }

  @Override
  public boolean isWritable() {
    return shared.writer != null && level == 0;
  }

  @Override
  public void write(long position, ByteBuffer src) throws IOException {
    Objects.requireNonNull(src, "src");
    Writer w = shared.writer;
    if (w == null || level != 0) {
      throw new NonWritableChannelException();
    }
    checkOpen();
    long size = top().virtualSize;
    int n = src.remaining();
    if (position < 0 || position > size || n > size - position) {
      throw new IllegalArgumentException("write of " + n + " bytes at " + position + " passes the end of the "
          + size + "-byte disk (" + top().resource + "); resize the image to grow it");
    }
    if (n == 0) {
      return;
    }
    w.write(position, src, src.position(), n);
    src.position(src.position() + n);
  }

  @Override
  public void flush() throws IOException {
    checkOpen();
    Writer w = shared.writer;
    if (w != null && level == 0) {
      w.flush();
    }
  }

  @Override
  public @Nullable ByteBuffer view(long position, int length) throws IOException {
    if (position < 0 || length < 0 || position > getSize() - length) {
      throw new IllegalArgumentException("range " + position + "+" + length + " outside the "
          + getSize() + "-byte disk");
    }
    checkOpen();
    if (length == 0 || shared.writer != null) {
      // A writable image's bytes change under a view; it gets none.
      return null;
    }
    shared.enter();
    try {
      List<Extent> runs = new ExtentMapper(shared.layers, level).list(position, length);
      if (runs.size() != 1 || !runs.get(0).data()) {
        return null;
      }
      Extent run = runs.get(0);
      return shared.layers[level + run.depth()].storage.view(run.fileOffset(), length);
    } finally {
      shared.exit();
    }
  }

  private void checkArgs(long position, ByteBuffer dst) {
    Objects.requireNonNull(dst, "dst");
    if (position < 0) {
      throw new IllegalArgumentException("negative position: " + position);
    }
    if (dst.isReadOnly()) {
      throw new IllegalArgumentException("destination buffer is read-only");
    }
    checkOpen();
  }

  @Override
  public SeekableByteChannel newChannel() {
    checkOpen();
    return new ImageChannel(this);
  }

  @Override
  public InputStream newInputStream() {
    checkOpen();
    return new ImageInputStream(this);
  }

  @Override
  public List<Extent> map() throws IOException {
    return map(0, getSize());
  }

  @Override
  public List<Extent> map(long offset, long length) throws IOException {
    checkRange(offset, length);
    return new ExtentMapper(shared.layers, level).list(offset, length, shared);
  }

  @Override
  public void forEachExtent(long offset, long length, Consumer<Extent> action) throws IOException {
    Objects.requireNonNull(action, "action");
    checkRange(offset, length);
    new ExtentMapper(shared.layers, level).forEach(offset, length, action, shared);
  }

  private void checkRange(long offset, long length) {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("negative offset or length: " + offset + ", " + length);
    }
    checkOpen();
  }

  @Override
  public void close() throws IOException {
    if (level != 0 || shared.closed) {
      return;
    }
    IOException failure = null;
    Writer w = shared.writer;
    if (w != null && w.forceOnClose) {
      // Closing a written image makes its writes durable, as users expect of "close".
      try {
        w.flush();
      } catch (IOException e) {
        failure = e;
      }
    }
    shared.closed = true;
    if (shared.drain) {
      shared.awaitQuiescence();
    }
    for (Storage s : shared.owned) {
      try {
        s.close();
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public String toString() {
    return "VhdImage[" + top().resource + ", " + top().type + ", " + top().virtualSize + " bytes]";
  }
}
