package io.github.vhd4j.internal.vhdx;

import static io.github.vhd4j.internal.Fmt.hex32;

import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.VhdxParentLocator;
import io.github.vhd4j.internal.Field;
import io.github.vhd4j.internal.Place;
import io.github.vhd4j.internal.Site;
import io.github.vhd4j.internal.vhdx.layout.Guids;
import io.github.vhd4j.internal.vhdx.layout.ParentLocatorLayout;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Decodes and checks the Parent Locator item (MS-VHDX 2.6.2.6): the VHDX locator type, 1 to 256
 * key-value entries whose UTF-16LE strings lie inside the item, unique keys, a
 * {@code parent_linkage} GUID and at least one path. Everything is bounded by the item's length,
 * at most 1 MiB, which the metadata parser checked.
 */
final class VhdxLocatorParser {
  /** A GUID as the locator stores it: in braces, any case (MS-VHDX 2.6.2.6.3). */
  private static final Pattern BRACED_GUID = Pattern.compile(
      "\\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}}");
  /** How many characters of a key or value a problem message quotes. */
  private static final int QUOTED = 80;
  private static final List<String> PATHS = List.of(ParentLocatorLayout.RELATIVE_PATH,
      ParentLocatorLayout.VOLUME_PATH, ParentLocatorLayout.ABSOLUTE_WIN32_PATH);

  private final VhdxParseContext ctx;
  private final ByteBuffer b;
  private final Place at;

  private VhdxLocatorParser(VhdxParseContext ctx, ByteBuffer item, long fileOffset) {
    this.ctx = ctx;
    this.b = item;
    this.at = new Place(ParentLocatorLayout.STRUCTURE, fileOffset);
  }

  /**
   * Decodes and checks a locator.
   *
   * @param ctx the parse
   * @param item the item's bytes, little-endian, at least the 20-byte header
   * @param fileOffset the item's file offset
   * @return the locator with every entry that decoded, or null when its type or entry count is
   *     wrong (every problem is recorded)
   */
  static @Nullable VhdxParentLocator parse(VhdxParseContext ctx, ByteBuffer item, long fileOffset) {
    return new VhdxLocatorParser(ctx, item, fileOffset).run();
  }

  private void error(Site site, String expected, String actual, String note) {
    ctx.p.error(ProblemCode.VHDX_PARENT_LOCATOR, false, site, expected, actual, note);
  }

  private Site entrySite(int i, Field f) {
    return new Site(ParentLocatorLayout.STRUCTURE, "entry[" + i + "]." + f.name(),
        at.base() + ParentLocatorLayout.entryIndex(i) + f.offset());
  }

