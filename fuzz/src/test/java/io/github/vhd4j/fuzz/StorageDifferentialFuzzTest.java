package io.github.vhd4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.vhd4j.OpenOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Entry point: every storage engine ({@link Engines#ALL}: FileChannel from a path, a caller's
 * FileChannel, heap and direct ByteBuffers, a non-FileChannel SeekableByteChannel with short
 * reads) on the same bytes. Each engine goes through the full {@link Battery}, and all must agree:
 * the same outcome (or the same exception type and problem, resource name aside) in strict and
 * lenient mode, the same size, metadata, warnings and map, the same check reports; equal maps plus
 * each engine's reads matching its map mean equal bytes.
 *
 * <p>The parent search must not differ by engine (a path has a directory to search, a buffer has
 * none), so every engine gets a resolver that finds nothing.
 */
class StorageDifferentialFuzzTest {

  @VhdFuzzTest
  void shouldAgreeAcrossStorageEngines(byte[] data) throws IOException {
    Path file = Scratch.dir("differential").resolve("image.vhd");
    Files.write(file, data);
    OpenOptions options = OpenOptions.defaults().withParentResolver(reference -> List.of());
    Battery.Result first = null;
    String firstName = null;
    for (Engines.Engine engine : Engines.ALL) {
      Battery.Result r = Battery.run(engine.source(file, data), List.of(data), options, Inputs.random(data));
      if (first == null) {
        first = r;
        firstName = engine.name();
      } else {
        assertEquals(first, r, engine.name() + " disagrees with " + firstName);
      }
    }
  }
}
