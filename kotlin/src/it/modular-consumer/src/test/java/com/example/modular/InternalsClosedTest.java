package com.example.modular;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.Vhd;
import io.github.vhd4j.mmap.MappedStorage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.invoke.MethodHandles;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Core's internal packages, seen from a user's module: not exported, not reachable by reflection,
 * and refused by the compiler. The classes are found by listing core's jar, so the test follows
 * whatever the internals are called.
 */
class InternalsClosedTest {
  private static final Module CORE = Vhd.class.getModule();
  private static final String INTERNAL = "io.github.vhd4j.internal";
  private static final String STORAGE = "io.github.vhd4j.internal.storage";

  @TempDir
  Path dir;

  @Test
  void internalPackagesAreNotExportedHere() {
    Module me = getClass().getModule();
    assertTrue(CORE.getPackages().contains(INTERNAL), () -> "packages: " + CORE.getPackages());
    assertTrue(CORE.isExported("io.github.vhd4j", me));
    for (String p : CORE.getPackages()) {
      if (p.startsWith(INTERNAL)) {
        assertFalse(CORE.isExported(p, me), p + " is exported to " + me);
        assertFalse(CORE.isOpen(p, me), p + " is open to " + me);
      }
    }
    // The storage SPI is exported to the memory-mapping module, and to it alone.
    assertTrue(CORE.isExported(STORAGE, MappedStorage.class.getModule()));
    assertFalse(CORE.isExported(STORAGE));
  }

  @Test
  void reflectionCannotReachInternals() throws Exception {
    List<Class<?>> classes = publicInternalClasses();
    assertTrue(classes.stream().anyMatch(c -> c.getPackageName().equals(INTERNAL)), classes::toString);
    assertTrue(classes.stream().anyMatch(c -> c.getPackageName().equals(STORAGE)), classes::toString);
    int invoked = 0;
    for (Class<?> c : classes) {
      assertThrows(IllegalAccessException.class, () -> MethodHandles.lookup().accessClass(c), c::getName);
      for (Method m : c.getDeclaredMethods()) {
        if (Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers())) {
          // The access check comes before the arguments are looked at.
          assertThrows(IllegalAccessException.class, () -> m.invoke(null, new Object[m.getParameterCount()]),
              m::toString);
          assertFalse(m.trySetAccessible(), m::toString);
          invoked++;
        }
      }
      for (Constructor<?> k : c.getConstructors()) {
        assertThrows(IllegalAccessException.class, () -> k.newInstance(new Object[k.getParameterCount()]),
            k::toString);
        assertFalse(k.trySetAccessible(), k::toString);
        invoked++;
      }
    }
    assertTrue(invoked > 0, "no public static method or constructor found in " + classes);
  }

  @Test
  void compilerRefusesInternals() throws Exception {
    Class<?> internal = first(INTERNAL);
    Class<?> storage = first(STORAGE);

    String used = compile("api", "io.github.vhd4j.Vhd a;");
    assertEquals("", used, "the public API compiles");

    String refused = compile("internal",
        internal.getName() + " a;\n  " + storage.getName() + " b;");
    assertTrue(refused.contains("package " + INTERNAL + " is not visible"), refused);
    assertTrue(refused.contains("package " + STORAGE + " is not visible"), refused);
    assertTrue(refused.contains("does not export it"), refused);
  }

  /**
   * Compiles a module {@code probe} that requires core, with one class holding the given fields.
   *
   * @return javac's output when it failed, or "" when it succeeded
   */
  private String compile(String name, String fields) throws IOException {
    Path src = Files.createDirectories(dir.resolve(name).resolve("probe"));
    Path info = Files.writeString(src.resolve("module-info.java"), "module probe { requires io.github.vhd4j; }\n");
    Path probe = Files.writeString(src.resolve("Probe.java"),
        "package probe;\n\npublic class Probe {\n  " + fields + "\n}\n");
    ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow();
    StringWriter out = new StringWriter();
    PrintWriter w = new PrintWriter(out);
    // The module path this test runs with: core, mmap and JSpecify, whose annotations core's
    // signatures carry (core requires it static and transitive).
    String modulePath = System.getProperty("jdk.module.path");
    assertTrue(modulePath != null && modulePath.contains("vhd4j-core"), () -> "module path: " + modulePath);
    int status = javac.run(w, w, "--module-path", modulePath, "-d", dir.resolve(name + "-out").toString(),
        info.toString(), probe.toString());
    w.flush();
    if (status == 0) {
      return "";
    }
    assertNotEquals("", out.toString());
    return out.toString();
  }

  private static ModuleReference reference() {
    return CORE.getLayer().configuration().findModule(CORE.getName()).orElseThrow().reference();
  }

  private static Class<?> first(String pkg) throws IOException, ClassNotFoundException {
    return publicInternalClasses().stream().filter(c -> c.getPackageName().equals(pkg)).findFirst().orElseThrow();
  }

  /** Every public class of core's packages that are not exported to everyone. */
  private static List<Class<?>> publicInternalClasses() throws IOException, ClassNotFoundException {
    List<String> names;
    try (ModuleReader reader = reference().open(); Stream<String> entries = reader.list()) {
      names = entries.filter(e -> e.endsWith(".class") && !e.endsWith("module-info.class"))
          .map(e -> e.substring(0, e.length() - ".class".length()).replace('/', '.'))
          .filter(n -> !CORE.isExported(n.substring(0, n.lastIndexOf('.'))))
          .sorted()
          .collect(Collectors.toList());
    }
    List<Class<?>> out = new ArrayList<>();
    for (String n : names) {
      Class<?> c = Class.forName(n, false, CORE.getClassLoader());
      if (Modifier.isPublic(c.getModifiers()) && c.getEnclosingClass() == null) {
        out.add(c);
      }
    }
    return out;
  }
}
