package io.github.vhd4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vhd4j.cli.testing.JsonTree;
import io.github.vhd4j.testing.TestImage;
import io.github.vhd4j.testing.VhdxChainModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vhd checksum}: sha256sum's lines, the manifest, JSON Lines, and one image's failure leaving the others. */
class ChecksumCommandTest {
  @TempDir
  Path dir;

  private static String hex(String algorithm, byte[] content, int from, int to) throws Exception {
    MessageDigest md = MessageDigest.getInstance(algorithm);
    md.update(content, from, to - from);
    return HexFormat.of().formatHex(md.digest());
  }

  /**
   * A 72 MiB dynamic VHD cut inside its last block's data: {@code --lenient} opens it (the footer
   * copy at 0 describes the disk), and mapping or reading past 64 MiB (the second window of the
   * allocation map) fails, after the first 64 MiB were hashed.
   */
  static Path cutPast64MiB(Path p) throws IOException {
    TestImage t = TestImage.dynamic(72 * Images.MIB, 2 * Images.MIB).fill(0, 512, 1).fill(70 * Images.MIB, 512, 2);
    t.writeTo(p);
    byte[] whole = Files.readAllBytes(p);
    Files.write(p, Arrays.copyOf(whole, whole.length - 512 - 4096));
    return p;
  }

