package io.github.vhd4j.internal;

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
    volatile boolean closed;

    Shared(List<Storage> owned, String resource) {
      this.owned = owned;
      this.resource = resource;
      this.drain = owned.stream().anyMatch(Storage::releasesMemoryOnClose);
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
  private final boolean owner;
  private final Layer[] layers;
  private final ReadEngine engine;
  private final List<Problem> warnings;
  private final @Nullable ParentResolution resolution;
  private final @Nullable ImageImpl parent;
  private final List<VhdImage> chain;

  private ImageImpl(Shared shared, boolean owner, Layer[] layers, List<Problem> warnings,
      @Nullable ParentResolution resolution, @Nullable ImageImpl parent) {
    this.shared = shared;
    this.owner = owner;
    this.layers = layers;
    this.engine = new ReadEngine(layers);
    this.warnings = List.copyOf(warnings);
    this.resolution = resolution;
    this.parent = parent;
    List<VhdImage> c = new ArrayList<>();
    c.add(this);
    if (parent != null) {
      c.addAll(parent.chain);
    }
    this.chain = Collections.unmodifiableList(c);
  }

  static VhdImage build(List<Layer> layers, List<List<Problem>> warnings,
      List<@Nullable ParentResolution> resolutions, List<Storage> owned) {
    Shared shared = new Shared(List.copyOf(owned), layers.get(0).resource);
    Layer[] all = layers.toArray(new Layer[0]);
    ImageImpl below = null;
    for (int i = all.length - 1; i >= 0; i--) {
      List<Problem> w = new ArrayList<>();
      for (int j = i; j < all.length; j++) {
        w.addAll(warnings.get(j));
      }
      below = new ImageImpl(shared, i == 0, Arrays.copyOfRange(all, i, all.length), w, resolutions.get(i), below);
    }
    return Objects.requireNonNull(below);
  }

  private Layer top() {
    return layers[0];
  }

  void checkOpen() {
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
  public SizeInfo getSizeInfo() {
    return top().sizes;
  }

  @Override
  public long getBlockSize() {
    return top().blockSize;
  }

  @Override
  public @Nullable VhdImage getParent() {
    return parent;
  }

  @Override
  public @Nullable ParentResolution getParentResolution() {
    return resolution;
  }

  @Override
  public List<VhdImage> getChain() {
    return chain;
  }

  @Override
  public List<Problem> getWarnings() {
    return warnings;
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
      engine.read(position, dst, dst.position(), n);
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
        engine.read(position, dst, dst.position(), n);
      } finally {
        shared.exit();
      }
      dst.position(dst.position() + n);
    }
  }

  @Override
  public @Nullable ByteBuffer view(long position, int length) throws IOException {
    if (position < 0 || length < 0 || position > getSize() - length) {
      throw new IllegalArgumentException("range " + position + "+" + length + " outside the "
          + getSize() + "-byte disk");
    }
    checkOpen();
    if (length == 0) {
      return null;
    }
    shared.enter();
    try {
      List<Extent> runs = new ExtentMapper(layers).list(position, length);
      if (runs.size() != 1 || !runs.get(0).data()) {
        return null;
      }
      Extent run = runs.get(0);
      return layers[run.depth()].storage.view(run.fileOffset(), length);
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
    return new ExtentMapper(layers).list(offset, length, shared);
  }

  @Override
  public void forEachExtent(long offset, long length, Consumer<Extent> action) throws IOException {
    Objects.requireNonNull(action, "action");
    checkRange(offset, length);
    new ExtentMapper(layers).forEach(offset, length, action, shared);
  }

  private void checkRange(long offset, long length) {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("negative offset or length: " + offset + ", " + length);
    }
    checkOpen();
  }

  @Override
  public void close() throws IOException {
    if (!owner || shared.closed) {
      return;
    }
    shared.closed = true;
    if (shared.drain) {
      shared.awaitQuiescence();
    }
    IOException failure = null;
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
