package io.github.vhd4j;

import java.io.IOException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Base of every failure this library detects in an image or its parent chain.
 *
 * <p>It extends {@link IOException} because reading an image is I/O: Java callers handle both in
 * one place, and Kotlin callers are unaffected.
 */
public class VhdException extends IOException {
  private static final long serialVersionUID = 1L;

  /** The image the failure concerns. */
  private final String resource;

  /**
   * Creates an exception about a resource.
   *
   * @param message the full message
   * @param resource the image file or other source concerned
   * @param cause the underlying failure, if any
   */
  public VhdException(String message, String resource, @Nullable Throwable cause) {
    super(message, cause);
    this.resource = Objects.requireNonNull(resource, "resource");
  }

  /**
   * Returns the image the failure concerns.
   *
   * @return a file name or a description such as {@code "memory"}
   */
  public String getResource() {
    return resource;
  }
}
