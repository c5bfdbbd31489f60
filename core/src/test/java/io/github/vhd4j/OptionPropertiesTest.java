package io.github.vhd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The system properties that set the default storage: valid values are used; invalid ones are
 * ignored rather than making OpenOptions unusable. Each case runs in a fresh JVM, since the
 * defaults are read once.
 */
class OptionPropertiesTest {

  /** Prints the defaults; run in a child JVM. */
  public static void main(String[] args) {
    OpenOptions d = OpenOptions.defaults();
    System.out.print(d.storage() + " " + d.mapChunkSize());
  }

  private static String defaultsWith(String... properties) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.addAll(List.of(properties));
    cmd.add(OptionPropertiesTest.class.getName());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    assertEquals(0, p.waitFor(), out);
    return out;
  }

  @Test
  void shouldUseValidPropertiesAndIgnoreInvalidOnes() throws Exception {
    assertEquals("FILE_CHANNEL 1073741824", defaultsWith());
    assertEquals("MAPPED 4096", defaultsWith("-Dvhd4j.storage=mapped", "-Dvhd4j.mapChunkSize=4096"));
    assertEquals("FILE_CHANNEL 1073741824", defaultsWith("-Dvhd4j.storage=tape", "-Dvhd4j.mapChunkSize=3000"));
    assertEquals("MAPPED 1073741824", defaultsWith("-Dvhd4j.storage= Mapped ", "-Dvhd4j.mapChunkSize=lots"));
  }
}
