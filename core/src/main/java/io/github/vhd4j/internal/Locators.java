package io.github.vhd4j.internal;

import io.github.vhd4j.DynamicHeader;
import io.github.vhd4j.ParentHint;
import io.github.vhd4j.ParentLocator;
import io.github.vhd4j.ParentLocator.Platform;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Decoding of parent locator data and the built-in order of parent candidates. */
public final class Locators {
  /** Largest locator payload decoded; a Windows path of 32,767 UTF-16 units fits. */
  public static final int MAX_LOCATOR_BYTES = 65_536;

  private Locators() {}

  /** A local path the built-in resolver tries, with the record it came from. */
  public record Suggestion(Path path, String source) {}

  /**
   * Decodes a locator's payload into a path or URL.
   *
   * @param platform the locator's platform
   * @param data the payload ({@code dataLength} bytes)
   * @return the decoded text, or null when it cannot be decoded (odd UTF-16 length, malformed
   *     text, a MacX value that is not a file URL, or a Mac alias blob)
   */
  public static @Nullable String decode(Platform platform, byte[] data) {
    switch (platform) {
      case W2RU:
      case W2KU: {
        // Windows stores these as UTF-16LE (the header's parent name is UTF-16BE).
        if (data.length % 2 != 0) {
          return null;
        }
        String s = strictDecode(StandardCharsets.UTF_16LE, data);
        return s == null ? null : trim(s);
      }
      case WI2R:
      case WI2K: {
        // Deprecated codes hold ANSI text; dropping NUL bytes also reads ASCII stored as UTF-16.
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length);
        for (byte b : data) {
          if (b != 0) {
            out.write(b);
          }
        }
        return trim(new String(out.toByteArray(), StandardCharsets.ISO_8859_1));
      }
      case MACX: {
        String s = strictDecode(StandardCharsets.UTF_8, data);
        return s == null ? null : fileUrlPath(trim(s));
      }
      default:
        return null;
    }
  }

  private static @Nullable String trim(String s) {
    int start = 0;
    int end = s.length();
    if (start < end && s.charAt(start) == '\uFEFF') {
      start++;
    }
    while (end > start && s.charAt(end - 1) == '\0') {
      end--;
    }
    String t = s.substring(start, end);
    return t.isEmpty() || t.indexOf('\0') >= 0 ? null : t;
  }

  private static @Nullable String strictDecode(Charset cs, byte[] data) {
    try {
      CharBuffer cb = cs.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(data));
      return cb.toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /**
   * Turns a MacX file URL ({@code file://localhost/dir/p.vhd} or {@code file:///dir/p.vhd}) into an
   * absolute POSIX path, decoding percent escapes as UTF-8.
   */
  private static @Nullable String fileUrlPath(@Nullable String url) {
    if (url == null || !url.startsWith("file://")) {
      return null;
    }
    String rest = url.substring("file://".length());
    if (rest.startsWith("localhost/")) {
      rest = rest.substring("localhost".length());
    }
    if (!rest.startsWith("/")) {
      return null;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(rest.length());
    for (int i = 0; i < rest.length(); i++) {
      char c = rest.charAt(i);
      if (c == '%') {
        if (i + 2 >= rest.length()) {
          return null;
        }
        int hi = Character.digit(rest.charAt(i + 1), 16);
        int lo = Character.digit(rest.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else if (c < 0x80) {
        out.write(c);
      } else {
        byte[] enc = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(enc, 0, enc.length);
      }
    }
    String path = strictDecode(StandardCharsets.UTF_8, out.toByteArray());
    return path == null || path.indexOf('\0') >= 0 ? null : path;
  }

  /**
   * Returns the last component of a Windows or POSIX path, without a drive letter.
   *
   * @param path the path
   * @return the file name, possibly empty
   */
  public static String baseName(String path) {
    int cut = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'));
    String name = path.substring(cut + 1);
    if (cut < 0 && name.length() >= 2 && name.charAt(1) == ':') {
      name = name.substring(2);
    }
    return name;
  }

  /**
   * Turns a Windows relative path into a POSIX one: drive dropped, backslashes to slashes.
   *
   * @param path the path as stored
   * @return the path with slashes
   */
  public static String relativeToPosix(String path) {
    String p = path;
    if (p.length() >= 2 && p.charAt(1) == ':' && Character.isLetter(p.charAt(0))) {
      p = p.substring(2);
    }
    return p.replace('\\', '/');
  }

  /**
   * Lists the places a VHD's records name for its parent, in the built-in resolver's documented
   * order: W2ru (relative to the child's directory), W2ku (its file name beside the child), MacX
   * (the URL's path), the header's parent name beside the child, Wi2r (relative), Wi2k (file name).
   *
   * @param header the child's dynamic header
   * @return the hints, in order, without duplicates
   */
  public static List<ParentHint> hints(DynamicHeader header) {
    List<ParentHint> out = new ArrayList<>();
    Platform[] order = {Platform.W2RU, Platform.W2KU, Platform.MACX, null, Platform.WI2R, Platform.WI2K};
    for (Platform want : order) {
      if (want == null) {
        addName(out, header.parentName(), "parent name");
        continue;
      }
      for (ParentLocator loc : header.parentLocators()) {
        String text = loc.path();
        if (loc.platform() != want || text == null) {
          continue;
        }
        String source = want.label() + " locator[" + loc.index() + "]";
        switch (want) {
          case W2RU:
          case WI2R:
            add(out, new ParentHint(relativeToPosix(text), true, source));
            break;
          case MACX:
            add(out, new ParentHint(text, false, source));
            break;
          default:
            addName(out, text, source);
            break;
        }
      }
    }
    return out;
  }

  /**
   * Adds the file name of a path, to be looked for beside the child, unless it is empty.
   *
   * @param out the hints
   * @param path a Windows or POSIX path
   * @param source the record it comes from
   */
  public static void addName(List<ParentHint> out, String path, String source) {
    String name = baseName(path);
    if (!name.isEmpty()) {
      add(out, new ParentHint(name, true, source));
    }
  }

  /**
   * Adds a hint unless one with the same path was added before (the first one's source is kept).
   *
   * @param out the hints
   * @param hint the hint
   */
  public static void add(List<ParentHint> out, ParentHint hint) {
    for (ParentHint h : out) {
      if (h.relative() == hint.relative() && h.path().equals(hint.path())) {
        return;
      }
    }
    out.add(hint);
  }

  /**
   * Turns hints into local paths: relative ones against the child's directory, absolute ones as
   * they are; a path this platform cannot represent is left out, and so is a path met before.
   *
   * @param childDir the child's directory, or null when unknown (relative hints are then left out)
   * @param hints the hints
   * @return the paths, with the sources of their hints
   */
  public static List<Suggestion> paths(@Nullable Path childDir, List<ParentHint> hints) {
    List<Suggestion> out = new ArrayList<>();
    for (ParentHint h : hints) {
      Path p;
      try {
        if (h.relative()) {
          if (childDir == null) {
            continue;
          }
          p = childDir.resolve(h.path()).normalize();
        } else {
          p = Path.of(h.path()).normalize();
        }
      } catch (InvalidPathException e) {
        // A name with characters this platform cannot represent is not a candidate.
        continue;
      }
      if (out.stream().noneMatch(o -> o.path().equals(p))) {
        out.add(new Suggestion(p, h.source()));
      }
    }
    return out;
  }
}
