package io.github.vhd4j.hadoop;

import io.github.vhd4j.DiskImage;
import java.io.IOException;

/**
 * An image opened by {@link HadoopImages#open}: the {@link DiskImage} together with the file it
 * was read from, which this handle owns. Closing it closes the image, its parents and the file.
 */
public final class HadoopImage implements AutoCloseable {
  private final DiskImage image;
  private final HadoopSource source;
  private final HadoopSourceResolver resolver;

  HadoopImage(DiskImage image, HadoopSource source, HadoopSourceResolver resolver) {
    this.image = image;
    this.source = source;
    this.resolver = resolver;
  }

  /**
   * Returns the open image: a {@link io.github.vhd4j.VhdImage} or a
   * {@link io.github.vhd4j.VhdxImage}, reading its parents through the resolver.
   *
   * @return the image, valid until this handle is closed
   */
  public DiskImage image() {
    return image;
  }

  /**
   * Returns the top image's file.
   *
   * @return the source
   */
  public HadoopSource source() {
    return source;
  }

  /**
   * Returns the resolver the parents were opened with, which knows each parent's file.
   *
   * @return the resolver
   */
  public HadoopSourceResolver resolver() {
    return resolver;
  }

  /**
   * Returns the bytes read so far from the image's file and its parents' files.
   *
   * @return the count
   */
  public long bytesRead() {
    return source.bytesRead() + resolver.bytesRead();
  }

  /**
   * Closes the image, its parents and the file; closing twice does nothing.
   *
   * @throws IOException if closing a file fails
   */
  @Override
  public void close() throws IOException {
    try {
      image.close();
    } finally {
      source.close();
    }
  }
}
