package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.testing.TestImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
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
}
