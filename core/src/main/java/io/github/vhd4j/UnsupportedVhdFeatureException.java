package io.github.vhd4j;

import org.jspecify.annotations.Nullable;

/**
 * The image is valid but uses a feature this library does not implement, such as a differencing
 * disk over a raw (non-VHD) parent.
 */
public final class UnsupportedVhdFeatureException extends VhdException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is not supported
   * @param resource the image concerned
   * @param cause the underlying failure, if any
   */
  public UnsupportedVhdFeatureException(String message, String resource, @Nullable Throwable cause) {
    super(message + " (" + resource + ")", resource, cause);
  }
}
