package io.github.vhd4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.testing.DocSamples;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No structure offset outside the layout descriptors: a source file that reads or writes a
 * structure's bytes at a literal index ({@code b.getLong(16)}, {@code Codec.u32(b, 60)}), computes
 * an entry's place by hand ({@code 576 + 24 * i}) or defines a structure size of its own
 * ({@code FOOTER_SIZE = 512}) fails here.
 *
 * <p>The scan covers every source under {@code core/src/main} except {@link #EXEMPT}: the
 * descriptors themselves, the one place offsets are written, {@code Sectors}, which defines the
 * sector, and the storage layer, which knows no structure.
 */
class NoBareOffsetsTest {
  /** Core's sources, found from the project root so that the mmap module's rerun of this suite scans them too. */
  private static final Path MAIN = DocSamples.projectFile("core/pom.xml").resolveSibling("src/main/java");

  /** Files and packages (relative to {@link #MAIN}) allowed to spell out offsets. */
  static final List<String> EXEMPT =
      List.of("io/github/vhd4j/internal/vhd/layout/", "io/github/vhd4j/internal/vhdx/layout/",
          "io/github/vhd4j/internal/Sectors.java", "io/github/vhd4j/internal/storage/");

  /** What a bare offset looks like. */
  static final List<Pattern> BARE = List.of(
      // A typed access at a literal index: b.getLong(16), h.putInt(36, ...), b.getShort(56). Index 0
      // is left out: it starts a one-value scratch buffer as often as a structure, and every
      // structure's first field is a cookie, read through its Field.
      Pattern.compile("\\.(get|put)(Long|Int|Short|Char|Double|Float)\\(\\s*[1-9]"),
      // A single byte at a literal index of a buffer: b.get(85), b.put(84, ...).
      Pattern.compile("\\b(b|buf|h|f|footer|header|hdr)\\.(get|put)\\(\\s*[1-9]"),
      // The old field helpers with a literal index: Codec.u32(b, 60), Codec.bytes(h, 0, 8).
      Pattern.compile("\\bCodec\\.\\w+\\([^;]*?,\\s*\\d+\\s*[,)]"),
      // An array entry placed by hand: 576 + 24 * i.
      Pattern.compile("\\b\\d+L?\\s*\\+\\s*\\d+L?\\s*\\*\\s*\\w"),
      // A structure size defined again: static final int FOOTER = 512.
      Pattern.compile("static\\s+final\\s+\\w+\\s+\\w+\\s*=\\s*(511|512|1024)L?\\s*;"));

  static boolean exempt(Path relative) {
    String s = relative.toString().replace('\\', '/');
    return EXEMPT.stream().anyMatch(s::startsWith);
  }

  /** The bare offsets in one source, as {@code line: text}, comments skipped. */
  static List<String> bareOffsets(List<String> lines) {
    List<String> found = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String code = lines.get(i).strip();
      if (code.startsWith("*") || code.startsWith("/*") || code.startsWith("//")) {
        continue;
      }
      code = code.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"");
      for (Pattern p : BARE) {
        if (p.matcher(code).find()) {
          found.add((i + 1) + ": " + lines.get(i).strip());
          break;
        }
      }
    }
    return found;
  }

  @Test
  void shouldFindNoBareOffsetsOutsideTheDescriptors() throws IOException {
    List<String> found = new ArrayList<>();
    int scanned = 0;
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
        Path relative = MAIN.relativize(file);
        if (exempt(relative)) {
          continue;
        }
        scanned++;
        for (String hit : bareOffsets(Files.readAllLines(file))) {
          found.add(relative + ":" + hit);
        }
      }
    }
    assertTrue(scanned > 80, "found only " + scanned + " sources under " + MAIN);
    assertEquals(List.of(), found, "structure offsets belong in internal/vhd/layout or internal/vhdx/layout");
  }

  @Test
  void shouldRecogniseBareOffsets() {
    for (String bad : List.of("long d = b.getLong(16);", "h.putInt(36, (int) sum);", "int s = b.get(85);",
        "long t = Codec.u32(b, 60);", "byte[] c = Codec.bytes(h, 0, 8);", "int e = 576 + 24 * i;",
        "static final int FOOTER_SIZE = 512;", "return Codec.checksum(buf, FOOTER_SIZE, 64);")) {
      assertEquals(1, bareOffsets(List.of(bad)).size(), bad);
    }
  }

  @Test
  void shouldLeaveDescriptorAccessCommentsAndMessagesAlone() {
    for (String good : List.of("long t = FooterLayout.DISK_TYPE.u32(b);", "b.getLong(offset)",
        "int e = DynamicHeaderLayout.locatorOffset(i);", "regions.get(0)", "ByteBuffer.allocate(4).putInt(0, entry)",
        "\"a multiple of 512\" + x",
        "// offset 85 is the hidden byte: b.get(85)", "* {@code b.getLong(16)}", "long x = 2 * n;",
        "p.warning(code, \"reserved bytes 86-511 + 2 * x\", null);")) {
      assertTrue(bareOffsets(List.of(good)).isEmpty(), good);
    }
  }

  @Test
  void shouldExemptTheDescriptors() {
    assertTrue(exempt(Path.of("io/github/vhd4j/internal/vhd/layout/FooterLayout.java")));
    assertFalse(exempt(Path.of("io/github/vhd4j/internal/vhd/LayerParser.java")));
    assertFalse(exempt(Path.of("io/github/vhd4j/internal/ReadEngine.java")));
    Matcher m = BARE.get(0).matcher("FooterLayout.CHECKSUM.putU32(b, sum)");
    assertFalse(m.find());
  }
}
