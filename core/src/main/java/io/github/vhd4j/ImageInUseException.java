package io.github.vhd4j;

import org.jspecify.annotations.Nullable;

/**
 * An image cannot be opened for writing (or resized, compacted, committed into or repaired)
 * because another process is using it: QEMU or another vhd4j holds a lock on it that excludes
 * writers; or because another writer of this process has it open. Nothing was changed. See
 * {@link OpenOptions#locking()}.
 */
public final class ImageInUseException extends VhdException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is in use and how, naming the image
   * @param resource the image concerned
   * @param cause the underlying failure, if any
   */
  public ImageInUseException(String message, String resource, @Nullable Throwable cause) {
    super(message, resource, cause);
  }
}
