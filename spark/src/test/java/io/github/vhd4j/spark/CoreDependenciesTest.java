package io.github.vhd4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * vhd4j-core stays dependency-free: neither Spark nor Hadoop (nor anything else) may reach its
 * run-time dependencies or its module descriptor, whatever these modules need.
 */
class CoreDependenciesTest {
  private static final Path CORE = Path.of("..", "core");

  @Test
  void coresPomShouldDeclareNoRuntimeDependencyButJSpecify() throws Exception {
    var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(CORE.resolve("pom.xml").toFile());
    NodeList deps = doc.getElementsByTagName("dependency");
    List<String> runtime = new ArrayList<>();
    for (int i = 0; i < deps.getLength(); i++) {
      Element d = (Element) deps.item(i);
      String scope = text(d, "scope");
      if (scope.equals("test") || scope.equals("provided")) {
        continue;
      }
      runtime.add(text(d, "groupId") + ":" + text(d, "artifactId"));
    }
    assertEquals(List.of("org.jspecify:jspecify"), runtime, "core's compile/runtime dependencies");
    assertTrue(deps.getLength() > 0, "the pom was read");
  }

  @Test
  void coresModuleShouldRequireNothingButJSpecify() throws Exception {
    String info = Files.readString(CORE.resolve("src/main/java/module-info.java"));
    Matcher m = Pattern.compile("(?m)^\\s*requires\\s+([^;]+);").matcher(info);
    List<String> requires = new ArrayList<>();
    while (m.find()) {
      requires.add(m.group(1).trim());
    }
    assertEquals(List.of("static transitive org.jspecify"), requires);
  }

  private static String text(Element e, String tag) {
    NodeList n = e.getElementsByTagName(tag);
    return n.getLength() == 0 ? "" : n.item(0).getTextContent().trim();
  }
}
