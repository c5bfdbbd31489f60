package io.github.vhd4j.internal;

import io.github.vhd4j.DiskImage;
import io.github.vhd4j.Extent;
import io.github.vhd4j.ParentResolution;
import io.github.vhd4j.Problem;
import io.github.vhd4j.internal.storage.Storage;
import io.github.vhd4j.internal.vhd.Writer;
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
 * A view of a chain of layers of any format from one layer down: what every format's image
 * shares (reads, views, channels, maps, warnings, close). The top image owns the files; its parents
 * are views that share the same state and are closed with it. Formats add their structures in a
 * subclass.
 */
public abstract class ChainView implements DiskImage {

  /**
   * State shared by an image and its parent views. When a storage unmaps memory on close, every
   * access to storage is counted in and out, and close waits until none is in flight before it
   * unmaps: a read racing with close then fails cleanly instead of touching unmapped memory.
   */
  public static final class Shared implements ExtentMapper.Gate {
    final List<Storage> owned;
    final boolean drain;
    final LongAdder active = new LongAdder();
    final String resource;
    /** Every layer of the chain, top first; each view reads from its own level down. */
    final ImageLayer[] layers;
    /** Every layer's problems, the top layer's first; view i lists them from warningsFrom[i]. */
    final List<Problem> warnings;
    final int[] warningsFrom;
    /** The view whose top is layer i. One array for the chain keeps a chain of n images O(n). */
    final ChainView[] views;
    /** Writes to the top layer; null for a read-only image. */
    final @Nullable Writer writer;
    volatile boolean closed;

    Shared(List<Storage> owned, ImageLayer[] layers, List<Problem> warnings, int[] warningsFrom,
        List<@Nullable ParentResolution> resolutions, @Nullable Writer writer, Views factory) {
      this.owned = owned;
      this.writer = writer;
      this.layers = layers;
      this.resource = layers[0].resource;
      this.warnings = warnings;
      this.warningsFrom = warningsFrom;
      this.drain = owned.stream().anyMatch(Storage::releasesMemoryOnClose);
      // Built here, before the final field is published, so every thread sees the whole chain.
      ChainView[] v = new ChainView[layers.length];
      for (int i = 0; i < v.length; i++) {
        v[i] = factory.view(this, i, resolutions.get(i));
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

  /** Makes the view of a format whose top is layer {@code level}. */
  @FunctionalInterface
  public interface Views {
    /**
     * Makes a view.
     *
     * @param shared the chain's state
     * @param level the view's top layer
     * @param resolution how that layer's parent was found, or null
     * @return the view
     */
    ChainView view(Shared shared, int level, @Nullable ParentResolution resolution);
  }

  /** The chain's state, shared by every view of it. */
  protected final Shared shared;
  /** Index of this view's top layer in the shared chain. */
  protected final int level;
  private final ReadEngine engine;
  /** How this view's parent was found, or null. */
  protected final @Nullable ParentResolution resolution;

  /**
   * Makes a view.
   *
   * @param shared the chain's state
   * @param level the view's top layer
   * @param resolution how its parent was found, or null
   */
  protected ChainView(Shared shared, int level, @Nullable ParentResolution resolution) {
    this.shared = shared;
    this.level = level;
    this.engine = new ReadEngine(shared.layers, level);
    this.resolution = resolution;
  }

  /**
   * Builds the views of a chain and returns the top one.
   *
   * @param layers the layers, top first
   * @param warnings each layer's problems
   * @param resolutions how each layer's parent was found (null for the last)
   * @param owned the storages the top view closes
   * @param writer the top layer's writer, or null for a read-only image
   * @param factory the format's views
   * @return the top view
   */
  public static ChainView build(List<? extends ImageLayer> layers, List<List<Problem>> warnings,
      List<@Nullable ParentResolution> resolutions, List<Storage> owned, @Nullable Writer writer, Views factory) {
    List<Problem> all = new ArrayList<>();
    int[] from = new int[layers.size()];
    for (int i = 0; i < layers.size(); i++) {
      from[i] = all.size();
      all.addAll(warnings.get(i));
    }
    Shared shared = new Shared(List.copyOf(owned), layers.toArray(new ImageLayer[0]), List.copyOf(all), from,
        resolutions, writer, factory);
    return shared.views[0];
  }

  /**
   * Returns this view's top layer.
   *
   * @return the layer
   */
  protected ImageLayer top() {
    return shared.layers[level];
  }

  /**
   * Returns the views of the chain from this one down.
   *
   * @return the views, this one first
   */
  protected List<ChainView> views() {
    return Collections.unmodifiableList(Arrays.asList(shared.views).subList(level, shared.views.length));
  }

  /** Throws when the image is closed. */
  public void checkOpen() {
    if (shared.closed) {
      throw shared.closedError();
    }
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
  public long getSize() {
    return top().virtualSize;
  }

  @Override
  public long getFileSize() {
    return top().storage.size();
  }

  /**
   * Returns the view of this one's parent.
   *
   * @return the parent view, or null
   */
  protected @Nullable ChainView parentView() {
    return level + 1 < shared.views.length ? shared.views[level + 1] : null;
  }

  @Override
  public List<DiskImage> getLayers() {
    return Collections.unmodifiableList(views());
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

  /**
   * Tells whether this view can be written.
   *
   * @return true for the top view of an image opened for writing
   */
  public boolean isWritable() {
    return shared.writer != null && level == 0;
  }

  /**
   * Writes virtual bytes through the chain's writer.
   *
   * @param position the virtual offset
   * @param src the bytes
   * @throws IOException if the write fails
   */
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

  /**
   * Makes written bytes durable.
   *
   * @throws IOException if they cannot be
   */
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

}
