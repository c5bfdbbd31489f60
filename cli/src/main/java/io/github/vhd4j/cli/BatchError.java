package io.github.vhd4j.cli;

import io.github.vhd4j.ImageInUseException;
import io.github.vhd4j.ParentNotFoundException;
import io.github.vhd4j.UnsupportedFormatException;
import io.github.vhd4j.UnsupportedVhdFeatureException;
import io.github.vhd4j.VhdFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Why one image of a batch could not be reported on: the {@code error} object's {@code code}.
 * A malformed image is named by its problem code instead ({@link #code}); these are the kinds of
 * failure that are not about the image's bytes. docs/cli-json.md describes each one once.
 */
enum BatchError {
  /** Nothing exists under the name (it was removed after the directory was listed, say). */
  NOT_FOUND,
  /** A FIFO, socket, character device or directory where an image was named. */
  NOT_A_FILE,
  /** The file exists but could not be read: permission denied, an I/O error. */
  UNREADABLE,
  /** The file is another format's image (QCOW2, VMDK, VDI, ISO 9660). */
  UNSUPPORTED_FORMAT,
  /** A valid image using a feature vhd4j does not read. */
  UNSUPPORTED_FEATURE,
  /** A differencing disk whose parent could not be found or does not match. */
  PARENT_NOT_FOUND,
  /** Another process holds the image in a way that refuses this one. */
  IN_USE,
  /** A failure that is vhd's own bug; its message names the Java exception. */
  INTERNAL;

  /**
   * Returns the {@code code} of the error object for a failure: the problem code of a malformed
   * image, else the name of one of these kinds.
   *
   * @param failure what the examination threw
   * @param image the image as the batch named it
   * @return for example {@code "FOOTER_CHECKSUM"} or {@code "NOT_FOUND"}
   */
  static String code(Throwable failure, Path image) {
    Throwable t = unwrap(failure);
    if (t instanceof VhdFormatException) {
      return ((VhdFormatException) t).getCode().name();
    }
    return of(t, image).name();
  }

  /**
   * Tells whether a failure is about the image's bytes (it has a problem code): the image is
   * damaged, which a batch counts as a problem, not as a file it could not read.
   *
   * @param failure what the examination threw
   * @return true for a malformed image
   */
  static boolean isProblem(Throwable failure) {
    return unwrap(failure) instanceof VhdFormatException;
  }

  private static BatchError of(Throwable t, Path image) {
    if (t instanceof UnsupportedFormatException) {
      return UNSUPPORTED_FORMAT;
    }
    if (t instanceof UnsupportedVhdFeatureException) {
      return UNSUPPORTED_FEATURE;
    }
    if (t instanceof ParentNotFoundException) {
      return PARENT_NOT_FOUND;
    }
    if (t instanceof ImageInUseException) {
      return IN_USE;
    }
    if (t instanceof NoSuchFileException) {
      return NOT_FOUND;
    }
    if (t instanceof FileSystemException && !(t instanceof AccessDeniedException) && notAFile(image)) {
      // The library refuses what is not a regular file or block device before opening it, with a
      // FileSystemException saying what it is; the file's kind, not that text, decides the code.
      return NOT_A_FILE;
    }
    return t instanceof IOException ? UNREADABLE : INTERNAL;
  }

  private static boolean notAFile(Path image) {
    try {
      FileKind k = FileKind.of(image);
      return k != FileKind.REGULAR && k != FileKind.BLOCK_DEVICE && k != FileKind.MISSING;
    } catch (IOException e) {
      return false;
    }
  }

  /** The failure itself, out of the wrapper lambdas need for checked exceptions. */
  private static Throwable unwrap(Throwable t) {
    return t instanceof UncheckedIOException && t.getCause() != null ? t.getCause() : t;
  }
}
