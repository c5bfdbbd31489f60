package io.github.vhd4j.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.CheckOptions;
import io.github.vhd4j.CreateOptions;
import io.github.vhd4j.Problem;
import io.github.vhd4j.ProblemCode;
import io.github.vhd4j.SizeMode;
import io.github.vhd4j.Vhd;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CheckOptions#withAzure}: Azure's upload rules (pitfalls §5 H-89, §2.3). */
class AzureCheckTest {
  private static final CheckOptions AZURE = CheckOptions.defaults().withAzure(true);
  @TempDir Path dir;

  private static List<Problem> azure(Path p) throws IOException {
    return Vhd.check(p, AZURE).problems().stream().filter(x -> x.code() == ProblemCode.AZURE_INCOMPATIBLE).toList();
  }

  @Test
  void shouldAcceptAnAzureDisk() throws IOException {
    Path p = dir.resolve("ok.vhd");
    Vhd.create(p, CreateOptions.azure(20L << 20)).close();
    assertEquals(List.of(), azure(p));
    assertEquals(List.of(), Vhd.check(p).problems().stream()
        .filter(x -> x.code() == ProblemCode.AZURE_INCOMPATIBLE).toList(), "only when asked");
  }

  @Test
  void shouldRefuseQemuImgsDefaultSizeAndSuggestAnExactOne() throws IOException {
    // qemu-img create -f vpc -o subformat=fixed x.vhd 64M: 67,125,248 bytes, not whole MiB.
    Path p = dir.resolve("qemu-64m.vhd");
    Vhd.create(p, CreateOptions.fixed(64L << 20)).close();
    List<Problem> found = azure(p);
    assertEquals(1, found.size(), found.toString());
    assertTrue(found.get(0).message().contains("whole number of MiB"), found.get(0).message());
    assertTrue(found.get(0).message().contains("force_size"), found.get(0).message());
  }

  @Test
  void shouldRefuseDynamicAndSmallDisks() throws IOException {
    Path d = dir.resolve("dyn.vhd");
    Vhd.create(d, CreateOptions.dynamic(30L << 20).withSizeMode(SizeMode.EXACT)).close();
    List<Problem> dyn = azure(d);
    assertEquals(List.of("diskType"), dyn.stream().map(Problem::field).toList());
    Path small = dir.resolve("small.vhd");
    Vhd.create(small, CreateOptions.fixed(1L << 20).withSizeMode(SizeMode.EXACT)).close();
    List<Problem> tooSmall = azure(small);
    assertEquals(1, tooSmall.size(), tooSmall.toString());
    assertTrue(tooSmall.get(0).message().contains("20 MiB"), tooSmall.get(0).message());
  }
}
