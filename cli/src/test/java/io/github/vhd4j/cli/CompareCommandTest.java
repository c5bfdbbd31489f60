package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.cli.testing.JsonTree;
import io.github.vhd4j.testing.TestImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vhd compare}: identical, different, size differences, strict mode, formats. */
class CompareCommandTest {
  private static final long MIB = Images.MIB;

  @TempDir
  Path dir;

  @Test
  void shouldFindVhdAndItsRawContentIdentical() throws Exception {
    TestImage t = Images.smallDynamic();
    Path vhd = t.writeTo(dir.resolve("d.vhd"));
    Path raw = Files.write(dir.resolve("d.raw"), t.expectedContent());

    Cli.Result r = Cli.run("compare", vhd.toString(), raw.toString());

    assertEquals(0, r.code(), r.err());
    assertEquals(List.of("Images are identical."), r.outLines());
    assertEquals("", r.err());
  }

  @Test
  void shouldReportFirstDifferingByte() throws Exception {
    TestImage t = Images.smallDynamic();
    Path vhd = t.writeTo(dir.resolve("d.vhd"));
    byte[] content = t.expectedContent();
    content[(int) (4 * MIB) + 1000] ^= 1;
    content[(int) (7 * MIB)] = 9;
    Path raw = Files.write(dir.resolve("d.raw"), content);

    Cli.Result r = Cli.run("compare", vhd.toString(), raw.toString());

    assertEquals(1, r.code(), r.err());
    assertEquals(List.of("Content mismatch at offset " + (4 * MIB + 1000) + "!"), r.outLines());
  }

  @Test
  void shouldFindNonZeroDataInRangeUnallocatedOnOtherSide() throws Exception {
    // Same content except block 3: zeros (unallocated) in A, one byte set in B.
    TestImage a = Images.smallDynamic();
    TestImage b = Images.smallDynamic();
    b.fill(6 * MIB + 4097, 1, 0x7f);
    Path pa = a.writeTo(dir.resolve("a.vhd"));
    Path pb = b.writeTo(dir.resolve("b.vhd"));

    Cli.Result r = Cli.run("compare", pa.toString(), pb.toString());

    assertEquals(1, r.code(), r.err());
    assertEquals(List.of("Content mismatch at offset " + (6 * MIB + 4097) + "!"), r.outLines());
  }

  @Test
  void shouldTreatAllocatedZerosAsEqualToUnallocated() throws Exception {
    TestImage a = Images.smallDynamic();
    TestImage b = Images.smallDynamic();
    b.fill(2 * MIB, (int) (2 * MIB), 0); // block 1 allocated, all zeros
    Path pa = a.writeTo(dir.resolve("a.vhd"));
    Path pb = b.writeTo(dir.resolve("b.vhd"));

    Cli.Result r = Cli.run("compare", "-p", pa.toString(), pb.toString());

    assertEquals(0, r.code(), r.err());
    assertEquals(List.of("Images are identical."), r.outLines());
    assertTrue(r.err().contains("100%") && r.err().endsWith("\n"), r.err());
  }

  @Test
  void shouldAcceptLargerImageWithZeroTailUnlessStrict() throws Exception {
    TestImage small = TestImage.dynamic(4 * MIB, 2 * MIB).random(0, 4096, 1);
    TestImage large = TestImage.dynamic(8 * MIB, 2 * MIB).random(0, 4096, 1);
    large.fill(6 * MIB, 512, 0); // allocated zeros in the tail still count as zeros
    Path ps = small.writeTo(dir.resolve("s.vhd"));
    Path pl = large.writeTo(dir.resolve("l.vhd"));

    Cli.Result lax = Cli.run("compare", ps.toString(), pl.toString());
    Cli.Result strict = Cli.run("compare", "--strict", ps.toString(), pl.toString());
    Cli.Result strictShort = Cli.run("compare", "-s", pl.toString(), ps.toString());

    assertEquals(0, lax.code(), lax.err());
    assertEquals(List.of("Warning: Image size mismatch!", "Images are identical."), lax.outLines());
    assertEquals(1, strict.code(), strict.err());
    assertEquals(List.of("Strict mode: Image size mismatch!"), strict.outLines());
    assertEquals(1, strictShort.code(), strictShort.err());
  }

