package io.github.vhd4j.cli;

import io.github.vhd4j.DiskFormat;
import io.github.vhd4j.ImageInUseException;
import io.github.vhd4j.ParentNotFoundException;
import io.github.vhd4j.UnsupportedFormatException;
import io.github.vhd4j.UnsupportedVhdFeatureException;
import io.github.vhd4j.VhdException;
import io.github.vhd4j.VhdFormatException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Turns any failure into the tool's single error line, {@code vhd: FILE: message}, so scripts can
 * rely on one line per failure and users never see a stack trace unless they ask with
 * {@code --debug}.
 */
final class Errors {
  /** Exit code for every failure to run a command (and for usage errors). */
  static final int FAILURE = 2;

  /** How error lines name standard output. */
  static final String STDOUT = "stdout";

  private Errors() {}

  /**
   * Prints the error line (and, with {@code debug}, the stack trace) and returns the exit code.
   *
   * @param err where to print
   * @param file the command's main file, used unless the failure names another one
   * @param failure what went wrong
   * @param debug also print the stack trace
   * @return {@link #FAILURE}
   */
  static int report(PrintStream err, String file, Throwable failure, boolean debug) {
    String subject = file;
    Throwable t = failure;
    // Unwrap our own wrappers (and the one lambdas need for checked exceptions) to the real cause.
    while (true) {
      if (t instanceof CliException && ((CliException) t).wrapped() != null) {
        subject = ((CliException) t).file();
        t = Objects.requireNonNull(((CliException) t).wrapped());
      } else if (t instanceof UncheckedIOException && t.getCause() != null) {
        t = t.getCause();
      } else {
        break;
      }
    }
    if (t instanceof CliException) {
      subject = ((CliException) t).file();
    } else if (namesItsFile(t)) {
      // An image in use, or one that changed while it was read, may be a parent or the target.
      subject = ((VhdException) t).getResource();
    }
    err.println("vhd: " + oneLine(subject) + ": " + oneLine(message(t, subject)));
    if (debug) {
      failure.printStackTrace(err);
    }
    err.flush();
    return FAILURE;
  }

  /**
   * Returns the message for a failure about {@code subject}.
   *
   * @param t the failure
   * @param subject the file named in the error line
   * @return the message, without the file name when it would repeat {@code subject}
   */
  static String message(Throwable t, String subject) {
    if (t instanceof UnsupportedFormatException) {
      return notRead(((UnsupportedFormatException) t).getFormat());
    }
    if (t instanceof ParentNotFoundException) {
      // Its message names the child and lists every candidate tried; all of it is needed.
      return text(t);
    }
    if (t instanceof VhdFormatException) {
      VhdFormatException e = (VhdFormatException) t;
      // A problem in a parent must say which file it is in; one in the image itself need not.
      return e.getResource().equals(subject) ? e.getDetail() : text(e);
    }
    if (t instanceof CliException) {
      return text(t);
    }
    if (namesItsFile(t)) {
      return withoutFile(text(t), ((VhdException) t).getResource());
    }
    if (t instanceof NoSuchFileException) {
      String f = ((NoSuchFileException) t).getFile();
      return f == null || f.equals(subject) ? "no such file" : "no such file: " + f;
    }
    if (t instanceof AccessDeniedException) {
      String f = ((AccessDeniedException) t).getFile();
      return f == null || f.equals(subject) ? "permission denied" : "permission denied: " + f;
    }
    if (t instanceof NotDirectoryException) {
      return "not a directory: " + ((NotDirectoryException) t).getFile();
    }
    if (t instanceof FileSystemException) {
      FileSystemException e = (FileSystemException) t;
      String reason = e.getReason() == null ? e.getClass().getSimpleName() : e.getReason();
      return e.getFile() == null || e.getFile().equals(subject) ? reason : e.getFile() + ": " + reason;
    }
    if (t instanceof IOException) {
      return text(t);
    }
    // Library contract: only IOException subclasses for bad input. Anything else is our bug.
    return "internal error: " + t.getClass().getName() + ": " + t.getMessage();
  }

