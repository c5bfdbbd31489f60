package io.github.vhd4j.internal;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/** What a worker thread threw, handed to the thread that waits for it as the type it was. */
final class Causes {
  private Causes() {}

  /**
   * Rethrows an unchecked {@code t} as it is; otherwise returns it as an {@link IOException}
   * (itself when it is one) for the caller to throw.
   *
   * @param t what the worker threw (null, as {@link java.util.concurrent.ExecutionException#getCause} may
   *     give, becomes an IOException too)
   * @return the exception to throw
   */
  static IOException rethrow(@Nullable Throwable t) {
    if (t instanceof IOException e) {
      return e;
    }
    if (t instanceof RuntimeException e) {
      throw e;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new IOException(t);
  }
}
