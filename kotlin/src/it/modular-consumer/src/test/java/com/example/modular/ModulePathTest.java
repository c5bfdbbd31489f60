package com.example.modular;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.Vhd;
import io.github.vhd4j.mmap.MappedStorage;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public API used from a named module, with vhd4j's modules resolved from the module path. */
class ModulePathTest {
  @TempDir
  Path dir;

  @Test
  void runsAsNamedModules() {
    // Proof that this is the module path: on the class path all three would be unnamed.
    assertEquals("com.example.modular", getClass().getModule().getName());
    assertEquals("io.github.vhd4j", Vhd.class.getModule().getName());
    assertEquals("io.github.vhd4j.mmap", MappedStorage.class.getModule().getName());
  }

  @Test
  void createsWritesAndReadsBack() throws IOException {
    byte[] payload = new byte[10_000];
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) (i * 7 + 1);
    }
    RoundTrip.Result result = RoundTrip.run(dir, payload);

    byte[] expected = new byte[(int) RoundTrip.SIZE];
    System.arraycopy(payload, 0, expected, (int) RoundTrip.AT, payload.length);
    assertArrayEquals(expected, result.content());
    // The mmap module was bound as the provider of core's storage service: no fallback warning.
    assertTrue(result.warnings().stream().noneMatch(p -> p.code() == ProblemCode.STORAGE_FALLBACK),
        () -> "warnings: " + result.warnings());
    // mmap requires jdk.unsupported, so mappings are released at close on JDK 17 to 21 too.
    assertTrue(MappedStorage.isUnmapSupported());
  }

  @Test
  void coreDeclaresItsExportsAndService() {
    ModuleDescriptor core = Vhd.class.getModule().getDescriptor();
    for (ModuleDescriptor.Exports e : core.exports()) {
      if (e.isQualified()) {
        assertEquals("io.github.vhd4j.internal.storage", e.source());
        assertEquals(Set.of("io.github.vhd4j.mmap"), e.targets());
      } else {
        assertFalse(e.source().contains(".internal"), e.source() + " is exported to everyone");
      }
    }
    assertTrue(core.uses().contains("io.github.vhd4j.internal.storage.StorageProvider"));
    ModuleDescriptor mmap = MappedStorage.class.getModule().getDescriptor();
    assertTrue(mmap.provides().stream()
        .anyMatch(p -> p.service().equals("io.github.vhd4j.internal.storage.StorageProvider")));
  }
}
