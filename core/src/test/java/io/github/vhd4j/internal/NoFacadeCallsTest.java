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
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public facade delegates one way into the internals: no source under
 * {@code io.github.vhd4j.internal} may name the facade class {@code Vhd}, so that the two packages
 * never form a cycle again. Other public types ({@code VhdImage}, {@code VhdException}, options and
 * records) are the API's vocabulary and stay allowed.
 */
class NoFacadeCallsTest {
  /** {@code Vhd.} as a whole name (not the end of {@code MyVhd.}), or its import. */
  static final Pattern FACADE = Pattern.compile("(?<![\\w$])Vhd\\.|import\\s+(static\\s+)?io\\.github\\.vhd4j\\.Vhd\\s*;");

  @Test
  void shouldMatchTheFacadeOnly() {
    assertTrue(FACADE.matcher("long s = Vhd.SECTOR_SIZE;").find());
    assertTrue(FACADE.matcher("io.github.vhd4j.Vhd.open(path)").find());
    assertTrue(FACADE.matcher("import io.github.vhd4j.Vhd;").find());
    assertTrue(FACADE.matcher("import static io.github.vhd4j.Vhd.open;").find());
    assertFalse(FACADE.matcher("VhdImage image = VhdImage.class.cast(x);").find());
    assertFalse(FACADE.matcher("throw new VhdException(m, r, null); VhdFormatException.class").find());
    assertFalse(FACADE.matcher("import io.github.vhd4j.VhdImage;").find());
    assertFalse(FACADE.matcher("MyVhd.open(); ToVhd.x").find());
  }

  @Test
  void shouldNeverNameTheFacadeFromTheInternals() throws IOException {
    Path internal = DocSamples.projectFile("core/src/main/java/io/github/vhd4j/internal/package-info.java")
        .getParent();
    List<String> offenders = new ArrayList<>();
    int scanned = 0;
    try (Stream<Path> files = Files.walk(internal)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java")).sorted()::iterator) {
        scanned++;
        if (FACADE.matcher(Files.readString(f)).find()) {
          offenders.add(internal.relativize(f).toString());
        }
      }
    }
    assertTrue(scanned > 50, "found only " + scanned + " sources under " + internal);
    assertEquals(List.of(), offenders, "internal sources that name the facade Vhd; call internal code instead"
        + " (ImageFiles, Limits, Sectors)");
  }
}