  @Test
  void shouldPrintSha256sumsLineForEachImage() throws Exception {
    TestImage t = Images.smallDynamic();
    Path vhd = t.writeTo(dir.resolve("d.vhd"));
    Images.Chain chain = Images.chain(dir);
    VhdxChainModel base = VhdxChainModel.base(8 * Images.MIB, Images.MIB, 512, 0).full(0).full(5);
    Path vhdx = base.write(dir.resolve("d.vhdx"));

    Cli.Result r = Cli.run("checksum", vhd.toString(), chain.childPath().toString(), vhdx.toString());

    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err());
    byte[] c = t.expectedContent();
    assertEquals(List.of(hex("SHA-256", c, 0, c.length) + "  " + vhd,
        hex("SHA-256", chain.content(), 0, chain.content().length) + "  " + chain.childPath(),
        hex("SHA-256", base.content(), 0, base.content().length) + "  " + vhdx), r.outLines());
  }

  @Test
  void shouldHashWithTheChosenAlgorithm() throws Exception {
    TestImage t = Images.smallDynamic();
    Path vhd = t.writeTo(dir.resolve("d.vhd"));
    byte[] c = t.expectedContent();

    assertEquals(List.of(hex("SHA-512", c, 0, c.length) + "  " + vhd),
        Cli.run("checksum", "-a", "sha512", vhd.toString()).outLines());
    assertEquals(List.of(hex("MD5", c, 0, c.length) + "  " + vhd),
        Cli.run("checksum", "--algorithm", "MD5", vhd.toString()).outLines());
  }

  /** Block lines first, each recomputing from its range, then the image's line. */
  @Test
  void shouldPrintTheManifestBeforeTheImagesLine() throws Exception {
    TestImage t = Images.smallDynamic();
    Path vhd = t.writeTo(dir.resolve("d.vhd"));
    byte[] c = t.expectedContent();

    Cli.Result r = Cli.run("checksum", "--block-size", "3M", vhd.toString());

    assertEquals(0, r.code(), r.err());
    int m = 3 << 20;
    assertEquals(List.of("0 " + m + " " + hex("SHA-256", c, 0, m),
        m + " " + m + " " + hex("SHA-256", c, m, 2 * m),
        2 * m + " " + (c.length - 2 * m) + " " + hex("SHA-256", c, 2 * m, c.length),
        hex("SHA-256", c, 0, c.length) + "  " + vhd), r.outLines());
  }

  @Test
  void shouldPrintOneJsonObjectPerLine() throws Exception {
    TestImage t = Images.smallDynamic();
    Path vhd = t.writeTo(dir.resolve("d.vhd"));
    byte[] c = t.expectedContent();

    Cli.Result r = Cli.run("checksum", "--json", "--block-size", "2M", vhd.toString(), vhd.toString());

    assertEquals(0, r.code(), r.err());
    assertEquals(2, r.outLines().size());
    Map<String, Object> o = JsonTree.object(r.outLines().get(1));
    assertEquals(vhd.toString(), o.get("filename"));
    assertEquals("vhd", o.get("format"));
    assertEquals("sha256", o.get("algorithm"));
    assertEquals((long) c.length, ((Number) o.get("virtual-size")).longValue());
    assertEquals(2L << 20, ((Number) o.get("block-size")).longValue());
    assertEquals(hex("SHA-256", c, 0, c.length), o.get("digest"));
    List<Object> blocks = JsonTree.array(o.get("blocks"));
    assertEquals(4, blocks.size());
    // smallDynamic stores blocks 0 and 2 only.
    List<Boolean> data = blocks.stream().map(b -> (Boolean) JsonTree.object(b).get("data")).toList();
    assertEquals(List.of(true, false, true, false), data);
    Map<String, Object> third = JsonTree.object(blocks.get(2));
    assertEquals(4L << 20, ((Number) third.get("offset")).longValue());
    assertEquals(hex("SHA-256", c, 4 << 20, 6 << 20), third.get("digest"));
  }

  /** A missing file and a raw file fail with their own lines; the image between them is still hashed. */
  @Test
  void shouldGoOnAfterAnImageFails() throws Exception {
    TestImage t = Images.smallDynamic();
    Path vhd = t.writeTo(dir.resolve("d.vhd"));
    Path missing = dir.resolve("missing.vhd");
    Path raw = Files.write(dir.resolve("r.raw"), new byte[4096]);
    byte[] c = t.expectedContent();

    Cli.Result r = Cli.run("checksum", missing.toString(), vhd.toString(), raw.toString());

    assertEquals(2, r.code());
    assertEquals(List.of(hex("SHA-256", c, 0, c.length) + "  " + vhd), r.outLines());
    List<String> err = r.errLines();
    assertEquals(2, err.size(), r.err());
    assertEquals("vhd: " + missing + ": no such file", err.get(0));
    assertTrue(err.get(1).startsWith("vhd: " + raw + ": "), err.get(1));
  }

  /** The failed image's object is closed with its error, the progress line ended before the error line. */
  @Test
  void shouldEndTheObjectOfAnImageThatFailsPartWay() throws Exception {
    Path cut = cutPast64MiB(dir.resolve("cut.vhd"));
    Path good = Images.smallDynamic().writeTo(dir.resolve("good.vhd"));

    Cli.Result r = Cli.run("checksum", "--json", "-p", "--lenient", "--block-size", "1M", cut.toString(),
        good.toString());

    assertEquals(2, r.code());
    assertEquals(2, r.outLines().size(), r.out());
    Map<String, Object> failed = JsonTree.object(r.outLines().get(0));
    assertFalse(failed.containsKey("digest"));
    assertTrue(String.valueOf(failed.get("error")).contains("bat.entry[35]"), failed.toString());
    assertEquals(64, JsonTree.array(failed.get("blocks")).size(), "the first 64 MiB were hashed");
    assertTrue(JsonTree.object(r.outLines().get(1)).containsKey("digest"));
    assertTrue(Pattern.compile("\nvhd: " + Pattern.quote(cut.toString()) + ": bat\\.entry\\[35\\]").matcher(r.err())
        .find(), r.err());
  }

  @Test
  void shouldRefuseBadOptions() {
    Cli.Result size = Cli.run("checksum", "--block-size", "1000", "x.vhd");
    assertEquals(2, size.code());
    assertTrue(size.err().contains("block size 1000 is not a positive multiple of 512"), size.err());
    Cli.Result zero = Cli.run("checksum", "--block-size", "0", "x.vhd");
    assertEquals(2, zero.code());
    Cli.Result algorithm = Cli.run("checksum", "-a", "crc32", "x.vhd");
    assertEquals(2, algorithm.code());
    assertTrue(algorithm.err().contains("expected one of sha256, sha512, md5 but was 'crc32'"), algorithm.err());
    Cli.Result none = Cli.run("checksum");
    assertEquals(2, none.code());
    assertEquals("", none.out());
  }

  @Test
  void shouldEscapeNamesAsSha256sumDoes() {
    assertEquals("ab  plain.vhd", ChecksumCommand.line("ab", "plain.vhd"));
    assertEquals("\\ab  a\\nb\\\\c.vhd", ChecksumCommand.line("ab", "a\nb\\c.vhd"));
  }
}