  @Test
  void shouldReportNonZeroTailOfLargerImage() throws Exception {
    byte[] a = new byte[(int) MIB];
    byte[] b = Arrays.copyOf(a, (int) (2 * MIB));
    b[(int) MIB + 12345] = 1;
    Path pa = Files.write(dir.resolve("a.raw"), a);
    Path pb = Files.write(dir.resolve("b.raw"), b);

    Cli.Result r = Cli.run("compare", pb.toString(), pa.toString());

    assertEquals(1, r.code(), r.err());
    assertEquals(List.of("Warning: Image size mismatch!", "Content mismatch at offset " + (MIB + 12345) + "!"),
        r.outLines());
  }

  @Test
  void shouldCompareDifferencingChainWithFlatImage() throws Exception {
    Images.Chain c = Images.chain(dir);
    Path raw = Files.write(dir.resolve("flat.raw"), c.content());

    Cli.Result same = Cli.run("compare", c.childPath().toString(), raw.toString());
    Cli.Result parentVsChild = Cli.run("compare", c.basePath().toString(), c.childPath().toString());

    assertEquals(0, same.code(), same.err());
    assertEquals(1, parentVsChild.code(), parentVsChild.err());
    // The child's first own sector is at 1024; the parent holds 0x11 there.
    assertEquals(List.of("Content mismatch at offset 1024!"), parentVsChild.outLines());
  }

  @Test
  void shouldHonourForcedFormats() throws Exception {
    TestImage t = TestImage.fixed(MIB).random(0, 4096, 6);
    Path vhd = t.writeTo(dir.resolve("f.vhd"));
    Path whole = Files.write(dir.resolve("whole.raw"), t.toBytes());

    Cli.Result asRaw = Cli.run("compare", "-f", "raw", "-F", "raw", vhd.toString(), whole.toString());
    Cli.Result detected = Cli.run("compare", vhd.toString(), whole.toString());
    Cli.Result forcedVhd = Cli.run("compare", "-F", "vhd", vhd.toString(), dir.resolve("f.vhd").toString());

    assertEquals(0, asRaw.code(), asRaw.err());
    // Detected, whole.raw is itself a VHD (the same bytes): identical content too.
    assertEquals(0, detected.code(), detected.err());
    assertEquals(0, forcedVhd.code(), forcedVhd.err());
    Cli.Result mixed = Cli.run("compare", "-F", "raw", vhd.toString(), whole.toString());
    assertEquals(1, mixed.code(), mixed.err());
    assertEquals(List.of("Warning: Image size mismatch!", "Content mismatch at offset " + MIB + "!"),
        mixed.outLines());
  }

  @Test
  void shouldExitTwoWhenAnImageIsMissingOrInvalid() throws Exception {
    Path a = Images.smallDynamic().writeTo(dir.resolve("a.vhd"));
    Path missing = dir.resolve("missing.raw");
    TestImage bad = TestImage.fixed(MIB);
    bad.footerChecksum = 1L;
    Path pb = bad.writeTo(dir.resolve("bad.vhd"));

    Cli.Result r = Cli.run("compare", a.toString(), missing.toString());
    Cli.Result r2 = Cli.run("compare", a.toString(), pb.toString());

    assertEquals(2, r.code());
    assertEquals("", r.out());
    assertEquals(List.of("vhd: " + missing + ": no such file"), r.errLines());
    assertEquals(2, r2.code());
    assertEquals(1, r2.errLines().size(), r2.err());
    assertTrue(r2.err().startsWith("vhd: " + pb + ": footer.checksum"), r2.err());
  }

  @Test
  void shouldPrintVerdictAsJsonWithTheSameExitCodes() throws Exception {
    TestImage t = Images.smallDynamic();
    Path vhd = t.writeTo(dir.resolve("d.vhd"));
    byte[] content = t.expectedContent();
    Path same = Files.write(dir.resolve("same.raw"), content);
    content[(int) (4 * MIB) + 1000] ^= 1;
    Path changed = Files.write(dir.resolve("changed.raw"), content);

    Cli.Result identical = Cli.run("compare", "--json", vhd.toString(), same.toString());
    Cli.Result differs = Cli.run("compare", "--json", vhd.toString(), changed.toString());

    assertEquals(0, identical.code(), identical.err());
    assertEquals("", identical.err());
    Map<String, Object> j = JsonTree.object(identical.out());
    assertEquals(List.of("filename-a", "filename-b", "format-a", "format-b", "size-a", "size-b", "strict",
        "identical", "first-difference"), List.copyOf(j.keySet()));
    assertEquals(vhd.toString(), j.get("filename-a"));
    assertEquals(same.toString(), j.get("filename-b"));
    assertEquals("vhd", j.get("format-a"));
    assertEquals("raw", j.get("format-b"));
    assertEquals(8 * MIB, j.get("size-a"));
    assertEquals(8 * MIB, j.get("size-b"));
    assertEquals(Boolean.FALSE, j.get("strict"));
    assertEquals(Boolean.TRUE, j.get("identical"));
    assertEquals(JsonTree.NULL, j.get("first-difference"));
    assertTrue(identical.out().startsWith("{\n    \"filename-a\": "), identical.out());
    assertEquals(1, differs.code(), differs.err());
    Map<String, Object> d = JsonTree.object(differs.out());
    assertEquals(Boolean.FALSE, d.get("identical"));
    assertEquals(4 * MIB + 1000, d.get("first-difference"));
  }