  /**
   * Says what a file is that vhd does not read: the format its signature names, and what vhd
   * reads instead.
   *
   * @param format the file's format
   * @return for example {@code "a QCOW2 image; vhd reads VHD and VHDX images"}
   */
  static String notRead(DiskFormat format) {
    return format.description() + "; vhd reads VHD and VHDX images";
  }

  /**
   * Tells whether a failure is one of the library's whose message ends with {@code " (FILE)"} for
   * the file it is about: an image in use by another process, and the plain {@link VhdException}s
   * (a file that changed while it was read, a refusal to change an image).
   */
  private static boolean namesItsFile(Throwable t) {
    return t instanceof ImageInUseException || t.getClass() == VhdException.class;
  }

  private static String text(Throwable t) {
    String m = t.getMessage();
    return m == null || m.isEmpty() ? t.getClass().getSimpleName() : m;
  }

  /**
   * Makes text safe for one line of a terminal: control characters (a file name may hold a
   * newline) become {@code \n}, {@code \r}, {@code \t} or {@code \xNN}.
   *
   * @param s any text
   * @return the text without line breaks or other control characters
   */
  static String oneLine(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != 0x7f) {
        if (sb != null) {
          sb.append(c);
        }
        continue;
      }
      if (sb == null) {
        sb = new StringBuilder(s.length() + 8).append(s, 0, i);
      }
      switch (c) {
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> sb.append(String.format("\\x%02x", (int) c));
      }
    }
    return sb == null ? s : sb.toString();
  }

  /**
   * Turns the library's refusals (resize, compact, commit: a plain {@link VhdException} or an
   * {@link UnsupportedVhdFeatureException}) into error lines about the file they name, which may
   * be another than the command's (commit grows the parent), without repeating the
   * {@code " (FILE)"} their messages end with. Other failures pass unchanged.
   *
   * @param e the failure
   * @return what to throw
   */
  static IOException refusal(IOException e) {
    if (e instanceof UnsupportedVhdFeatureException || e.getClass() == VhdException.class) {
      String file = ((VhdException) e).getResource();
      return addCause(new CliException(file, withoutFile(String.valueOf(e.getMessage()), file)), e);
    }
    return e;
  }

  /**
   * Turns the library's word on an impossible size (resize, or commit growing the parent) into an
   * error line: its message is made for users, and nothing was changed.
   *
   * @param label the file the command is about, as the user named it
   * @param e the refusal
   * @return what to throw
   */
  static CliException refusal(String label, IllegalArgumentException e) {
    return addCause(new CliException(label, String.valueOf(e.getMessage())), e);
  }

  /**
   * Names OUT instead of the temporary file a command writes under another name (convert,
   * create): the user never named that file. Other failures pass unchanged.
   *
   * @param e the failure
   * @param tmp the temporary file
   * @param label OUT as the user wrote it
   * @return what to throw
   */
  static IOException aboutOutput(IOException e, Path tmp, String label) {
    String name = tmp.toString();
    if (e instanceof VhdException && ((VhdException) e).getResource().equals(name)) {
      String detail = e instanceof VhdFormatException ? ((VhdFormatException) e).getDetail() : withoutFile(
          String.valueOf(e.getMessage()), name);
      return addCause(new CliException(label, detail), e);
    }
    if (e instanceof FileSystemException && name.equals(((FileSystemException) e).getFile())) {
      return addCause(new CliException(label, message(e, name)), e);
    }
    return e;
  }

  /** Keeps the original failure for {@code --debug}'s stack trace without changing the error line. */
  private static CliException addCause(CliException replacement, Exception original) {
    // NOTE: suppressed, not the cause: Errors reports a wrapped cause's own message, which is the
    // one that names the file twice.
    replacement.addSuppressed(original);
    return replacement;
  }

  /** Drops the {@code " (FILE)"} the library appends to an unsupported-feature message. */
  private static String withoutFile(String message, String file) {
    String suffix = " (" + file + ")";
    return message.endsWith(suffix) ? message.substring(0, message.length() - suffix.length()) : message;
  }
}