  private @Nullable VhdxParentLocator run() {
    UUID type = Guids.get(b, ParentLocatorLayout.LOCATOR_TYPE);
    // MS-VHDX 2.6.2.6.1 LocatorType: an implementation MUST understand the type; only VHDX's is defined.
    if (!type.equals(Guids.VHDX_LOCATOR_TYPE)) {
      error(at.site(ParentLocatorLayout.LOCATOR_TYPE), Guids.text(Guids.VHDX_LOCATOR_TYPE), Guids.text(type),
          "an unknown parent locator type");
      return null;
    }
    if (ParentLocatorLayout.RESERVED.u16(b) != 0) {
      error(at.site(ParentLocatorLayout.RESERVED), "0", hex32(ParentLocatorLayout.RESERVED.u16(b)),
          "the locator's reserved field is not zero");
    }
    int count = ParentLocatorLayout.KEY_VALUE_COUNT.u16(b);
    long tableEnd = ParentLocatorLayout.entryIndex(count);
    if (count < 1 || count > ParentLocatorLayout.MAX_ENTRIES || tableEnd > b.capacity()) {
      error(at.site(ParentLocatorLayout.KEY_VALUE_COUNT), "1 to " + ParentLocatorLayout.MAX_ENTRIES
          + " entries that fit in the " + b.capacity() + "-byte item", Integer.toString(count),
          "the locator's entry count is out of range");
      return null;
    }
    // Keys and values lie in the item; however entries point into it, what is decoded must not
    // outgrow the item, or entries pointing into one window would decode it many times over.
    long text = 0;
    for (int i = 0; i < count; i++) {
      ByteBuffer e = b.slice(ParentLocatorLayout.entryIndex(i), ParentLocatorLayout.ENTRY_SIZE).order(b.order());
      text += inItem(e, ParentLocatorLayout.KEY_OFFSET, ParentLocatorLayout.KEY_LENGTH)
          + inItem(e, ParentLocatorLayout.VALUE_OFFSET, ParentLocatorLayout.VALUE_LENGTH);
    }
    if (text > b.capacity()) {
      error(at.site(ParentLocatorLayout.KEY_VALUE_COUNT), "at most " + b.capacity() + " bytes of keys and values",
          text + " bytes", "the entries' keys and values overlap: together they are longer than the item");
      return null;
    }
    Map<String, String> entries = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      ByteBuffer e = b.slice(ParentLocatorLayout.entryIndex(i), ParentLocatorLayout.ENTRY_SIZE).order(b.order());
      String key = text(i, e, ParentLocatorLayout.KEY_OFFSET, ParentLocatorLayout.KEY_LENGTH);
      String value = text(i, e, ParentLocatorLayout.VALUE_OFFSET, ParentLocatorLayout.VALUE_LENGTH);
      if (key == null || value == null) {
        continue;
      }
      // MS-VHDX 2.6.2.6.2: keys are unique (and compared case-sensitively).
      if (entries.containsKey(key)) {
        error(entrySite(i, ParentLocatorLayout.KEY_OFFSET), "a key used once", quote(key), "a duplicate key");
        continue;
      }
      entries.put(key, value);
    }
    keys(entries);
    return new VhdxParentLocator(type, entries);
  }

  /** MS-VHDX 2.6.2.6.3: parent_linkage is a braced GUID, at least one path key exists. */
  private void keys(Map<String, String> entries) {
    Site count = at.site(ParentLocatorLayout.KEY_VALUE_COUNT);
    for (String key : List.of(ParentLocatorLayout.PARENT_LINKAGE, ParentLocatorLayout.PARENT_LINKAGE2)) {
      String v = entries.get(key);
      if (v == null && key.equals(ParentLocatorLayout.PARENT_LINKAGE)) {
        error(count, "a " + key + " entry", "none", "the locator does not name its parent's DataWriteGuid");
      } else if (v != null && !BRACED_GUID.matcher(v).matches()) {
        error(count, key + " = a GUID in braces", quote(v), "the parent linkage is not a GUID");
      }
    }
    if (PATHS.stream().noneMatch(entries::containsKey)) {
      error(count, "one of " + String.join(", ", PATHS), "none", "the locator names no path to the parent");
    }
  }

  /** The length of a key or value that lies inside the item, else 0 (it is reported when decoded). */
  private long inItem(ByteBuffer e, Field offsetField, Field lengthField) {
    long offset = offsetField.u32(e);
    int length = lengthField.u16(e);
    return offset + length <= b.capacity() ? length : 0;
  }

  /**
   * Decodes one key or value (MS-VHDX 2.6.2.6.2): offset and length non-zero, even and inside the
   * item; valid UTF-16LE without NUL.
   *
   * @return the text, or null when it is unusable (reported)
   */
  private @Nullable String text(int i, ByteBuffer e, Field offsetField, Field lengthField) {
    long offset = offsetField.u32(e);
    int length = lengthField.u16(e);
    if (offset == 0 || length == 0 || offset % 2 != 0 || length % 2 != 0 || offset + length > b.capacity()) {
      error(entrySite(i, offsetField), "a non-zero even " + offsetField.name() + " and " + lengthField.name()
          + " inside the " + b.capacity() + "-byte item", offset + ", " + length, "the entry's text is misplaced");
      return null;
    }
    char[] chars = new char[length / 2];
    for (int k = 0; k < chars.length; k++) {
      chars[k] = b.getChar((int) offset + 2 * k);
    }
    for (int k = 0; k < chars.length; k++) {
      char c = chars[k];
      boolean paired = Character.isHighSurrogate(c) ? k + 1 < chars.length && Character.isLowSurrogate(chars[k + 1])
          : !Character.isLowSurrogate(c) || k > 0 && Character.isHighSurrogate(chars[k - 1]);
      if (c == 0 || !paired) {
        error(entrySite(i, offsetField), "UTF-16 text without NUL", "U+" + hex4(c, true) + " at character " + k,
            c == 0 ? "the entry's text holds a NUL" : "the entry's text holds an unpaired surrogate");
        return null;
      }
    }
    return new String(chars);
  }

  /** Quotes untrusted text for a message, control characters escaped. */
  private static String quote(String s) {
    // A key or value may be 32 Ki characters: a problem shows its start and its length.
    int shown = Math.min(s.length(), QUOTED);
    StringBuilder sb = new StringBuilder("\"");
    for (int k = 0; k < shown; k++) {
      char c = s.charAt(k);
      // Built by hand: String.format costs kilobytes a call, and a key may be all control characters.
      if (Character.isISOControl(c)) {
        sb.append("\\u").append(hex4(c, false));
      } else {
        sb.append(c);
      }
    }
    sb.append('"');
    return shown == s.length() ? sb.toString() : sb.append("... (").append(s.length()).append(" characters)").toString();
  }

  /** A UTF-16 unit as four hex digits. */
  private static String hex4(char c, boolean upper) {
    String h = Integer.toHexString(c | 0x10000).substring(1);
    return upper ? h.toUpperCase(java.util.Locale.ROOT) : h;
  }
}