  @Test
  void shouldReportSizesInJsonWithAndWithoutStrict() throws Exception {
    byte[] a = new byte[(int) MIB];
    byte[] b = Arrays.copyOf(a, (int) (2 * MIB));
    Path pa = Files.write(dir.resolve("a.raw"), a);
    Path zeroTail = Files.write(dir.resolve("b.raw"), b);
    b[(int) MIB + 12345] = 1;
    Path dataTail = Files.write(dir.resolve("c.raw"), b);

    Cli.Result lax = Cli.run("compare", "--json", pa.toString(), zeroTail.toString());
    Cli.Result strict = Cli.run("compare", "--json", "--strict", pa.toString(), zeroTail.toString());
    Cli.Result tail = Cli.run("compare", "--json", "-f", "raw", "-F", "raw", dataTail.toString(), pa.toString());

    assertEquals(0, lax.code(), lax.err());
    Map<String, Object> l = JsonTree.object(lax.out());
    assertEquals(MIB, l.get("size-a"));
    assertEquals(2 * MIB, l.get("size-b"));
    assertEquals(Boolean.TRUE, l.get("identical"));
    // The text's "Warning: Image size mismatch!" is not printed: the sizes say it.
    assertFalse(lax.out().contains("Warning"), lax.out());
    assertEquals(1, strict.code(), strict.err());
    Map<String, Object> s = JsonTree.object(strict.out());
    assertEquals(Boolean.TRUE, s.get("strict"));
    assertEquals(Boolean.FALSE, s.get("identical"));
    assertEquals(JsonTree.NULL, s.get("first-difference"), "the content is not compared");
    assertEquals(1, tail.code(), tail.err());
    assertEquals(MIB + 12345, JsonTree.object(tail.out()).get("first-difference"));
  }

  @Test
  void shouldKeepProgressBarOffStandardOutputWithJson() throws Exception {
    TestImage t = Images.smallDynamic();
    Path pa = t.writeTo(dir.resolve("a.vhd"));
    Path pb = t.writeTo(dir.resolve("b.vhd"));

    Cli.Result r = Cli.run("compare", "-p", "--json", pa.toString(), pb.toString());

    assertEquals(0, r.code(), r.err());
    assertEquals(Boolean.TRUE, JsonTree.object(r.out()).get("identical"));
    assertTrue(r.err().startsWith("\r[") && r.err().contains("] 100%"), r.err());
  }

  @Test
  void shouldPrintNothingOnStandardOutputWhenJsonFails() throws Exception {
    Path a = Images.smallDynamic().writeTo(dir.resolve("a.vhd"));
    Path missing = dir.resolve("missing.vhd");

    Cli.Result r = Cli.run("compare", "--json", a.toString(), missing.toString());

    assertEquals(2, r.code());
    assertEquals("", r.out());
    assertEquals(List.of("vhd: " + missing + ": no such file"), r.errLines());
  }

  @Test
  void shouldNotWarnAboutSizeWhenTheSharedRangeDiffers() throws Exception {
    byte[] a = new byte[(int) MIB];
    byte[] b = new byte[(int) (2 * MIB)];
    b[100] = 1;
    Path pa = Files.write(dir.resolve("a.raw"), a);
    Path pb = Files.write(dir.resolve("b.raw"), b);

    Cli.Result r = Cli.run("compare", pa.toString(), pb.toString());

    // As qemu-img: the size warning comes only once the shared range compared equal.
    assertEquals(1, r.code(), r.err());
    assertEquals(List.of("Content mismatch at offset 100!"), r.outLines());
  }
}
