package io.github.vhd4j.fuzz;

import io.github.vhd4j.ParentNotFoundException;
import io.github.vhd4j.Problem;
import io.github.vhd4j.VhdException;
import io.github.vhd4j.VhdFormatException;
import java.io.IOException;
import java.util.Objects;

/**
 * The result of one library call on fuzzed bytes: a value, or the {@link VhdException} it threw.
 * A {@code VhdException} is the only expected failure. Every other exception (a RuntimeException,
 * an Error, or an IOException that is not a VhdException although the harness wrote the bytes
 * itself and the file system is fine) propagates and is therefore a finding.
 *
 * @param <T> the value type
 */
final class Outcome<T> {
  /** A library call. */
  interface Call<T> {
    T call() throws IOException;
  }

  private final T value;
  private final VhdException failure;

  private Outcome(T value, VhdException failure) {
    this.value = value;
    this.failure = failure;
  }

  static <T> Outcome<T> of(Call<T> call) {
    try {
      return new Outcome<>(Objects.requireNonNull(call.call(), "library returned null"), null);
    } catch (VhdException e) {
      return new Outcome<>(null, e);
    } catch (IOException e) {
      throw new AssertionError("a plain IOException, not a VhdException, for bytes the harness wrote"
          + " itself: " + e, e);
    }
  }

  boolean ok() {
    return failure == null;
  }

  T value() {
    if (failure != null) {
      throw new IllegalStateException("no value: " + failure, failure);
    }
    return value;
  }

  VhdException failure() {
    return failure;
  }

  /**
   * A description of the failure that two runs over the same bytes must share whatever the source
   * (path, channel or buffer): the exception type and, for format errors, everything the problem
   * records except the resource name.
   */
  String failureSignature() {
    if (failure == null) {
      return "ok";
    }
    if (failure instanceof VhdFormatException) {
      Problem p = ((VhdFormatException) failure).getProblem();
      return failure.getClass().getSimpleName() + " " + Problems.normalize(p);
    }
    if (failure instanceof ParentNotFoundException) {
      return failure.getClass().getSimpleName() + " " + ((ParentNotFoundException) failure).getParentUuid();
    }
    return failure.getClass().getSimpleName();
  }

  @Override
  public String toString() {
    return failure == null ? "ok: " + value : "failed: " + failure;
  }
}
